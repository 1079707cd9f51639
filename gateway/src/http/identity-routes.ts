import {
  hasRole,
  invalidArgument,
  isUuid,
  notFound,
  ROLES,
  type Principal,
  type PromiseClient,
  type Role,
} from '@loanflow/platform';
import { identityV1, vocabularyV1 } from '@loanflow/proto';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { requireRole } from './middleware';
import { commandIdOf, route, upstreamCall } from './upstream';
import { parseInput } from './validation';

export interface IdentityRouteDeps {
  identity: PromiseClient<identityV1.IdentityServiceClient>;
  rpcTimeoutMs: number;
}

/** `credit_officer` ↔ `ROLE_CREDIT_OFFICER` (the shared vocabulary's wire words). */
const pbRole = (role: Role) => vocabularyV1.roleFromJSON(`ROLE_${role.toUpperCase()}`);
const roleWord = (role: vocabularyV1.Role) => role.replace(/^ROLE_/, '').toLowerCase() as Role;

/** The principal a log-in answers with: the user and their data scope (empty = every branch). */
export function principalOf(out: identityV1.AuthenticateResponse): Principal {
  const u = out.user!;
  return {
    userId: u.id,
    username: u.username,
    displayName: u.displayName,
    roles: u.roles.map(roleWord),
    branchId: u.branchId,
    branchScope: out.branchScope.length > 0 ? out.branchScope : 'all',
  };
}

/** Administrators see everything of a user; other staff the public fields only. */
function userJson(u: identityV1.User, full: boolean) {
  const shown = {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    roles: u.roles.map(roleWord),
    branchId: u.branchId,
  };
  if (!full) return shown;
  return {
    ...shown,
    email: u.email || null,
    mobile: u.mobile || null,
    language: u.language,
    active: u.active,
    version: u.version,
    createdAt: u.createdAt,
    updatedAt: u.updatedAt,
  };
}

const text = (max: number) =>
  z.string({ error: 'must be a string' }).max(max, `must be at most ${max} characters`);
const roles = z
  .array(z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }), {
    error: 'must be a list of roles',
  })
  .min(1, 'give at least one role')
  .max(ROLES.length, `at most ${ROLES.length} roles`);
const language = z.enum(['zh-CN', 'en'], { error: 'must be zh-CN or en' });
const profile = {
  displayName: text(100),
  roles,
  branchId: text(32),
  email: text(254).nullable().optional(),
  mobile: text(32).nullable().optional(),
  language: language.optional(),
};
const userBody = z.strictObject({
  username: text(64),
  ...profile,
  initialPassword: text(256),
});
const userPatch = z.strictObject({
  displayName: profile.displayName.optional(),
  roles: roles.optional(),
  branchId: profile.branchId.optional(),
  email: profile.email,
  mobile: profile.mobile,
  language: profile.language,
});
const deactivateBody = z.strictObject({ reason: text(500) });
const passwordBody = z.strictObject({ newPassword: text(256) });
const branchBody = z.strictObject({ code: text(20), name: text(100), parentCode: text(20) });
const userQuery = z.strictObject({
  role: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }).optional(),
  branchId: text(32).optional(),
  status: z.enum(['active', 'inactive'], { error: 'must be active or inactive' }).optional(),
  q: text(100).optional(),
  pageSize: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be between 1 and 200')
    .max(200, 'must be between 1 and 200')
    .optional(),
  pageToken: text(512).optional(),
});

/** `If-Match: "3"` → 3; required, so that an edit never overwrites one it has not seen. */
function ifMatchVersion(req: Request): number {
  const m = /^(?:W\/)?"([1-9]\d{0,8})"$/.exec((req.get('if-match') ?? '').trim());
  if (!m)
    throw invalidArgument([
      { field: 'If-Match', reason: 'is required: the ETag of the user as you read it, e.g. "3"' },
    ]);
  return Number(m[1]);
}

/** The user directory (owned by the identity service) for administrators, and the staff list. */
export function identityRoutes(deps: IdentityRouteDeps): Router {
  const r = Router();
  const call = (res: Response) => upstreamCall(res, deps.rpcTimeoutMs);
  const admin = requireRole('admin');
  const sendUser = (res: Response, u: identityV1.User, status = 200) => {
    res.status(status).setHeader('ETag', `"${u.version}"`);
    res.json(userJson(u, true));
  };

  // Every member of staff: active users, public fields (a group leader picks a credit officer).
  r.get('/users', async (req, res) => {
    route(res, '/users');
    const q = parseInput(userQuery, req.query);
    const out = await deps.identity.listUsers(
      identityV1.ListUsersRequest.fromPartial({
        role: q.role ? pbRole(q.role) : undefined,
        branchId: q.branchId ?? '',
        status: q.status ?? '',
        query: q.q ?? '',
        pageSize: q.pageSize ?? 0,
        pageToken: q.pageToken ?? '',
      }),
      call(res),
    );
    const full = hasRole(res.locals.principal as Principal, 'admin');
    res.json({
      items: out.users.map((u) => userJson(u, full)),
      nextPageToken: out.nextPageToken || null,
    });
  });
  r.post('/users', admin, async (req, res) => {
    route(res, '/users');
    const b = parseInput(userBody, req.body);
    const out = await deps.identity.createUser(
      identityV1.CreateUserRequest.fromPartial({
        ...b,
        roles: b.roles.map(pbRole),
        email: b.email ?? '',
        mobile: b.mobile ?? '',
        language: b.language ?? '',
        requestId: commandIdOf(req, res),
      }),
      call(res),
    );
    res.location(`/api/v1/users/${out.user!.id}`);
    sendUser(res, out.user!, 201);
  });
  r.get('/users/:id', admin, async (req, res) => {
    route(res, '/users/{id}');
    sendUser(res, await oneUser(req.params.id as string, res));
  });
  // The directory replaces a user's profile as a whole; PATCH fills in what is not sent from the
  // version the client names, and the service refuses it if that version is no longer current.
  r.patch('/users/:id', admin, async (req, res) => {
    route(res, '/users/{id}');
    const expectedVersion = ifMatchVersion(req);
    const b = parseInput(userPatch, req.body);
    const current = await oneUser(req.params.id as string, res);
    const out = await deps.identity.updateUser(
      {
        id: current.id,
        expectedVersion,
        displayName: b.displayName ?? current.displayName,
        roles: b.roles ? b.roles.map(pbRole) : current.roles,
        branchId: b.branchId ?? current.branchId,
        email: b.email === undefined ? current.email : (b.email ?? ''),
        mobile: b.mobile === undefined ? current.mobile : (b.mobile ?? ''),
        language: b.language ?? current.language,
      },
      call(res),
    );
    sendUser(res, out.user!);
  });
  r.post('/users/:id\\:deactivate', admin, async (req, res) => {
    route(res, '/users/{id}:deactivate');
    const b = parseInput(deactivateBody, req.body);
    const out = await deps.identity.deactivateUser(
      { id: req.params.id as string, reason: b.reason },
      call(res),
    );
    sendUser(res, out.user!);
  });
  r.post('/users/:id\\:reactivate', admin, async (req, res) => {
    route(res, '/users/{id}:reactivate');
    const out = await deps.identity.reactivateUser({ id: req.params.id as string }, call(res));
    sendUser(res, out.user!);
  });
  r.post('/users/:id\\:reset-password', admin, async (req, res) => {
    route(res, '/users/{id}:reset-password');
    const b = parseInput(passwordBody, req.body);
    await deps.identity.resetPassword(
      { id: req.params.id as string, newPassword: b.newPassword },
      call(res),
    );
    res.status(204).end();
  });

  r.get('/branches', async (_req, res) => {
    route(res, '/branches');
    const out = await deps.identity.listBranches({}, call(res));
    res.json({ items: out.branches.map(branchJson) });
  });
  r.post('/branches', admin, async (req, res) => {
    route(res, '/branches');
    const b = parseInput(branchBody, req.body);
    const out = await deps.identity.createBranch(b, call(res));
    res.status(201).json(branchJson(out.branch!));
  });

  async function oneUser(id: string, res: Response): Promise<identityV1.User> {
    if (!isUuid(id)) throw invalidArgument([{ field: 'id', reason: 'must be a UUID' }]);
    const out = await deps.identity.getUsers({ ids: [id] }, call(res));
    const user = out.users[0];
    if (!user) throw notFound(`user ${id}`);
    return user;
  }
  return r;
}

const branchJson = (b: identityV1.Branch) => ({
  code: b.code,
  name: b.name,
  parentCode: b.parentCode || null,
  level: b.level,
});
