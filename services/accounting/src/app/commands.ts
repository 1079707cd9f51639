import { invalidArgument, type Principal, type Queryable } from '@loanflow/platform';

/**
 * Runs a money-changing command once per command id: a retry by the same person of the same
 * command (the gateway derives the id from its Idempotency-Key) gets the stored answer and
 * changes nothing. The id is taken in the same transaction as the change; a concurrent twin
 * blocks on it, then fails on the key and is rolled back, and its retry finds the answer.
 * An id used for another command or by another person is refused, never answered from the store.
 */
export async function oncePerCommand<T>(
  tx: Queryable,
  commandId: string | undefined,
  command: string,
  principal: Principal,
  run: () => Promise<T>,
): Promise<T> {
  if (!commandId) return run();
  if (commandId.length > 200)
    throw invalidArgument([{ field: 'commandId', reason: 'must be at most 200 characters' }]);
  const { rows } = await tx.query<{ command: string; principal_id: string; result: T }>(
    'SELECT command, principal_id, result FROM command_results WHERE command_id = $1',
    [commandId],
  );
  const stored = rows[0];
  if (stored) {
    if (stored.command !== command || stored.principal_id !== principal.userId) {
      throw invalidArgument([
        { field: 'commandId', reason: 'was already used for another command' },
      ]);
    }
    return stored.result;
  }
  const result = await run();
  await tx.query(
    `INSERT INTO command_results (command_id, command, principal_id, result) VALUES ($1, $2, $3, $4)`,
    [commandId, command, principal.userId, JSON.stringify(result)],
  );
  return result;
}
