/**
 * The user directory (owned by the identity service) for administrators, the staff list for
 * everyone, and the branch tree.
 */
import { hasRole, notFound, type Principal, type Role } from '@loanflow/platform';
import { identityV1, roleWords, vocabularyV1 } from '@loanflow/proto';
import { z } from 'zod';
import { created, defineRoute, noContent, ok, type RouteSpec } from '../api/route';
import { idParams, name, page, queryInt, text } from '../api/schemas';
import type { RouteDeps } from './deps';

const ADMIN: Role[] = ['admin'];
const ROLE_WORDS = roleWords.words as [Role, ...Role[]];

/** `credit_officer` ↔ `ROLE_CREDIT_OFFICER`: the shared vocabulary's one mapping. */
const pbRole = (role: Role): vocabularyV1.Role => roleWords.value(role)!;
const roleWord = (role: vocabularyV1.Role) => roleWords.word(role) as Role;

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

const role = z.enum(ROLE_WORDS, { error: `must be one of ${ROLE_WORDS.join(', ')}` });
const roles = z
  .array(role, { error: 'must be a list of roles' })
  .min(1, 'give at least one role')
  .max(ROLE_WORDS.length, `at most ${ROLE_WORDS.length} roles`);
const language = z.enum(['zh-CN', 'en'], { error: 'must be zh-CN or en' });
const branchCode = text(32, 1).meta({ description: 'A branch of the tree (GET /branches)' });

/** A member of staff; administrators get every field, others the public ones. */
const User = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    roles: z.array(role),
    branchId: z.string(),
    email: z.string().nullable().optional(),
    mobile: z.string().nullable().optional(),
    language: z.string().optional(),
    active: z.boolean().optional(),
    version: z.int().optional(),
    createdAt: z.string().optional(),
    updatedAt: z.string().optional(),
  })
  .meta({
    id: 'User',
    description:
      'A member of staff. Administrators get every field; other callers of GET /users get id, username, displayName, roles and branchId only.',
  });

function userJson(u: identityV1.User, full: boolean): z.output<typeof User> {
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

const UserInput = z
  .strictObject({
    username: text(64, 1),
    displayName: name(100),
    roles,
    branchId: branchCode,
    email: text(254).nullable().optional(),
    mobile: text(32).nullable().optional(),
    language: language.optional(),
    initialPassword: text(256).meta({
      description:
        '12 to 256 characters, not containing the username, not one character repeated, not a common password',
    }),
  })
  .meta({ id: 'UserInput' });

const UserPatch = z
  .strictObject({
    displayName: name(100).optional(),
    roles: roles.optional(),
    branchId: branchCode.optional(),
    email: text(254).nullable().optional(),
    mobile: text(32).nullable().optional(),
    language: language.optional(),
  })
  .meta({
    id: 'UserPatch',
    description:
      'Any of displayName, roles, branchId, email, mobile, language; null clears email or mobile',
  });

const UserQuery = z.strictObject({
  role: role.optional(),
  branchId: text(32).optional().meta({ description: "Users of this branch's subtree" }),
  status: z.enum(['active', 'inactive'], { error: 'must be active or inactive' }).optional(),
  q: text(100).optional().meta({ description: 'Part of the username or display name' }),
  pageSize: queryInt(1, 200).optional(),
  pageToken: page.pageToken,
});

/** `If-Match: "3"`; required, so that an edit never overwrites one it has not seen. */
const IfMatchRequired = z.object({
  'if-match': z
    .string({ error: 'is required: the ETag of the user as you read it, e.g. "3"' })
    .regex(/^(?:W\/)?"[1-9]\d{0,8}"$/, 'is required: the ETag of the user as you read it, e.g. "3"')
    .transform((h) => Number(/"(\d+)"/.exec(h)![1])),
});

const Branch = z
  .object({
    code: z.string(),
    name: z.string(),
    parentCode: z.string().nullable().meta({ description: 'null for the head office' }),
    level: z.enum(['head_office', 'branch', 'sub_branch']),
  })
  .meta({ id: 'Branch' });

const branchJson = (b: identityV1.Branch): z.output<typeof Branch> => ({
  code: b.code,
  name: b.name,
  parentCode: b.parentCode || null,
  level: b.level as z.output<typeof Branch>['level'],
});

const BranchInput = z
  .strictObject({ code: text(20, 1), name: name(100), parentCode: text(20, 1) })
  .meta({ id: 'BranchInput' });

const etag = { ETag: { description: 'The version of the user, for If-Match', schema: z.string() } };
const userReply = (u: identityV1.User, status = 200) => ({
  status,
  body: userJson(u, true),
  headers: { ETag: `"${u.version}"` },
});

export function identityRoutes(deps: RouteDeps): RouteSpec[] {
  type Call = { metadata: import('@grpc/grpc-js').Metadata; timeoutMs: number };
  async function oneUser(id: string, call: Call): Promise<identityV1.User> {
    const out = await deps.identity.getUsers({ ids: [id] }, call);
    const user = out.users[0];
    if (!user) throw notFound(`user ${id}`);
    return user;
  }
  return [
    defineRoute({
      operationId: 'listUsers',
      method: 'get',
      path: '/users',
      tag: 'Users',
      summary:
        'Staff users, by username. Everyone: active users with public fields (to pick a credit officer, a delegate); administrators: every field, inactive users with status=inactive',
      access: { signedIn: true },
      grpc: 'loanflow.identity.v1.IdentityService/ListUsers',
      request: { query: UserQuery },
      responses: {
        200: {
          description: 'A page of users',
          schema: z
            .object({ items: z.array(User), nextPageToken: z.string().nullable() })
            .meta({ id: 'UserPage' }),
        },
      },
      async handle({ query, principal, call }) {
        const out = await deps.identity.listUsers(
          identityV1.ListUsersRequest.fromPartial({
            role: query.role ? pbRole(query.role) : undefined,
            branchId: query.branchId ?? '',
            status: query.status ?? '',
            query: query.q ?? '',
            pageSize: query.pageSize ?? 0,
            pageToken: query.pageToken ?? '',
          }),
          call,
        );
        const full = hasRole(principal, 'admin');
        return ok({
          items: out.users.map((u) => userJson(u, full)),
          nextPageToken: out.nextPageToken || null,
        });
      },
    }),
    defineRoute({
      operationId: 'createUser',
      method: 'post',
      path: '/users',
      tag: 'Users',
      summary: 'Create a staff user (admin)',
      access: { roles: ADMIN },
      grpc: 'loanflow.identity.v1.IdentityService/CreateUser',
      idempotent: true,
      request: { body: UserInput },
      responses: {
        201: {
          description: 'Created',
          schema: User,
          headers: { ...etag, Location: { description: 'The new user', schema: z.string() } },
        },
        409: { description: 'The username is taken; the violation names the existing user id' },
        422: { description: 'Idempotency key reused' },
      },
      async handle({ body, call, commandId }) {
        const out = await deps.identity.createUser(
          identityV1.CreateUserRequest.fromPartial({
            ...body,
            roles: body.roles.map(pbRole),
            email: body.email ?? '',
            mobile: body.mobile ?? '',
            language: body.language ?? '',
            requestId: commandId,
          }),
          call,
        );
        const reply = userReply(out.user!, 201);
        return {
          ...reply,
          headers: { ...reply.headers, Location: `/api/v1/users/${out.user!.id}` },
        };
      },
    }),
    defineRoute({
      operationId: 'getUser',
      method: 'get',
      path: '/users/{id}',
      tag: 'Users',
      summary: 'One staff user (admin; ETag = version)',
      access: { roles: ADMIN },
      grpc: 'loanflow.identity.v1.IdentityService/GetUsers',
      request: { params: idParams },
      responses: {
        200: { description: 'The user', schema: User, headers: etag },
        404: { description: 'No such user' },
      },
      async handle({ params, call }) {
        return userReply(await oneUser(params.id, call));
      },
    }),
    // The directory replaces a user's profile as a whole; PATCH fills in what is not sent from the
    // version the client names, and the service refuses it if that version is no longer current.
    defineRoute({
      operationId: 'updateUser',
      method: 'patch',
      path: '/users/{id}',
      tag: 'Users',
      summary: 'Edit a user (admin); If-Match with the ETag is required',
      access: { roles: ADMIN },
      grpc: [
        'loanflow.identity.v1.IdentityService/GetUsers',
        'loanflow.identity.v1.IdentityService/UpdateUser',
      ],
      request: { params: idParams, headers: IfMatchRequired, body: UserPatch },
      responses: {
        200: { description: 'The edited user', schema: User, headers: etag },
        404: { description: 'No such user' },
        409: { description: 'Changed since the version in If-Match' },
      },
      async handle({ params, headers, body, call }) {
        const current = await oneUser(params.id, call);
        const out = await deps.identity.updateUser(
          {
            id: current.id,
            expectedVersion: headers['if-match'],
            displayName: body.displayName ?? current.displayName,
            roles: body.roles ? body.roles.map(pbRole) : current.roles,
            branchId: body.branchId ?? current.branchId,
            email: body.email === undefined ? current.email : (body.email ?? ''),
            mobile: body.mobile === undefined ? current.mobile : (body.mobile ?? ''),
            language: body.language ?? current.language,
          },
          call,
        );
        return userReply(out.user!);
      },
    }),
    defineRoute({
      operationId: 'deactivateUser',
      method: 'post',
      path: '/users/{id}:deactivate',
      tag: 'Users',
      summary: 'Close an account (admin): the user can no longer log in',
      access: { roles: ADMIN },
      grpc: 'loanflow.identity.v1.IdentityService/DeactivateUser',
      idempotent: true,
      request: { params: idParams, body: z.strictObject({ reason: text(500, 1) }) },
      responses: {
        200: { description: 'Closed', schema: User, headers: etag },
        404: { description: 'No such user' },
        409: { description: 'Your own account' },
      },
      async handle({ params, body, call }) {
        const out = await deps.identity.deactivateUser(
          { id: params.id, reason: body.reason },
          call,
        );
        return userReply(out.user!);
      },
    }),
    defineRoute({
      operationId: 'reactivateUser',
      method: 'post',
      path: '/users/{id}:reactivate',
      tag: 'Users',
      summary: 'Open a closed account again (admin)',
      access: { roles: ADMIN },
      grpc: 'loanflow.identity.v1.IdentityService/ReactivateUser',
      idempotent: true,
      request: { params: idParams },
      responses: {
        200: { description: 'Open again', schema: User, headers: etag },
        404: { description: 'No such user' },
      },
      async handle({ params, call }) {
        const out = await deps.identity.reactivateUser({ id: params.id }, call);
        return userReply(out.user!);
      },
    }),
    defineRoute({
      operationId: 'resetPassword',
      method: 'post',
      path: '/users/{id}:reset-password',
      tag: 'Users',
      summary: 'Set a new password (admin); a locked account opens again',
      access: { roles: ADMIN },
      grpc: 'loanflow.identity.v1.IdentityService/ResetPassword',
      idempotent: true,
      request: { params: idParams, body: z.strictObject({ newPassword: text(256) }) },
      responses: {
        204: { description: 'Changed' },
        404: { description: 'No such user' },
      },
      async handle({ params, body, call }) {
        await deps.identity.resetPassword({ id: params.id, newPassword: body.newPassword }, call);
        return noContent();
      },
    }),
    defineRoute({
      operationId: 'listBranches',
      method: 'get',
      path: '/branches',
      tag: 'Branches',
      summary: 'The branch tree, top down: head office, each branch followed by its sub-branches',
      access: { signedIn: true },
      grpc: 'loanflow.identity.v1.IdentityService/ListBranches',
      responses: {
        200: { description: 'Every branch', schema: z.object({ items: z.array(Branch) }) },
      },
      async handle({ call }) {
        const out = await deps.identity.listBranches({}, call);
        return ok({ items: out.branches.map(branchJson) });
      },
    }),
    defineRoute({
      operationId: 'createBranch',
      method: 'post',
      path: '/branches',
      tag: 'Branches',
      summary: 'Open a branch under the head office or a sub-branch under a branch (admin)',
      access: { roles: ADMIN },
      grpc: 'loanflow.identity.v1.IdentityService/CreateBranch',
      idempotent: true,
      request: { body: BranchInput },
      responses: {
        201: { description: 'Created', schema: Branch },
        409: { description: 'The code is taken' },
      },
      async handle({ body, call }) {
        const out = await deps.identity.createBranch(body, call);
        return created(branchJson(out.branch!));
      },
    }),
  ];
}
