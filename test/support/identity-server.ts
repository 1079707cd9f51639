import { Metadata, Server, ServerCredentials, status, type ServiceError } from '@grpc/grpc-js';
import { identityV1, vocabularyV1 } from '@loanflow/proto';

/** A staff user of the stand-in directory. */
export interface DirectoryEntry {
  id: string;
  username: string;
  roles: string[];
  branchId?: string;
  active?: boolean;
}

const toUser = (u: DirectoryEntry): identityV1.User =>
  identityV1.User.fromPartial({
    id: u.id,
    username: u.username,
    displayName: u.username,
    roles: u.roles.map((r) => vocabularyV1.roleFromJSON(`ROLE_${r.toUpperCase()}`)),
    branchId: u.branchId ?? 'SH001',
    active: u.active ?? true,
    language: 'zh-CN',
    version: 1,
  });

/**
 * A real gRPC IdentityService answering the directory look-ups (GetUsers, ResolveUsernames,
 * GetBranchScope) from
 * a list of users, for services whose tests need a directory; every other call is UNIMPLEMENTED.
 * `users` is read on every call, so a test may add users as it goes.
 */
export async function startIdentityServer(
  users: () => Promise<DirectoryEntry[]> | DirectoryEntry[],
): Promise<{ address: string; stop(): Promise<void> }> {
  const server = new Server();
  type Callback<T> = (err: ServiceError | null, value?: T) => void;
  const answer = <T>(callback: Callback<T>, work: () => Promise<T>) =>
    work().then(
      (value) => callback(null, value),
      (err: Error) =>
        callback(
          Object.assign(err, {
            code: status.INTERNAL,
            details: err.message,
            metadata: new Metadata(),
          }),
        ),
    );
  server.addService(identityV1.IdentityServiceService, {
    getUsers: (
      call: { request: identityV1.GetUsersRequest },
      callback: Callback<identityV1.GetUsersResponse>,
    ) =>
      answer(callback, async () => {
        const all = await users();
        return {
          users: call.request.ids.flatMap((id) => all.filter((u) => u.id === id).map(toUser)),
        };
      }),
    resolveUsernames: (
      call: { request: identityV1.ResolveUsernamesRequest },
      callback: Callback<identityV1.ResolveUsernamesResponse>,
    ) =>
      answer(callback, async () => {
        const all = await users();
        const wanted = call.request.usernames.map((n) => n.toLowerCase());
        return {
          users: wanted.flatMap((n) =>
            all.filter((u) => u.username.toLowerCase() === n).map(toUser),
          ),
        };
      }),
    // The stand-in knows no branch tree: a branch's scope is the branch itself.
    getBranchScope: (
      call: { request: identityV1.GetBranchScopeRequest },
      callback: Callback<identityV1.GetBranchScopeResponse>,
    ) => answer(callback, async () => ({ branchCodes: [call.request.branchId] })),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
      }),
  };
}
