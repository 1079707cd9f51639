import { randomBytes, randomInt } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateSigningKeys } from '@loanflow/platform';
import pg from 'pg';
import { loadGatewayConfig, start, type RunningGateway } from '../src/main';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * A port nobody listens on, below Linux's ephemeral range (32768–60999): there no outgoing
 * connection of a neighbouring process can take it between this check and the gateway's bind.
 */
async function listenablePort(): Promise<number> {
  for (;;) {
    const port = randomInt(20000, 32768);
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

/** The value of `name` whose labels are exactly `labels`, from a Prometheus text scrape. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\} (\S+)$/.exec(line);
    if (m?.[1] !== name) continue;
    const have = [...m[2]!.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)]
      .map((l) => `${l[1]}="${l[2]}"`)
      .sort()
      .join(',');
    if (have === want) return Number(m[3]);
  }
  return undefined;
}

describe('gateway: HTTP metrics on the metrics port', () => {
  const schema = `t_gw_metrics_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  let gateway: RunningGateway;
  let metricsPort: number;
  let base: string;

  beforeAll(async () => {
    const keys = generateSigningKeys();
    metricsPort = await listenablePort();
    // No upstream service runs: the requests below are answered by the gateway itself.
    const nobody = '127.0.0.1:1';
    gateway = await start(
      loadGatewayConfig({
        LOG_LEVEL: 'silent',
        GATEWAY_HTTP_HOST: '127.0.0.1',
        GATEWAY_HTTP_PORT: '0',
        GATEWAY_DB_SCHEMA: schema,
        METRICS_HOST: '127.0.0.1',
        METRICS_PORT: String(metricsPort),
        DATABASE_URL,
        AUTH_JWT_PRIVATE_KEY: keys.privateKey,
        AUTH_JWT_PUBLIC_KEY: keys.publicKey,
        IDENTITY_ADDR: nobody,
        APPLICATIONS_ADDR: nobody,
        WORKFLOW_ADDR: nobody,
        ACCOUNTING_ADDR: nobody,
        DOCUMENTS_ADDR: nobody,
        NOTIFICATIONS_ADDR: nobody,
        REPORTING_ADDR: nobody,
      }),
    );
    base = `http://127.0.0.1:${gateway.httpPort}`;
  });

  afterAll(async () => {
    await gateway?.stop();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  const get = async (url: string): Promise<number> => {
    const res = await fetch(url);
    await res.arrayBuffer();
    return res.status;
  };

  it('counts requests by route pattern, never by raw path, and serves them apart from the API', async () => {
    expect(gateway.metricsPort).toBe(metricsPort);
    const ids = ['01939a2e-0000-7000-8000-000000000001', '01939a2e-0000-7000-8000-000000000002'];
    for (const id of ids) expect(await get(`${base}/api/v1/applications/${id}`)).toBe(401);
    expect(await get(`${base}/healthz`)).toBe(200);
    expect(await get(`${base}/no/such/page-${ids[0]}`)).toBe(404);
    // The public port does not serve the metrics.
    expect(await get(`${base}/metrics`)).toBe(404);

    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    const requests = (method: string, route: string, status: string) =>
      sample(text, 'loanflow_http_requests_total', { service: 'gateway', method, route, status });
    expect(requests('GET', '/api/v1/applications/:id', '401')).toBe(2);
    expect(requests('GET', '/healthz', '200')).toBe(1);
    // The 404s (the unknown page and /metrics on the public port) share one series.
    expect(requests('GET', '(unmatched)', '404')).toBe(2);
    expect(
      sample(text, 'loanflow_http_request_duration_seconds_count', {
        service: 'gateway',
        method: 'GET',
        route: '/api/v1/applications/:id',
      }),
    ).toBe(2);
    for (const id of ids) expect(text).not.toContain(id);
    // The pool of the gateway is there too.
    expect(sample(text, 'loanflow_db_pool_max', { service: 'gateway' })).toBe(10);
  });
});
