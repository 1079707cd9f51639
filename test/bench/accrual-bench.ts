import { loadavg } from 'node:os';
import {
  bankCalendar,
  closeBusinessDate,
  DEFAULT_CLASSIFICATION_POLICY,
  MIGRATIONS,
} from '@loanflow/accounting';
import { createLogger, createPool, migrate, platformMigrations } from '@loanflow/platform';
import { f1, hostLine, positive, progress, table, runBench } from './report';
import { seedGeneratedBook } from '../support/generated-book';

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
    progress(`generating ${loans.toLocaleString('en')} loans`);
    let started = Date.now();
    await seedGeneratedBook(pool, { day, loans, overdueEvery: 33, branches: 50 });
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

runBench(main);
