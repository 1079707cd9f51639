import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { status as Status } from '@grpc/grpc-js';
import { collectDefaultMetrics, Counter, Gauge, Histogram } from 'prom-client';
import type { Logger } from './logger';
import { metricsRegistry } from './telemetry';

/*
 * The platform's Prometheus metrics. One registry per process (`metricsRegistry`), which may hold
 * several services (npm start and the tests run them all in one process), so every series names
 * its service in a `service` label. Gauges that cost a query (outbox backlog, consumer lag) are
 * read at scrape time from the sources registered here, never in the background.
 */

/** How long a scrape waits for one source (a database query, a JetStream request). */
export const COLLECT_TIMEOUT_MS = 2000;

// ---- Database pools ----
// First in the registry: prom-client collects in registration order, and the pools must be seen
// before this scrape's own queries (outbox backlog) take a connection or wait for one.

interface PoolLike {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  ended?: boolean;
  options: { max?: number };
}

const pools = new Map<PoolLike, string>();

/** Counts a pool in `loanflow_db_pool_*` under `service` until it is ended. */
export function watchPool(pool: PoolLike, service: string): void {
  for (const p of pools.keys()) if (p.ended) pools.delete(p);
  pools.set(pool, service);
}

const livePools = (): [PoolLike, string][] => {
  for (const p of pools.keys()) if (p.ended) pools.delete(p);
  return [...pools];
};

new Gauge({
  name: 'loanflow_db_pool_connections',
  help: 'Database connections of the service: open (total), idle, and callers waiting for one',
  labelNames: ['service', 'state'] as const,
  registers: [metricsRegistry],
  collect() {
    this.reset();
    // Several pools of one service (replicas in one test process) add up.
    for (const [pool, service] of livePools()) {
      this.inc({ service, state: 'total' }, pool.totalCount);
      this.inc({ service, state: 'idle' }, pool.idleCount);
      this.inc({ service, state: 'waiting' }, pool.waitingCount);
    }
  },
});

new Gauge({
  name: 'loanflow_db_pool_max',
  help: 'Most database connections the service may open',
  labelNames: ['service'] as const,
  registers: [metricsRegistry],
  collect() {
    this.reset();
    for (const [pool, service] of livePools()) this.inc({ service }, pool.options.max ?? 10);
  },
});

export const metricsCollectErrors = new Counter({
  name: 'loanflow_metrics_collect_errors_total',
  help: 'Sources that could not be read at a scrape (database down, NATS slow); the scrape still answers',
  labelNames: ['service', 'source'] as const,
  registers: [metricsRegistry],
  // The reads of this scrape (shared with the gauges that show them) come first, so that their
  // failures are in this scrape, not the next one.
  async collect() {
    await Promise.all([readOutboxes(), readLags()]);
  },
});

// gRPC server metrics, named after go-grpc-prometheus (grpc_server_handled_total, ...).
export const grpcServerHandled = new Counter({
  name: 'loanflow_grpc_server_handled_total',
  help: 'gRPC calls completed on the server, by status code',
  labelNames: ['service', 'grpc_service', 'grpc_method', 'grpc_code'] as const,
  registers: [metricsRegistry],
});

export const grpcServerHandling = new Histogram({
  name: 'loanflow_grpc_server_handling_seconds',
  help: 'Time from the start of a gRPC call on the server to its status',
  labelNames: ['service', 'grpc_service', 'grpc_method'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [metricsRegistry],
});

export const httpRequests = new Counter({
  name: 'loanflow_http_requests_total',
  help: 'HTTP requests answered, by route pattern (never the raw path) and status',
  labelNames: ['service', 'method', 'route', 'status'] as const,
  registers: [metricsRegistry],
});

export const httpRequestDuration = new Histogram({
  name: 'loanflow_http_request_duration_seconds',
  help: 'Time from the arrival of an HTTP request to the end of its answer',
  labelNames: ['service', 'method', 'route'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [metricsRegistry],
});

/**
 * The service a gRPC service belongs to, from its proto package `loanflow.<service>.v1`;
 * undefined for names outside that convention (grpc.health.v1.Health).
 */
export function serviceOfGrpcName(fullName: string): string | undefined {
  return /^loanflow\.([a-z][a-z0-9_]*)\.v\d+\./.exec(fullName)?.[1];
}

/** `/pkg.Service/Method` as grpc-js names a method, split; undefined when it is not that shape. */
export function splitGrpcPath(path: string): { service: string; method: string } | undefined {
  const m = /^\/([^/]+)\/([^/]+)$/.exec(path);
  return m ? { service: m[1]!, method: m[2]! } : undefined;
}

/**
 * A gRPC status code as go-grpc-prometheus writes it in `grpc_code` (Go's code names: OK,
 * InvalidArgument, NotFound, ...), so dashboards made for it read ours.
 */
export function grpcCodeName(code: number): string {
  const name = Status[code];
  if (name === undefined) return String(code);
  if (name === 'OK') return 'OK';
  return name
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** Rejects after `ms` with a message naming `what`; the timer never keeps the process alive. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// ---- Outbox backlog ----

export interface OutboxBacklog {
  /** Rows not yet published. */
  rows: number;
  /** Age of the oldest of them; 0 when there are none. */
  oldestAgeSeconds: number;
}

interface OutboxSource {
  service: string;
  /** One relay per schema is enough to read: replicas of one schema see the same rows. */
  schema: string;
  read(): Promise<OutboxBacklog>;
}

const outboxSources = new Set<OutboxSource>();

/** Reads `source` at each scrape until the returned function is called. */
export function watchOutbox(source: OutboxSource): () => void {
  outboxSources.add(source);
  return () => outboxSources.delete(source);
}

/**
 * One read of every outbox per scrape, shared by the two gauges that show it (prom-client
 * collects them side by side): a scrape costs one query per schema, not two.
 */
let outboxRead: Promise<Map<string, OutboxBacklog>> | undefined;
function readOutboxes(): Promise<Map<string, OutboxBacklog>> {
  outboxRead ??= (async () => {
    const bySchema = new Map<string, OutboxSource>();
    for (const s of outboxSources) bySchema.set(s.schema, s);
    const perService = new Map<string, OutboxBacklog>();
    await Promise.all(
      [...bySchema.values()].map(async (source) => {
        try {
          const b = await withTimeout(source.read(), COLLECT_TIMEOUT_MS, 'outbox backlog');
          const sum = perService.get(source.service) ?? { rows: 0, oldestAgeSeconds: 0 };
          perService.set(source.service, {
            rows: sum.rows + b.rows,
            oldestAgeSeconds: Math.max(sum.oldestAgeSeconds, b.oldestAgeSeconds),
          });
        } catch {
          metricsCollectErrors.inc({ service: source.service, source: 'outbox' });
        }
      }),
    );
    return perService;
  })().finally(() => (outboxRead = undefined));
  return outboxRead;
}

new Gauge({
  name: 'loanflow_outbox_backlog',
  help: 'Outbox rows written but not yet published to the event stream',
  labelNames: ['service'] as const,
  registers: [metricsRegistry],
  async collect() {
    const read = await readOutboxes();
    this.reset();
    for (const [service, b] of read) this.set({ service }, b.rows);
  },
});

new Gauge({
  name: 'loanflow_outbox_oldest_age_seconds',
  help: 'Age of the oldest outbox row not yet published (0 when none waits)',
  labelNames: ['service'] as const,
  registers: [metricsRegistry],
  async collect() {
    const read = await readOutboxes();
    this.reset();
    for (const [service, b] of read) this.set({ service }, b.oldestAgeSeconds);
  },
});

// ---- Consumer lag ----

export interface ConsumerLag {
  /** Messages matching the consumer's filter not yet delivered to it. */
  pending: number;
  /** Messages delivered and not yet acknowledged. */
  ackPending: number;
}

interface LagSource {
  service: string;
  consumer: string;
  read(): Promise<ConsumerLag>;
}

const lagSources = new Set<LagSource>();

export function watchConsumerLag(source: LagSource): () => void {
  lagSources.add(source);
  return () => lagSources.delete(source);
}

let lagRead: Promise<{ source: LagSource; lag: ConsumerLag }[]> | undefined;
function readLags(): Promise<{ source: LagSource; lag: ConsumerLag }[]> {
  lagRead ??= (async () => {
    const read = await Promise.all(
      [...lagSources].map(async (source) => {
        try {
          return {
            source,
            lag: await withTimeout(source.read(), COLLECT_TIMEOUT_MS, 'consumer info'),
          };
        } catch {
          metricsCollectErrors.inc({ service: source.service, source: 'consumer' });
          return undefined;
        }
      }),
    );
    return read.filter((r) => r !== undefined);
  })().finally(() => (lagRead = undefined));
  return lagRead;
}

new Gauge({
  name: 'loanflow_events_consumer_pending',
  help: 'Events on the stream a durable consumer has not yet been given (JetStream num_pending)',
  labelNames: ['service', 'consumer'] as const,
  registers: [metricsRegistry],
  async collect() {
    const read = await readLags();
    this.reset();
    for (const { source, lag } of read)
      this.set({ service: source.service, consumer: source.consumer }, lag.pending);
  },
});

new Gauge({
  name: 'loanflow_events_consumer_ack_pending',
  help: 'Events given to a durable consumer and not yet acknowledged (JetStream num_ack_pending)',
  labelNames: ['service', 'consumer'] as const,
  registers: [metricsRegistry],
  async collect() {
    const read = await readLags();
    this.reset();
    for (const { source, lag } of read)
      this.set({ service: source.service, consumer: source.consumer }, lag.ackPending);
  },
});

// ---- The endpoint ----

let processMetrics = false;

/**
 * Node's own metrics (CPU, memory, event-loop lag, GC), once per process, labelled with the
 * service that asked first (a deployed process runs one).
 */
export function collectProcessMetrics(service: string): void {
  if (processMetrics) return;
  processMetrics = true;
  collectDefaultMetrics({ register: metricsRegistry, labels: { service } });
}

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/** Servers by host:port, shared by the callers that ask for the same one (runService and start). */
const servers = new Map<string, { server: MetricsServer; users: number }>();

/**
 * Serves `GET /metrics` (Prometheus text format) on its own port, apart from the traffic ports;
 * undefined when `METRICS_PORT` is 0. A second call for the same address shares the server, and
 * it closes when the last of them closes it.
 */
export async function serveMetrics(
  config: { METRICS_PORT: number; METRICS_HOST: string },
  opts: { service: string; log?: Logger },
): Promise<MetricsServer | undefined> {
  if (config.METRICS_PORT === 0) return undefined;
  collectProcessMetrics(opts.service);
  const key = `${config.METRICS_HOST}:${config.METRICS_PORT}`;
  let entry = servers.get(key);
  if (entry) entry.users++;
  else {
    const server = await startMetricsServer({
      host: config.METRICS_HOST,
      port: config.METRICS_PORT,
      log: opts.log,
    });
    entry = { server, users: 1 };
    servers.set(key, entry);
  }
  const shared = entry;
  let closed = false;
  return {
    port: shared.server.port,
    close: async () => {
      if (closed) return;
      closed = true;
      if (--shared.users > 0) return;
      servers.delete(key);
      await shared.server.close();
    },
  };
}

/** The metrics endpoint itself, on `port` (0: any free port, for tests). */
export async function startMetricsServer(opts: {
  host: string;
  port: number;
  log?: Logger;
}): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try GET /metrics\n');
      return;
    }
    metricsRegistry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metricsRegistry.contentType }).end(text),
      (err: unknown) => {
        opts.log?.error({ err }, 'metrics: scrape failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('scrape failed\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  opts.log?.info({ port }, 'metrics served at /metrics');
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A scraper's kept-alive connection would otherwise hold the close up.
        server.closeAllConnections();
      }),
  };
}
