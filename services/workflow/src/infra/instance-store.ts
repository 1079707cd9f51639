import { createHash } from 'node:crypto';
import { isUuid, outboxInsertSql, type Queryable } from '@loanflow/platform';
import { workingDaysTaken } from '../domain/calendar';
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

/** What a command needs before it runs, read in one statement. */
export interface CommandRead {
  instance?: StoredInstance;
  /** The answer already given under this idempotency key, if any. */
  prior?: { requestHash: string; response: unknown };
}

/**
 * The instance (row-locked when `lock`) and any earlier answer under the command's idempotency
 * key, in one round trip.
 */
export async function readForCommand(
  db: Queryable,
  id: string,
  opts: { lock: boolean; record?: { actor: string; key: string } },
): Promise<CommandRead> {
  const prior = opts.record
    ? `(SELECT jsonb_build_object('requestHash', request_hash, 'response', response)
          FROM command_results WHERE actor = $2 AND key = $3)`
    : 'NULL::jsonb';
  const lock = opts.lock ? ' FOR UPDATE OF i' : '';
  const { rows } = await db.query<Row & { prior: CommandRead['prior'] | null }>({
    name: `wf-read-${opts.record ? 'r' : ''}${opts.lock ? 'l' : ''}`,
    text: `SELECT i.*, ${prior} AS prior FROM process_instances i WHERE i.id = $1${lock}`,
    values: opts.record ? [id, opts.record.actor, opts.record.key] : [id],
  });
  const row = rows[0];
  if (!row) return {};
  return { instance: toInstance(row), prior: row.prior ?? undefined };
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

/** The instance row a command rewrites, guarded by the revision it read. */
export interface InstanceWrite {
  id: string;
  revision: number;
  state: InstanceState;
  definitionId?: string;
}

/** The answer to an idempotent command, kept under (actor, key) for its retries. */
export interface CommandRecord {
  actor: string;
  key: string;
  requestHash: string;
  response: unknown;
}

export interface CommandWrites {
  instance: { id: string; businessKey: string; context: BusinessContext };
  /** Absent when the row was just inserted (a start): nothing to guard. */
  write?: InstanceWrite;
  changedTasks: TaskState[];
  timers: Map<string, string | null>;
  jobsCreated: { id: string; type: string; variables: unknown }[];
  jobsFinished: string[];
  /** `outboxRows(...).json`, when the command has events. */
  outboxJson?: string;
  record?: CommandRecord;
}

const TASK_COLUMNS = `id text, element_id text, name text, step text, state text, assignee text, owner text,
  candidate_groups text[], candidate_users text[], created_at timestamptz, due_at timestamptz,
  ended_at timestamptz, ended_by text, outcome text, working_days numeric, cancel_reason text,
  urge_count integer, last_urged_at timestamptz`;

/**
 * The common table expressions that write what a command changed: the instance row (only if
 * its revision is still the one the command read), the task-list rows and cycle times, timers,
 * jobs, outbox events and the idempotent answer. Every part hangs off `guard`, so when another
 * writer got there first nothing at all is written.
 */
function commandParts(w: CommandWrites, p: (v: unknown) => string): string[] {
  const parts: string[] = [];
  const id = p(w.instance.id);
  if (w.write) {
    const s = w.write.state;
    parts.push(`guard AS (
      UPDATE process_instances SET state = ${p(JSON.stringify(s))}, status = ${p(s.status)},
        ended_at = ${p(s.endedAt)}::timestamptz, revision = revision + 1,
        definition_id = coalesce(${p(w.write.definitionId ?? null)}::uuid, definition_id)
       WHERE id = ${id} AND revision = ${p(w.write.revision)} RETURNING 1)`);
  } else {
    parts.push(`guard AS (SELECT 1 FROM process_instances WHERE id = ${id})`);
  }
  if (w.record) {
    const r = w.record;
    parts.push(`answer AS (
      INSERT INTO command_results (actor, key, request_hash, response)
      SELECT ${p(r.actor)}, ${p(r.key)}, ${p(r.requestHash)}, ${p(JSON.stringify(r.response))}::jsonb FROM guard)`);
  }
  if (w.changedTasks.length > 0) {
    const rows = w.changedTasks.map((t) => ({
      id: taskRowId(w.instance.id, t.id),
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
      cancel_reason: t.status === 'cancelled' ? (t.cancelReason ?? null) : null,
      urge_count: t.urgeCount ?? 0,
      last_urged_at: t.lastUrgedAt ?? null,
      working_days:
        t.status === 'completed' && t.finishedAt
          ? workingDaysTaken(new Date(t.createdAt), new Date(t.finishedAt))
          : null,
    }));
    const c = w.instance.context;
    parts.push(`changed AS (
      SELECT r.* FROM guard, jsonb_to_recordset(${p(JSON.stringify(rows))}::jsonb) AS r(${TASK_COLUMNS}))`);
    parts.push(`task_rows AS (
      INSERT INTO tasks (id, instance_id, business_key, element_id, name, step, state, assignee, owner,
        candidate_groups, candidate_users, product_code, amount, branch_id, customer_name, created_at, due_at,
        ended_at, ended_by, outcome, cancel_reason, urge_count, last_urged_at)
      SELECT id, ${id}, ${p(w.instance.businessKey)}, element_id, name, step, state, assignee, owner,
        candidate_groups, candidate_users, ${p(c.productCode ?? null)}, ${p(c.amount ?? null)}::numeric,
        ${p(c.branchId ?? null)}, ${p(c.customerName ?? null)}, created_at, due_at, ended_at, ended_by, outcome,
        cancel_reason, urge_count, last_urged_at
        FROM changed
      ON CONFLICT (id) DO UPDATE SET state = excluded.state, assignee = excluded.assignee, owner = excluded.owner,
        candidate_groups = excluded.candidate_groups, candidate_users = excluded.candidate_users,
        due_at = excluded.due_at, ended_at = excluded.ended_at, ended_by = excluded.ended_by,
        outcome = excluded.outcome, cancel_reason = excluded.cancel_reason,
        urge_count = excluded.urge_count, last_urged_at = excluded.last_urged_at,
        claimed_at = CASE WHEN excluded.assignee IS DISTINCT FROM tasks.assignee THEN now() ELSE tasks.claimed_at END)`);
    parts.push(`cycle_times AS (
      INSERT INTO step_durations (task_id, instance_id, step, started_at, ended_at, working_days, outcome)
      SELECT id, ${id}, step, created_at, ended_at, working_days, outcome FROM changed
       WHERE state = 'completed' AND ended_at IS NOT NULL
      ON CONFLICT (task_id) DO NOTHING)`);
  }
  const scheduled = [...w.timers].filter(([, due]) => due !== null);
  const cancelled = [...w.timers].filter(([, due]) => due === null).map(([timer]) => timer);
  if (scheduled.length > 0) {
    const rows = scheduled.map(([timer, due]) => ({ id: timer, due_at: due }));
    parts.push(`timers_set AS (
      INSERT INTO timers (id, instance_id, due_at)
      SELECT r.id, ${id}, r.due_at FROM guard, jsonb_to_recordset(${p(JSON.stringify(rows))}::jsonb) AS r(id text, due_at timestamptz)
      ON CONFLICT (id) DO UPDATE SET due_at = excluded.due_at, fired_at = NULL, cancelled_at = NULL, lease_until = NULL)`);
  }
  if (cancelled.length > 0) {
    parts.push(`timers_off AS (
      UPDATE timers SET cancelled_at = now() FROM guard WHERE id = ANY(${p(cancelled)}::text[]) AND fired_at IS NULL)`);
  }
  if (w.jobsCreated.length > 0) {
    parts.push(`jobs_new AS (
      INSERT INTO jobs (id, instance_id, type, variables)
      SELECT r.id, ${id}, r.type, r.variables FROM guard, jsonb_to_recordset(${p(JSON.stringify(w.jobsCreated))}::jsonb)
        AS r(id text, type text, variables jsonb)
      ON CONFLICT (id) DO NOTHING)`);
  }
  if (w.jobsFinished.length > 0) {
    parts.push(`jobs_done AS (
      UPDATE jobs SET completed_at = now() FROM guard WHERE id = ANY(${p(w.jobsFinished)}::text[]) AND completed_at IS NULL)`);
  }
  if (w.outboxJson) parts.push(`events AS (${outboxInsertSql(p(w.outboxJson), 'guard')})`);
  return parts;
}

/**
 * Writes everything a command changed in **one statement**: the instance row (only if its
 * revision is still the one the command read), the task-list rows and cycle times, timers, jobs,
 * outbox events and the idempotent answer. Every part hangs off the guard, so when another
 * writer got there first nothing at all is written and the answer is false. One statement is
 * one round trip, and without a transaction around it, one commit.
 */
export async function persistCommand(db: Queryable, w: CommandWrites): Promise<boolean> {
  const params: unknown[] = [];
  const parts = commandParts(w, (v) => `$${params.push(v)}`);
  const text = `WITH ${parts.join(',\n')}\nSELECT count(*)::int AS applied FROM guard`;
  // The statement's shape (which parts it has) names it, so each connection parses it once.
  const name = `wf-persist-${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
  const res = await db.query<{ applied: number }>({ name, text, values: params });
  return res.rows[0]!.applied > 0;
}

/**
 * Engine task ids are unique within an instance (`task-3`); the task list needs them unique
 * everywhere, so the row id is `<instance id>:<task id>`.
 */
export const taskRowId = (instanceId: string, taskId: string): string => `${instanceId}:${taskId}`;

export function parseTaskRowId(rowId: string): { instanceId: string; taskId: string } | undefined {
  const colon = rowId.indexOf(':');
  const instanceId = rowId.slice(0, colon);
  const taskId = rowId.slice(colon + 1);
  return colon > 0 && isUuid(instanceId) && taskId !== '' ? { instanceId, taskId } : undefined;
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

export async function finishJob(db: Queryable, instanceId: string, jobId: string): Promise<void> {
  await db.query('UPDATE jobs SET completed_at = now() WHERE id = $1 AND completed_at IS NULL', [
    taskRowId(instanceId, jobId),
  ]);
}

/** Records that an application left the approval; false when it was recorded before. */
export async function recordEndedApplication(
  db: Queryable,
  e: { businessKey: string; cause: string; reason: string; actor: string },
): Promise<boolean> {
  const res = await db.query(
    `INSERT INTO ended_applications (business_key, cause, reason, actor) VALUES ($1, $2, $3, $4)
     ON CONFLICT (business_key) DO NOTHING`,
    [e.businessKey, e.cause, e.reason, e.actor],
  );
  return (res.rowCount ?? 0) > 0;
}

export async function endedApplication(
  db: Queryable,
  businessKey: string,
): Promise<{ cause: string; reason: string } | undefined> {
  const { rows } = await db.query<{ cause: string; reason: string }>(
    'SELECT cause, reason FROM ended_applications WHERE business_key = $1',
    [businessKey],
  );
  return rows[0];
}

/** Ids of the active instances of a definition version. */
export async function activeInstanceIds(db: Queryable, definitionId: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    "SELECT id FROM process_instances WHERE definition_id = $1 AND status = 'active' ORDER BY id",
    [definitionId],
  );
  return rows.map((r) => r.id);
}
