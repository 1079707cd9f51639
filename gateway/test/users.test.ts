import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  api,
  DEFAULT_USERS,
  startSystem,
  TEST_PASSWORD,
  type ApiResponse,
  type TestSystem,
} from '@loanflow/test/support/system';
import { API, expectProblem, unique } from './helpers';

// Starting the services and scrypt (log-ins, new passwords) take seconds on a busy machine.
jest.setTimeout(60_000);

interface UserJson {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  branchId: string;
  email?: string | null;
  mobile?: string | null;
  language?: string;
  active?: boolean;
  version?: number;
}

describe('gateway: the user directory for administrators, the staff list for everyone', () => {
  let system: TestSystem;
  let admin: string;
  let leader: string;

  beforeAll(async () => {
    system = await startSystem({
      users: [
        ...DEFAULT_USERS,
        { username: 'group.sh', roles: ['group_leader'], branchId: 'SH001' },
        { username: 'credit.pd', roles: ['credit_officer'], branchId: 'SH001-01' },
        { username: 'credit.bj', roles: ['credit_officer'], branchId: 'BJ001' },
      ],
    });
    [admin, leader] = await Promise.all([system.login('admin.hq'), system.login('group.sh')]);
  });

  afterAll(async () => {
    await system?.stop();
  });

  const call = <T = UserJson>(
    token: string,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => api<T>(system.baseUrl, method, `${API}${path}`, { token, body, headers });
  const written = async () => [
    await system.count(system.schemas.identity, 'users'),
    await system.count(system.schemas.identity, 'outbox'),
  ];
  const newUser = (overrides: Record<string, unknown> = {}) => ({
    username: `officer.${unique()}`,
    displayName: '周洁',
    roles: ['credit_officer'],
    branchId: 'SH001-01',
    email: 'zhou.jie@bank.example',
    mobile: '13816881234',
    language: 'zh-CN',
    initialPassword: 'a long enough passphrase',
    ...overrides,
  });
  const login = (username: string, password: string) =>
    api(system.baseUrl, 'POST', `${API}/auth/login`, { body: { username, password } });

  describe('POST /users', () => {
    it('an administrator creates a user who can then log in; a retry with the same key creates no second one', async () => {
      const body = newUser();
      const key = { 'idempotency-key': `create-${unique()}` };
      const before = await written();

      const res = await call(admin, 'POST', '/users', body, key);

      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toBe(`${API}/users/${res.body.id}`);
      expect(res.headers.get('etag')).toBe('"1"');
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        username: body.username,
        displayName: '周洁',
        roles: ['credit_officer'],
        branchId: 'SH001-01',
        email: 'zhou.jie@bank.example',
        mobile: '13816881234',
        language: 'zh-CN',
        active: true,
        version: 1,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const again = await call(admin, 'POST', '/users', body, key);
      expect(again.status).toBe(201);
      expect(again.body.id).toBe(res.body.id);
      expect(await written()).toEqual([before[0]! + 1, before[1]! + 1]);

      const session = await login(body.username, body.initialPassword);
      expect(session.status).toBe(200);
      expect(session.body.user).toMatchObject({
        userId: res.body.id,
        branchId: 'SH001-01',
        branchScope: ['SH001-01'],
      });
    });

    it('bad input: 400 naming each field, nothing written', async () => {
      const before = await written();
      const cases: [Record<string, unknown>, string][] = [
        [{ roles: ['credit_officer', 'superuser'] }, 'roles[1]'],
        [{ roles: [] }, 'roles'],
        [{ branchId: 'GZ001' }, 'branchId'],
        [{ initialPassword: 'short' }, 'initialPassword'],
        [{ mobile: '12345' }, 'mobile'],
        [{ language: 'fr' }, 'language'],
        [{ username: 'x' }, 'username'],
        [{ nickname: 'zz' }, 'nickname'],
      ];
      for (const [overrides, field] of cases) {
        const res = await call(admin, 'POST', '/users', newUser(overrides));
        const problem = expectProblem(res, 400, field);
        expect(problem.code).toBe('invalid_argument');
      }
      const weak = await call(admin, 'POST', '/users', newUser({ initialPassword: 'short' }));
      expect(expectProblem(weak, 400).errors).toEqual([
        {
          field: 'initialPassword',
          reason:
            'must be 12 to 256 characters, must not contain the username, must not be one character repeated and must not be a common password',
        },
      ]);
      expect(await written()).toEqual(before);
    });

    it('a taken username: 409 naming the existing user', async () => {
      const first = await call(admin, 'POST', '/users', newUser());
      const dup = await call(admin, 'POST', '/users', newUser({ username: first.body.username }));
      const problem = expectProblem(dup, 409, 'username');
      expect(problem.errors).toEqual([
        { field: 'username', reason: `is taken by user ${first.body.id}` },
      ]);
    });

    it('other roles are refused (403), nothing written', async () => {
      const before = await written();
      expectProblem(await call(leader, 'POST', '/users', newUser()), 403);
      expectProblem(await call(await system.login('am.sh'), 'POST', '/users', newUser()), 403);
      expect(await written()).toEqual(before);
    });
  });

  describe('GET /users', () => {
    it('a group leader lists active credit officers of a branch subtree, public fields only', async () => {
      const res = await call<{ items: UserJson[]; nextPageToken: string | null }>(
        leader,
        'GET',
        '/users?role=credit_officer&branchId=SH001&q=credit.',
      );
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([
        {
          id: expect.any(String),
          username: 'credit.pd',
          displayName: 'credit.pd',
          roles: ['credit_officer'],
          branchId: 'SH001-01',
        },
        {
          id: expect.any(String),
          username: 'credit.sh',
          displayName: 'credit.sh',
          roles: ['credit_officer'],
          branchId: 'SH001',
        },
      ]);
      expect(res.body.nextPageToken).toBeNull();
    });

    it('administrators get contact details and may list inactive users; others may not', async () => {
      const created = await call(admin, 'POST', '/users', newUser());
      const full = await call<{ items: UserJson[] }>(
        admin,
        'GET',
        `/users?q=${created.body.username}`,
      );
      expect(full.body.items[0]).toMatchObject({ email: 'zhou.jie@bank.example', version: 1 });
      const pub = await call<{ items: UserJson[] }>(
        leader,
        'GET',
        `/users?q=${created.body.username}`,
      );
      expect(pub.body.items[0]).not.toHaveProperty('email');
      expect(pub.body.items[0]).not.toHaveProperty('mobile');
      expectProblem(await call(leader, 'GET', '/users?status=inactive'), 403);
    });

    it('bad filters: 400 naming the parameter', async () => {
      expectProblem(await call(leader, 'GET', '/users?role=superuser'), 400, 'role');
      expectProblem(await call(leader, 'GET', '/users?pageSize=0'), 400, 'pageSize');
      expectProblem(await call(leader, 'GET', '/users?branchId=GZ001'), 400, 'branchId');
    });
  });

  describe('one user: read, edit, deactivate, reactivate, reset the password', () => {
    let user: UserJson;
    const password = 'a long enough passphrase';

    beforeAll(async () => {
      user = (await call(admin, 'POST', '/users', newUser({ initialPassword: password }))).body;
    });

    it('GET /users/{id} for administrators, with the version as ETag', async () => {
      const res = await call(admin, 'GET', `/users/${user.id}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('etag')).toBe('"1"');
      expect(res.body).toEqual(user);
      expectProblem(await call(leader, 'GET', `/users/${user.id}`), 403);
      expectProblem(await call(admin, 'GET', '/users/not-a-uuid'), 400, 'id');
      expectProblem(await call(admin, 'GET', '/users/0190a0b0-0000-7000-8000-000000000000'), 404);
    });

    it('PATCH needs If-Match; it keeps what is not sent and refuses a stale version', async () => {
      const noMatch = await call(admin, 'PATCH', `/users/${user.id}`, {
        displayName: '周洁 (浦东)',
      });
      expectProblem(noMatch, 400, 'If-Match');

      const res = await call(
        admin,
        'PATCH',
        `/users/${user.id}`,
        { displayName: '周洁 (浦东)', roles: ['credit_officer', 'committee_member'], email: null },
        { 'if-match': '"1"' },
      );
      expect(res.status).toBe(200);
      expect(res.headers.get('etag')).toBe('"2"');
      expect(res.body).toMatchObject({
        displayName: '周洁 (浦东)',
        roles: ['credit_officer', 'committee_member'],
        branchId: 'SH001-01',
        email: null,
        mobile: '13816881234',
        version: 2,
      });

      const stale = await call(
        admin,
        'PATCH',
        `/users/${user.id}`,
        { displayName: 'lost update' },
        { 'if-match': '"1"' },
      );
      expect(expectProblem(stale, 409).code).toBe('conflict');
      const badBranch = await call(
        admin,
        'PATCH',
        `/users/${user.id}`,
        { branchId: 'ZZ999' },
        { 'if-match': '"2"' },
      );
      expectProblem(badBranch, 400, 'branchId');
      expect((await call(admin, 'GET', `/users/${user.id}`)).body.displayName).toBe('周洁 (浦东)');
    });

    it(':deactivate closes the account (no log-in), :reactivate opens it again', async () => {
      expectProblem(await call(admin, 'POST', `/users/${user.id}:deactivate`, {}), 400, 'reason');
      expectProblem(
        await call(leader, 'POST', `/users/${user.id}:deactivate`, { reason: 'x' }),
        403,
      );
      const closed = await call(admin, 'POST', `/users/${user.id}:deactivate`, {
        reason: 'transferred to another bank',
      });
      expect(closed.status).toBe(200);
      expect(closed.body).toMatchObject({ active: false });
      expectProblem(await login(user.username, password), 401);

      const open = await call(admin, 'POST', `/users/${user.id}:reactivate`);
      expect(open.body).toMatchObject({ active: true });
      expect((await login(user.username, password)).status).toBe(200);
    });

    it(':reset-password sets a new one (204); a weak one is refused with the rule', async () => {
      const weak = await call(admin, 'POST', `/users/${user.id}:reset-password`, {
        newPassword: 'abc',
      });
      expectProblem(weak, 400, 'newPassword');
      const done = await call(admin, 'POST', `/users/${user.id}:reset-password`, {
        newPassword: 'another long passphrase',
      });
      expect(done.status).toBe(204);
      expectProblem(await login(user.username, password), 401);
      expect((await login(user.username, 'another long passphrase')).status).toBe(200);
    });
  });

  describe('branches', () => {
    it('everyone reads the tree; administrators open branches; bad input is refused', async () => {
      const tree = await call<{ items: unknown[] }>(leader, 'GET', '/branches');
      expect(tree.status).toBe(200);
      expect(tree.body.items).toEqual([
        { code: 'HQ', name: '总行', parentCode: null, level: 'head_office' },
        { code: 'BJ001', name: '北京分行', parentCode: 'HQ', level: 'branch' },
        { code: 'SH001', name: '上海分行', parentCode: 'HQ', level: 'branch' },
        { code: 'SH001-01', name: '浦东支行', parentCode: 'SH001', level: 'sub_branch' },
      ]);

      const before = await system.count(system.schemas.identity, 'branches');
      expectProblem(
        await call(leader, 'POST', '/branches', {
          code: 'SH001-02',
          name: '徐汇支行',
          parentCode: 'SH001',
        }),
        403,
      );
      expectProblem(
        await call(admin, 'POST', '/branches', {
          code: 'SH001-02',
          name: '徐汇支行',
          parentCode: 'SH001-01',
        }),
        400,
        'parentCode',
      );
      expectProblem(
        await call(admin, 'POST', '/branches', { code: 'SH001-02', name: '徐汇支行' }),
        400,
        'parentCode',
      );
      expect(await system.count(system.schemas.identity, 'branches')).toBe(before);

      const opened: ApiResponse = await call(admin, 'POST', '/branches', {
        code: 'SH001-02',
        name: '徐汇支行',
        parentCode: 'SH001',
      });
      expect(opened.status).toBe(201);
      expect(opened.body).toEqual({
        code: 'SH001-02',
        name: '徐汇支行',
        parentCode: 'SH001',
        level: 'sub_branch',
      });
      // A user logging in at SH001 now sees the new sub-branch too.
      const session = await login('am.sh', TEST_PASSWORD);
      expect((session.body.user as { branchScope: string[] }).branchScope).toEqual([
        'SH001',
        'SH001-01',
        'SH001-02',
      ]);
    });
  });
});
