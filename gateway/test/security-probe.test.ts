// The findings of the security probe at the gateway (issue 10, §6), each reproduced against the
// real system and shown fixed: bad input is a 400 naming the field before anything is written,
// roles are checked before input, X-Request-Id is no command id, log-ins are throttled, tokens of
// users who may no longer act are refused, and every answer carries the security headers.
import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Metadata, Server, ServerCredentials, status, type ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createGrpcClient, createLogger, promiseClient, signAccessToken } from '@loanflow/platform';
import { identityV1 } from '@loanflow/proto';
import jwt from 'jsonwebtoken';
import { createApp, type GatewayAppDeps } from '../src/app';
import {
  api,
  DEFAULT_USERS,
  startSystem,
  TEST_PASSWORD,
  type TestSystem,
} from '@loanflow/test/support/system';
import {
  API,
  createCustomer,
  draftBody,
  expectProblem,
  individualBody,
  unique,
  writeCounts,
} from './helpers';

jest.setTimeout(60_000);

/** `{"a":{"a":…}}` nested `levels` deep, as text (JSON.stringify would recurse as deep). */
const deepJson = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

/** Polls until `check` holds; fails with the last value after `ms`. */
async function eventually<T>(
  what: string,
  probe: () => Promise<T>,
  check: (v: T) => boolean,
  ms = 5000,
) {
  const deadline = Date.now() + ms;
  let last: T;
  do {
    last = await probe();
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  } while (Date.now() < deadline);
  throw new Error(`${what}: still ${JSON.stringify(last)}`);
}

describe('security probe: the gateway', () => {
  let system: TestSystem;
  let am: string;
  let customerId: string;

  beforeAll(async () => {
    system = await startSystem({
      users: [
        ...DEFAULT_USERS,
        { username: 'am2.sh', roles: ['account_manager'], branchId: 'SH001' },
        { username: 'leaver.sh', roles: ['account_manager'], branchId: 'SH001' },
        { username: 'locked.sh', roles: ['account_manager'], branchId: 'SH001' },
      ],
    });
    am = await system.login('am.sh');
    customerId = (await createCustomer(system, am)).id as string;
  });

  afterAll(async () => {
    await system?.stop();
  });

  const call = (
    method: string,
    path: string,
    opts: {
      token?: string;
      body?: unknown;
      rawBody?: string;
      headers?: Record<string, string>;
    } = {},
  ) => api(system.baseUrl, method, `${API}${path}`, opts);

  describe('bad input is a 400 naming the field, and nothing is written', () => {
    it('a NUL character in the username of a log-in without a token', async () => {
      const res = await call('POST', '/auth/login', {
        rawBody: '{"username":"a\\u0000b","password":"x"}',
        headers: { 'content-type': 'application/json' },
      });
      expectProblem(res, 400, 'username');
    });

    it('a NUL character in a customer name, a purpose, a query, a nested key', async () => {
      const before = await writeCounts(system);
      expectProblem(
        await call('POST', '/customers', { token: am, body: individualBody({ name: 'a\u0000b' }) }),
        400,
        'name',
      );
      expectProblem(
        await call('POST', '/applications', {
          token: am,
          body: draftBody(customerId, { purpose: 'renovation\u0000' }),
        }),
        400,
        'purpose',
      );
      expectProblem(await call('GET', '/customers?name=%00', { token: am }), 400, 'name');
      const nested = individualBody();
      const res = await call('POST', '/customers', {
        token: am,
        rawBody: JSON.stringify({ ...nested, individual: { ...nested.individual, 'x\u0000': 1 } }),
        headers: { 'content-type': 'application/json' },
      });
      expectProblem(res, 400, 'individual.x\u0000');
      expect(await writeCounts(system)).toEqual(before);
    });

    it('JSON 2,000 levels deep on /schedules:preview, and deep with an Idempotency-Key', async () => {
      const preview = await call('POST', '/schedules:preview', {
        token: am,
        rawBody: deepJson(2000),
        headers: { 'content-type': 'application/json' },
      });
      expect(expectProblem(preview, 400).errors![0]!.reason).toMatch(/deeper than/);

      const before = await writeCounts(system);
      const keyed = await call('POST', '/customers', {
        token: am,
        rawBody: deepJson(5000),
        headers: { 'content-type': 'application/json', 'idempotency-key': `deep-${unique()}` },
      });
      expect(expectProblem(keyed, 400).errors![0]!.reason).toMatch(/deeper than/);
      expect(await system.count(system.schemas.gateway, 'idempotency_keys')).toBe(0);
      expect(await writeCounts(system)).toEqual(before);
    });

    it('an impossible date, an integer beyond range', async () => {
      const proxy = await call('POST', '/proxies', {
        token: am,
        body: { proxyUserId: 'am2.sh', fromDate: '2025-02-30', toDate: '2025-03-01' },
      });
      expectProblem(proxy, 400, 'fromDate');
      const before = await writeCounts(system);
      const huge = await call('POST', '/applications', {
        token: am,
        body: draftBody(customerId, { termMonths: 10 ** 12 }),
      });
      expectProblem(huge, 400, 'termMonths');
      expect(await writeCounts(system)).toEqual(before);
      // Year 0000 is no date PostgreSQL knows: refused here, not a 500 from the database.
      const admin = await system.login('admin.hq');
      expectProblem(
        await call('GET', '/ledger/trial-balance?asOf=0000-01-01', { token: admin }),
        400,
        'asOf',
      );
      expectProblem(
        await call('POST', '/business-days/0000-01-01:close', { token: admin, body: {} }),
        400,
        'date',
      );
      // A page size far out of range says so; a parameter given twice is refused by name.
      const pages = await call('GET', '/applications?pageSize=1000000000000', { token: am });
      expect(expectProblem(pages, 400, 'pageSize').errors).toEqual([
        { field: 'pageSize', reason: 'must be between 1 and 100' },
      ]);
      const twice = await call('GET', '/applications?pageSize=5&pageSize=6', { token: am });
      expect(expectProblem(twice, 400, 'pageSize').errors).toEqual([
        { field: 'pageSize', reason: 'must be a whole number, given once' },
      ]);
      // A rule across query parameters names the parameters the API has.
      const none = await call('GET', '/customers', { token: am });
      expect(expectProblem(none, 400, '(query)').errors).toEqual([
        { field: '(query)', reason: 'give exactly one of residentId, creditCode, mobile, name' },
      ]);
    });

    it('a path id that is not a UUID, and %00 in a path', async () => {
      expectProblem(await call('GET', '/customers/not-a-uuid', { token: am }), 400, 'id');
      expectProblem(await call('POST', '/applications/123/submit', { token: am }), 400, 'id');
      expectProblem(await call('GET', '/customers/%00', { token: am }), 400, 'id');
      expectProblem(await call('GET', '/products/%00', { token: am }), 400, 'code');
      expectProblem(await call('GET', '/tasks/%00', { token: am }), 400, 'id');
      expectProblem(await call('GET', '/applications/%E0%A4%A', { token: am }), 400);
    });

    it('a process definition that is not XML → 400 at once', async () => {
      const admin = await system.login('admin.hq');
      const started = Date.now();
      const res = await call('POST', '/process-definitions', {
        token: admin,
        body: { xml: 'definitely not xml' },
      });
      expectProblem(res, 400, 'xml');
      expect(Date.now() - started).toBeLessThan(5000);
    });
  });

  describe('authorisation comes before validation', () => {
    it.each([
      ['credit.sh', 'POST', '/customers'],
      ['audit.hq', 'POST', '/applications'],
      ['am.sh', 'POST', '/users'],
      ['am.sh', 'POST', '/branches'],
      ['am.sh', 'POST', '/process-definitions'],
      ['audit.hq', 'POST', `/tasks/${randomUUID()}:task-1:urge`],
      ['audit.hq', 'POST', '/proxies'],
      ['audit.hq', 'POST', '/contracts'],
      ['audit.hq', 'POST', `/contracts/${randomUUID()}:sign`],
      ['am.sh', 'POST', `/documents/${randomUUID()}/legal-hold`],
      ['am.sh', 'POST', '/archives'],
      ['am.sh', 'GET', `/applications/${randomUUID()}/disbursement-review`],
      ['audit.hq', 'POST', `/documents/${randomUUID()}:delete`],
    ])('%s: %s %s with a nonsense body → 403, no field errors', async (user, method, path) => {
      const res = await call(method, path, {
        token: await system.login(user),
        body: method === 'GET' ? undefined : { nonsense: '\u0000', amount: 12 },
      });
      const problem = expectProblem(res, 403);
      expect(problem.errors).toBeUndefined();
    });

    it('the auditor may not urge tasks or set proxies, even with a valid body', async () => {
      const auditor = await system.login('audit.hq');
      expectProblem(
        await call('POST', '/proxies', {
          token: auditor,
          body: { proxyUserId: 'am.sh', fromDate: '2027-01-04', toDate: '2027-01-08' },
        }),
        403,
      );
      expectProblem(
        await call('POST', `/tasks/${randomUUID()}:task-1:urge`, { token: auditor, body: {} }),
        403,
      );
    });
  });

  it('contract signers name active users of the directory, not usernames or strangers', async () => {
    const disb = await system.login('disb.sh');
    const party = (role: string, signerUserId: string) => ({ role, name: '陈静', signerUserId });
    const known = (
      await api<{ userId: string }>(system.baseUrl, 'GET', `${API}/me`, { token: disb })
    ).body.userId;
    const contract = (parties: unknown[]) =>
      call('POST', '/contracts', {
        token: disb,
        body: { applicationId: randomUUID(), disbursementDate: '2025-12-31', parties },
      });
    // A username where the user's id belongs: refused by the schema.
    expectProblem(
      await contract([party('lender', known), party('borrower', 'am.sh')]),
      400,
      'parties[1].signerUserId',
    );
    // An id nobody in the directory has: refused before the documents service is asked.
    const problem = expectProblem(
      await contract([party('lender', known), party('borrower', randomUUID())]),
      400,
      'parties[1].signerUserId',
    );
    expect(problem.errors!.map((e) => [e.field, e.reason])).toEqual([
      ['parties[1].signerUserId', 'is not an active user of the directory'],
    ]);
    expect(await system.count(system.schemas.documents, 'contracts')).toBe(0);
  });

  describe('X-Request-Id is not a command id', () => {
    it('two creates with one X-Request-Id and different bodies make two customers, also across users', async () => {
      const requestId = `probe-${unique()}`;
      const headers = { 'x-request-id': requestId };
      const a = await call('POST', '/customers', { token: am, body: individualBody(), headers });
      const b = await call('POST', '/customers', { token: am, body: individualBody(), headers });
      const c = await call('POST', '/customers', {
        token: await system.login('am2.sh'),
        body: individualBody(),
        headers,
      });
      expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
      expect(new Set([a.body.id, b.body.id, c.body.id]).size).toBe(3);
    });

    it('the same Idempotency-Key replays with the same body and is refused with another', async () => {
      const key = `probe-${unique()}`;
      const body = individualBody();
      const headers = { 'idempotency-key': key };
      const first = await call('POST', '/customers', { token: am, body, headers });
      const again = await call('POST', '/customers', { token: am, body, headers });
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.body.id).toBe(first.body.id);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      const other = await call('POST', '/customers', {
        token: am,
        body: individualBody(),
        headers,
      });
      expectProblem(other, 422, 'Idempotency-Key');
      // Another user with the same key is another command.
      const theirs = await call('POST', '/customers', {
        token: await system.login('am2.sh'),
        body,
        headers,
      });
      expect(theirs.status).not.toBe(201);
      expect(theirs.body.id).toBeUndefined();
    });
  });

  describe('tokens', () => {
    const me = (token: string) => call('GET', '/me', { token });

    it('of a deactivated user are refused', async () => {
      const token = await system.login('leaver.sh');
      expect((await me(token)).status).toBe(200);
      const admin = await system.login('admin.hq');
      const users = await call('GET', '/users?q=leaver.sh', { token: admin });
      const leaver = (users.body.items as { id: string; username: string }[]).find(
        (u) => u.username === 'leaver.sh',
      )!;
      expect(
        (
          await call('POST', `/users/${leaver.id}:deactivate`, {
            token: admin,
            body: { reason: 'left the bank' },
          })
        ).status,
      ).toBe(200);
      const refused = await eventually(
        'the token of a closed account',
        () => me(token),
        (r) => r.status === 401,
      );
      expect(expectProblem(refused, 401).detail).toMatch(/closed/);
    });

    it('of a locked user are refused', async () => {
      const token = await system.login('locked.sh');
      expect((await me(token)).status).toBe(200);
      for (let i = 0; i < 6; i++) {
        const wrong = await call('POST', '/auth/login', {
          body: { username: 'locked.sh', password: `wrong-${i}-${TEST_PASSWORD}` },
        });
        expect([401, 429]).toContain(wrong.status);
      }
      const refused = await eventually(
        'the token of a locked account',
        () => me(token),
        (r) => r.status === 401,
      );
      expect(expectProblem(refused, 401).detail).toMatch(/locked/);
    });

    it('for an unknown user, or without an expiry, are refused', async () => {
      const unknown = signAccessToken(
        {
          userId: randomUUID(),
          username: 'ghost',
          displayName: 'ghost',
          roles: ['admin'],
          branchId: 'HQ',
          branchScope: 'all',
        },
        system.jwtPrivateKey,
        600,
      );
      expectProblem(await me(unknown), 401);

      // The real token of a real user, re-signed with the real key but without `exp`.
      const real = await system.login('am.sh');
      const { exp: _exp, iat: _iat, ...claims } = jwt.decode(real) as jwt.JwtPayload;
      const header = jwt.decode(real, { complete: true })!.header;
      const eternal = jwt.sign(claims, system.jwtPrivateKey, { algorithm: 'ES256', header });
      expectProblem(await me(eternal), 401);
    });
  });

  describe('headers and body limits', () => {
    it('every answer carries CSP, nosniff, no framing and a referrer policy', async () => {
      const answers = await Promise.all([
        fetch(`${system.baseUrl}${API}/me`, { headers: { authorization: `Bearer ${am}` } }),
        fetch(`${system.baseUrl}${API}/me`),
        fetch(`${system.baseUrl}/openapi.json`),
        fetch(`${system.baseUrl}/docs/`),
        fetch(`${system.baseUrl}/nowhere`),
        fetch(`${system.baseUrl}/healthz`),
        fetch(`${system.baseUrl}/`),
      ]);
      for (const res of answers) {
        await res.arrayBuffer();
        expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
        expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('x-frame-options')).toBe('DENY');
        expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      }
      // The Swagger UI page loads its script and style from itself, which the CSP allows.
      const page = await (await fetch(`${system.baseUrl}/docs/`)).text();
      expect(page).not.toMatch(/<script>(?!\s*<\/script>)/);
      expect((await fetch(`${system.baseUrl}/docs/swagger-ui-init.js`)).status).toBe(200);
    });

    it('a 1 MB body without a token is refused unread; a 10 kB log-in is too large', async () => {
      const big = JSON.stringify({ name: 'x'.repeat(1_000_000) });
      const res = await call('POST', '/customers', {
        rawBody: big,
        headers: { 'content-type': 'application/json' },
      });
      expectProblem(res, 401);
      const login = await call('POST', '/auth/login', {
        rawBody: JSON.stringify({ username: 'am.sh', password: 'x'.repeat(10_000) }),
        headers: { 'content-type': 'application/json' },
      });
      expect(login.status).toBe(413);
      expect(login.headers.get('connection')).toBe('close');
    });

    it('bytes that are not UTF-8, or a lone surrogate, are refused rather than stored as U+FFFD', async () => {
      const before = await writeCounts(system);
      const body = JSON.stringify(draftBody(customerId, { purpose: 'PURPOSE' }));
      const [head, tail] = body.split('PURPOSE') as [string, string];
      const bytes = Buffer.concat([
        Buffer.from(head),
        Buffer.from([0xff, 0xfe, 0xc3]),
        Buffer.from(tail),
      ]);
      const res = await fetch(`${system.baseUrl}${API}/applications`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${am}` },
        body: bytes,
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { errors: unknown[] }).errors).toEqual([
        { field: '(body)', reason: 'must be UTF-8 (the bytes are not)' },
      ]);
      const lone = await call('POST', '/applications', {
        token: am,
        rawBody: `${head}\\ud800${tail}`,
      });
      expect(expectProblem(lone, 400, 'purpose').errors).toEqual([
        { field: 'purpose', reason: 'must be well-formed Unicode text' },
      ]);
      expect(await writeCounts(system)).toEqual(before);
    });

    it('a JSON body in another charset is an unsupported media type, and nothing is written', async () => {
      const before = await writeCounts(system);
      const res = await call('POST', '/customers', {
        token: am,
        rawBody: JSON.stringify(individualBody()),
        headers: { 'content-type': 'application/json; charset=latin1' },
      });
      expect(res.status).toBe(415);
      expect(await writeCounts(system)).toEqual(before);
    });
  });
});

describe('security probe: log-in throttling per client address', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startSystem({
      gatewayEnv: { GATEWAY_LOGIN_ATTEMPTS_PER_IP: '3', GATEWAY_LOGIN_WINDOW_SECONDS: '3600' },
    });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('answers 429 with Retry-After once an address has used its attempts', async () => {
    const login = (password: string) =>
      api(system.baseUrl, 'POST', `${API}/auth/login`, { body: { username: 'am.sh', password } });
    expect((await login(TEST_PASSWORD)).status).toBe(200);
    expect((await login('wrong-password-1')).status).toBe(401);
    expect((await login('wrong-password-2')).status).toBe(401);
    const refused = await login(TEST_PASSWORD);
    expectProblem(refused, 429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(1200);
  });
});

describe('security probe: log-in throttling per user', () => {
  // The directory counts failures per user and answers RESOURCE_EXHAUSTED with a `retry-after`
  // trailer; a stand-in directory that always does so shows the gateway's 429.
  let server: Server;
  let address: string;
  let gateway: HttpServer;
  let client: identityV1.IdentityServiceClient;

  beforeAll(async () => {
    server = new Server();
    server.addService(identityV1.IdentityServiceService, {
      authenticate: (
        _call: unknown,
        callback: (err: Partial<ServiceError> | null, value?: unknown) => void,
      ) => {
        const metadata = new Metadata();
        metadata.set('retry-after', '42');
        callback({ code: status.RESOURCE_EXHAUSTED, details: 'too many attempts', metadata });
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, bound) =>
        err ? reject(err) : resolve(bound),
      ),
    );
    client = createGrpcClient(identityV1.IdentityServiceClient, `127.0.0.1:${port}`);
    const app = createApp({
      log: createLogger('test', 'silent'),
      identity: promiseClient(client),
      identityRpc: client,
      jwtPublicKey: '',
      jwtPrivateKey: '',
      tokenTtlSeconds: 600,
      rpcTimeoutMs: 2000,
      bodyLimit: '256kb',
      idempotencyTtlHours: 1,
      ready: async () => ({}),
    } as unknown as GatewayAppDeps);
    gateway = createServer(app);
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    address = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => gateway?.close(resolve));
    client?.close();
    await new Promise<void>((resolve) =>
      server ? server.tryShutdown(() => resolve()) : resolve(),
    );
  });

  it('maps RESOURCE_EXHAUSTED to 429 with the Retry-After the directory gives', async () => {
    const res = await fetch(`${address}${API}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'am.sh', password: 'guess' }),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('42');
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 429, detail: 'too many attempts' });
  });
});
