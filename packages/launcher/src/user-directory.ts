import { Metadata, Server, ServerCredentials, status, type sendUnaryData } from '@grpc/grpc-js';
import type { Pool } from '@loanflow/platform';
import { identityV1, vocabularyV1 } from '@loanflow/proto';

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  roles: string[];
  branch_id: string;
  active: boolean;
}

const toUser = (r: UserRow): identityV1.User =>
  identityV1.User.fromPartial({
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    roles: r.roles.map((role) => vocabularyV1.roleFromJSON(`ROLE_${role.toUpperCase()}`)),
    branchId: r.branch_id,
    active: r.active,
  });

/**
 * The directory look-ups of the identity service (GetUsers, ResolveUsernames) over the demo's
 * staff users, which the gateway keeps in its schema: the workflow checks the people named in
 * commands against it (IDENTITY_ADDR). Every other identity call is UNIMPLEMENTED here.
 */
export async function startUserDirectory(
  gatewayDb: Pool,
  port: number,
): Promise<{ address: string; stop(): Promise<void> }> {
  const server = new Server();
  const query = (where: string, values: string[]) =>
    gatewayDb
      .query<UserRow>(
        `SELECT id, username, display_name, roles, branch_id, active FROM users WHERE ${where}`,
        [values],
      )
      .then((r) => r.rows.map(toUser));
  const reply =
    <Req, Res>(work: (req: Req) => Promise<Res>) =>
    (call: { request: Req }, callback: sendUnaryData<Res>) =>
      work(call.request).then(
        (value) => callback(null, value),
        (err: Error) =>
          callback({ code: status.UNAVAILABLE, details: err.message, metadata: new Metadata() }),
      );
  server.addService(identityV1.IdentityServiceService, {
    getUsers: reply(async (req: identityV1.GetUsersRequest) => ({
      users: await query('id::text = ANY($1)', req.ids),
    })),
    resolveUsernames: reply(async (req: identityV1.ResolveUsernamesRequest) => ({
      users: await query(
        'username = ANY($1)',
        req.usernames.map((u) => u.toLowerCase()),
      ),
    })),
  });
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return {
    address: `127.0.0.1:${bound}`,
    stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
