import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { PoolClient } from 'pg';
import { api, startSystem, type ApiResponse, type TestSystem } from '@loanflow/test/support/system';
import { API, individualBody, unique, writeCounts } from './helpers';

// Starting the services and scrypt log-ins take seconds on a busy machine.
jest.setTimeout(30_000);

/** Resolves with the error code of a fresh TCP connection to the port, or 'connected'. */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

describe('gateway: graceful shutdown', () => {
  let system: TestSystem;
  let locker: PoolClient | undefined;

  beforeAll(async () => {
    system = await startSystem();
  });

  afterAll(async () => {
    await locker?.query('ROLLBACK').catch(() => undefined);
    locker?.release();
    // The gateway was stopped by the test; the harness stops the rest.
    system.gateway.stop = () => Promise.resolve();
    await system?.stop();
  });

  /** Requests waiting for a lock on `schema.table`, i.e. held up inside the services. */
  const waitingOn = async (schema: string, table: string) => {
    const { rows } = await system.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_locks WHERE relation = $1::regclass AND NOT granted`,
      [`${schema}.${table}`],
    );
    return rows[0]!.n;
  };
  const eventually = async (what: string, ok: () => Promise<boolean>) => {
    const deadline = Date.now() + 10_000;
    while (!(await ok())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('lets requests in flight at stop() finish, refuses new connections, stops promptly', async () => {
    const token = await system.login('am.sh');
    const port = system.gateway.httpPort;
    const before = await writeCounts(system);
    // Warm up: keep-alive connections in the client's pool, as a real client would have.
    for (let i = 0; i < 3; i++) {
      expect((await api(system.baseUrl, 'GET', `${API}/applications`, { token })).status).toBe(200);
    }

    // Hold the requests inside the services, so that they are provably in flight at stop():
    // writes wait in the gateway (idempotency key table), list requests in the applications service.
    locker = await system.db.connect();
    await locker.query('BEGIN');
    await locker.query(
      `LOCK TABLE ${system.schemas.gateway}.idempotency_keys IN ACCESS EXCLUSIVE MODE`,
    );
    await locker.query(
      `LOCK TABLE ${system.schemas.applications}.loan_applications IN ACCESS EXCLUSIVE MODE`,
    );

    const writes = Array.from({ length: 10 }, () =>
      api(system.baseUrl, 'POST', `${API}/customers`, {
        token,
        body: individualBody(),
        headers: { 'idempotency-key': `shutdown-${unique()}` },
      }),
    );
    const lists = Array.from({ length: 5 }, () =>
      api(system.baseUrl, 'GET', `${API}/applications?pageSize=5`, { token }),
    );
    await eventually('10 writes and 5 lists to be held', async () => {
      const [w, l] = await Promise.all([
        waitingOn(system.schemas.gateway, 'idempotency_keys'),
        waitingOn(system.schemas.applications, 'loan_applications'),
      ]);
      return w === 10 && l === 5;
    });

    const started = Date.now();
    let stopped = false;
    const stopping = system.gateway.stop().then(() => {
      stopped = true;
    });

    // No new connections while draining (the listener closes once the connections the kernel
    // already completed are taken in)…
    await eventually(
      'the listener to close',
      async () => (await tryConnect(port)) === 'ECONNREFUSED',
    );
    expect(stopped).toBe(false);

    await locker.query('COMMIT');
    locker.release();
    locker = undefined;

    // …and every request that was in flight completes normally.
    const written = await Promise.all(writes);
    const listed = await Promise.all(lists);
    expect(written.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(listed.map((r) => r.status)).toEqual(Array(5).fill(200));
    expect(new Set(written.map((r) => r.body.id)).size).toBe(10);
    for (const r of listed) expect(Array.isArray(r.body.items)).toBe(true);

    // The connections those requests came on do not take new work while the gateway drains…
    const meanwhile = await api(system.baseUrl, 'GET', '/healthz').then(
      (res) => `accepted with ${res.status}`,
      () => 'refused',
    );
    expect(meanwhile).toBe('refused');
    // …nor keep it alive: stop() finishes well before the 5 s shutdown deadline.
    await stopping;
    expect(Date.now() - started).toBeLessThan(4000);

    // Afterwards nothing is accepted, on a new connection or through the client's pool.
    expect(await tryConnect(port)).toBe('ECONNREFUSED');
    const late: Promise<ApiResponse> = api(system.baseUrl, 'GET', '/healthz');
    await expect(late).rejects.toThrow();

    // No accepted request was lost: all ten customers are there.
    expect(await writeCounts(system)).toEqual({ ...before, customers: before.customers + 10 });
  });
});
