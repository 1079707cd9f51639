import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from 'pg';
import { resolveEndpoints } from '../infra/endpoints';
import { uniqueId } from './util';

const { DATABASE_URL } = resolveEndpoints();

describe('smoke: PostgreSQL', () => {
  const schema = `smoke_${uniqueId()}`;
  const table = `"${schema}".loan_application`;
  // Two sessions: `writer` runs the transactions, `reader` proves what other sessions see.
  const writer = new Client({ connectionString: DATABASE_URL });
  const reader = new Client({ connectionString: DATABASE_URL });

  const refsSeenBy = async (client: Client): Promise<string[]> =>
    (await client.query<{ ref: string }>(`SELECT ref FROM ${table} ORDER BY ref`)).rows.map(
      (r) => r.ref,
    );

  beforeAll(async () => {
    await writer.connect();
    await reader.connect();
    await writer.query(`CREATE SCHEMA "${schema}"`);
    await writer.query(
      `CREATE TABLE ${table} (
         id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
         ref text NOT NULL UNIQUE,
         amount numeric(14, 2) NOT NULL CHECK (amount > 0)
       )`,
    );
  });

  afterAll(async () => {
    // A failed assertion may leave the writer inside a transaction.
    await writer.query('ROLLBACK').catch(() => undefined);
    await writer.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await Promise.all([writer.end(), reader.end()]);
  });

  it('ROLLBACK discards a row, COMMIT makes it visible to other sessions', async () => {
    const insert = `INSERT INTO ${table} (ref, amount) VALUES ($1, $2) RETURNING id`;

    await writer.query('BEGIN');
    const inserted = await writer.query<{ id: string }>(insert, ['rolled-back', '1000.00']);
    expect(inserted.rowCount).toBe(1);
    expect(await refsSeenBy(writer)).toEqual(['rolled-back']); // own uncommitted write
    expect(await refsSeenBy(reader)).toEqual([]); // invisible to others (READ COMMITTED)
    await writer.query('ROLLBACK');
    expect(await refsSeenBy(writer)).toEqual([]);

    await writer.query('BEGIN');
    await writer.query(insert, ['committed', '2500.50']);
    expect(await refsSeenBy(reader)).toEqual([]);
    await writer.query('COMMIT');

    const rows = await reader.query<{ ref: string; amount: string }>(
      `SELECT ref, amount FROM ${table}`,
    );
    expect(rows.rows).toEqual([{ ref: 'committed', amount: '2500.50' }]);
  });

  it('a failing statement aborts the transaction and nothing is kept', async () => {
    await writer.query('BEGIN');
    await writer.query(`INSERT INTO ${table} (ref, amount) VALUES ('half-done', 10)`);
    await expect(
      writer.query(`INSERT INTO ${table} (ref, amount) VALUES ('negative', -1)`),
    ).rejects.toThrow(/check constraint/);
    await writer.query('ROLLBACK');
    expect(await refsSeenBy(reader)).toEqual(['committed']);
  });
});
