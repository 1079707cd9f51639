// OWNED BY: ingest. Rebuilds the read models from the first event into a new, empty schema:
//
//   npm run reporting:rebuild -- --schema reporting_rebuilt
//   (node services/reporting/dist/rebuild.js --schema reporting_rebuilt)
//
// Blue/green: the running service keeps serving from its schema while the rebuild fills the new
// one (durable consumers `<target>_<source>`, from the start of the stream, report streams off:
// nothing is republished). When it has printed its counts, point REPORTING_DB_SCHEMA at the new
// schema and restart the service: its consumers `<target>_<source>` do not exist yet, so start it
// with EVENTS_START_AT=all once — the inbox of the new schema already holds every event the
// rebuild applied, so it skips them and goes on from there. Drop the old schema when satisfied.
import { connect } from 'nats';
import {
  createLogger,
  createPool,
  generateSigningKeys,
  JetStreamBus,
  migrate,
  platformMigrations,
  STREAM_NAME,
  type Logger,
  type Pool,
} from '@loanflow/platform';
import type { ReportingDeps } from './app/deps';
import { loadReportingConfig, type ReportingConfig } from './config';
import { SOURCES, startConsumers } from './infra/event-consumers';
import { MIGRATIONS } from './main';
import type { StreamSink } from './streams/sink';

/** Every table the events build (what a rebuild must end with the same rows in). */
export const READ_MODEL_TABLES = [
  'branches',
  'applications',
  'tasks',
  'decision_histogram',
  'application_months',
  'task_step_months',
  'officer_months',
  'loans',
  'loan_days',
  'portfolio_days',
  'tier_migrations',
  'business_days',
  'loan_movements',
  'movement_months',
  'ledger_entries',
  'income_months',
  'notifications',
  'collection_cases',
  'payment_promises',
  'litigations',
  'repossessed_assets',
] as const;

/** Nothing is produced while rebuilding: the streams are off, this sink is never called. */
const NO_SINK: StreamSink = {
  kind: 'file',
  ensureTopics: async () => {},
  produce: async () => {
    throw new Error('a rebuild produces no stream records');
  },
  close: async () => {},
};

export interface RebuildResult {
  schema: string;
  events: number;
  parked: number;
  rows: Record<string, number>;
  seconds: number;
}

export async function rebuild(
  config: ReportingConfig,
  opts: { targetSchema: string; log?: Logger; pollMs?: number },
): Promise<RebuildResult> {
  const log = opts.log ?? createLogger('reporting-rebuild', config.LOG_LEVEL);
  const schema = opts.targetSchema;
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`not a schema name: ${schema}`);
  if (schema === config.REPORTING_DB_SCHEMA)
    throw new Error(`the rebuild target must not be the live schema ${schema}`);
  const started = Date.now();
  const pool = createPool({
    connectionString: config.DATABASE_URL,
    schema,
    max: config.DATABASE_POOL_MAX,
    applicationName: 'reporting-rebuild',
    log,
  });
  const bus = await JetStreamBus.forService(config, 'reporting-rebuild', log);
  const nc = await connect({
    servers: config.NATS_URL.split(','),
    name: 'reporting-rebuild-progress',
  });
  const durables = SOURCES.map((source) => `${schema}_${source}`);
  try {
    await migrate(pool, schema, [platformMigrations, MIGRATIONS], log);
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM inbox');
    if (rows[0]!.n > 0) throw new Error(`schema ${schema} is not empty: rebuild into a new one`);
    await pool.query('UPDATE read_model_state SET rebuilding = true');

    const deps: ReportingDeps = { pool, log, config, now: () => new Date(), sink: NO_SINK };
    const consumers = await startConsumers(deps, {
      bus,
      pool,
      log,
      schema,
      startAt: 'all',
      concurrency: config.EVENTS_CONCURRENCY,
      streams: { enabled: false },
    });
    try {
      await caughtUp(nc, durables, log, opts.pollMs ?? 250);
    } finally {
      for (const c of consumers) await c.subscription.drain();
    }
    for (const durable of durables) await bus.deleteConsumer(durable);
    await pool.query('UPDATE read_model_state SET rebuilding = false');

    const counts = await pool.query<{ events: number; parked: number }>(
      `SELECT (SELECT count(*)::int FROM inbox) AS events,
              (SELECT count(*)::int FROM dead_letters) AS parked`,
    );
    return {
      schema,
      events: counts.rows[0]!.events,
      parked: counts.rows[0]!.parked,
      rows: await rowCounts(pool),
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await nc.drain().catch(() => undefined);
    await bus.close();
    await pool.end();
  }
}

/** Waits until no consumer has a message left to deliver or waiting for its ack, twice in a row. */
async function caughtUp(
  nc: Awaited<ReturnType<typeof connect>>,
  durables: string[],
  log: Logger,
  pollMs: number,
): Promise<void> {
  const jsm = await nc.jetstreamManager();
  let quietPolls = 0;
  let lastReport = 0;
  while (quietPolls < 2) {
    await new Promise((r) => setTimeout(r, pollMs));
    let left = 0;
    for (const durable of durables) {
      const info = await jsm.consumers.info(STREAM_NAME, durable);
      left += info.num_pending + info.num_ack_pending;
    }
    quietPolls = left === 0 ? quietPolls + 1 : 0;
    if (Date.now() - lastReport > 5000) {
      lastReport = Date.now();
      log.info({ left }, 'rebuilding the read models');
    }
  }
}

async function rowCounts(pool: Pool): Promise<Record<string, number>> {
  const rows: Record<string, number> = {};
  for (const table of READ_MODEL_TABLES) {
    const { rows: r } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    rows[table] = r[0]!.n;
  }
  return rows;
}

function targetFromArgs(argv: string[]): string {
  const i = argv.indexOf('--schema');
  const value = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--schema='))?.slice(9);
  if (!value) throw new Error('usage: rebuild --schema <target schema>');
  return value;
}

if (require.main === module) {
  // The rebuild checks no tokens: the service's key is not needed to run it.
  const config = loadReportingConfig({
    AUTH_JWT_PUBLIC_KEY: generateSigningKeys().publicKey,
    ...process.env,
  });
  const log = createLogger('reporting-rebuild', config.LOG_LEVEL);
  rebuild(config, { targetSchema: targetFromArgs(process.argv.slice(2)), log }).then(
    (r) => {
      process.stdout.write(
        `rebuilt ${r.schema} in ${r.seconds.toFixed(1)} s: ${r.events} events applied, ${r.parked} parked\n` +
          Object.entries(r.rows)
            .map(([table, n]) => `  ${table.padEnd(20)} ${n}\n`)
            .join(''),
      );
    },
    (err: unknown) => {
      log.error({ err }, 'rebuild failed');
      process.exitCode = 1;
    },
  );
}
