import { Metadata } from '@grpc/grpc-js';
import { createGrpcClient, promiseClient } from '@loanflow/platform';
import { identityV1, vocabularyV1 } from '@loanflow/proto';
import type { DirectoryUser, UserDirectory } from '../app/directory';

/** `ROLE_CREDIT_OFFICER` → `credit_officer`: the wire word of the shared vocabulary. */
const roleName = (role: vocabularyV1.Role): string =>
  vocabularyV1
    .roleToJSON(role)
    .replace(/^ROLE_/, '')
    .toLowerCase();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The identity service's directory over gRPC (IDENTITY_ADDR), asked with the caller's token. */
export function identityDirectory(address: string): UserDirectory & { close(): void } {
  const client = promiseClient(createGrpcClient(identityV1.IdentityServiceClient, address));
  return {
    async lookUp(names, token) {
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${token}`);
      const options = { metadata, timeoutMs: 5000 };
      const ids = names.filter((n) => UUID.test(n));
      const byId = ids.length > 0 ? (await client.getUsers({ ids }, options)).users : [];
      const rest = names.filter((n) => !byId.some((u) => u.id === n));
      const byName =
        rest.length > 0 ? (await client.resolveUsernames({ usernames: rest }, options)).users : [];
      return [...byId, ...byName].map((u): DirectoryUser => ({
        id: u.id,
        username: u.username,
        active: u.active,
        roles: u.roles.map(roleName),
      }));
    },
    close: () => client.close(),
  };
}
