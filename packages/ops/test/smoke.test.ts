import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSystem, TEST_PASSWORD, type TestSystem } from '@loanflow/test/support/system';
import { runOps } from './run-ops';

/**
 * The smoke check skaffold's verify step runs, here against a real system (every service and the
 * gateway on real PostgreSQL and NATS) with the demo account manager am.li in the directory.
 */
describe('ops smoke against a running system', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startSystem({
      users: [{ username: 'am.li', roles: ['account_manager'], branchId: 'SH001' }],
    });
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('logs in, enters a customer, submits an application and finds it listed', async () => {
    const r = await runOps(['smoke', '--gateway', system.baseUrl], {
      SMOKE_PASSWORD: TEST_PASSWORD,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const steps = r.stdout.trimEnd().split('\n');
    expect(steps.map((l) => /^ok {2}(.+?) {2,}/.exec(l)?.[1])).toEqual([
      'ready',
      'login',
      'create customer',
      'create application',
      'submit application',
      'list applications',
      undefined,
    ]);
    expect(steps.pop()).toBe(`smoke check passed against ${system.baseUrl}`);
    // The application it reports is in the system, submitted, entered by am.li.
    const id = /application ([0-9a-f-]{36}) listed as submitted/.exec(r.stdout)![1];
    const token = await system.login('am.li');
    const res = await fetch(`${system.baseUrl}/api/v1/applications/${id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      id,
      status: 'submitted',
      productCode: 'PERSONAL_CONSUMER',
      amount: '120000.00',
    });
  });

  it('--json gives the steps to machines', async () => {
    const r = await runOps(['smoke', '--gateway', `${system.baseUrl}/`, '--json'], {
      SMOKE_PASSWORD: TEST_PASSWORD,
    });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.ok).toBe(true);
    expect(out.steps.map((s: { step: string }) => s.step)).toEqual([
      'ready',
      'login',
      'create customer',
      'create application',
      'submit application',
      'list applications',
    ]);
  });

  it('exits 1 naming the failing step when the password is wrong', async () => {
    const r = await runOps(['smoke', '--gateway', system.baseUrl], {
      SMOKE_PASSWORD: 'not-the-password',
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ok {2}ready /);
    expect(r.stderr).toMatch(
      /^FAILED login: POST \/api\/v1\/auth\/login answered 401, expected 200: /,
    );
  });

  it('exits 1 at the readiness step when nothing answers within the deadline', async () => {
    // A port nothing listens on any more.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const r = await runOps(
      ['smoke', '--gateway', `http://127.0.0.1:${port}`, '--timeout', '1'],
      {},
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('FAILED ready: GET /readyz not ready after 1s: ECONNREFUSED\n');
  });
});
