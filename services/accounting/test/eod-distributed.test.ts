import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MIGRATIONS } from '@loanflow/accounting';
import {
  createLogger,
  createPool,
  generateSigningKeys,
  migrate,
  platformMigrations,
} from '@loanflow/platform';
import pg from 'pg';
import { seedGeneratedBook } from '@loanflow/test/support/generated-book';
import { closeDays, parseCloseDayArgs } from '../src/close-day';
import { parseIsoDate } from '../src/domain/schedule/calendar';

/**
 * The end of day spread over several accounting processes (issue 13): the real entry points as
 * OS processes, a book of a few hundred loans in many small chunks. The night closed by two
 * services and the close-day command must come out exactly as the same book closed by one
 * process, to the fen and to the event; a worker killed in the middle of a chunk leaves it to the
 * others.
 */
const root = join(__dirname, '..', '..', '..');
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DAY = '2025-06-16';
const LOANS = 300;
const CHUNK = 3;
const keys = generateSigningKeys();
const run = randomBytes(4).toString('hex');

/** A connection string naming the process to PostgreSQL (pg_stat_activity.application_name). */
const urlAs = (name: string) =>
  `${databaseUrl}${databaseUrl.includes('?') ? '&' : '?'}application_name=${name}`;

function env(schema: string, name: string, extra: Record<string, string> = {}) {
  return {
    ...process.env,
    DATABASE_URL: urlAs(name),
    ACCOUNTING_DB_SCHEMA: schema,
    ACCOUNTING_GRPC_HOST: '127.0.0.1',
    ACCOUNTING_GRPC_PORT: '0',
    AUTH_JWT_PUBLIC_KEY: keys.publicKey,
    DOCUMENTS_ADDR: '127.0.0.1:1',
    NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    EVENTS_NAMESPACE: `eod${run}`,
    EVENTS_START_AT: 'new',
    EOD_CHUNK_SIZE: String(CHUNK),
    EOD_PARALLELISM: '1',
    LOG_LEVEL: 'info',
    ...extra,
  };
}

interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  /** The name its chunks carry in eod_chunks.done_by. */
  name: string;
}

function launch(entry: string, args: string[], environment: NodeJS.ProcessEnv): Proc {
  const child = spawn(process.execPath, [entry, ...args], {
    cwd: root,
    env: environment,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, output: () => output, exited, name: `${hostname()}:${child.pid}` };
}

const procs: Proc[] = [];
const service = (schema: string, name: string) => {
  const p = launch('services/accounting/dist/main.js', [], env(schema, name));
  procs.push(p);
  return p;
};
const closeDay = (schema: string, name: string, args = ['--date', DAY]) => {
  const p = launch('services/accounting/dist/close-day.js', args, env(schema, name));
  procs.push(p);
  return p;
};

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 60_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A worker is up once it listens for chunks (a night started before would reach it by poll). */
const listening = (p: Proc) =>
  until(`${p.name} listening`, () => p.output().includes('listening for end-of-day chunks'));

const admin = new pg.Pool({ connectionString: databaseUrl, max: 4 });
const schemas: string[] = [];

/** A book of LOANS loans with the same ids, amounts and dates in whichever schema seeds it. */
async function seedBook(schema: string): Promise<void> {
  schemas.push(schema);
  const pool = createPool({ connectionString: databaseUrl, schema, max: 1 });
  try {
    await migrate(pool, schema, [platformMigrations, MIGRATIONS]);
    // 89 and 269 days past due yesterday: reclassified tonight (91 and 271 days cross floors).
    await seedGeneratedBook(pool, {
      day: DAY,
      loans: LOANS,
      overdueEvery: 7,
      alsoOverdue: [89, 269],
      branches: 5,
    });
  } finally {
    await pool.end();
  }
}

/** Everything the night writes that must not depend on who did which chunk. */
async function figures(schema: string) {
  const q = async (sql: string) => (await admin.query(sql)).rows;
  return {
    day: await q(
      `SELECT business_date, status, loans_accrued, normal_interest, penalty_interest, compound_interest
         FROM ${schema}.business_days ORDER BY business_date`,
    ),
    loans: await q(
      `SELECT to_jsonb(l) - 'updated_at' - 'created_at' AS loan, to_jsonb(a) AS accruals
         FROM ${schema}.loans l JOIN ${schema}.loan_accruals a ON a.loan_id = l.id ORDER BY l.id`,
    ),
    installments: await q(
      `SELECT loan_id, period, principal, billed_interest, principal_paid, interest_paid, status, paid_on
         FROM ${schema}.installments ORDER BY loan_id, period`,
    ),
    journal: await q(
      `SELECT l.account_code, l.branch_id, sum(l.debit)::text AS debit, sum(l.credit)::text AS credit
         FROM ${schema}.journal_lines l GROUP BY 1, 2 ORDER BY 1, 2`,
    ),
    perLoanLines: await q(
      `SELECT loan_id, account_code, sum(debit)::text AS debit, sum(credit)::text AS credit
         FROM ${schema}.journal_lines WHERE loan_id IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2`,
    ),
    events: await q(
      `SELECT event_type, count(*)::int AS n FROM ${schema}.outbox GROUP BY 1 ORDER BY 1`,
    ),
    // Loans announced by day-closed events, one per loan accrued.
    dayClosedLoans: await q(
      `SELECT sum(jsonb_array_length(payload->'data'->'loans'))::int AS n FROM ${schema}.outbox
        WHERE event_type = 'accounting.loans.day-closed'`,
    ),
    notices: await q(`SELECT count(*)::int AS n FROM ${schema}.installment_notices`),
    classifications: await q(
      `SELECT loan_id, from_class, to_class FROM ${schema}.classification_changes ORDER BY loan_id`,
    ),
    chunks: await q(
      `SELECT first_loan_id, next_first_loan_id, loans FROM ${schema}.eod_chunks ORDER BY first_loan_id`,
    ),
  };
}

const doneBy = async (schema: string) =>
  (
    await admin.query<{ done_by: string; n: number }>(
      `SELECT done_by, count(*)::int AS n FROM ${schema}.eod_chunks GROUP BY 1`,
    )
  ).rows;

afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  await Promise.all(procs.map((p) => p.exited));
  for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await admin.end();
});

describe('end of day over several accounting processes', () => {
  const single = `t_eod1_${run}`;
  let expected: Awaited<ReturnType<typeof figures>>;

  beforeAll(async () => {
    // The reference: the same book closed by the close-day command alone (no service running).
    await seedBook(single);
    const alone = closeDay(single, 'eod-alone');
    expect(await alone.exited).toBe(0);
    expected = await figures(single);
    expect(expected.day[0]).toMatchObject({ status: 'closed', loans_accrued: LOANS });
    expect(expected.chunks).toHaveLength(LOANS / CHUNK);
    expect((await doneBy(single)).map((r) => r.done_by)).toEqual([alone.name]);
    // A night with something of everything to compare: billing, overdue, reclassified, reminded.
    expect(expected.events.map((e) => e.event_type)).toEqual(
      expect.arrayContaining([
        'accounting.accrual.completed',
        'accounting.ledger.entry-posted',
        'accounting.installment.due-soon',
        'accounting.loan.classified',
        'accounting.loans.day-closed',
      ]),
    );
    expect(expected.dayClosedLoans).toEqual([{ n: LOANS }]);
    expect(expected.classifications.length).toBeGreaterThan(0);
  }, 120_000);

  it('closes a day with two services and close-day to exactly the figures of one process', async () => {
    const schema = `t_eod2_${run}`;
    await seedBook(schema);
    const [a, b] = [service(schema, 'eod-a'), service(schema, 'eod-b')];
    await Promise.all([listening(a), listening(b)]);
    const coordinator = closeDay(schema, 'eod-c');
    expect(await coordinator.exited).toBe(0);
    expect(coordinator.output()).toContain('"msg":"business date closed"');

    const got = await figures(schema);
    expect(got).toEqual(expected);
    // Every process took chunks: the two services as workers, close-day as the coordinator.
    const by = new Map((await doneBy(schema)).map((r) => [r.done_by, r.n]));
    expect(by.get(a.name)).toBeGreaterThan(0);
    expect(by.get(b.name)).toBeGreaterThan(0);
    expect([...by.values()].reduce((x, y) => x + y, 0)).toBe(LOANS / CHUNK);
    expect([...by.keys()].every((n) => [a.name, b.name, coordinator.name].includes(n))).toBe(true);

    // A rerun for the same date is a success that changes nothing.
    const again = closeDay(schema, 'eod-c2');
    expect(await again.exited).toBe(0);
    expect(again.output()).toContain('"msg":"business date was already closed"');
    expect(await figures(schema)).toEqual(expected);

    // The services stop cleanly (the worker's listener and loop end with them).
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);
  }, 120_000);

  it('leaves the chunk of a worker killed in the middle of it to the others, with the same figures', async () => {
    const schema = `t_eod3_${run}`;
    await seedBook(schema);
    // Two gates the test holds: every chunk of close-day waits at its end on the first, every
    // worker's on the second, until the test opens them. So the three processes hold the first
    // three chunks, and the last chunk is left for the workers.
    const [coordinatorGate, workerGate] = [randomInt(1, 2 ** 31), randomInt(1, 2 ** 31)];
    await admin.query(
      `CREATE FUNCTION ${schema}.gate() RETURNS trigger AS $$
       BEGIN
         IF current_setting('application_name') = 'eod-kc' THEN PERFORM pg_advisory_xact_lock_shared(${coordinatorGate});
         ELSE PERFORM pg_advisory_xact_lock_shared(${workerGate}); END IF;
         RETURN NEW;
       END $$ LANGUAGE plpgsql`,
    );
    await admin.query(
      `CREATE TRIGGER gate BEFORE INSERT ON ${schema}.end_of_day_chunks FOR EACH ROW EXECUTE FUNCTION ${schema}.gate()`,
    );
    const gates = await admin.connect();
    const held = await admin.connect();
    try {
      await gates.query('SELECT pg_advisory_lock($1), pg_advisory_lock($2)', [
        coordinatorGate,
        workerGate,
      ]);
      const [a, b] = [service(schema, 'eod-ka'), service(schema, 'eod-kb')];
      await Promise.all([listening(a), listening(b)]);
      const coordinator = closeDay(schema, 'eod-kc');
      const waiting = async (app: string) =>
        (
          await admin.query(
            `SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'
                AND query ILIKE '%end_of_day_chunks%'`,
            [app],
          )
        ).rowCount === 1;
      await until('every process at its first chunk', async () =>
        (await Promise.all(['eod-ka', 'eod-kb', 'eod-kc'].map(waiting))).every(Boolean),
      );

      // The last chunk's first loan is locked by the test: the worker that takes it waits there.
      const last = (
        await admin.query<{ first_loan_id: string }>(
          `SELECT first_loan_id FROM ${schema}.eod_chunks ORDER BY first_loan_id DESC LIMIT 1`,
        )
      ).rows[0]!.first_loan_id;
      await held.query('BEGIN');
      await held.query(`SELECT 1 FROM ${schema}.loan_accruals WHERE loan_id = $1 FOR UPDATE`, [
        last,
      ]);
      await gates.query('SELECT pg_advisory_unlock($1)', [workerGate]);
      let victim: Proc | undefined;
      await until('a worker at the last chunk', async () => {
        const { rows } = await admin.query<{ application_name: string }>(
          `SELECT application_name FROM pg_stat_activity
            WHERE application_name IN ('eod-ka', 'eod-kb') AND wait_event_type = 'Lock'
              AND query ILIKE '%loan_accruals%'`,
        );
        if (rows.length === 0) return false;
        victim = rows[0]!.application_name === 'eod-ka' ? a : b;
        return true;
      });
      const survivor = victim === a ? b : a;
      victim!.child.kill('SIGKILL');
      expect(await victim!.exited).toBeNull();
      // Its backend finds its client gone once the lock is granted, and rolls the chunk back.
      await held.query('ROLLBACK');
      await gates.query('SELECT pg_advisory_unlock($1)', [coordinatorGate]);
      expect(await coordinator.exited).toBe(0);

      expect(await figures(schema)).toEqual(expected);
      const lastBy = (
        await admin.query<{ done_by: string }>(
          `SELECT done_by FROM ${schema}.eod_chunks WHERE first_loan_id = $1`,
          [last],
        )
      ).rows[0]!.done_by;
      expect([survivor.name, coordinator.name]).toContain(lastBy);
      expect(lastBy).not.toBe(victim!.name);
      survivor.child.kill('SIGTERM');
      expect(await survivor.exited).toBe(0);
    } finally {
      await held.query('ROLLBACK').catch(() => undefined);
      held.release();
      await gates.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
      gates.release();
    }
  }, 180_000);
});

describe('close-day, the CronJob command', () => {
  const schema = `t_eodcd_${run}`;
  it('refuses a bad --date with a usage error naming it (exit 2)', async () => {
    const bad = closeDay(schema, 'eod-usage', ['--date', '2025-02-30']);
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toContain('--date: must be a date as YYYY-MM-DD, got \\"2025-02-30\\"');
    expect(parseCloseDayArgs(['--when', DAY])).toBe('unknown argument "--when"');
    expect(parseCloseDayArgs(['--date'])).toBe('--date: a date as YYYY-MM-DD is missing');
    expect(parseCloseDayArgs([`--date=${DAY}`])).toEqual({ date: parseIsoDate(DAY) });
    expect(parseCloseDayArgs([])).toEqual({});
  });

  it("closes every open date up to yesterday in the bank's time zone, then nothing more", async () => {
    await seedBook(schema);
    const log = createLogger('close-day-test', 'silent');
    const options = {
      env: { ...env(schema, 'eod-cron'), BANK_TIME_ZONE: 'Asia/Shanghai' },
      // 00:30 on the 19th in Shanghai is still the 18th in UTC: yesterday is the 18th there.
      now: () => new Date('2025-06-18T16:30:00Z'),
      log,
    };
    expect(await closeDays([], options)).toBe(0);
    const days = async () =>
      (
        await admin.query<{ business_date: string; status: string; loans_accrued: number }>(
          `SELECT business_date, status, loans_accrued FROM ${schema}.business_days ORDER BY 1`,
        )
      ).rows;
    expect(await days()).toEqual([
      { business_date: '2025-06-16', status: 'closed', loans_accrued: LOANS },
      { business_date: '2025-06-17', status: 'closed', loans_accrued: LOANS },
      { business_date: '2025-06-18', status: 'closed', loans_accrued: LOANS },
      { business_date: '2025-06-19', status: 'open', loans_accrued: null },
    ]);
    const outbox = async () =>
      Number((await admin.query(`SELECT count(*) AS n FROM ${schema}.outbox`)).rows[0].n);
    const events = await outbox();
    // Run again the same night: nothing to close, nothing written.
    expect(await closeDays([], options)).toBe(0);
    expect(await closeDays(['--date', '2025-06-17'], options)).toBe(0);
    expect((await days()).at(-1)).toEqual({
      business_date: '2025-06-19',
      status: 'open',
      loans_accrued: null,
    });
    expect(await outbox()).toBe(events);
    // A date ahead of the open one is refused, as the batch refuses it (exit 1).
    expect(await closeDays(['--date', '2025-06-21'], options)).toBe(1);
  }, 120_000);
});
