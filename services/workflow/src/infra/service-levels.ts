import { appendToOutbox, withTransaction, type Logger, type Pool } from '@loanflow/platform';
import { workflowEventsV1 } from '@loanflow/proto';
import { reminderAt } from '../domain/calendar';
import { SOURCE } from './effects';

/** Working hours before the due time at which the assignee (or the queue) is reminded. */
export const REMIND_WORKING_HOURS_BEFORE = 4;

interface DueRow {
  id: string;
  instance_id: string;
  business_key: string;
  step: string;
  name: string;
  assignee: string | null;
  candidate_groups: string[];
  due_at: Date;
  reminded_at: Date | null;
}

/**
 * Watches due dates of open tasks: a `task.reminder` event some working hours before a task is
 * due and a `task.overdue` event once it is late (催办 and escalation act on those), each once,
 * with the row update and the event in one transaction; replicas share the work (SKIP LOCKED).
 */
export async function checkServiceLevels(
  pool: Pool,
  now: Date,
  log: Logger,
): Promise<{ reminded: number; overdue: number }> {
  return withTransaction(pool, async (tx) => {
    const horizon = new Date(now.getTime() + 7 * 24 * 3600 * 1000);
    const { rows } = await tx.query<DueRow>(
      `SELECT id, instance_id, business_key, step, name, assignee, candidate_groups, due_at, reminded_at
         FROM tasks WHERE state = 'open' AND overdue_at IS NULL AND due_at IS NOT NULL AND due_at < $1
         ORDER BY due_at LIMIT 200 FOR UPDATE SKIP LOCKED`,
      [horizon],
    );
    let reminded = 0;
    let overdue = 0;
    for (const t of rows) {
      const notice = (reason: string) =>
        workflowEventsV1.TaskEvent.toJSON(
          workflowEventsV1.TaskEvent.fromPartial({
            task: {
              id: t.id,
              instanceId: t.instance_id,
              businessKey: t.business_key,
              step: t.step,
              name: t.name,
              state: 'open',
              assignee: t.assignee ?? '',
              candidateGroups: t.candidate_groups,
              dueAt: t.due_at.toISOString(),
              overdue: t.due_at < now,
            },
            reason,
            at: now.toISOString(),
          }),
        );
      if (t.due_at < now) {
        await tx.query('UPDATE tasks SET overdue_at = $2 WHERE id = $1', [t.id, now]);
        await appendToOutbox(tx, SOURCE, {
          type: 'workflow.task.overdue',
          subjectId: t.id,
          data: notice('due date passed'),
        });
        overdue++;
      } else if (!t.reminded_at && reminderAt(t.due_at, REMIND_WORKING_HOURS_BEFORE) <= now) {
        await tx.query('UPDATE tasks SET reminded_at = $2 WHERE id = $1', [t.id, now]);
        await appendToOutbox(tx, SOURCE, {
          type: 'workflow.task.reminder',
          subjectId: t.id,
          data: notice(`due within ${REMIND_WORKING_HOURS_BEFORE} working hours`),
        });
        reminded++;
      }
    }
    if (reminded + overdue > 0) log.info({ reminded, overdue }, 'service-level notices');
    return { reminded, overdue };
  });
}
