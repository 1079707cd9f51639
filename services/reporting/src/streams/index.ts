// OWNED BY: streams. What a consumed event adds to the report streams, in the transaction that
// applied it to the read models (the stream outbox), and the workers that empty it.
import {
  injectTraceContext,
  isUuid,
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
  /** The subject table's column the ids are of. */
  column: string;
  /** A condition on the subject's table with $1 = `ids`. */
  where: string;
  ids: string[];
}

type Data = Record<string, unknown> | undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const some = (...ids: (string | undefined)[]) => ids.filter((x): x is string => x !== undefined);

/** The type of each column the touched rows are looked up by. */
const COLUMN_TYPES: Record<string, 'uuid' | 'text' | 'bigint'> = {
  application_id: 'uuid',
  task_id: 'text',
  loan_id: 'uuid',
  entry_id: 'bigint',
  delivery_id: 'uuid',
};
const FITS = { uuid: isUuid, text: () => true, bigint: (id: string) => /^\d{1,18}$/.test(id) };

/**
 * The rows are looked up by the column in its own type, so that its index is used (`::text` on
 * the column would scan a million loans per end-of-day chunk); an id that cannot be of that type
 * matches no row anyway.
 */
const byId = (subject: Subject, column: string, ids: string[]): Touch => {
  const type = COLUMN_TYPES[column] ?? 'text';
  return {
    subject,
    column,
    where: `${column} = ANY($1::${type}[])`,
    ids: ids.map((id) => (type === 'uuid' ? id.toLowerCase() : id)).filter(FITS[type]),
  };
};

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
 * The report records of the events one transaction applies, written to `stream_outbox` just before
 * it commits: one read of the touched rows and one INSERT per topic for the whole batch, instead
 * of two statements per event (the round trips bounded ingestion). Each touched entity gives one
 * record with its state after the batch (the latest state is what a state topic carries), with the
 * time and trace context of the last event that touched it. Events are noted inside their span.
 */
export class StreamRecords {
  /** Per topic and lookup column: the ids touched, with the last touching event's time and trace. */
  private readonly touched = new Map<string, { touch: Touch; ids: Map<string, Origin> }>();
  private readonly closedDates: EventEnvelope[] = [];

  constructor(private readonly ctx: StreamContext) {}

  note(event: EventEnvelope): void {
    if (!this.ctx.enabled) return;
    const origin = {
      time: event.occurredAt,
      traceparent: injectTraceContext().traceparent ?? null,
    };
    for (const touch of touchedBy(event)) {
      const group = `${touch.subject}\n${touch.where}`;
      let entry = this.touched.get(group);
      if (!entry) this.touched.set(group, (entry = { touch, ids: new Map() }));
      for (const id of touch.ids) {
        entry.ids.delete(id); // the last touch decides the record's time and trace
        entry.ids.set(id, origin);
      }
    }
    if (event.type === 'accounting.accrual.completed') this.closedDates.push(event);
  }

  /** Queues the records noted so far (in the transaction that applied their events). */
  async write(tx: PoolClient): Promise<void> {
    if (!this.ctx.enabled) return;
    const prefix = this.ctx.topicPrefix ?? DEFAULT_TOPIC_PREFIX;
    let queued = 0;
    const keys = new Set<string>();
    for (const { touch, ids } of this.touched.values())
      if (ids.size > 0) queued += await queueRecords(tx, prefix, touch, ids, keys);
    for (const event of this.closedDates) queued += await queueSnapshot(tx, prefix, event);
    this.touched.clear();
    this.closedDates.length = 0;
    if (queued > 0) runCommitHooks(tx);
  }
}

interface Origin {
  time: string;
  traceparent: string | null;
}

/**
 * Called after an event's projection, in the same transaction: appends the records the event
 * means for the report topics to `stream_outbox` (the consumers use StreamRecords for a batch).
 */
export async function recordStreams(
  tx: PoolClient,
  event: EventEnvelope,
  ctx: StreamContext,
): Promise<void> {
  const records = new StreamRecords(ctx);
  records.note(event);
  await records.write(tx);
}

/**
 * loans.state carries the loan's lifecycle state and is produced only when that changed: its
 * value without what every event or end of day moves (the event count, the time, the last closed
 * date). Without this the end of day would queue a record for every loan every night.
 */
const LIFECYCLE_OF_VALUE = (value: string) =>
  `md5(((${value}) - 'version' - 'updatedAt' - 'lastBusinessDate')::text)`;

async function queueRecords(
  tx: PoolClient,
  prefix: string,
  touch: Touch,
  ids: Map<string, Origin>,
  queued: Set<string>,
): Promise<number> {
  const spec = specOf(touch.subject);
  const source = SOURCES[touch.subject];
  const topic = topicName(prefix, spec);
  const select = `${source.key} AS key, ${source.identity} AS identity,
                  (${source.value})::text AS value, ${touch.column}::text AS via`;
  // The rows whose lifecycle state differs from the last one queued, marked as queued in passing.
  const sql =
    touch.subject === 'loans.state'
      ? `UPDATE ${source.table} SET streamed_state = ${LIFECYCLE_OF_VALUE(source.value)}
          WHERE ${touch.where}
            AND streamed_state IS DISTINCT FROM ${LIFECYCLE_OF_VALUE(source.value)}
         RETURNING ${select}`
      : `SELECT ${select} FROM ${source.table} WHERE ${touch.where} ORDER BY ${orderOf(source)}`;
  let { rows } = await tx.query<{ key: string; identity: string; value: string; via: string }>(
    sql,
    [[...ids.keys()]],
  );
  // An entity touched through two columns (an application by its id and by its loan) once.
  rows = rows.filter((r) => !queued.has(`${topic}\n${r.key}`));
  for (const r of rows) queued.add(`${topic}\n${r.key}`);
  if (rows.length === 0) return 0;
  const origins = rows.map((r) => ids.get(r.via)!);
  // Only what differs from the last record queued for the key (stream_heads): the same state
  // read again by a later batch would otherwise be produced twice under one ce_id.
  const { rowCount } = await tx.query(
    `WITH r AS (
       SELECT * FROM unnest($3::text[], $4::uuid[], $5::text[], $6::timestamptz[], $7::text[])
              WITH ORDINALITY AS r(key, id, value, time, traceparent, n)),
     fresh AS (
       INSERT INTO stream_heads (topic, key, ce_id) SELECT $1, key, id FROM r
       ON CONFLICT (topic, key) DO UPDATE SET ce_id = excluded.ce_id
        WHERE stream_heads.ce_id IS DISTINCT FROM excluded.ce_id
       RETURNING key)
     INSERT INTO stream_outbox (topic, key, ce_id, ce_type, ce_subject, ce_time, traceparent, value)
     SELECT $1, r.key, r.id, $2, r.key, r.time, r.traceparent, r.value::jsonb
       FROM r WHERE r.key IN (SELECT key FROM fresh)
      ORDER BY r.n`,
    [
      topic,
      spec.ceType,
      rows.map((r) => r.key),
      rows.map((r) => ceIdOf(topic, spec, r.identity, r.value)),
      rows.map((r) => r.value),
      origins.map((o) => o.time),
      origins.map((o) => o.traceparent),
    ],
  );
  return rowCount ?? 0;
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
    `INSERT INTO stream_jobs (id, kind, topic, from_date, to_date, status, requested_by, traceparent)
     VALUES ($1, 'snapshot', $2, $3, $3, 'pending', 'system', $4)
     ON CONFLICT (topic, from_date) WHERE kind = 'snapshot' DO NOTHING`,
    [
      uuidv7(),
      topicName(prefix, specOf('loans.daily')),
      date,
      injectTraceContext().traceparent ?? null,
    ],
  );
  return rowCount ?? 0;
}
