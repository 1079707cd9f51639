// The answers of money-changing commands, kept per command id (see app/commands.ts).
import type { Queryable } from '@loanflow/platform';

export interface StoredCommand<T> {
  command: string;
  principalId: string;
  result: T;
}

export async function storedCommand<T>(
  tx: Queryable,
  commandId: string,
): Promise<StoredCommand<T> | undefined> {
  const { rows } = await tx.query<{ command: string; principal_id: string; result: T }>(
    'SELECT command, principal_id, result FROM command_results WHERE command_id = $1',
    [commandId],
  );
  const r = rows[0];
  return r && { command: r.command, principalId: r.principal_id, result: r.result };
}

export async function storeCommand<T>(
  tx: Queryable,
  commandId: string,
  stored: StoredCommand<T>,
): Promise<void> {
  await tx.query(
    `INSERT INTO command_results (command_id, command, principal_id, result) VALUES ($1, $2, $3, $4)`,
    [commandId, stored.command, stored.principalId, JSON.stringify(stored.result)],
  );
}
