import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  appendToOutbox,
  commonEnv,
  createPool,
  migrate,
  platformMigrations,
  uuidv7,
  withTransaction,
  type Pool,
} from '@loanflow/platform';
import { mobile, residentId } from '../support/identities';
import { api, startSystem, type TestSystem } from '../support/system';
import type { ClientsJob, ClientsMessage } from './http-clients';
import {
  cpuSnapshot,
  cpuUse,
  f1,
  f2,
  hostLine,
  intList,
  latencies,
  pct,
  positive,
  progress,
  table,
  type CpuUse,
  type Latencies,
  runBench,
} from './report';

/**
 * Throughput and latency of "create an application + submit it" through the gateway, beside the
 * rate of bare PostgreSQL transactions doing the core of it (one application row + one outbox
 * row), at the same concurrency. Prints figures; asserts nothing.
 *
 *   BENCH_CLIENTS="1,8,32"   concurrency levels
 *   BENCH_SECONDS=10         measured seconds per level and per side
 *   BENCH_WARMUP_SECONDS=2   unmeasured seconds before each
 *   BENCH_MAX_PAIRS=200000   cap on measured pairs (and bare transactions) per level
 */

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REQUEST_TIMEOUT_MS = 15_000;

const LEVELS = intList('BENCH_CLIENTS', [1, 8, 32]);
const SECONDS = positive('BENCH_SECONDS', 10, 300) || 10;
const WARMUP_SECONDS = positive('BENCH_WARMUP_SECONDS', 2, 60);
const MAX_PAIRS = positive('BENCH_MAX_PAIRS', 200_000, 10_000_000);

// ---------------------------------------------------------------------------------------------
// Figures

interface GatewayResult {
  clients: number;
  pairs: number;
  perSecond: number;
  pair: Latencies;
  createP50: number;
  submitP50: number;
  errors: number;
  warmupErrors: number;
  errorSamples: string[];
  cpu: CpuUse;
  /** CPU of the load worker's thread. */
  clientsCpuMs: number;
}

interface BareResult {
  clients: number;
  tx: number;
  perSecond: number;
  tx1: Latencies;
  errors: number;
  errorSamples: string[];
  cpu: CpuUse;
}

// ---------------------------------------------------------------------------------------------
// Through the gateway

async function createCustomers(
  system: TestSystem,
  token: string,
  count: number,
): Promise<string[]> {
  const ids: string[] = [];
  const base = Date.UTC(1980, 0, 1);
  for (let i = 0; i < count; i++) {
    // A distinct birth date each: residentId() varies only 3 digits within one date and sex.
    const birthDate = new Date(base + i * 86_400_000).toISOString().slice(0, 10);
    const res = await api(system.baseUrl, 'POST', '/api/v1/customers', {
      token,
      headers: { 'idempotency-key': randomUUID() },
      body: {
        type: 'individual',
        name: `压测客户${i + 1}`,
        individual: {
          residentId: residentId(birthDate, i % 2 ? 'female' : 'male'),
          mobile: mobile(),
          occupation: 'Engineer',
          employer: '上海银行',
          monthlyIncome: '30000.00',
        },
      },
    });
    if (res.status !== 201)
      throw new Error(`create customer: ${res.status} ${JSON.stringify(res.body)}`);
    ids.push(res.body.id as string);
  }
  return ids;
}

function gatewayLevel(job: ClientsJob): Promise<GatewayResult> {
  const worker = new Worker(join(__dirname, 'http-clients.js'), { workerData: job });
  let cpu0 = cpuSnapshot();
  let settled = false;
  const result = new Promise<GatewayResult>((resolve, reject) => {
    worker.on('message', (m: ClientsMessage) => {
      if (m.kind === 'measuring') {
        cpu0 = cpuSnapshot();
        return;
      }
      settled = true;
      resolve({
        clients: job.customerIds.length,
        pairs: m.pairMs.length,
        perSecond: m.elapsedMs > 0 ? (m.pairMs.length * 1000) / m.elapsedMs : 0,
        pair: latencies(m.pairMs),
        createP50: latencies(m.createMs).p50,
        submitP50: latencies(m.submitMs).p50,
        errors: m.errors,
        warmupErrors: m.warmupErrors,
        errorSamples: m.errorSamples,
        cpu: cpuUse(cpu0),
        clientsCpuMs: m.cpuMs,
      });
    });
    worker.on('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`load worker exited with ${code} before reporting`));
    });
  });
  return result.finally(() => worker.terminate());
}

// ---------------------------------------------------------------------------------------------
// Bare PostgreSQL: BEGIN; INSERT application-like row; appendToOutbox; COMMIT

const BARE_TABLE = `
CREATE TABLE bench_applications (
  id uuid PRIMARY KEY,
  customer_id uuid NOT NULL,
  customer_type text NOT NULL,
  product_code text NOT NULL,
  branch_id text NOT NULL,
  amount numeric(18, 2) NOT NULL CHECK (amount > 0),
  term_months integer NOT NULL CHECK (term_months > 0),
  repayment_method text NOT NULL,
  rate_percent numeric(8, 4) NOT NULL,
  purpose text NOT NULL DEFAULT '',
  business_situation text NOT NULL DEFAULT '',
  monthly_income numeric(18, 2),
  existing_monthly_debt_payments numeric(18, 2),
  status text NOT NULL CHECK (status IN ('draft', 'submitted', 'withdrawn')),
  assessment jsonb,
  version integer NOT NULL DEFAULT 1,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bench_applications_branch ON bench_applications (branch_id, id DESC);
CREATE INDEX bench_applications_customer ON bench_applications (customer_id, status);
CREATE INDEX bench_applications_status ON bench_applications (status, id DESC);`;

async function bareTransaction(pool: Pool, customerId: string): Promise<void> {
  const id = uuidv7();
  await withTransaction(pool, async (tx) => {
    await tx.query(
      `INSERT INTO bench_applications (id, customer_id, customer_type, product_code, branch_id, amount,
         term_months, repayment_method, rate_percent, purpose, business_situation, monthly_income,
         existing_monthly_debt_payments, status, created_by)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,'draft',$14)`,
      [
        id,
        customerId,
        'individual',
        'PERSONAL_CONSUMER',
        'SH001',
        '120000.00',
        36,
        'equal_installments',
        '4.3500',
        'Wedding expenses',
        '',
        null,
        '1500.00',
        'bench',
      ],
    );
    await appendToOutbox(tx, 'bench', {
      type: 'bench.application.created',
      subjectId: id,
      data: {
        applicationId: id,
        customerId,
        customerType: 'CUSTOMER_TYPE_INDIVIDUAL',
        productCode: 'PERSONAL_CONSUMER',
        branchId: 'SH001',
        amount: '120000.00',
        termMonths: 36,
        createdBy: 'bench',
      },
    });
  });
}

async function bareLevel(pool: Pool, clients: number): Promise<BareResult> {
  const t0 = process.hrtime.bigint();
  const ms = (t: bigint) => Number(t - t0) / 1e6;
  const from = WARMUP_SECONDS * 1000;
  const until = from + SECONDS * 1000;
  const samples: number[] = [];
  const errorSamples = new Set<string>();
  let errors = 0;
  let lastEnd = from;
  let cpu0 = cpuSnapshot();
  const measuring = setTimeout(() => (cpu0 = cpuSnapshot()), from);

  const loop = async () => {
    const customerId = uuidv7();
    for (;;) {
      const start = process.hrtime.bigint();
      const at = ms(start);
      if (at >= until || samples.length >= MAX_PAIRS) return;
      try {
        await bareTransaction(pool, customerId);
        const end = process.hrtime.bigint();
        if (at >= from) {
          samples.push(Number(end - start) / 1e6);
          lastEnd = Math.max(lastEnd, ms(end));
        }
      } catch (err) {
        if (at >= from) errors++;
        if (errorSamples.size < 5) errorSamples.add((err as Error).message);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, loop));
  clearTimeout(measuring);
  const elapsed = lastEnd - from;
  return {
    clients,
    tx: samples.length,
    perSecond: elapsed > 0 ? (samples.length * 1000) / elapsed : 0,
    tx1: latencies(samples),
    errors,
    errorSamples: [...errorSamples],
    cpu: cpuUse(cpu0),
  };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = Date.now();
  const loadAtStart = os.loadavg();
  const gateway: GatewayResult[] = [];
  const bare: BareResult[] = [];
  let system: TestSystem | undefined;
  const bareSchema = `bench_bare_${randomBytes(4).toString('hex')}`;
  const barePool = createPool({
    connectionString: DATABASE_URL,
    schema: bareSchema,
    max: Math.max(...LEVELS),
    applicationName: 'gateway-bench',
  });
  let pgVersion = '?';
  let pgSettings = '?';
  try {
    const settings = await barePool.query<{ version: string; sc: string; fsync: string }>(
      `SELECT version(), current_setting('synchronous_commit') AS sc, current_setting('fsync') AS fsync`,
    );
    pgVersion = settings.rows[0]!.version;
    pgSettings = `synchronous_commit=${settings.rows[0]!.sc}, fsync=${settings.rows[0]!.fsync}`;
    await migrate(barePool, bareSchema, [platformMigrations]);
    await barePool.query(BARE_TABLE);

    progress('starting the applications service and the gateway');
    system = await startSystem();
    const token = await system.login('am.sh');
    const total = LEVELS.reduce((a, b) => a + b, 0);
    progress(`creating ${total} customers (a fresh one per client per level)`);
    const customers = await createCustomers(system, token, total);

    let next = 0;
    for (const clients of LEVELS) {
      const ids = customers.slice(next, next + clients);
      next += clients;
      progress(`gateway, ${clients} client(s): ${WARMUP_SECONDS} s warm-up + ${SECONDS} s`);
      const g = await gatewayLevel({
        baseUrl: system.baseUrl,
        token,
        customerIds: ids,
        warmupMs: WARMUP_SECONDS * 1000,
        measureMs: SECONDS * 1000,
        maxPairs: MAX_PAIRS,
        requestTimeoutMs: REQUEST_TIMEOUT_MS,
      });
      gateway.push(g);
      // The relay's backlog is part of the gateway's load, not of the bare side's.
      await system.applications.flushOutbox();
      progress(
        `bare PostgreSQL, ${clients} connection(s): ${WARMUP_SECONDS} s warm-up + ${SECONDS} s`,
      );
      bare.push(await bareLevel(barePool, clients));
    }
  } finally {
    await system?.stop().catch((err: unknown) => progress(`stopping the system: ${String(err)}`));
    await barePool
      .query(`DROP SCHEMA IF EXISTS ${bareSchema} CASCADE`)
      .catch((err: unknown) => progress(`dropping ${bareSchema}: ${String(err)}`));
    await barePool.end();
  }

  const poolMax = commonEnv.DATABASE_POOL_MAX.parse(undefined);
  const perUnit = (ms: number, n: number) => (n > 0 ? ms / n : NaN);
  console.log('');
  console.log('LoanFlow gateway benchmark: create + submit a loan application');
  console.log(hostLine(loadAtStart));
  console.log(pgVersion);
  console.log(`PostgreSQL ${pgSettings} | service pools: ${poolMax} connections each (default)`);
  console.log(
    `per level ${WARMUP_SECONDS} s warm-up + ${SECONDS} s measured | gateway + applications service in this process (one event loop), clients in a worker thread, keep-alive HTTP on 127.0.0.1`,
  );
  console.log('');
  console.log(
    'Through the gateway: a pair = POST /applications + POST /applications/{id}/submit, each with an Idempotency-Key',
  );
  console.log(
    table(
      [
        'clients',
        'pairs',
        'pairs/s',
        'p50 ms',
        'p95 ms',
        'p99 ms',
        'max ms',
        'errors',
        'create p50',
        'submit p50',
      ],
      gateway.map((g) => [
        g.clients,
        g.pairs,
        f1(g.perSecond),
        f1(g.pair.p50),
        f1(g.pair.p95),
        f1(g.pair.p99),
        f1(g.pair.max),
        g.errors,
        f1(g.createP50),
        f1(g.submitP50),
      ]),
    ),
  );
  console.log('');
  console.log(
    'Bare PostgreSQL through pg: BEGIN; INSERT application-like row; appendToOutbox; COMMIT (one connection per client)',
  );
  console.log(
    table(
      ['clients', 'tx', 'tx/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'errors'],
      bare.map((b) => [
        b.clients,
        b.tx,
        f1(b.perSecond),
        f2(b.tx1.p50),
        f2(b.tx1.p95),
        f2(b.tx1.p99),
        f2(b.tx1.max),
        b.errors,
      ]),
    ),
  );
  console.log('');
  console.log(
    "Ratio: a pair = 2 HTTP requests -> 2 gRPC calls -> 2 service transactions (7 + 11 statements), plus 4 idempotency-key statements in the gateway and the outbox relay's batches (2 round trips each, shared by the events it finds), against 1 bare transaction of 5 statements; so pairs/s ÷ tx/s is what the service layers cost.",
  );
  console.log(
    table(
      ['clients', 'pairs/s', 'bare tx/s', 'pairs/s ÷ tx/s'],
      gateway.map((g, i) => [
        g.clients,
        f1(g.perSecond),
        f1(bare[i]!.perSecond),
        f2(g.perSecond / bare[i]!.perSecond),
      ]),
    ),
  );
  console.log('');
  console.log(
    'Where the CPU went, ms of CPU per pair / per bare tx (server = main thread: gateway + service; clients = load worker thread; node bg = GC and libuv threads; other = rest of the host, e.g. other jobs)',
  );
  console.log(
    table(
      [
        'clients',
        'side',
        'server',
        'clients',
        'node bg',
        'PostgreSQL',
        'other',
        'host busy',
        'loop busy',
      ],
      gateway.flatMap((g, i) => {
        const b = bare[i]!;
        return [
          [
            g.clients,
            'gateway',
            f2(perUnit(g.cpu.mainMs, g.pairs)),
            f2(perUnit(g.clientsCpuMs, g.pairs)),
            f2(perUnit(g.cpu.processMs - g.cpu.mainMs - g.clientsCpuMs, g.pairs)),
            f2(perUnit(g.cpu.postgresMs, g.pairs)),
            f2(perUnit(g.cpu.otherMs, g.pairs)),
            pct(g.cpu.hostBusy),
            pct(g.cpu.loopBusy),
          ],
          [
            b.clients,
            'bare',
            f2(perUnit(b.cpu.mainMs, b.tx)),
            '-',
            f2(perUnit(b.cpu.processMs - b.cpu.mainMs, b.tx)),
            f2(perUnit(b.cpu.postgresMs, b.tx)),
            f2(perUnit(b.cpu.otherMs, b.tx)),
            pct(b.cpu.hostBusy),
            pct(b.cpu.loopBusy),
          ],
        ];
      }),
    ),
  );
  for (const g of gateway) {
    if (g.errorSamples.length > 0 || g.warmupErrors > 0) {
      console.log(
        `errors at ${g.clients} client(s) (${g.warmupErrors} in warm-up): ${g.errorSamples.join(' | ')}`,
      );
    }
  }
  for (const b of bare) {
    if (b.errorSamples.length > 0)
      console.log(`bare errors at ${b.clients}: ${b.errorSamples.join(' | ')}`);
  }
  console.log(`total ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

runBench(main);
