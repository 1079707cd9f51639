import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  Client,
  credentials,
  makeGenericClientConstructor,
  Metadata,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import {
  AckPolicy,
  connect,
  DeliverPolicy,
  type JetStreamManager,
  type NatsConnection,
} from 'nats';
import type pg from 'pg';
import {
  appendManyToOutbox,
  consumeOnce,
  createPool,
  DomainError,
  GrpcServer,
  implement,
  implementStreams,
  invalidArgument,
  JetStreamBus,
  migrate,
  OutboxRelay,
  platformMigrations,
  startMetricsServer,
  uuidv7,
  withTransaction,
  type MetricsServer,
  type Pool,
  type Subscription,
} from '../src';
import {
  adminPool,
  DATABASE_URL,
  deferred,
  dropSchema,
  hex,
  NATS_URL,
  quietLog,
  uniqueSchema,
  uniqueStream,
  waitFor,
} from './support';

// The service under test, named as the proto convention names services (`loanflow.<service>.v1`),
// unique so that nothing else in the process shares its series.
const service = `desk${hex(3)}`;
const GRPC_SERVICE = `loanflow.${service}.v1.LoanDesk`;

const json = {
  serialize: (value: unknown) => Buffer.from(JSON.stringify(value)),
  deserialize: (bytes: Buffer) => JSON.parse(bytes.toString('utf8')) as unknown,
};
const method = (name: string, responseStream = false) => ({
  path: `/${GRPC_SERVICE}/${name}`,
  requestStream: false,
  responseStream,
  requestSerialize: json.serialize,
  requestDeserialize: json.deserialize,
  responseSerialize: json.serialize,
  responseDeserialize: json.deserialize,
});
const definition: ServiceDefinition = {
  quote: method('Quote'),
  refuse: method('Refuse'),
  explode: method('Explode'),
  statement: method('Statement', true),
  brokenStatement: method('BrokenStatement', true),
};
const DeskClient = makeGenericClientConstructor(definition, GRPC_SERVICE);
type Callback = (err: { code: number } | null) => void;

/** One sample of a scrape: the value of `name` whose labels include all of `labels`. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) have[l[1]!] = l[2]!;
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe('GET /metrics of a service (real gRPC, PostgreSQL and JetStream)', () => {
  let admin: pg.Pool;
  let schema: string;
  let pool: Pool;
  let server: GrpcServer;
  let client: Client;
  let metrics: MetricsServer;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let bus: JetStreamBus;
  let stream: string;
  let prefix: string;

  const scrape = async (): Promise<string> => {
    const res = await fetch(`http://127.0.0.1:${metrics.port}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    return res.text();
  };
  const call = (name: string) =>
    new Promise<number>((resolve) =>
      (client as unknown as Record<string, (...a: unknown[]) => void>)[name]!({}, new Metadata(), ((
        err,
      ) => resolve(err ? err.code : 0)) as Callback),
    );
  const readStream = (name: string) =>
    new Promise<{ messages: number; code: number }>((resolve) => {
      const s = (client as unknown as Record<string, (...a: unknown[]) => NodeJS.EventEmitter>)[
        name
      ]!({}, new Metadata());
      let messages = 0;
      s.on('data', () => messages++);
      s.on('error', (err: { code: number }) => resolve({ messages, code: err.code }));
      s.on('end', () => resolve({ messages, code: 0 }));
    });

  beforeAll(async () => {
    admin = adminPool();
    schema = uniqueSchema();
    pool = createPool({ connectionString: DATABASE_URL, schema, max: 4, applicationName: service });
    await migrate(pool, schema, [platformMigrations]);
    ({ stream, prefix } = uniqueStream('metrics'));
    bus = await JetStreamBus.connect({
      url: NATS_URL,
      name: `metrics-test-${schema}`,
      log: quietLog,
      stream,
      subjectPrefix: prefix,
    });
    nc = await connect({ servers: NATS_URL, name: 'platform-metrics-test' });
    jsm = await nc.jetstreamManager();
    const deps = { log: quietLog, jwtPublicKey: 'unused' };
    server = new GrpcServer({
      log: quietLog,
      services: [
        {
          name: GRPC_SERVICE,
          definition,
          implementation: {
            ...implement(
              GRPC_SERVICE,
              {
                quote: async () => ({ monthlyInstallment: '3652.63' }),
                refuse: async () => {
                  throw invalidArgument([{ field: 'amount', reason: 'must be positive' }]);
                },
                explode: async () => {
                  throw new Error('a bug');
                },
              },
              deps,
            ),
            ...implementStreams(
              GRPC_SERVICE,
              {
                server: {
                  statement: async (_req: never, _ctx, send: (m: unknown) => Promise<void>) => {
                    await send({ line: 1 });
                    await send({ line: 2 });
                  },
                  brokenStatement: async () => {
                    throw new DomainError('not_found', 'no such loan');
                  },
                },
              },
              deps,
            ),
          },
        },
      ],
    });
    const port = await server.listen('127.0.0.1', 0);
    client = new DeskClient(`127.0.0.1:${port}`, credentials.createInsecure());
    metrics = await startMetricsServer({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    client?.close();
    await server?.shutdown(1000);
    await metrics?.close();
    await bus?.close();
    await jsm?.streams.delete(stream).catch(() => undefined);
    await nc?.drain();
    await pool?.end();
    if (schema) await dropSchema(admin, schema);
    await admin?.end();
  });

  it('answers 404 anywhere but /metrics', async () => {
    const res = await fetch(`http://127.0.0.1:${metrics.port}/`);
    expect(res.status).toBe(404);
    await res.text();
  });

  it('counts gRPC calls by method and status code, unary and streaming, and times them', async () => {
    for (let i = 0; i < 3; i++) expect(await call('quote')).toBe(0);
    for (let i = 0; i < 2; i++) expect(await call('refuse')).toBe(3);
    expect(await call('explode')).toBe(13);
    expect(await readStream('statement')).toEqual({ messages: 2, code: 0 });
    expect(await readStream('brokenStatement')).toEqual({ messages: 0, code: 5 });

    const text = await scrape();
    const handled = (m: string, code: string) =>
      sample(text, 'loanflow_grpc_server_handled_total', {
        service,
        grpc_service: GRPC_SERVICE,
        grpc_method: m,
        grpc_code: code,
      });
    expect(handled('Quote', 'OK')).toBe(3);
    expect(handled('Refuse', 'InvalidArgument')).toBe(2);
    expect(handled('Explode', 'Internal')).toBe(1);
    expect(handled('Statement', 'OK')).toBe(1);
    expect(handled('BrokenStatement', 'NotFound')).toBe(1);
    // No other code was counted for a method.
    expect(handled('Quote', 'InvalidArgument')).toBeUndefined();
    expect(handled('Refuse', 'OK')).toBeUndefined();

    const timed = (m: string) =>
      sample(text, 'loanflow_grpc_server_handling_seconds_count', {
        service,
        grpc_service: GRPC_SERVICE,
        grpc_method: m,
      });
    expect(timed('Quote')).toBe(3);
    expect(timed('Refuse')).toBe(2);
    expect(timed('Statement')).toBe(1);
    const slowest = sample(text, 'loanflow_grpc_server_handling_seconds_bucket', {
      service,
      grpc_method: 'Quote',
      le: '+Inf',
    });
    expect(slowest).toBe(3);
  });

  it('shows the outbox backlog and its oldest age, and the backlog going once published', async () => {
    // Another replica holds the relay's lock: this one cannot publish, the rows wait.
    const holder = await admin.connect();
    let released = false;
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT pg_advisory_xact_lock(hashtext('outbox:${schema}'))`);
      const relay = new OutboxRelay(pool, schema, bus, quietLog, { pollMs: 100 });
      await relay.start();
      try {
        await withTransaction(pool, (tx) =>
          appendManyToOutbox(
            tx,
            service,
            [1, 2, 3, 4].map((n) => ({
              type: 'loans.loan.disbursed',
              subjectId: `loan-${n}`,
              data: { amount: '1000.00' },
            })),
          ),
        );
        await pool.query(
          `UPDATE outbox SET created_at = now() - interval '90 seconds'
            WHERE seq = (SELECT min(seq) FROM outbox)`,
        );
        const text = await scrape();
        expect(sample(text, 'loanflow_outbox_backlog', { service })).toBe(4);
        const age = sample(text, 'loanflow_outbox_oldest_age_seconds', { service })!;
        expect(age).toBeGreaterThanOrEqual(90);
        expect(age).toBeLessThan(150);

        await holder.query('COMMIT');
        released = true;
        await waitFor('the backlog to be published', async () => {
          const t = await scrape();
          return sample(t, 'loanflow_outbox_backlog', { service }) === 0 ? t : undefined;
        });
        const after = await scrape();
        expect(sample(after, 'loanflow_outbox_oldest_age_seconds', { service })).toBe(0);
      } finally {
        await relay.stop();
      }
      // A stopped relay is no longer read.
      expect(sample(await scrape(), 'loanflow_outbox_backlog', { service })).toBeUndefined();
    } finally {
      if (!released) await holder.query('ROLLBACK');
      holder.release();
    }
  });

  it('still answers when a database is down, counting the source it could not read', async () => {
    const down = `down${hex(3)}`;
    const deadSchema = uniqueSchema();
    const deadPool = createPool({
      connectionString: 'postgres://postgres@127.0.0.1:1/postgres',
      schema: deadSchema,
      applicationName: down,
    });
    const relay = new OutboxRelay(deadPool, deadSchema, bus, quietLog, { pollMs: 60_000 });
    await relay.start();
    try {
      const text = await scrape();
      expect(
        sample(text, 'loanflow_metrics_collect_errors_total', { service: down, source: 'outbox' }),
      ).toBe(1);
      expect(sample(text, 'loanflow_outbox_backlog', { service: down })).toBeUndefined();
      // The healthy service's series are still there.
      expect(sample(text, 'loanflow_db_pool_max', { service })).toBe(4);
    } finally {
      await relay.stop();
      await deadPool.end();
    }
  });

  it('shows how far a durable consumer is behind: pending and unacknowledged events', async () => {
    const consumer = `metrics-test-${hex()}`;
    const subject = `${prefix}.loans.loan.approved`;
    // The durable exists already, taking one event at a time (as an operator may set it);
    // consumeOnce adopts it.
    await jsm.consumers.add(stream, {
      durable_name: consumer,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: subject,
      max_ack_pending: 1,
    });
    const gate = deferred<void>();
    let handled = 0;
    const sub: Subscription = await consumeOnce({
      bus,
      pool,
      log: quietLog,
      consumer,
      filterSubject: subject,
      handler: async () => {
        await gate.promise;
        handled++;
      },
    });
    try {
      const N = 5;
      for (let n = 0; n < N; n++) {
        const id = uuidv7();
        const envelope = {
          id,
          type: 'loans.loan.approved',
          schemaVersion: 1,
          source: service,
          subjectId: `loan-${n}`,
          occurredAt: '2026-01-05T08:00:00.000Z',
          data: { n },
        };
        await bus.publish(subject, Buffer.from(JSON.stringify(envelope)), { msgId: id });
      }
      const lag = (t: string) => ({
        pending: sample(t, 'loanflow_events_consumer_pending', { service, consumer }),
        ackPending: sample(t, 'loanflow_events_consumer_ack_pending', { service, consumer }),
      });
      // One event is in the handler's hands, the other four wait on the stream.
      await waitFor('one event handed over', async () => {
        const l = lag(await scrape());
        return l.ackPending === 1 ? l : undefined;
      });
      expect(lag(await scrape())).toEqual({ pending: N - 1, ackPending: 1 });

      gate.resolve();
      await waitFor('the consumer to catch up', async () => {
        const l = lag(await scrape());
        return l.pending === 0 && l.ackPending === 0 ? l : undefined;
      });
      expect(handled).toBe(N);
    } finally {
      gate.resolve();
      await sub.drain();
      await bus.deleteConsumer(consumer);
    }
    // A drained consumer is no longer read.
    expect(
      sample(await scrape(), 'loanflow_events_consumer_pending', { service, consumer }),
    ).toBeUndefined();
  });

  it('shows the pool: its size, idle and waiting connections, and its maximum', async () => {
    await Promise.all([1, 2, 3].map(() => pool.query('SELECT pg_sleep(0.05)')));
    // A running relay: the scrape reads its backlog through this very pool, and the pool's
    // gauges must show the pool as it was, not the scrape's own query waiting for a connection.
    const relay = new OutboxRelay(pool, schema, bus, quietLog, { pollMs: 60_000 });
    await relay.start();
    try {
      const text = await scrape();
      const conns = (state: string) =>
        sample(text, 'loanflow_db_pool_connections', { service, state })!;
      expect(sample(text, 'loanflow_db_pool_max', { service })).toBe(4);
      expect(sample(text, 'loanflow_outbox_backlog', { service })).toBe(0);
      expect(conns('total')).toBeGreaterThanOrEqual(1);
      expect(conns('total')).toBeLessThanOrEqual(4);
      expect(conns('idle')).toBe(conns('total'));
      expect(conns('waiting')).toBe(0);
    } finally {
      await relay.stop();
    }
  });
});
