import { conflict, type Queryable } from '@loanflow/platform';

/**
 * Runs a money-changing command once per `commandId`: a retry (the gateway passes its
 * Idempotency-Key) gets the stored answer and changes nothing. The row is written in the same
 * transaction as the change; a concurrent twin waits on the primary key and then finds it.
 */
export async function oncePerCommand<T>(
  tx: Queryable,
  commandId: string | undefined,
  command: string,
  run: () => Promise<T>,
): Promise<T> {
  if (!commandId) return run();
  const { rows } = await tx.query<{ command: string; result: T }>(
    'SELECT command, result FROM command_results WHERE command_id = $1',
    [commandId],
  );
  if (rows[0]) return rows[0].result;
  const result = await run();
  const inserted = await tx.query(
    `INSERT INTO command_results (command_id, command, result) VALUES ($1, $2, $3)
     ON CONFLICT (command_id) DO NOTHING`,
    [commandId, command, JSON.stringify(result)],
  );
  if (inserted.rowCount === 0) throw conflict(`command ${commandId} is being processed; retry`);
  return result;
}
