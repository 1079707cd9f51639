import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { HEAD_OFFICE, uuidv7, type Principal } from '@loanflow/platform';
import { identityV1, vocabularyV1 } from '@loanflow/proto';
import { PASSWORD_RULE } from '../src/main';
import { failure, startIdentity, type IdentityHarness } from './harness';

// scrypt (32 MiB, tens of ms) per log-in and per new password, on a shared 2-core machine.
jest.setTimeout(60_000);

const { Role } = vocabularyV1;
const PASSWORD = 'correct horse battery staple';

const admin: Principal = {
  userId: uuidv7(),
  username: 'admin.test',
  displayName: 'Admin',
  roles: ['admin'],
  branchId: HEAD_OFFICE,
};
const groupLeader: Principal = {
  userId: uuidv7(),
  username: 'group.test',
  displayName: 'Group leader',
  roles: ['group_leader'],
  branchId: 'SH001',
};

describe('identity service: the user directory over gRPC and PostgreSQL', () => {
  let h: IdentityHarness;
  const count = async (table: string) =>
    (await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
  const outbox = async (subjectId: string) =>
    (
      await h.db.query<{ event_type: string; payload: { data: unknown } }>(
        'SELECT event_type, payload FROM outbox WHERE subject_id = $1 ORDER BY seq',
        [subjectId],
      )
    ).rows;
  const newUser = (overrides: Partial<identityV1.CreateUserRequest> = {}) =>
    identityV1.CreateUserRequest.fromPartial({
      username: `user.${uuidv7().slice(-8)}`,
      displayName: '周洁',
      roles: [Role.ROLE_CREDIT_OFFICER],
      branchId: 'SH001',
      email: 'zhou.jie@bank.example',
      mobile: '13816881234',
      language: 'zh-CN',
      initialPassword: PASSWORD,
      ...overrides,
    });
  const create = async (overrides: Partial<identityV1.CreateUserRequest> = {}) =>
    (await h.client.createUser(newUser(overrides), h.as(admin))).user!;
  const login = (username: string, password: string) =>
    h.client.authenticate({ username, password });

  beforeAll(async () => {
    h = await startIdentity();
    for (const b of [
      { code: 'SH001', name: '上海分行', parentCode: 'HQ' },
      { code: 'SH001-01', name: '浦东支行', parentCode: 'SH001' },
      { code: 'BJ001', name: '北京分行', parentCode: 'HQ' },
    ])
      await h.client.createBranch(b, h.as(admin));
  });

  afterAll(async () => {
    await h?.close();
  });

  describe('the branch tree', () => {
    it('lists head office → branch → sub-branch, each branch followed by its sub-branches', async () => {
      const { branches } = await h.client.listBranches({}, h.as(groupLeader));
      expect(branches).toEqual([
        { code: 'HQ', name: '总行', parentCode: '', level: 'head_office' },
        { code: 'BJ001', name: '北京分行', parentCode: 'HQ', level: 'branch' },
        { code: 'SH001', name: '上海分行', parentCode: 'HQ', level: 'branch' },
        { code: 'SH001-01', name: '浦东支行', parentCode: 'SH001', level: 'sub_branch' },
      ]);
    });

    it("a branch's scope is its subtree; the head office's is every branch", async () => {
      const scope = (branchId: string) =>
        h.client.getBranchScope({ branchId }, h.as(groupLeader)).then((r) => r.branchCodes);
      expect(await scope('SH001')).toEqual(['SH001', 'SH001-01']);
      expect(await scope('SH001-01')).toEqual(['SH001-01']);
      expect(await scope('BJ001')).toEqual(['BJ001']);
      expect(await scope('HQ')).toEqual(['HQ', 'BJ001', 'SH001', 'SH001-01']);
      expect((await failure(scope('XX999'))).code).toBe('not_found');
    });

    it('refuses a level below sub-branch, an unknown parent, a taken code and non-administrators', async () => {
      const before = await count('branches');
      const deeper = await failure(
        h.client.createBranch(
          { code: 'SH001-99', name: '太深', parentCode: 'SH001-01' },
          h.as(admin),
        ),
      );
      expect(deeper.code).toBe('invalid_argument');
      expect(deeper.violations).toEqual([
        { field: 'parentCode', reason: 'SH001-01 is a sub-branch; the tree ends at sub-branches' },
      ]);
      const orphan = await failure(
        h.client.createBranch({ code: 'GZ001', name: '广州分行', parentCode: 'GZ' }, h.as(admin)),
      );
      expect(orphan.violations).toEqual([
        { field: 'parentCode', reason: 'no branch GZ in the branch tree' },
      ]);
      const taken = await failure(
        h.client.createBranch({ code: 'SH001', name: '又一个', parentCode: 'HQ' }, h.as(admin)),
      );
      expect(taken.code).toBe('already_exists');
      const notAdmin = await failure(
        h.client.createBranch(
          { code: 'GZ001', name: '广州分行', parentCode: 'HQ' },
          h.as(groupLeader),
        ),
      );
      expect(notAdmin.code).toBe('permission_denied');
      expect(await count('branches')).toBe(before);
    });
  });

  describe('creating users', () => {
    it('creates a user with every field, and announces it without the password', async () => {
      const user = await create({ username: 'Credit.Zhou', mobile: '+86 138 1688 1234' });

      expect(user).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        username: 'credit.zhou',
        displayName: '周洁',
        roles: [Role.ROLE_CREDIT_OFFICER],
        branchId: 'SH001',
        email: 'zhou.jie@bank.example',
        mobile: '13816881234',
        language: 'zh-CN',
        active: true,
        locked: false,
        version: 1,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const events = await outbox(user.id);
      expect(events.map((e) => e.event_type)).toEqual(['identity.user.created']);
      expect(events[0]!.payload.data).toEqual({
        user: {
          id: user.id,
          username: 'credit.zhou',
          displayName: '周洁',
          roles: ['ROLE_CREDIT_OFFICER'],
          branchId: 'SH001',
          email: 'zhou.jie@bank.example',
          mobile: '13816881234',
          language: 'zh-CN',
          active: true,
          version: 1,
          createdAt: user.createdAt,
          updatedAt: user.updatedAt,
        },
      });
      expect(JSON.stringify(events)).not.toMatch(/scrypt|password/i);
      // The new user logs in with the initial password and sees their branch's subtree.
      const session = await login('credit.zhou', PASSWORD);
      expect(session.user!.id).toBe(user.id);
      expect(session.branchScope).toEqual(['SH001', 'SH001-01']);
    });

    it('refuses a username that is taken, naming the existing user', async () => {
      const first = await create({ username: 'group.chen' });
      const again = await failure(
        h.client.createUser(newUser({ username: 'GROUP.CHEN' }), h.as(admin)),
      );
      expect(again.code).toBe('already_exists');
      expect(again.violations).toEqual([
        { field: 'username', reason: `is taken by user ${first.id}` },
      ]);
      expect(again.message).toContain(first.id);
    });

    it('refuses bad input field by field and writes nothing', async () => {
      const [users, events] = [await count('users'), await count('outbox')];
      const bad = await failure(
        h.client.createUser(
          newUser({
            username: 'x',
            roles: [Role.ROLE_CREDIT_OFFICER, Role.UNRECOGNIZED],
            branchId: 'GZ001',
            mobile: '12345',
            language: 'fr',
            initialPassword: 'short',
          }),
          h.as(admin),
        ),
      );
      expect(bad.code).toBe('invalid_argument');
      expect(bad.violations).toEqual([
        {
          field: 'username',
          reason: 'must be 3 to 64 characters of a-z, 0-9, dot, underscore or hyphen',
        },
        { field: 'roles[1]', reason: expect.stringMatching(/^is not a role; the roles are /) },
        {
          field: 'mobile',
          reason: 'must be a mainland mobile number: 11 digits starting 13 to 19',
        },
        { field: 'language', reason: 'must be zh-CN or en' },
        { field: 'branchId', reason: 'no branch GZ001 in the branch tree' },
        { field: 'initialPassword', reason: PASSWORD_RULE },
      ]);
      const noRoles = await failure(h.client.createUser(newUser({ roles: [] }), h.as(admin)));
      expect(noRoles.violations).toEqual([{ field: 'roles', reason: 'give at least one role' }]);
      const usernameInPassword = await failure(
        h.client.createUser(
          newUser({ username: 'wang.fang', initialPassword: 'i-am-wang.fang-2026' }),
          h.as(admin),
        ),
      );
      expect(usernameInPassword.violations).toEqual([
        { field: 'initialPassword', reason: PASSWORD_RULE },
      ]);
      expect([await count('users'), await count('outbox')]).toEqual([users, events]);
    });

    it('needs the admin role, checked in the service; and a token', async () => {
      const users = await count('users');
      expect((await failure(h.client.createUser(newUser(), h.as(groupLeader)))).code).toBe(
        'permission_denied',
      );
      expect((await failure(h.client.createUser(newUser()))).code).toBe('unauthenticated');
      expect(await count('users')).toBe(users);
    });

    it('a retried CreateUser with the same request id creates one user and one event', async () => {
      const requestId = `req-${uuidv7()}`;
      const request = newUser({ requestId });
      const first = (await h.client.createUser(request, h.as(admin))).user!;
      const retry = (await h.client.createUser(request, h.as(admin))).user!;
      expect(retry).toEqual(first);
      expect(await outbox(first.id)).toHaveLength(1);
      const other = await failure(
        h.client.createUser(newUser({ requestId, username: 'someone.else' }), h.as(admin)),
      );
      expect(other.code).toBe('failed_precondition');
      expect(other.message).toContain(first.id);
    });
  });

  describe('editing users', () => {
    it('replaces the profile at the expected version and bumps it; a stale version is refused', async () => {
      const user = await create();
      const edit = (expectedVersion: number, displayName: string) =>
        h.client.updateUser(
          {
            id: user.id,
            expectedVersion,
            displayName,
            roles: [Role.ROLE_CREDIT_OFFICER, Role.ROLE_COMMITTEE_MEMBER],
            branchId: 'SH001-01',
            email: '',
            mobile: '13912345678',
            language: 'en',
          },
          h.as(admin),
        );

      const updated = (await edit(1, '周洁 (浦东)')).user!;
      expect(updated).toMatchObject({
        displayName: '周洁 (浦东)',
        roles: [Role.ROLE_CREDIT_OFFICER, Role.ROLE_COMMITTEE_MEMBER],
        branchId: 'SH001-01',
        email: '',
        mobile: '13912345678',
        language: 'en',
        version: 2,
      });
      const stale = await failure(edit(1, 'lost update'));
      expect(stale.code).toBe('conflict');
      expect(stale.message).toContain('version 2, not 1');
      const missing = await failure(edit(0, 'no version'));
      expect(missing.violations).toEqual([
        { field: 'expectedVersion', reason: 'is required: the version of the user as you read it' },
      ]);
      const unknown = await failure(
        h.client.updateUser(
          { ...updated, roles: updated.roles, id: uuidv7(), expectedVersion: 2 },
          h.as(admin),
        ),
      );
      expect(unknown.code).toBe('not_found');

      const events = await outbox(user.id);
      expect(events.map((e) => e.event_type)).toEqual([
        'identity.user.created',
        'identity.user.updated',
      ]);
      expect(events[1]!.payload.data).toMatchObject({
        user: {
          version: 2,
          branchId: 'SH001-01',
          roles: ['ROLE_CREDIT_OFFICER', 'ROLE_COMMITTEE_MEMBER'],
        },
      });
      const { users } = await h.client.getUsers({ ids: [user.id] }, h.as(admin));
      expect(users[0]!.displayName).toBe('周洁 (浦东)');
    });

    it('an administrator cannot take the admin role from themself', async () => {
      const me = await create({ roles: [Role.ROLE_ADMIN] });
      const self: Principal = { ...admin, userId: me.id, username: me.username };
      const err = await failure(
        h.client.updateUser({ ...me, roles: [Role.ROLE_AUDITOR], expectedVersion: 1 }, h.as(self)),
      );
      expect(err.code).toBe('failed_precondition');
    });
  });

  describe('logging in', () => {
    it('a deactivated user cannot log in (the same answer as a wrong password); reactivated, they can', async () => {
      const user = await create();
      expect((await login(user.username, PASSWORD)).user!.id).toBe(user.id);

      const closed = (
        await h.client.deactivateUser({ id: user.id, reason: 'left the bank' }, h.as(admin))
      ).user!;
      expect(closed).toMatchObject({ active: false, version: 2 });
      const refused = await failure(login(user.username, PASSWORD));
      const wrong = await failure(login(user.username, 'not the password at all'));
      expect(refused.code).toBe('unauthenticated');
      expect(refused.message).toBe(wrong.message);
      // Deactivating again changes nothing and announces nothing.
      expect(
        (await h.client.deactivateUser({ id: user.id, reason: 'again' }, h.as(admin))).user!
          .version,
      ).toBe(2);

      const reopened = (await h.client.reactivateUser({ id: user.id }, h.as(admin))).user!;
      expect(reopened).toMatchObject({ active: true, version: 3 });
      expect((await login(user.username, PASSWORD)).user!.id).toBe(user.id);
      expect((await outbox(user.id)).map((e) => e.event_type)).toEqual([
        'identity.user.created',
        'identity.user.deactivated',
        'identity.user.updated',
      ]);
    });

    it('deactivation needs a reason and is refused for your own account', async () => {
      const user = await create();
      expect(
        (await failure(h.client.deactivateUser({ id: user.id, reason: ' ' }, h.as(admin))))
          .violations,
      ).toEqual([{ field: 'reason', reason: 'is required: say why the account is closed' }]);
      const self: Principal = { ...admin, userId: user.id };
      expect(
        (await failure(h.client.deactivateUser({ id: user.id, reason: 'bye' }, h.as(self)))).code,
      ).toBe('failed_precondition');
    });

    it('locks after 5 wrong passwords; a password reset opens the account with the new password', async () => {
      const user = await create();
      for (let i = 1; i <= 5; i++) await failure(login(user.username, `wrong password ${i}`));
      const { rows } = await h.db.query<{ failed_logins: number; locked_until: Date | null }>(
        'SELECT failed_logins, locked_until FROM users WHERE id = $1',
        [user.id],
      );
      expect(rows[0]!.failed_logins).toBe(5);
      expect(rows[0]!.locked_until!.getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);
      expect((await failure(login(user.username, PASSWORD))).code).toBe('unauthenticated');

      const weak = await failure(
        h.client.resetPassword({ id: user.id, newPassword: 'abc' }, h.as(admin)),
      );
      expect(weak.violations).toEqual([{ field: 'newPassword', reason: PASSWORD_RULE }]);
      expect(
        (
          await failure(
            h.client.resetPassword(
              { id: user.id, newPassword: 'a new long passphrase' },
              h.as(groupLeader),
            ),
          )
        ).code,
      ).toBe('permission_denied');
      await h.client.resetPassword(
        { id: user.id, newPassword: 'a new long passphrase' },
        h.as(admin),
      );

      expect((await login(user.username, 'a new long passphrase')).user!.id).toBe(user.id);
      expect((await failure(login(user.username, PASSWORD))).code).toBe('unauthenticated');
      // A reset is no change to the directory: no event.
      expect((await outbox(user.id)).map((e) => e.event_type)).toEqual(['identity.user.created']);
    });

    it('a head-office user is told no scope list: they see every branch', async () => {
      const user = await create({ branchId: HEAD_OFFICE, roles: [Role.ROLE_RISK_MANAGER] });
      expect((await login(user.username, PASSWORD)).branchScope).toEqual([]);
    });
  });

  describe('looking users up', () => {
    let officerSh: identityV1.User;
    let officerPd: identityV1.User;
    let officerBj: identityV1.User;
    let retired: identityV1.User;

    beforeAll(async () => {
      const tag = uuidv7().slice(-6);
      officerSh = await create({ username: `lookup.sh.${tag}`, branchId: 'SH001' });
      officerPd = await create({ username: `lookup.pd.${tag}`, branchId: 'SH001-01' });
      officerBj = await create({ username: `lookup.bj.${tag}`, branchId: 'BJ001' });
      retired = await create({ username: `lookup.old.${tag}`, branchId: 'SH001' });
      await h.client.deactivateUser({ id: retired.id, reason: 'retired' }, h.as(admin));
    });

    const list = (who: Principal, q: Partial<identityV1.ListUsersRequest>) =>
      h.client.listUsers(
        identityV1.ListUsersRequest.fromPartial({ query: 'lookup.', ...q }),
        h.as(who),
      );

    it("staff see active users of a branch's subtree with a role, without e-mail or mobile", async () => {
      const { users } = await list(groupLeader, {
        role: Role.ROLE_CREDIT_OFFICER,
        branchId: 'SH001',
      });
      expect(users.map((u) => u.id)).toEqual([officerPd.id, officerSh.id]);
      expect(users.every((u) => u.email === '' && u.mobile === '')).toBe(true);
      const bj = await list(groupLeader, { branchId: 'BJ001' });
      expect(bj.users.map((u) => u.id)).toEqual([officerBj.id]);
      expect((await list(groupLeader, { role: Role.ROLE_AUDITOR })).users).toEqual([]);
      expect((await failure(list(groupLeader, { status: 'inactive' }))).code).toBe(
        'permission_denied',
      );
      expect((await failure(list(groupLeader, { branchId: 'GZ001' }))).violations).toEqual([
        { field: 'branchId', reason: 'no branch GZ001 in the branch tree' },
      ]);
    });

    it('administrators see inactive users and contact details; pages follow the username', async () => {
      const inactive = await list(admin, { status: 'inactive' });
      expect(inactive.users.map((u) => u.id)).toEqual([retired.id]);
      expect(inactive.users[0]!.mobile).toBe('13816881234');
      const everyone = await list(admin, {});
      expect(everyone.users).toHaveLength(4);
      const first = await list(admin, { pageSize: 3 });
      const second = await list(admin, { pageSize: 3, pageToken: first.nextPageToken });
      expect([...first.users, ...second.users].map((u) => u.id)).toEqual(
        everyone.users.map((u) => u.id),
      );
      expect(second.nextPageToken).toBe('');
    });

    it('GetUsers and ResolveUsernames answer in the order asked, leaving unknowns out', async () => {
      const byId = await h.client.getUsers(
        { ids: [officerBj.id, uuidv7(), officerSh.id] },
        h.as(groupLeader),
      );
      expect(byId.users.map((u) => u.id)).toEqual([officerBj.id, officerSh.id]);
      expect(byId.users[0]!.mobile).toBe('');
      const byName = await h.client.resolveUsernames(
        { usernames: [officerPd.username.toUpperCase(), 'nobody.here', officerSh.username] },
        h.as(groupLeader),
      );
      expect(byName.users.map((u) => u.id)).toEqual([officerPd.id, officerSh.id]);
      // Users see their own contact details.
      const self: Principal = { ...groupLeader, userId: officerSh.id };
      expect((await h.client.getUsers({ ids: [officerSh.id] }, h.as(self))).users[0]!.mobile).toBe(
        '13816881234',
      );
      expect(
        (await failure(h.client.getUsers({ ids: ['credit.zhou'] }, h.as(groupLeader)))).violations,
      ).toEqual([{ field: 'ids[0]', reason: 'must be a UUID' }]);
    });
  });
});
