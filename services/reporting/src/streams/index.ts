// OWNED BY: streams. What a consumed event adds to the report streams, in the transaction that
// applied it to the read models (the stream outbox), and the workers that empty it.
import {
  injectTraceContext,
  runCommitHooks,
  uuidv7,
  type EventEnvelope,
  type PoolClient,
} from '@loanflow/platform';
import { specOf, topicName, type Subject } from './catalogue';
import { ceIdOf } from './ce-id';
import { orderOf, SOURCES } from './sources';

export interface StreamContext {
  /** Off while a rebuild replays history into empty read models (nothing is republished). */
  enabled: boolean;
  /** Topic names are `<prefix>.<subject>.v<N>` (REPORT_TOPIC_PREFIX; loanflow.reports if unset). */
  topicPrefix?: string;
}

export const DEFAULT_TOPIC_PREFIX = 'loanflow.reports';

/** The entities an event changed, per topic: read back from the rows its projection wrote. */
interface Touch {
  subject: Subject;
  /** A condition on the subject's table with $1 = `ids`. */
  where: string;
  ids: string[];
}

type Data = Record<string, unknown> | undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const some = (...ids: (string | undefined)[]) => ids.filter((x): x is string => x !== undefined);

const byId = (subject: Subject, column: string, ids: string[]): Touch => ({
  subject,
  where: `${column}::text = ANY($1::text[])`,
  ids,
});

/** Which report records an event means (none for the events no topic follows). */
export function touchedBy(event: EventEnvelope): Touch[] {
  const data = event.data as Data;
  const [service, entity] = event.type.split('.');
  const subjectId = str(event.subjectId);
  if (service === 'applications' && entity === 'application') {
    return [byId('applications', 'application_id', some(str(data?.applicationId) ?? subjectId))];
  }
  if (service === 'workflow' && entity === 'task') {
    const task = data?.task as Data;
    return [
      byId('tasks', 'task_id', some(str(task?.id))),
      byId('applications', 'application_id', some(str(task?.businessKey))),
    ];
  }
  if (service === 'workflow' && entity === 'process') {
    return [
      byId('applications', 'application_id', some(str(data?.businessKey))),
      byId(
        'tasks',
        'task_id',
        ((data?.cancelledTaskIds as string[] | undefined) ?? []).map(String),
      ),
    ];
  }
  if (service === 'accounting' && entity === 'loan') {
    const loanId = str(data?.loanId) ?? subjectId;
    const touches = [byId('loans.state', 'loan_id', some(loanId))];
    // A disbursement moves its application to "disbursed".
    if (event.type === 'accounting.loan.disbursed')
      touches.push(byId('applications', 'loan_id', some(loanId)));
    return touches;
  }
  if (service === 'accounting' && entity === 'loans') {
    // The end of day: every loan of the chunk has new days past due, balances, maybe a new tier.
    const loans = (data?.loans as Data[] | undefined) ?? [];
    return [byId('loans.state', 'loan_id', some(...loans.map((l) => str(l?.loanId))))];
  }
  if (service === 'accounting' && entity === 'ledger') {
    return [byId('ledger-entries', 'entry_id', some(str(data?.entryId)))];
  }
  if (service === 'notifications' && entity === 'message') {
    return [byId('notifications', 'delivery_id', some(str(data?.deliveryId)))];
  }
  return [];
}

/**
 * Called by every consumer after the event's projection, in the same transaction: appends the
 * records the event means for the report topics to `stream_outbox` (reading the read model rows
 * the projection just wrote).
 */
export async function recordStreams(
  tx: PoolClient,
  event: EventEnvelope,
  ctx: StreamContext,
): Promise<void> {
  if (!ctx.enabled) return;
  const prefix = ctx.topicPrefix ?? DEFAULT_TOPIC_PREFIX;
  let queued = 0;
  const traceparent = injectTraceContext().traceparent ?? null;
  for (const touch of touchedBy(event)) {
    if (touch.ids.length > 0) queued += await queueRecords(tx, prefix, touch, event, traceparent);
  }
  if (event.type === 'accounting.accrual.completed')
    queued += await queueSnapshot(tx, prefix, event);
  if (queued > 0) runCommitHooks(tx);
}

async function queueRecords(
  tx: PoolClient,
  prefix: string,
  touch: Touch,
  event: EventEnvelope,
  traceparent: string | null,
): Promise<number> {
  const spec = specOf(touch.subject);
  const source = SOURCES[touch.subject];
  const topic = topicName(prefix, spec);
  const { rows } = await tx.query<{ key: string; identity: string; value: string }>(
    `SELECT ${source.key} AS key, ${source.identity} AS identity, (${source.value})::text AS value
       FROM ${source.table} WHERE ${touch.where} ORDER BY ${orderOf(source)}`,
    [touch.ids],
  );
  if (rows.length === 0) return 0;
  await tx.query(
    `INSERT INTO stream_outbox (topic, key, ce_id, ce_type, ce_subject, ce_time, traceparent, value)
     SELECT $1, r.key, r.id, $2, r.key, $3, $4, r.value::jsonb
       FROM unnest($5::text[], $6::uuid[], $7::text[]) WITH ORDINALITY AS r(key, id, value, n)
      ORDER BY r.n`,
    [
      topic,
      spec.ceType,
      event.occurredAt,
      traceparent,
      rows.map((r) => r.key),
      rows.map((r) => ceIdOf(topic, spec, r.identity, r.value)),
      rows.map((r) => r.value),
    ],
  );
  return rows.length;
}

/** The nightly loans.daily snapshot of the date accrual.completed closed (once per date). */
async function queueSnapshot(
  tx: PoolClient,
  prefix: string,
  event: EventEnvelope,
): Promise<number> {
  const data = event.data as Data;
  // A simulated end of day (what-if) closes nothing the data teams should see.
  if (str(data?.simulationId)) return 0;
  const date = str(data?.businessDate) ?? str(event.subjectId);
  if (!date || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return 0;
  const { rowCount } = await tx.query(
    `INSERT INTO stream_jobs (id, kind, topic, from_date, to_date, status, requested_by)
     VALUES ($1, 'snapshot', $2, $3, $3, 'pending', 'system')
     ON CONFLICT (topic, from_date) WHERE kind = 'snapshot' DO NOTHING`,
    [uuidv7(), topicName(prefix, specOf('loans.daily')), date],
  );
  return rowCount ?? 0;
}
