import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { createGrpcClient, HEAD_OFFICE, uuidv7, type Principal } from '@loanflow/platform';
import { identityV1, vocabularyV1 } from '@loanflow/proto';
import type pg from 'pg';
import { failure, startIdentity, type IdentityHarness } from './harness';

// scrypt (32 MiB, tens of ms) per log-in, twenty at once, on a shared 2-core machine.
jest.setTimeout(120_000);

const PASSWORD = 'correct horse battery staple';
const admin: Principal = {
  userId: uuidv7(),
  username: 'admin.test',
  displayName: 'Admin',
  roles: ['admin'],
  branchId: HEAD_OFFICE,
};
const staff: Principal = { ...admin, userId: uuidv7(), roles: ['credit_officer'] };

describe('identity service: log-in lock, throttle, user standing, NUL characters', () => {
  let h: IdentityHarness;

  const create = async () =>
    (
      await h.client.createUser(
        identityV1.CreateUserRequest.fromPartial({
          username: `sec.${uuidv7().slice(-8)}`,
          displayName: '安全',
          roles: [vocabularyV1.Role.ROLE_ACCOUNT_MANAGER],
          branchId: HEAD_OFFICE,
          initialPassword: PASSWORD,
        }),
        h.as(admin),
      )
    ).user!;
  // Twenty password hashes at once take a while on two shared cores.
  const login = (username: string, password: string) =>
    h.client.authenticate({ username, password }, { timeoutMs: 90_000 });
  /** Sessions waiting, directly or behind each other, for the lock of session `holderPid`. */
  const waitingBehind = async (holderPid: number) =>
    (
      await h.db.query<{ n: number }>(
        `WITH RECURSIVE blocked AS (
           SELECT pid FROM pg_stat_activity WHERE $1::int = ANY (pg_blocking_pids(pid))
           UNION
           SELECT a.pid FROM pg_stat_activity a JOIN blocked b ON b.pid = ANY (pg_blocking_pids(a.pid))
         ) SELECT count(*)::int AS n FROM blocked`,
        [holderPid],
      )
    ).rows[0]!.n;
  const until = async (what: string, probe: () => Promise<boolean>) => {
    const deadline = Date.now() + 60_000;
    while (!(await probe())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  beforeAll(async () => {
    // Enough connections for twenty log-ins to wait on the row at once.
    h = await startIdentity({ DATABASE_POOL_MAX: '25' });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('counts wrong passwords sent together one after the other: the right one sent after them is refused, the account locked', async () => {
    const user = await create();
    // Hold the user's row, so that the log-ins queue on it in the order they are sent.
    const holder: pg.PoolClient = await h.db.connect();
    let settled: Promise<PromiseSettledResult<unknown>[]>;
    let rightSettled = false;
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [user.id]);
      const holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))
        .rows[0]!.pid;
      const waitingForLock = () => waitingBehind(holderPid);
      const wrong = Array.from({ length: 19 }, (_, i) => login(user.username, `wrong ${i}`));
      await until(
        '19 wrong log-ins to queue on the row',
        async () => (await waitingForLock()) === 19,
      );
      const right = login(user.username, PASSWORD).finally(() => (rightSettled = true));
      // The fixed service queues the right password too; the old one let it in without waiting.
      await until(
        'the right log-in to queue or answer',
        async () => rightSettled || (await waitingForLock()) === 20,
      );
      settled = Promise.allSettled([...wrong, right]);
    } finally {
      await holder.query('COMMIT');
      holder.release();
    }
    const results = await settled;
    const codes = results.map((r) =>
      r.status === 'rejected' ? (r.reason as { code: string }).code : 'admitted',
    );
    const { rows } = await h.db.query<{ failed_logins: number; locked_until: Date | null }>(
      'SELECT failed_logins, locked_until FROM users WHERE id = $1',
      [user.id],
    );
    // PostgreSQL wakes the log-ins queued on the row in an order it does not promise, so the
    // outcome must be that of SOME serial order: every wrong password is counted (none lost),
    // and the right one gets in only if fewer than five wrong ones came before it — after a
    // success the count starts again, so at least 15 are counted after it.
    expect(codes.slice(0, 19)).toEqual(Array(19).fill('unauthenticated'));
    if (codes[19] === 'admitted') {
      expect(rows[0]!.failed_logins).toBeGreaterThanOrEqual(15);
      expect(rows[0]!.failed_logins).toBeLessThanOrEqual(19);
    } else {
      expect(codes[19]).toBe('unauthenticated');
      expect(rows[0]!.failed_logins).toBe(19);
    }
    expect(rows[0]!.locked_until).not.toBeNull();
    const standing = await h.client.checkUser({ userId: user.id }, h.as(staff));
    expect(standing).toEqual({
      exists: true,
      active: true,
      locked: true,
      lockedUntil: rows[0]!.locked_until!.toISOString(),
    });
  });

  it('loses no wrong password sent at once: all nineteen counted, then the right one is refused', async () => {
    const user = await create();
    const wrong = await Promise.allSettled(
      Array.from({ length: 19 }, (_, i) => login(user.username, `wrong ${i}`)),
    );
    expect(wrong.every((r) => r.status === 'rejected')).toBe(true);
    const { rows } = await h.db.query<{ failed_logins: number }>(
      'SELECT failed_logins FROM users WHERE id = $1',
      [user.id],
    );
    expect(rows[0]!.failed_logins).toBe(19);
    await failure(login(user.username, PASSWORD));
  });

  it('admits the right password that comes before the fifth wrong one', async () => {
    const user = await create();
    for (let i = 1; i <= 4; i++) await failure(login(user.username, `wrong ${i}`));
    expect((await login(user.username, PASSWORD)).user!.id).toBe(user.id);
    const { rows } = await h.db.query(
      'SELECT failed_logins, locked_until FROM users WHERE id = $1',
      [user.id],
    );
    expect(rows[0]).toEqual({ failed_logins: 0, locked_until: null });
  });

  it('throttles a username after 10 failures, known or not, with the seconds to wait', async () => {
    const user = await create();
    for (const name of [user.username, `nobody.${uuidv7().slice(-8)}`]) {
      for (let i = 1; i <= 10; i++)
        expect((await failure(login(name, `wrong ${i}`))).code).toBe('unauthenticated');
      const throttled = await failure(login(name, PASSWORD));
      expect(throttled.code).toBe('resource_exhausted');
      expect(throttled.message).toBe('too many failed log-ins for this username; try again later');
      const wait = Number(throttled.extensions.retryAfter);
      expect(wait).toBeGreaterThan(14 * 60);
      expect(wait).toBeLessThanOrEqual(15 * 60);
    }
    // Another username is not throttled.
    const other = await create();
    expect((await login(other.username, PASSWORD)).user!.id).toBe(other.id);
  });

  it('puts the seconds to wait in the retry-after trailer', async () => {
    const name = `trailer.${uuidv7().slice(-8)}`;
    for (let i = 1; i <= 10; i++) await failure(login(name, `wrong ${i}`));
    const raw = createGrpcClient(
      identityV1.IdentityServiceClient,
      `127.0.0.1:${h.service.grpcPort}`,
    );
    const trailer = await new Promise<unknown[]>((resolve) =>
      raw.authenticate({ username: name, password: PASSWORD }, (err) =>
        resolve(err?.metadata.get('retry-after') ?? []),
      ),
    ).finally(() => raw.close());
    expect(trailer).toHaveLength(1);
    expect(Number(trailer[0])).toBeGreaterThan(14 * 60);
  });

  it('CheckUser: an active user, a deactivated one, an unknown id; a malformed id is refused', async () => {
    const user = await create();
    expect(await h.client.checkUser({ userId: user.id }, h.as(staff))).toEqual({
      exists: true,
      active: true,
      locked: false,
      lockedUntil: '',
    });
    await h.client.deactivateUser({ id: user.id, reason: 'left the bank' }, h.as(admin));
    expect(await h.client.checkUser({ userId: user.id }, h.as(staff))).toEqual({
      exists: true,
      active: false,
      locked: false,
      lockedUntil: '',
    });
    expect(await h.client.checkUser({ userId: uuidv7() }, h.as(staff))).toEqual({
      exists: false,
      active: false,
      locked: false,
      lockedUntil: '',
    });
    const bad = await failure(h.client.checkUser({ userId: '../../etc/passwd' }, h.as(staff)));
    expect(bad.violations).toEqual([{ field: 'userId', reason: 'must be a UUID' }]);
    expect((await failure(h.client.checkUser({ userId: user.id }))).code).toBe('unauthenticated');
  });

  it('refuses a NUL character in any string of a request, naming the field, writing nothing', async () => {
    const nul = await failure(login('a\u0000b', PASSWORD));
    expect(nul.code).toBe('invalid_argument');
    expect(nul.violations).toEqual([
      { field: 'username', reason: 'must not contain a NUL character' },
    ]);
    const before = (await h.db.query('SELECT count(*)::int AS n FROM users')).rows[0].n;
    const created = await failure(
      h.client.createUser(
        identityV1.CreateUserRequest.fromPartial({
          username: `nul.${uuidv7().slice(-8)}`,
          displayName: '周\u0000洁',
          roles: [vocabularyV1.Role.ROLE_ACCOUNT_MANAGER],
          branchId: HEAD_OFFICE,
          email: 'a\u0000@bank.example',
          initialPassword: PASSWORD,
        }),
        h.as(admin),
      ),
    );
    expect(created.violations).toEqual([
      { field: 'displayName', reason: 'must not contain a NUL character' },
      { field: 'email', reason: 'must not contain a NUL character' },
    ]);
    expect((await h.db.query('SELECT count(*)::int AS n FROM users')).rows[0].n).toBe(before);
  });
});
