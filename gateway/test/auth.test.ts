import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { generateSigningKeys, signAccessToken, type Principal } from '@loanflow/platform';
import {
  api,
  DEFAULT_USERS,
  startSystem,
  TEST_PASSWORD,
  type TestSystem,
} from '@loanflow/test/support/system';
import { API, expectProblem } from './helpers';

// Starting the services and scrypt log-ins take seconds on a busy machine.
jest.setTimeout(30_000);

interface LoginResponse {
  accessToken: string;
  tokenType: string;
  expiresIn: number;
  user: Principal;
}

const decodePart = (part: string) =>
  JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

describe('gateway: logging in and bearer tokens', () => {
  let system: TestSystem;
  const login = (username: string, password: string) =>
    api<LoginResponse>(system.baseUrl, 'POST', `${API}/auth/login`, {
      body: { username, password },
    });
  const userRow = async (username: string) => {
    const { rows } = await system.db.query<{ failed_logins: number; locked_until: Date | null }>(
      `SELECT failed_logins, locked_until FROM ${system.schemas.identity}.users WHERE username = $1`,
      [username],
    );
    return rows[0]!;
  };

  beforeAll(async () => {
    system = await startSystem({
      users: [
        ...DEFAULT_USERS,
        // Accounts of their own for the tests that count failed log-ins.
        { username: 'lock.me', roles: ['account_manager'], branchId: 'SH001' },
        { username: 'slip.once', roles: ['account_manager'], branchId: 'SH001' },
      ],
    });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('logs in with the right password: an ES256 JWT for the user, with roles, branch and scope', async () => {
    const res = await login('am.sh', TEST_PASSWORD);

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const { accessToken, tokenType, expiresIn, user } = res.body;
    expect(tokenType).toBe('Bearer');
    expect(expiresIn).toBe(3600);
    expect(user).toEqual({
      userId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      username: 'am.sh',
      displayName: 'am.sh',
      roles: ['account_manager'],
      branchId: 'SH001',
      // The subtree of SH001 in the directory's branch tree.
      branchScope: ['SH001', 'SH001-01'],
    });

    const parts = accessToken.split('.');
    expect(parts).toHaveLength(3);
    expect(decodePart(parts[0]!)).toMatchObject({ alg: 'ES256', typ: 'JWT' });
    const claims = decodePart(parts[1]!);
    expect(claims).toMatchObject({
      sub: user.userId,
      username: 'am.sh',
      roles: ['account_manager'],
      branch: 'SH001',
      scope: ['SH001', 'SH001-01'],
      iss: 'loanflow-gateway',
      aud: 'loanflow',
    });
    expect((claims.exp as number) - (claims.iat as number)).toBe(expiresIn);
    expect(Math.abs((claims.iat as number) - Date.now() / 1000)).toBeLessThan(60);
  });

  it('a head-office user is scoped to every branch', async () => {
    const res = await login('audit.hq', TEST_PASSWORD);
    expect(res.body.user).toMatchObject({ branchId: 'HQ', branchScope: 'all' });
    expect(decodePart(res.body.accessToken.split('.')[1]!)).toMatchObject({ scope: 'all' });
  });

  it('GET /me answers with the principal of the token', async () => {
    const { body } = await login('credit.sh', TEST_PASSWORD);

    const me = await api(system.baseUrl, 'GET', `${API}/me`, { token: body.accessToken });

    expect(me.status).toBe(200);
    expect(me.body).toEqual(body.user);
    expect(me.body).toMatchObject({ username: 'credit.sh', roles: ['credit_officer'] });
  });

  it('refuses a wrong password and an unknown user alike: 401 problem+json, same detail', async () => {
    const wrong = await login('am.sh', 'not the password');
    const unknown = await login('nobody.here', TEST_PASSWORD);

    const p1 = expectProblem(wrong, 401);
    const p2 = expectProblem(unknown, 401);
    expect(p1.code).toBe('unauthenticated');
    expect(p1.detail).toBe(p2.detail);
    expect(p1.type).toBe(p2.type);
    expect(p1.title).toBe(p2.title);
    expect(wrong.body).not.toHaveProperty('accessToken');
    expect(unknown.body).not.toHaveProperty('accessToken');
    // The right password still works: one wrong try does not lock the account.
    expect((await login('am.sh', TEST_PASSWORD)).status).toBe(200);
  });

  it('locks the account after 5 wrong passwords; then the right password is refused too', async () => {
    for (let attempt = 1; attempt <= 4; attempt++) {
      expectProblem(await login('lock.me', `wrong-${attempt}`), 401);
      const row = await userRow('lock.me');
      expect(row.failed_logins).toBe(attempt);
      expect(row.locked_until).toBeNull();
    }
    const fifth = expectProblem(await login('lock.me', 'wrong-5'), 401);

    const locked = await userRow('lock.me');
    expect(locked.failed_logins).toBe(5);
    expect(locked.locked_until).not.toBeNull();
    const minutesLeft = (locked.locked_until!.getTime() - Date.now()) / 60000;
    expect(minutesLeft).toBeGreaterThan(14);
    expect(minutesLeft).toBeLessThanOrEqual(15.5);

    const right = await login('lock.me', TEST_PASSWORD);
    const problem = expectProblem(right, 401);
    // A locked account is not told apart from a wrong password.
    expect(problem.detail).toBe(fifth.detail);
    expect(right.body).not.toHaveProperty('accessToken');
    expect((await userRow('lock.me')).locked_until).toEqual(locked.locked_until);
  });

  it('forgets earlier failed log-ins once the right password is given', async () => {
    expectProblem(await login('slip.once', 'typo'), 401);
    expectProblem(await login('slip.once', 'typo again'), 401);
    expect((await userRow('slip.once')).failed_logins).toBe(2);

    expect((await login('slip.once', TEST_PASSWORD)).status).toBe(200);

    expect(await userRow('slip.once')).toEqual({ failed_logins: 0, locked_until: null });
  });

  it('refuses a deactivated account with the right password, with the same detail', async () => {
    const admin = await system.login('admin.hq');
    const users = await api<{ items: { id: string }[] }>(
      system.baseUrl,
      'GET',
      `${API}/users?q=risk2.hq`,
      { token: admin },
    );
    const closed = await api(
      system.baseUrl,
      'POST',
      `${API}/users/${users.body.items[0]!.id}:deactivate`,
      {
        token: admin,
        body: { reason: 'moved to another bank' },
      },
    );
    expect(closed.body).toMatchObject({ username: 'risk2.hq', active: false });
    const res = await login('risk2.hq', TEST_PASSWORD);
    const unknown = await login('nobody.at.all', TEST_PASSWORD);
    expect(expectProblem(res, 401).detail).toBe(expectProblem(unknown, 401).detail);
    expect(res.body).not.toHaveProperty('accessToken');
  });

  it('rejects a login body that is not {username, password}', async () => {
    const res = await api(system.baseUrl, 'POST', `${API}/auth/login`, {
      body: { username: 'am.sh' },
    });
    expectProblem(res, 400, 'password');
  });

  describe('protected routes', () => {
    const me = (headers: Record<string, string>) =>
      api(system.baseUrl, 'GET', `${API}/me`, { headers });

    it('401 without a token', async () => {
      const problem = expectProblem(await me({}), 401);
      expect(problem.code).toBe('unauthenticated');
    });

    it('401 with a malformed token or another scheme', async () => {
      expectProblem(await me({ authorization: 'Bearer not-a-jwt' }), 401);
      expectProblem(await me({ authorization: 'Bearer aaa.bbb.ccc' }), 401);
      expectProblem(await me({ authorization: 'Bearer' }), 401);
      const basic = Buffer.from(`am.sh:${TEST_PASSWORD}`).toString('base64');
      expectProblem(await me({ authorization: `Basic ${basic}` }), 401);
    });

    it('401 with a well-formed token signed by another key', async () => {
      const real = await login('am.sh', TEST_PASSWORD);
      const forged = signAccessToken(
        { ...real.body.user, roles: ['admin'], branchId: 'HQ' },
        generateSigningKeys().privateKey,
      );
      expect(forged.split('.')).toHaveLength(3);

      expectProblem(await me({ authorization: `Bearer ${forged}` }), 401);
      // The same claims, tampered into the real token's payload, fail the signature too.
      const [header, , signature] = real.body.accessToken.split('.');
      const payload = Buffer.from(
        JSON.stringify({ ...decodePart(real.body.accessToken.split('.')[1]!), roles: ['admin'] }),
      ).toString('base64url');
      expectProblem(await me({ authorization: `Bearer ${header}.${payload}.${signature}` }), 401);
    });

    it('the same routes work with the real token', async () => {
      const token = await system.login('am.sh');
      const res = await me({ authorization: `Bearer ${token}` });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ username: 'am.sh', branchId: 'SH001' });
    });
  });
});
