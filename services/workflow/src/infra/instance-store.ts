import type { Queryable } from '@loanflow/platform';
import type { InstanceState, TaskState } from '../domain/engine';

/** Facts about the application that the task list shows and filters on. */
export interface BusinessContext {
  productCode?: string;
  amount?: string;
  branchId?: string;
  customerName?: string;
}

export interface StoredInstance {
  id: string;
  definitionId: string;
  businessKey: string;
  status: InstanceState['status'];
  state: InstanceState;
  context: BusinessContext;
  revision: number;
  startedAt: string;
  endedAt: string | null;
}

interface Row {
  id: string;
  definition_id: string;
  business_key: string;
  status: InstanceState['status'];
  state: InstanceState;
  context: BusinessContext;
  revision: number;
  started_at: Date;
  ended_at: Date | null;
}

const toInstance = (r: Row): StoredInstance => ({
  id: r.id,
  definitionId: r.definition_id,
  businessKey: r.business_key,
  status: r.status,
  state: r.state,
  context: r.context,
  revision: r.revision,
  startedAt: r.started_at.toISOString(),
  endedAt: r.ended_at?.toISOString() ?? null,
});

/** `lock` takes the row lock: one writer per instance; a second command waits, then sees the first's result. */
export async function instanceById(
  db: Queryable,
  id: string,
  lock = false,
): Promise<StoredInstance | undefined> {
  const { rows } = await db.query<Row>(
    `SELECT * FROM process_instances WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0] && toInstance(rows[0]);
}

export async function instanceByBusinessKey(
  db: Queryable,
  key: string,
): Promise<StoredInstance | undefined> {
  const { rows } = await db.query<Row>('SELECT * FROM process_instances WHERE business_key = $1', [
    key,
  ]);
  return rows[0] && toInstance(rows[0]);
}

/** Inserts a new instance; false when one already exists for the business key. */
export async function insertInstance(
  db: Queryable,
  i: {
    id: string;
    definitionId: string;
    businessKey: string;
    state: InstanceState;
    context: BusinessContext;
  },
): Promise<boolean> {
  const res = await db.query(
    `INSERT INTO process_instances (id, definition_id, business_key, status, state, context, started_at, ended_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (business_key) DO NOTHING`,
    [
      i.id,
      i.definitionId,
      i.businessKey,
      i.state.status,
      JSON.stringify(i.state),
      JSON.stringify(i.context),
      i.state.startedAt,
      i.state.endedAt,
    ],
  );
  return (res.rowCount ?? 0) > 0;
}

export async function saveInstance(
  db: Queryable,
  i: { id: string; revision: number; state: InstanceState; definitionId?: string },
): Promise<void> {
  const res = await db.query(
    `UPDATE process_instances SET state = $3, status = $4, ended_at = $5, revision = revision + 1,
       definition_id = coalesce($6, definition_id)
     WHERE id = $1 AND revision = $2`,
    [
      i.id,
      i.revision,
      JSON.stringify(i.state),
      i.state.status,
      i.state.endedAt,
      i.definitionId ?? null,
    ],
  );
  // Under the row lock this cannot happen; it guards against a caller that forgot the lock.
  if (res.rowCount !== 1)
    throw new Error(`instance ${i.id} changed under a command (revision ${i.revision})`);
}

/** Upserts the task-list rows of every task the command created or changed. */
export async function syncTasks(
  db: Queryable,
  instance: { id: string; businessKey: string; context: BusinessContext },
  before: TaskState[],
  after: TaskState[],
): Promise<TaskState[]> {
  const previous = new Map(before.map((t) => [t.id, JSON.stringify(t)]));
  const changed = after.filter((t) => previous.get(t.id) !== JSON.stringify(t));
  if (changed.length === 0) return changed;
  const rows = changed.map((t) => ({
    id: taskRowId(instance.id, t.id),
    element_id: t.elementId,
    name: t.name ?? t.elementId,
    step: t.stepCode,
    state: t.status,
    assignee: t.assignee,
    owner: t.owner,
    candidate_groups: t.candidateGroups,
    candidate_users: t.candidateUsers,
    created_at: t.createdAt,
    due_at: t.dueAt,
    ended_at: t.status === 'completed' || t.status === 'cancelled' ? t.finishedAt : null,
    ended_by: t.completedBy,
    outcome: t.outcome,
  }));
  // Every changed task in one statement, and the cycle time of each completed one beside it.
  await db.query(
    `WITH changed AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(id text, element_id text, name text, step text, state text,
         assignee text, owner text, candidate_groups text[], candidate_users text[], created_at timestamptz,
         due_at timestamptz, ended_at timestamptz, ended_by text, outcome text)
     ), upserted AS (
       INSERT INTO tasks (id, instance_id, business_key, element_id, name, step, state, assignee, owner,
         candidate_groups, candidate_users, product_code, amount, branch_id, customer_name, created_at, due_at,
         ended_at, ended_by, outcome)
       SELECT id, $2, $3, element_id, name, step, state, assignee, owner, candidate_groups, candidate_users,
         $4, $5::numeric, $6, $7, created_at, due_at, ended_at, ended_by, outcome FROM changed
       ON CONFLICT (id) DO UPDATE SET state = excluded.state, assignee = excluded.assignee, owner = excluded.owner,
         candidate_groups = excluded.candidate_groups, candidate_users = excluded.candidate_users,
         due_at = excluded.due_at, ended_at = excluded.ended_at, ended_by = excluded.ended_by,
         outcome = excluded.outcome,
         claimed_at = CASE WHEN excluded.assignee IS DISTINCT FROM tasks.assignee THEN now() ELSE tasks.claimed_at END
     )
     INSERT INTO step_durations (task_id, instance_id, step, started_at, ended_at, outcome)
     SELECT id, $2, step, created_at, ended_at, outcome FROM changed
      WHERE state = 'completed' AND ended_at IS NOT NULL
     ON CONFLICT (task_id) DO NOTHING`,
    [
      JSON.stringify(rows),
      instance.id,
      instance.businessKey,
      instance.context.productCode ?? null,
      instance.context.amount ?? null,
      instance.context.branchId ?? null,
      instance.context.customerName ?? null,
    ],
  );
  return changed;
}

/**
 * Engine task ids are unique within an instance (`task-3`); the task list needs them unique
 * everywhere, so the row id is `<instance id>:<task id>`.
 */
export const taskRowId = (instanceId: string, taskId: string): string => `${instanceId}:${taskId}`;

export function parseTaskRowId(rowId: string): { instanceId: string; taskId: string } | undefined {
  const m = /^([0-9a-f-]{36}):(.+)$/i.exec(rowId);
  return m ? { instanceId: m[1]!, taskId: m[2]! } : undefined;
}

export async function scheduleTimer(
  db: Queryable,
  instanceId: string,
  timerId: string,
  dueAt: string,
): Promise<void> {
  await db.query(
    `INSERT INTO timers (id, instance_id, due_at) VALUES ($1, $2, $3)
     ON CONFLICT (id) DO UPDATE SET due_at = excluded.due_at, fired_at = NULL, cancelled_at = NULL, lease_until = NULL`,
    [taskRowId(instanceId, timerId), instanceId, dueAt],
  );
}

export async function cancelTimer(
  db: Queryable,
  instanceId: string,
  timerId: string,
): Promise<void> {
  await db.query('UPDATE timers SET cancelled_at = now() WHERE id = $1 AND fired_at IS NULL', [
    taskRowId(instanceId, timerId),
  ]);
}

/**
 * Leases due timers for `leaseMs`: with several replicas, each timer goes to one of them; if that
 * one dies, the lease runs out and another takes it.
 */
export async function leaseDueTimers(
  db: Queryable,
  limit: number,
  leaseMs: number,
): Promise<{ id: string; instanceId: string }[]> {
  const { rows } = await db.query<{ id: string; instance_id: string }>(
    `UPDATE timers SET lease_until = now() + make_interval(secs => $2 / 1000.0)
     WHERE id IN (
       SELECT id FROM timers
        WHERE due_at <= now() AND fired_at IS NULL AND cancelled_at IS NULL
          AND (lease_until IS NULL OR lease_until < now())
        ORDER BY due_at LIMIT $1 FOR UPDATE SKIP LOCKED)
     RETURNING id, instance_id`,
    [limit, leaseMs],
  );
  return rows.map((r) => ({ id: r.id, instanceId: r.instance_id }));
}

export async function markTimerFired(db: Queryable, rowId: string): Promise<void> {
  await db.query('UPDATE timers SET fired_at = now() WHERE id = $1', [rowId]);
}

export async function insertJob(
  db: Queryable,
  instanceId: string,
  jobId: string,
  type: string,
  variables: unknown,
): Promise<void> {
  await db.query(
    'INSERT INTO jobs (id, instance_id, type, variables) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING',
    [taskRowId(instanceId, jobId), instanceId, type, JSON.stringify(variables)],
  );
}

export async function finishJob(db: Queryable, instanceId: string, jobId: string): Promise<void> {
  await db.query('UPDATE jobs SET completed_at = now() WHERE id = $1 AND completed_at IS NULL', [
    taskRowId(instanceId, jobId),
  ]);
}
