import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS } from '@loanflow/accounting';
import {
  createLogger,
  createPool,
  generateSigningKeys,
  migrate,
  platformMigrations,
} from '@loanflow/platform';
import { f1, f2, hostLine, positive, progress, runBench, table } from './report';
import { seedGeneratedBook } from '../support/generated-book';

/**
 * The end of day spread over accounting processes (issue 13): the same generated book closed by
 * the close-day command alone, then by close-day beside one accounting service that takes chunks
 * (two OS processes, each EOD_PARALLELISM chunks at once). The time is the database's own, from
 * the date's closing_started_at to its closed_at, so process start-up is not counted.
 */
const root = join(__dirname, '..', '..', '..');
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const day = '2025-06-16';

async function main(): Promise<void> {
  const load = loadavg();
  const loans = positive('BENCH_LOANS', 100_000, 20_000_000);
  const chunkSize = positive('EOD_CHUNK_SIZE', 2000, 100_000);
  const parallelism = positive('EOD_PARALLELISM', 2, 32);
  const run = Date.now().toString(36);
  const keys = generateSigningKeys();
  const log = createLogger('bench', 'warn');
  const children: ChildProcess[] = [];
  const schemas = [`bench_eod1_${run}`, `bench_eod2_${run}`];

  const env = (schema: string) => ({
    ...process.env,
    DATABASE_URL: url,
    ACCOUNTING_DB_SCHEMA: schema,
    ACCOUNTING_GRPC_HOST: '127.0.0.1',
    ACCOUNTING_GRPC_PORT: '0',
    AUTH_JWT_PUBLIC_KEY: keys.publicKey,
    DOCUMENTS_ADDR: '127.0.0.1:1',
    EVENTS_NAMESPACE: `bench${run}`,
    EVENTS_START_AT: 'new',
    EOD_CHUNK_SIZE: String(chunkSize),
    EOD_PARALLELISM: String(parallelism),
    LOG_LEVEL: 'info',
  });
  const launch = (entry: string, args: string[], schema: string) => {
    const child = spawn(process.execPath, [entry, ...args], {
      cwd: root,
      env: env(schema),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    return { child, exited, output: () => output };
  };
  const closeDay = async (schema: string) => {
    const p = launch('services/accounting/dist/close-day.js', ['--date', day], schema);
    const code = await p.exited;
    if (code !== 0) throw new Error(`close-day exited ${code}:\n${p.output()}`);
  };

  const pools = schemas.map((schema) =>
    createPool({ connectionString: url, schema, max: 2, applicationName: 'eod-scale-bench', log }),
  );
  try {
    for (const [i, pool] of pools.entries()) {
      progress(`generating ${loans.toLocaleString('en')} loans in book ${i + 1}`);
      await seed(pool, schemas[i]!, loans);
    }

    progress(`one process: close-day alone, chunks of ${chunkSize}, ${parallelism} at once`);
    await closeDay(schemas[0]!);

    progress('two processes: an accounting service taking chunks, and close-day');
    const service = launch('services/accounting/dist/main.js', [], schemas[1]!);
    const deadline = Date.now() + 60_000;
    while (!service.output().includes('listening for end-of-day chunks')) {
      if (Date.now() > deadline || service.child.exitCode !== null)
        throw new Error(`the accounting service did not start:\n${service.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await closeDay(schemas[1]!);
    service.child.kill('SIGTERM');
    await service.exited;

    const results = [];
    for (const pool of pools) {
      const { rows } = await pool.query<{
        loans: number;
        normal: string;
        penalty: string;
        compound: string;
        seconds: number;
        processes: string;
      }>(
        `SELECT d.loans_accrued AS loans, d.normal_interest AS normal, d.penalty_interest AS penalty,
                d.compound_interest AS compound,
                extract(epoch FROM d.closed_at - d.closing_started_at)::float8 AS seconds,
                (SELECT count(DISTINCT done_by) FROM eod_chunks WHERE business_date = d.business_date) AS processes
           FROM business_days d WHERE d.business_date = $1`,
        [day],
      );
      results.push(rows[0]!);
    }
    const [one, two] = results as [(typeof results)[0], (typeof results)[0]];
    const same =
      one.loans === two.loans &&
      one.normal === two.normal &&
      one.penalty === two.penalty &&
      one.compound === two.compound;

    console.log(
      `LoanFlow end-of-day scale-out benchmark: ${loans.toLocaleString('en')} active loans, business date ${day}, chunks of ${chunkSize}, ${parallelism} per process`,
    );
    console.log(hostLine(load));
    console.log(
      table(
        ['closed by', 'processes that took chunks', 'loans', 'seconds', 'loans/s'],
        [one, two].map((r, i) => [
          i === 0 ? 'close-day alone' : 'close-day + 1 accounting service',
          Number(r.processes),
          r.loans,
          f1(r.seconds),
          f1(r.loans / r.seconds),
        ]),
      ),
    );
    console.log(
      `two processes / one: ${f2(one.seconds / two.seconds)}x the loans per second; ` +
        `same totals (normal ${one.normal}, penalty ${one.penalty}, compound ${one.compound}): ${same}`,
    );
    if (!same) process.exitCode = 1;
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    for (const [i, pool] of pools.entries()) {
      await pool.query(`DROP SCHEMA IF EXISTS ${schemas[i]} CASCADE`);
      await pool.end();
    }
  }
}

async function seed(
  pool: ReturnType<typeof createPool>,
  schema: string,
  loans: number,
): Promise<void> {
  await migrate(pool, schema, [platformMigrations, MIGRATIONS]);
  await seedGeneratedBook(pool, { day, loans, overdueEvery: 33, branches: 50 });
}

runBench(main);
