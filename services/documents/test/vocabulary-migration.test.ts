import { randomBytes, randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, createPool, migrate, type Pool } from '@loanflow/platform';
import { documentTypeWords } from '@loanflow/proto';
import { MIGRATIONS } from '../src/main';

/**
 * Migration 002 on an archive filed before the one vocabulary: "business_licence" documents
 * become "business_license" ones, the type codes are the proto's words, and the seeded
 * checklists are the new ones.
 */
describe('documents migration 002 (one vocabulary)', () => {
  const schema = `t_docs_mig_${randomBytes(4).toString('hex')}`;
  const log = createLogger('migration-test', 'silent');
  let pool: Pool;
  let before: string;

  beforeAll(async () => {
    pool = createPool({
      connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      schema,
      max: 2,
    });
    before = mkdtempSync(join(tmpdir(), 'docs-migrations-'));
    copyFileSync(join(MIGRATIONS.dir, '001_documents.sql'), join(before, '001_documents.sql'));
    await migrate(pool, schema, [{ name: MIGRATIONS.name, dir: before }], log);
  });
  afterAll(async () => {
    await pool?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool?.end();
    rmSync(before, { recursive: true, force: true });
  });

  it('renames filed documents and checklist items, and leaves the proto words as the type codes', async () => {
    const application = randomUUID();
    await pool.query(
      `INSERT INTO owners (kind, id, branch_id, product_code, application_id, status)
       VALUES ('application', $1, 'SH001', 'SMALL_BUSINESS', $1, 'open')`,
      [application],
    );
    const licence = randomUUID();
    await pool.query(
      `INSERT INTO documents (id, owner_kind, owner_id, document_type, version, media_type, size, sha256,
         object_key, status, uploaded_by)
       VALUES ($1, 'application', $2, 'business_licence', 1, 'application/pdf', 1000, $3, $4, 'stored', 'am')`,
      [licence, application, 'a'.repeat(64), `k/${licence}`],
    );

    await migrate(pool, schema, [MIGRATIONS], log);

    const doc = await pool.query('SELECT document_type FROM documents WHERE id = $1', [licence]);
    expect(doc.rows[0]).toEqual({ document_type: 'business_license' });
    const types = await pool.query<{ code: string }>(
      'SELECT code FROM document_types ORDER BY code',
    );
    expect(types.rows.map((t) => t.code)).toEqual([...documentTypeWords.words].sort());
    const small = await pool.query<{ stage: string; document_type: string }>(
      `SELECT stage, document_type FROM checklist_items WHERE product_code = 'SMALL_BUSINESS'
        ORDER BY stage, document_type`,
    );
    expect(small.rows.map((r) => `${r.stage}:${r.document_type}`)).toEqual([
      'disbursement:loan_contract',
      'investigation:investigation_report',
      'market_routing:bank_statement',
      'market_routing:business_license',
      'market_routing:credit_report',
      'market_routing:id_card_back',
      'market_routing:id_card_front',
    ]);
  });
});
