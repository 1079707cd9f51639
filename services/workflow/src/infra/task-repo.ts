// The task list: one row per engine task, kept by persistCommand, read here for the queues.
import type { Queryable } from '@loanflow/platform';

export interface TaskListEntry {
  id: string;
  instanceId: string;
  businessKey: string;
  elementId: string;
  name: string;
  step: string;
  state: string;
  assignee: string | null;
  owner: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
  productCode: string | null;
  amount: string | null;
  branchId: string | null;
  customerName: string | null;
  createdAt: Date;
  dueAt: Date | null;
  cancelReason: string | null;
  urgeCount: number;
  lastUrgedAt: Date | null;
}

/** Which tasks to list; every given condition must hold. */
export interface TaskFilter {
  assignee?: string;
  /** Unclaimed tasks open to these roles or this user. */
  unclaimedFor?: { roles: string[]; userId: string };
  /** Tasks of these branches or of no branch; absent for every branch. */
  branches?: string[];
  state: string;
  businessKey?: string;
  step?: string;
  productCode?: string;
  /** Decimal strings. */
  minAmount?: string;
  maxAmount?: string;
  overdueOnly?: boolean;
  /** An ISO-8601 instant. */
  dueBefore?: string;
  /** Keyset: tasks after this (createdAt ISO instant, id). */
  after?: [string, string];
  limit: number;
}

interface Row {
  id: string;
  instance_id: string;
  business_key: string;
  element_id: string;
  name: string;
  step: string;
  state: string;
  assignee: string | null;
  owner: string | null;
  candidate_groups: string[];
  candidate_users: string[];
  product_code: string | null;
  amount: string | null;
  branch_id: string | null;
  customer_name: string | null;
  created_at: Date;
  due_at: Date | null;
  cancel_reason: string | null;
  urge_count: number;
  last_urged_at: Date | null;
}

/** Tasks by creation, oldest first. */
export async function findTasks(db: Queryable, f: TaskFilter): Promise<TaskListEntry[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, ...values: unknown[]) => {
    let text = sql;
    for (const v of values) {
      params.push(v);
      text = text.replace('?', `$${params.length}`);
    }
    where.push(text);
  };
  if (f.assignee !== undefined) add('assignee = ?', f.assignee);
  if (f.unclaimedFor)
    add(
      'assignee IS NULL AND (candidate_groups && ?::text[] OR ? = ANY(candidate_users))',
      f.unclaimedFor.roles,
      f.unclaimedFor.userId,
    );
  if (f.branches) add('(branch_id IS NULL OR branch_id = ANY(?))', f.branches);
  add('state = ?', f.state);
  if (f.businessKey) add('business_key = ?', f.businessKey);
  if (f.step) add('step = ?', f.step);
  if (f.productCode) add('product_code = ?', f.productCode);
  if (f.minAmount) add('amount >= ?::numeric', f.minAmount);
  if (f.maxAmount) add('amount <= ?::numeric', f.maxAmount);
  if (f.overdueOnly) add('due_at < now()');
  if (f.dueBefore) add('due_at < ?::timestamptz', f.dueBefore);
  if (f.after) add('(created_at, id) > (?::timestamptz, ?)', f.after[0], f.after[1]);
  params.push(f.limit);
  const { rows } = await db.query<Row>(
    `SELECT * FROM tasks WHERE ${where.join(' AND ')} ORDER BY created_at, id LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) => ({
    id: r.id,
    instanceId: r.instance_id,
    businessKey: r.business_key,
    elementId: r.element_id,
    name: r.name,
    step: r.step,
    state: r.state,
    assignee: r.assignee,
    owner: r.owner,
    candidateGroups: r.candidate_groups,
    candidateUsers: r.candidate_users,
    productCode: r.product_code,
    amount: r.amount,
    branchId: r.branch_id,
    customerName: r.customer_name,
    createdAt: r.created_at,
    dueAt: r.due_at,
    cancelReason: r.cancel_reason,
    urgeCount: r.urge_count,
    lastUrgedAt: r.last_urged_at,
  }));
}

/** Open and overdue tasks per step, in the given branches (absent: every branch). */
export async function countOpenTasksByStep(
  db: Queryable,
  branches: string[] | null,
): Promise<{ step: string; open: number; overdue: number }[]> {
  const { rows } = await db.query<{ step: string; open: number; overdue: number }>(
    `SELECT step, count(*)::int AS open, count(*) FILTER (WHERE due_at < now())::int AS overdue
       FROM tasks WHERE state = 'open' AND ($1::text[] IS NULL OR branch_id = ANY($1))
      GROUP BY step ORDER BY step`,
    [branches],
  );
  return rows;
}

/** The step and application of an open task, if it is open. */
export async function openTaskStep(
  db: Queryable,
  rowId: string,
): Promise<{ step: string; businessKey: string } | undefined> {
  const { rows } = await db.query<{ step: string; business_key: string }>(
    `SELECT step, business_key FROM tasks WHERE id = $1 AND state = 'open'`,
    [rowId],
  );
  const row = rows[0];
  return row && { step: row.step, businessKey: row.business_key };
}

/** Row ids of the open tasks assigned to `userId`, oldest first. */
export async function openTaskIdsAssignedTo(db: Queryable, userId: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    "SELECT id FROM tasks WHERE assignee = $1 AND state = 'open' ORDER BY created_at",
    [userId],
  );
  return rows.map((r) => r.id);
}
