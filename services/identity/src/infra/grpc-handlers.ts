import {
  implement,
  invalidArgument,
  refusingNul,
  type CallContext,
  type Logger,
  type Role,
  type ServiceBinding,
} from '@loanflow/platform';
import { identityV1 as pb, vocabularyV1 } from '@loanflow/proto';
import { branchScope, createBranch, listBranches } from '../app/branches';
import {
  authenticate,
  checkUser,
  createUser,
  deactivateUser,
  getUsers,
  listUsers,
  reactivateUser,
  resetPassword,
  resolveUsernames,
  updateUser,
  type DirectoryDeps,
} from '../app/users';
import { branchToPb, roleOf, userToPb } from './proto-mapping';

const SERVICE = 'loanflow.identity.v1.IdentityService';

/** Roles as the use cases take them: wire words, an unknown value as undefined (named by position). */
const rolesOf = (roles: vocabularyV1.Role[]) => roles.map(roleOf);

export function identityService(
  deps: DirectoryDeps,
  opts: { log: Logger; jwtPublicKey: string },
): ServiceBinding {
  const who = (ctx: CallContext) => ctx.principal();
  const handlers = {
    // The one call without a token: it is how a user gets one.
    authenticate: async (req: pb.AuthenticateRequest): Promise<pb.AuthenticateResponse> => {
      const { user, branchScope: scope } = await authenticate(deps, req.username, req.password);
      return { user: userToPb(user), branchScope: scope === 'all' ? [] : scope };
    },
    checkUser: async (
      req: pb.CheckUserRequest,
      ctx: CallContext,
    ): Promise<pb.CheckUserResponse> => {
      const standing = await checkUser(deps, who(ctx), req.userId);
      return { ...standing, lockedUntil: standing.lockedUntil ?? '' };
    },
    getUsers: async (req: pb.GetUsersRequest, ctx: CallContext): Promise<pb.GetUsersResponse> => ({
      users: (await getUsers(deps, who(ctx), req.ids)).map(userToPb),
    }),
    resolveUsernames: async (
      req: pb.ResolveUsernamesRequest,
      ctx: CallContext,
    ): Promise<pb.ResolveUsernamesResponse> => ({
      users: (await resolveUsernames(deps, who(ctx), req.usernames)).map(userToPb),
    }),
    listUsers: async (
      req: pb.ListUsersRequest,
      ctx: CallContext,
    ): Promise<pb.ListUsersResponse> => {
      if (req.role === vocabularyV1.Role.UNRECOGNIZED)
        throw invalidArgument([{ field: 'role', reason: 'is not a role' }]);
      const found = await listUsers(deps, who(ctx), { ...req, role: roleOf(req.role) as Role });
      return { users: found.users.map(userToPb), nextPageToken: found.nextPageToken };
    },
    createUser: async (
      req: pb.CreateUserRequest,
      ctx: CallContext,
    ): Promise<pb.CreateUserResponse> => ({
      user: userToPb(await createUser(deps, who(ctx), { ...req, roles: rolesOf(req.roles) })),
    }),
    updateUser: async (
      req: pb.UpdateUserRequest,
      ctx: CallContext,
    ): Promise<pb.UpdateUserResponse> => ({
      user: userToPb(await updateUser(deps, who(ctx), { ...req, roles: rolesOf(req.roles) })),
    }),
    deactivateUser: async (
      req: pb.DeactivateUserRequest,
      ctx: CallContext,
    ): Promise<pb.DeactivateUserResponse> => ({
      user: userToPb(await deactivateUser(deps, who(ctx), req.id, req.reason)),
    }),
    reactivateUser: async (
      req: pb.ReactivateUserRequest,
      ctx: CallContext,
    ): Promise<pb.ReactivateUserResponse> => ({
      user: userToPb(await reactivateUser(deps, who(ctx), req.id)),
    }),
    resetPassword: async (
      req: pb.ResetPasswordRequest,
      ctx: CallContext,
    ): Promise<pb.ResetPasswordResponse> => {
      await resetPassword(deps, who(ctx), req.id, req.newPassword);
      return {};
    },
    listBranches: async (
      _req: pb.ListBranchesRequest,
      ctx: CallContext,
    ): Promise<pb.ListBranchesResponse> => {
      who(ctx);
      return { branches: (await listBranches(deps)).map(branchToPb) };
    },
    createBranch: async (
      req: pb.CreateBranchRequest,
      ctx: CallContext,
    ): Promise<pb.CreateBranchResponse> => ({
      branch: branchToPb(await createBranch(deps, who(ctx), req)),
    }),
    getBranchScope: async (
      req: pb.GetBranchScopeRequest,
      ctx: CallContext,
    ): Promise<pb.GetBranchScopeResponse> => {
      who(ctx);
      return { branchCodes: await branchScope(deps, req.branchId) };
    },
  };
  return {
    name: SERVICE,
    definition: pb.IdentityServiceService,
    implementation: implement(SERVICE, refusingNul(handlers), opts),
  };
}
