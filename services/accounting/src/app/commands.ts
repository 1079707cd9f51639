import { invalidArgument, type Principal } from '@loanflow/platform';
import { storeCommand, storedCommand } from '../infra/command-repo';
import type { Db } from '../infra/db';

/**
 * Runs a money-changing command once per command id: a retry by the same person of the same
 * command (the gateway derives the id from its Idempotency-Key) gets the stored answer and
 * changes nothing. The id is taken in the same transaction as the change; a concurrent twin
 * blocks on it, then fails on the key and is rolled back, and its retry finds the answer.
 * An id used for another command or by another person is refused, never answered from the store.
 */
export async function oncePerCommand<T>(
  tx: Db,
  commandId: string | undefined,
  command: string,
  principal: Principal,
  run: () => Promise<T>,
): Promise<T> {
  if (!commandId) return run();
  if (commandId.length > 200)
    throw invalidArgument([{ field: 'commandId', reason: 'must be at most 200 characters' }]);
  const stored = await storedCommand<T>(tx, commandId);
  if (stored) {
    if (stored.command !== command || stored.principalId !== principal.userId) {
      throw invalidArgument([
        { field: 'commandId', reason: 'was already used for another command' },
      ]);
    }
    return stored.result;
  }
  const result = await run();
  await storeCommand(tx, commandId, { command, principalId: principal.userId, result });
  return result;
}
