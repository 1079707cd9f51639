import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, createPool, migrate, type Pool } from '@loanflow/platform';
import { MIGRATIONS } from '../src/main';
import { uniqueId } from './harness';

/**
 * Migration 003 on a book written before the one vocabulary: old repayment-method and document
 * words are rewritten in applications and products, and the history of applications already
 * under way is filled from their rows.
 */
describe('applications migration 003 (one vocabulary, links, history)', () => {
  const schema = `t_app_mig_${uniqueId()}`;
  const log = createLogger('migration-test', 'silent');
  let pool: Pool;
  let before: string;

  beforeAll(async () => {
    pool = createPool({
      connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      schema,
      max: 2,
    });
    before = mkdtempSync(join(tmpdir(), 'apps-migrations-'));
    for (const f of ['001_customers_products_applications.sql', '002_decision.sql'])
      copyFileSync(join(MIGRATIONS.dir, f), join(before, f));
    await migrate(pool, schema, [{ name: MIGRATIONS.name, dir: before }], log);
  });
  afterAll(async () => {
    await pool?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool?.end();
    rmSync(before, { recursive: true, force: true });
  });

  it('rewrites the old words and fills the history of applications under way', async () => {
    const customer = randomUUID();
    await pool.query(
      `INSERT INTO customers (id, type, name, branch_id, resident_id_idx, birth_date, created_by)
       VALUES ($1, 'individual', '王芳', 'SH001', $2, '1985-01-01', 'am')`,
      [customer, `idx-${customer}`],
    );
    const oldProduct = (code: string, methods: string[], documents: string[]) =>
      pool.query('INSERT INTO products (code, definition) VALUES ($1, $2)', [
        code,
        JSON.stringify({ code, repaymentMethods: methods, requiredDocuments: documents }),
      ]);
    await oldProduct(
      'SMALL_BUSINESS',
      ['equal_installments', 'interest_only_bullet'],
      ['id_card', 'business_license', 'bank_statements', 'credit_report'],
    );
    await oldProduct('LEGACY_TRADE', ['lump_sum'], ['business_licence', 'bank_statements']);
    const app = async (status: string, method: string) => {
      const id = randomUUID();
      await pool.query(
        `INSERT INTO loan_applications (id, customer_id, customer_type, product_code, branch_id, amount,
           term_months, repayment_method, rate_percent, status, created_by)
         VALUES ($1, $2, 'individual', 'SMALL_BUSINESS', 'SH001', 100000, 12, $3, 3.85, $4, 'am')`,
        [id, customer, method, status],
      );
      return id;
    };
    const draft = await app('draft', 'lump_sum');
    const bullet = await app('draft', 'interest_only_bullet');
    const submitted = await app('submitted', 'equal_installments');
    await pool.query(
      `UPDATE loan_applications SET submitted_at = '2026-10-01T01:00:00Z', submitted_by = 'am-1' WHERE id = $1`,
      [submitted],
    );
    const withdrawn = await app('withdrawn', 'equal_installments');
    await pool.query(
      `UPDATE loan_applications SET submitted_at = '2026-10-02T01:00:00Z', submitted_by = 'am-1',
         withdrawn_at = '2026-10-03T01:00:00Z', withdrawn_by = 'am-2', withdraw_reason = 'changed mind'
       WHERE id = $1`,
      [withdrawn],
    );
    const approved = await app('approved', 'equal_installments');
    await pool.query(
      `UPDATE loan_applications SET submitted_at = '2026-10-04T01:00:00Z', submitted_by = 'am-1',
         decided_at = '2026-10-20T01:00:00Z', approved_amount = 90000, approved_rate_percent = 3.85,
         approved_term_months = 12, process_instance_id = 'pi-1'
       WHERE id = $1`,
      [approved],
    );

    await migrate(pool, schema, [MIGRATIONS], log);

    const methods = await pool.query<{ id: string; repayment_method: string }>(
      'SELECT id, repayment_method FROM loan_applications WHERE id = ANY($1)',
      [[draft, bullet]],
    );
    expect(Object.fromEntries(methods.rows.map((r) => [r.id, r.repayment_method]))).toEqual({
      [draft]: 'bullet',
      [bullet]: 'interest_only',
    });
    const products = await pool.query<{
      code: string;
      definition: { repaymentMethods: string[]; requiredDocuments: string[] };
    }>('SELECT code, definition FROM products ORDER BY code');
    expect(
      products.rows.map((p) => [
        p.code,
        p.definition.repaymentMethods,
        [...p.definition.requiredDocuments].sort(),
      ]),
    ).toEqual([
      ['LEGACY_TRADE', ['bullet'], ['bank_statement', 'business_license']],
      [
        'SMALL_BUSINESS',
        ['equal_installments', 'interest_only'],
        [
          'bank_statement',
          'business_license',
          'credit_report',
          'id_card_back',
          'id_card_front',
          'investigation_report',
        ],
      ],
    ]);

    const history = await pool.query<{
      application_id: string;
      action: string;
      at: Date;
      actor: string | null;
      reason: string | null;
      details: Record<string, string>;
    }>(
      'SELECT application_id, action, at, actor, reason, details FROM application_history ORDER BY id',
    );
    expect(
      history.rows.map((h) => [
        h.application_id,
        h.action,
        h.at.toISOString(),
        h.actor,
        h.reason,
        h.details,
      ]),
    ).toEqual([
      [submitted, 'submitted', '2026-10-01T01:00:00.000Z', 'am-1', null, {}],
      [withdrawn, 'submitted', '2026-10-02T01:00:00.000Z', 'am-1', null, {}],
      [withdrawn, 'withdrawn', '2026-10-03T01:00:00.000Z', 'am-2', 'changed mind', {}],
      [approved, 'submitted', '2026-10-04T01:00:00.000Z', 'am-1', null, {}],
      [
        approved,
        'approved',
        '2026-10-20T01:00:00.000Z',
        null,
        null,
        {
          approvedAmount: '90000.00',
          approvedRatePercent: '3.8500',
          approvedTermMonths: '12',
          processInstanceId: 'pi-1',
        },
      ],
    ]);
  });
});
