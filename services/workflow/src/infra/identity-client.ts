import { Metadata } from '@grpc/grpc-js';
import { createGrpcClient, HEAD_OFFICE, promiseClient, type DomainError } from '@loanflow/platform';
import { identityV1, vocabularyV1 } from '@loanflow/proto';
import type { DirectoryUser, UserDirectory } from '../app/directory';

/** `ROLE_CREDIT_OFFICER` → `credit_officer`: the wire word of the shared vocabulary. */
const roleName = (role: vocabularyV1.Role): string =>
  vocabularyV1
    .roleToJSON(role)
    .replace(/^ROLE_/, '')
    .toLowerCase();

/** The identity service's directory over gRPC (IDENTITY_ADDR), asked with the caller's token. */
export function identityDirectory(address: string): UserDirectory & { close(): void } {
  const client = promiseClient(createGrpcClient(identityV1.IdentityServiceClient, address));
  return {
    async lookUp(names, token) {
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${token}`);
      const options = { metadata, timeoutMs: 5000 };
      // Usernames first (what people type), then what is left as user ids.
      const byName = (await client.resolveUsernames({ usernames: names }, options)).users;
      const ids = names.filter(
        (n) => !byName.some((u) => u.username.toLowerCase() === n.toLowerCase()),
      );
      const byId =
        ids.length > 0
          ? await client.getUsers({ ids }, options).then(
              (r) => r.users,
              // A name that is no user id at all may be refused as malformed: it names nobody.
              (err: DomainError) => {
                if (err.code === 'invalid_argument') return [];
                throw err;
              },
            )
          : [];
      return [...byName, ...byId].map((u): DirectoryUser => ({
        id: u.id,
        username: u.username,
        active: u.active,
        roles: u.roles.map(roleName),
        branchId: u.branchId,
      }));
    },
    async covers(userBranch, branch, token) {
      if (userBranch === HEAD_OFFICE || userBranch === branch) return true;
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${token}`);
      const scope = await client.getBranchScope(
        { branchId: userBranch },
        { metadata, timeoutMs: 5000 },
      );
      return scope.branchCodes.includes(branch);
    },
    close: () => client.close(),
  };
}
