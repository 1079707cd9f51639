import { loadavg } from 'node:os';
import {
  bankCalendar,
  closeBusinessDate,
  DEFAULT_CLASSIFICATION_POLICY,
  MIGRATIONS,
} from '@loanflow/accounting';
import { createLogger, createPool, migrate, platformMigrations } from '@loanflow/platform';
import { f1, hostLine, positive, progress, table, runBench } from './report';

/**
 * End-of-day accrual for a generated book (issue 4 §10): every active loan accrued and journaled
 * for one business date by the real batch (chunks, parallel transactions), beside a bare
 * set-based UPDATE over the same rows. The book mixes performing and overdue loans, daily and
 * period bases, and about one loan in 30 billing an installment tonight (and one in 30 reminded of
 * one due in DUE_SOON_NOTICE_DAYS days; 0 to compare without the reminders).
 */
async function main(): Promise<void> {
  const load = loadavg();
  const loans = positive('BENCH_LOANS', 1_000_000, 20_000_000);
  const chunkSize = positive('EOD_CHUNK_SIZE', 5000, 100_000);
  const parallelism = positive('EOD_PARALLELISM', 2, 32);
  const dueSoonNoticeDays = positive('DUE_SOON_NOTICE_DAYS', 3, 60);
  const schema = `bench_accrual_${Date.now().toString(36)}`;
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const log = createLogger('bench', 'warn');
  const pool = createPool({
    connectionString: url,
    schema,
    max: parallelism + 2,
    applicationName: 'accrual-bench',
    log,
  });
  const day = '2025-06-16';
  try {
    await migrate(pool, schema, [platformMigrations, MIGRATIONS], log);
    await pool.query(`INSERT INTO business_days (business_date, status) VALUES ($1, 'open')`, [
      day,
    ]);
    progress(`generating ${loans.toLocaleString('en')} loans`);
    let started = Date.now();
    const batch = 200_000;
    for (let from = 1; from <= loans; from += batch) {
      await pool.query(GENERATE, [from, Math.min(loans, from + batch - 1), day]);
    }
    await pool.query(
      `INSERT INTO installments (loan_id, period, due_date, principal, scheduled_interest, status)
      SELECT id, next_period + 1, next_due_date + 30, next_principal, 0, 'scheduled' FROM loans WHERE next_due_date = $1::date + 1`,
      [day],
    );
    // Every loan's next installment, so the due-soon reminders look up one date among them all.
    await pool.query(
      `INSERT INTO installments (loan_id, period, due_date, principal, scheduled_interest, status)
      SELECT id, next_period, next_due_date, next_principal, round(n_base * n_rate / 1200, 2), 'scheduled' FROM loans`,
    );
    await pool.query('VACUUM ANALYZE loans');
    await pool.query('VACUUM ANALYZE loan_accruals');
    await pool.query('ANALYZE installments');
    const generatedIn = (Date.now() - started) / 1000;
    const { rows: mix } = await pool.query<{ billing: string; overdue: string }>(
      `SELECT count(*) FILTER (WHERE next_due_date = $1::date + 1) AS billing, count(*) FILTER (WHERE overdue_principal > 0) AS overdue FROM loans`,
      [day],
    );

    progress(
      `end of day ${day}: chunks of ${chunkSize}, ${parallelism} in parallel, due-soon notices ${dueSoonNoticeDays} days ahead`,
    );
    started = Date.now();
    const result = await closeBusinessDate(pool, Date.parse(day) / 86_400_000, {
      policy: DEFAULT_CLASSIFICATION_POLICY,
      chunkSize,
      parallelism,
      log,
      dueSoonNoticeDays,
      // The evening of the date the benchmark closes.
      calendar: bankCalendar('Asia/Shanghai', () => new Date(`${day}T20:00:00+08:00`)),
    });
    const eodSeconds = (Date.now() - started) / 1000;
    const { rows: written } = await pool.query<{
      lines: string;
      events: string;
      balanced: boolean;
    }>(
      `SELECT (SELECT count(*) FROM journal_lines) AS lines, (SELECT count(*) FROM outbox) AS events,
              (SELECT sum(debit) = sum(credit) FROM journal_lines) AS balanced`,
    );

    progress('bare set-based UPDATE of the same rows (the nightly loan_accruals rows)');
    started = Date.now();
    await pool.query(
      `UPDATE loan_accruals SET n_accrued = n_accrued + 0.01, accrued_interest = accrued_interest + 0.01, accrued_through = accrued_through + 1`,
    );
    const bareSeconds = (Date.now() - started) / 1000;

    console.log(
      `LoanFlow end-of-day accrual benchmark: ${loans.toLocaleString('en')} active loans, business date ${day}`,
    );
    console.log(hostLine(load));
    console.log(
      table(
        ['what', 'loans', 'seconds', 'loans/s', 'journal lines', 'events', 'ratio to bare UPDATE'],
        [
          [
            'end of day (accrue, bill, overdue, classify, journal)',
            result.day!.loansAccrued,
            f1(eodSeconds),
            f1(loans / eodSeconds),
            Number(written[0]!.lines),
            Number(written[0]!.events),
            f1(eodSeconds / bareSeconds),
          ],
          [
            'bare UPDATE of the same rows',
            loans,
            f1(bareSeconds),
            f1(loans / bareSeconds),
            0,
            0,
            '1.0',
          ],
        ],
      ),
    );
    console.log(
      `book: ${Number(mix[0]!.billing).toLocaleString('en')} loans billing tonight, ${Number(mix[0]!.overdue).toLocaleString('en')} overdue; generated in ${f1(generatedIn)} s; ` +
        `interest accrued: normal ${result.day!.normalInterest}, penalty ${result.day!.penaltyInterest}, compound ${result.day!.compoundInterest}; ledger balanced: ${written[0]!.balanced}`,
    );
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool.end();
  }
}

// One row per loan: principal 10,000–1,000,000, rates 3–6 %, half on the daily ACT/360 basis and
// half on the monthly period basis, due dates spread over the month, 3 % overdue with days past
// due up to 400 (so some cross classification floors tonight), segments accrued to yesterday.
const GENERATE = `
WITH g AS (
  SELECT n, $3::date AS d,
         round((10000 + (n::bigint * 7919 % 990000))::numeric, 2) AS p,
         (3 + (n % 300) / 100.0)::numeric(20, 10) AS r,
         (n % 2 = 0) AS daily,
         (n % 33 = 0) AS overdue,
         ($3::date + 1 + (n % 30)) AS due
    FROM generate_series($1::int, $2::int) AS n
), s AS (
  SELECT g.*, round(p / 12, 2) AS inst, (due - 30) AS start,
         360 AS den,
         CASE WHEN overdue THEN round(p / 12, 2) ELSE 0 END AS op,
         CASE WHEN overdue THEN round(p * r / 1200, 2) ELSE 0 END AS oi,
         CASE WHEN overdue THEN d - (1 + n % 400) ELSE NULL END AS oldest
    FROM g
), l AS (
  INSERT INTO loans (id, loan_number, customer_id, branch_id, product_code, approved_amount, status,
    opened_on, maturity_date, terms, rate_type, annual_rate, penalty_markup_percent, grace_days,
    allocation_order, principal, overdue_principal, overdue_interest,
    oldest_unpaid_due, days_past_due, basis_kind, basis_year_days, basis_repay_every, period_start,
    next_period, next_due_date, next_principal, n_start, n_base, n_rate, n_denominator,
    p_start, p_base, p_rate, p_denominator, c_start, c_base, c_rate, c_denominator, classification)
  SELECT gen_random_uuid(), 'B' || n, gen_random_uuid(), 'BR' || (n % 50), 'PERSONAL_CONSUMER', p, 'active',
    start - 300, start + 3000, '{}'::jsonb, 'fixed', r, 50, 0,
    '{compound,penalty,overdue_interest,overdue_principal,due_interest,due_principal}', p - op,
    op, oi, oldest, CASE WHEN overdue THEN d - oldest ELSE 0 END,
    CASE WHEN daily THEN 'daily' ELSE 'monthly_period' END, 360, 1, start,
    5, due, inst, start, p - op, r, den, start, op, r * 1.5, 360, start, oi, r * 1.5, 360,
    CASE WHEN NOT overdue THEN 'normal' WHEN d - oldest > 360 THEN 'loss' WHEN d - oldest > 270 THEN 'doubtful'
         WHEN d - oldest > 90 THEN 'substandard' ELSE 'special_mention' END
  FROM s
  RETURNING id, n_base, n_rate, n_denominator, n_start, p_base, p_rate, c_base, c_rate
)
INSERT INTO loan_accruals (loan_id, accrued_through, accrued_interest, n_accrued, p_accrued, c_accrued)
SELECT id, $3::date - 1, round(n_base * n_rate * ($3::date - n_start) / (n_denominator * 100), 2),
       round(n_base * n_rate * ($3::date - n_start) / (n_denominator * 100), 2),
       round(p_base * p_rate * ($3::date - n_start) / 36000, 2),
       round(c_base * c_rate * ($3::date - n_start) / 36000, 2)
  FROM l`;

runBench(main);
