import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Router } from 'express';
import { api, startSystem, type TestSystem } from '@loanflow/test/support/system';
import { mountRoutes } from '../src/http/api/mount';
import { allRoutes, type RouteDeps } from '../src/http/routes/index';
import { API, expectProblem } from './helpers';

// Starting the services and scrypt log-ins take seconds on a busy machine.
jest.setTimeout(30_000);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface OpenApi {
  openapi: string;
  info: { title: string; version: string };
  servers: { url: string }[];
  paths: Record<string, Record<string, unknown>>;
}

/** `METHOD /path/{param}` of every route a router serves. */
function routesOf(router: Router): string[] {
  return router.stack
    .filter((layer) => layer.route)
    .flatMap((layer) => {
      const route = layer.route as unknown as { path: string; methods: Record<string, boolean> };
      return Object.keys(route.methods).map(
        (method) =>
          `${method.toUpperCase()} ${route.path.replace(/(?<!\\):(\w+)/g, '{$1}').replace(/\\:/g, ':')}`,
      );
    });
}

describe('gateway: operations endpoints', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startSystem();
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('/healthz is 200 without a token', async () => {
    const res = await api(system.baseUrl, 'GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('/readyz is 200 with the database and the applications service checked', async () => {
    const res = await api(system.baseUrl, 'GET', '/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'ready',
      checks: {
        database: true,
        identity: true,
        applications: true,
        workflow: true,
        serving: true,
        accounting: true,
        documents: true,
        notifications: true,
        reporting: true,
      },
    });
  });

  /** The operations of a path item (not its shared `parameters`, `summary`, ...). */
  const methodsOf = (item: object) =>
    Object.keys(item).filter((k) => ['get', 'put', 'post', 'delete', 'patch'].includes(k));

  describe('/openapi.json', () => {
    let doc: OpenApi;

    beforeAll(async () => {
      const res = await api<OpenApi>(system.baseUrl, 'GET', '/openapi.json');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      doc = res.body;
    });

    it('is OpenAPI 3.1.0 for the API under /api/v1', () => {
      expect(doc.openapi).toBe('3.1.0');
      expect(doc.info.title).toBe('LoanFlow API');
      expect(doc.servers).toEqual([{ url: API }]);
    });

    it('describes exactly the declared routes', () => {
      const documented = Object.entries(doc.paths)
        .flatMap(([path, ops]) => methodsOf(ops).map((m) => `${m.toUpperCase()} ${path}`))
        .sort();
      const deps = {} as RouteDeps; // declaring the routes does not touch their dependencies
      const declared = allRoutes(deps)
        .map((r) => `${r.method.toUpperCase()} ${r.path}`)
        .sort();
      // What Express serves, made from the same declarations.
      const pass = (_req: unknown, _res: unknown, next: () => void) => next();
      const served = routesOf(
        mountRoutes(allRoutes(deps), {
          authenticate: pass,
          idempotency: pass,
          rpcTimeoutMs: 1,
          bodyLimit: '1kb',
        }),
      ).sort();

      expect(declared.length).toBeGreaterThanOrEqual(100);
      expect(documented).toEqual(declared);
      expect(served).toEqual(declared);
    });

    it('every documented route is served by the running gateway (no "no route" 404)', async () => {
      const token = await system.login('am.sh');
      const sample = { id: '0190a0b0-0000-7000-8000-000000000000', code: 'PERSONAL_CONSUMER' };
      const unrouted = async (method: string, path: string) => {
        if (path === '/notifications/stream') {
          // A live stream never ends: its status and content type say it is served.
          const live = await fetch(`${system.baseUrl}${API}${path}`, {
            headers: { authorization: `Bearer ${token}` },
          });
          await live.body?.cancel();
          return (
            live.status !== 200 ||
            !live.headers.get('content-type')?.startsWith('text/event-stream')
          );
        }
        const res = await api(system.baseUrl, method, `${API}${path}`, {
          token,
          body: method === 'GET' ? undefined : {},
        });
        return res.status >= 500 || String(res.body.detail).startsWith('no route for');
      };
      // The check tells a route the router lacks…
      expect(await unrouted('GET', '/no-such-collection')).toBe(true);
      // …and finds none among the documented ones.
      const missing: string[] = [];
      for (const [path, ops] of Object.entries(doc.paths)) {
        const concrete = path.replace(/\{(\w+)\}/g, (_, p: keyof typeof sample) => sample[p]);
        for (const method of methodsOf(ops)) {
          if (await unrouted(method.toUpperCase(), concrete)) missing.push(`${method} ${path}`);
        }
      }
      expect(missing).toEqual([]);
    });
  });

  it('/docs serves the Swagger UI page', async () => {
    const res = await fetch(`${system.baseUrl}/docs/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<title>LoanFlow API</title>');
    expect(html).toContain('swagger-ui');
    const bare = await fetch(`${system.baseUrl}/docs`);
    expect(bare.status).toBe(200);
    expect(await bare.text()).toContain('swagger-ui');
  });

  describe('X-Request-Id', () => {
    it('echoes a well-formed request id, also in problem bodies', async () => {
      const id = 'client-req-0001.abc_DEF';
      const ok = await api(system.baseUrl, 'GET', '/healthz', { headers: { 'x-request-id': id } });
      expect(ok.headers.get('x-request-id')).toBe(id);

      const problem = await api(system.baseUrl, 'GET', `${API}/me`, {
        headers: { 'x-request-id': id },
      });
      expect(expectProblem(problem, 401).requestId).toBe(id);
    });

    it.each([
      ['too short', 'abc'],
      ['with spaces', 'not a valid id'],
      ['too long', 'x'.repeat(129)],
    ])('generates one when the given id is %s', async (_why, given) => {
      const res = await api(system.baseUrl, 'GET', '/nowhere', {
        headers: { 'x-request-id': given },
      });
      const generated = res.headers.get('x-request-id');
      expect(generated).toMatch(UUID);
      expect(generated).not.toBe(given);
      expect(expectProblem(res, 404).requestId).toBe(generated);
    });

    it('generates a fresh one per request when none is sent', async () => {
      const a = await api(system.baseUrl, 'GET', '/healthz');
      const b = await api(system.baseUrl, 'GET', '/healthz');
      expect(a.headers.get('x-request-id')).toMatch(UUID);
      expect(b.headers.get('x-request-id')).toMatch(UUID);
      expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
    });
  });

  // Last, as it stops the applications service.
  it('/readyz is 503 once the applications service is gone', async () => {
    await system.applications.stop();
    system.applications.stop = () => Promise.resolve(); // so that the harness does not stop it twice

    const res = await api(system.baseUrl, 'GET', '/readyz');

    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      status: 'not ready',
      checks: {
        database: true,
        identity: true,
        applications: false,
        workflow: true,
        serving: true,
        accounting: true,
        documents: true,
        notifications: true,
        reporting: true,
      },
    });

    // The load balancer's question: can this gateway serve? A service behind it being down
    // does not take every gateway out of rotation (its routes answer 503 on their own).
    const own = await api(system.baseUrl, 'GET', '/readyz?scope=gateway');
    expect(own.status).toBe(200);
    expect(own.body).toEqual({ status: 'ready', checks: { database: true, serving: true } });
  });
});
