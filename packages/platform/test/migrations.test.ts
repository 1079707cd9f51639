import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { createPool, migrate, platformMigrations, type MigrationSource, type Pool } from '../src';
import { adminPool, DATABASE_URL, dropSchema, uniqueSchema } from './support';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('migrate()', () => {
  let admin: pg.Pool;
  const cleanups: (() => Promise<void> | void)[] = [];

  beforeAll(() => {
    admin = adminPool();
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  afterAll(async () => {
    await admin.end();
  });

  /** A fresh schema, a pool on it and a temp folder of service migrations, all removed after the test. */
  function fixture(files: Record<string, string>) {
    const schema = uniqueSchema();
    const dir = mkdtempSync(join(tmpdir(), 'loanflow-migrations-'));
    for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
    const pools: Pool[] = [];
    const pool = (): Pool => {
      const p = createPool({ connectionString: DATABASE_URL, schema, max: 2 });
      pools.push(p);
      return p;
    };
    cleanups.push(async () => {
      await Promise.all(pools.map((p) => p.end()));
      await dropSchema(admin, schema);
      rmSync(dir, { recursive: true, force: true });
    });
    const service: MigrationSource = { name: 'ledger', dir };
    return { schema, dir, service, pool };
  }

  const recorded = async (schema: string) =>
    (
      await admin.query<{ name: string; checksum: string }>(
        `SELECT name, checksum FROM ${schema}.schema_migrations ORDER BY name`,
      )
    ).rows;

  const tablesIn = async (schema: string) =>
    (
      await admin.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
        [schema],
      )
    ).rows.map((r) => r.table_name);

  // Each file appends its name to `applied_order`, so the table shows the order files ran in.
  // 2 before 10 proves numeric ordering: a text sort would run 10 first and fail on the missing column.
  const ledgerFiles = {
    '1_accounts.sql': `CREATE TABLE accounts (id int PRIMARY KEY, balance numeric(18,2) NOT NULL);
      CREATE TABLE applied_order (seq serial PRIMARY KEY, file text NOT NULL);
      INSERT INTO applied_order (file) VALUES ('1_accounts');`,
    '2_branch.sql': `ALTER TABLE accounts ADD COLUMN branch text NOT NULL DEFAULT 'HQ';
      INSERT INTO applied_order (file) VALUES ('2_branch');`,
    '10_seed.sql': `INSERT INTO accounts (id, balance, branch) VALUES (1, 100.00, 'SH01');
      INSERT INTO applied_order (file) VALUES ('10_seed');`,
    'README.md': 'not a migration',
    'notes.sql': 'SELECT this is not a numbered migration and must be ignored;',
  };

  it('applies the platform files, then the service files in numeric order, in the target schema, and records each', async () => {
    const { schema, service, pool } = fixture(ledgerFiles);

    const applied = await migrate(pool(), schema, [platformMigrations, service]);

    expect(applied).toBe(5);
    expect(await tablesIn(schema)).toEqual([
      'accounts',
      'applied_order',
      'dead_letters',
      'inbox',
      'outbox',
      'schema_migrations',
    ]);
    const order = await admin.query<{ file: string }>(
      `SELECT file FROM ${schema}.applied_order ORDER BY seq`,
    );
    expect(order.rows.map((r) => r.file)).toEqual(['1_accounts', '2_branch', '10_seed']);
    const platformSql = (file: string) => readFileSync(join(platformMigrations.dir, file), 'utf8');
    expect(await recorded(schema)).toEqual([
      { name: 'ledger/10_seed.sql', checksum: sha256(ledgerFiles['10_seed.sql']) },
      { name: 'ledger/1_accounts.sql', checksum: sha256(ledgerFiles['1_accounts.sql']) },
      { name: 'ledger/2_branch.sql', checksum: sha256(ledgerFiles['2_branch.sql']) },
      {
        name: 'platform/001_outbox_inbox.sql',
        checksum: sha256(platformSql('001_outbox_inbox.sql')),
      },
      {
        name: 'platform/002_dead_letters.sql',
        checksum: sha256(platformSql('002_dead_letters.sql')),
      },
    ]);
  });

  it('is idempotent: a second run applies nothing and changes nothing', async () => {
    const { schema, service, pool } = fixture(ledgerFiles);
    const p = pool();
    await migrate(p, schema, [platformMigrations, service]);
    const before = await recorded(schema);

    expect(await migrate(p, schema, [platformMigrations, service])).toBe(0);

    expect(await recorded(schema)).toEqual(before);
    const accounts = await admin.query(`SELECT id FROM ${schema}.accounts`);
    expect(accounts.rowCount).toBe(1);
  });

  it('refuses a file whose content changed after it was applied, naming the file', async () => {
    const { schema, dir, service, pool } = fixture(ledgerFiles);
    const p = pool();
    await migrate(p, schema, [platformMigrations, service]);

    writeFileSync(
      join(dir, '2_branch.sql'),
      `ALTER TABLE accounts ADD COLUMN branch text NOT NULL DEFAULT 'SH01';`,
    );

    await expect(migrate(p, schema, [platformMigrations, service])).rejects.toThrow(
      `migration ledger/2_branch.sql changed after it was applied to ${schema}`,
    );
    expect((await recorded(schema)).find((r) => r.name === 'ledger/2_branch.sql')?.checksum).toBe(
      sha256(ledgerFiles['2_branch.sql']),
    );
  });

  it('rolls back a failing migration entirely and does not record it', async () => {
    const { schema, dir, service, pool } = fixture({
      '1_accounts.sql': ledgerFiles['1_accounts.sql'],
      '2_fees.sql': `CREATE TABLE fees (id int PRIMARY KEY);
        INSERT INTO fees VALUES (1);
        ALTER TABLE accounts ADD COLUMN fee_id int REFERENCES fees (id);
        SELECT 1 / 0;`,
    });
    const p = pool();

    await expect(migrate(p, schema, [platformMigrations, service])).rejects.toThrow(
      /migration ledger\/2_fees\.sql failed on t_[0-9a-f]+: division by zero/,
    );

    // The earlier files stay applied; nothing of the failed file is left.
    expect((await recorded(schema)).map((r) => r.name)).toEqual([
      'ledger/1_accounts.sql',
      'platform/001_outbox_inbox.sql',
      'platform/002_dead_letters.sql',
    ]);
    expect(await tablesIn(schema)).not.toContain('fees');
    const columns = await admin.query(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'accounts'`,
      [schema],
    );
    expect(columns.rows.map((r) => r.column_name).sort()).toEqual(['balance', 'id']);

    // Not recorded, so the corrected file is applied on the next run.
    writeFileSync(join(dir, '2_fees.sql'), 'CREATE TABLE fees (id int PRIMARY KEY);');
    expect(await migrate(p, schema, [platformMigrations, service])).toBe(1);
    expect(await tablesIn(schema)).toContain('fees');
  });

  it('applies each file once when two replicas migrate the same schema at the same time', async () => {
    // Neither file may run twice: the CREATE TABLE would fail, the INSERT would double the row.
    const { schema, service, pool } = fixture({
      '1_counter.sql': `CREATE TABLE runs (file text NOT NULL);
        SELECT pg_sleep(0.3);
        INSERT INTO runs VALUES ('1_counter');`,
      '2_more.sql': `INSERT INTO runs VALUES ('2_more');`,
    });

    const results = await Promise.all([
      migrate(pool(), schema, [platformMigrations, service]),
      migrate(pool(), schema, [platformMigrations, service]),
    ]);

    expect([...results].sort()).toEqual([0, 4]);
    const runs = await admin.query<{ file: string }>(
      `SELECT file FROM ${schema}.runs ORDER BY file`,
    );
    expect(runs.rows.map((r) => r.file)).toEqual(['1_counter', '2_more']);
    expect(await recorded(schema)).toHaveLength(4);
  });
});
