/** The JSON body of every event on the bus; mirrors loanflow.common.v1.EventEnvelope. */
export interface EventEnvelope<T = unknown> {
  id: string;
  /** Subject form without the prefix: `<service>.<entity>.<verb>`, e.g. `applications.application.submitted`. */
  type: string;
  schemaVersion: number;
  source: string;
  subjectId: string;
  occurredAt: string;
  data: T;
}

export const SUBJECT_PREFIX = 'loanflow';
export const STREAM_NAME = 'LOANFLOW';

export const subjectOf = (type: string): string => `${SUBJECT_PREFIX}.${type}`;

const TYPE = /^[a-z][a-z_]*\.[a-z][a-z_]*\.[a-z][a-z_-]*$/;
export function assertEventType(type: string): string {
  if (!TYPE.test(type)) throw new Error(`event type must be <service>.<entity>.<verb>: ${type}`);
  return type;
}

/** The envelope of a message; throws naming what is wrong when it is not one (not JSON, a field missing). */
export function decodeEnvelope(bytes: Uint8Array): EventEnvelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new Error(`not a LoanFlow event envelope: not JSON (${(err as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error('not a LoanFlow event envelope: not a JSON object');
  const e = parsed as Partial<EventEnvelope>;
  const missing = [
    typeof e.id !== 'string' && 'id',
    typeof e.type !== 'string' && 'type',
    e.data === undefined && 'data',
  ].filter((f): f is string => f !== false);
  if (missing.length > 0)
    throw new Error(`not a LoanFlow event envelope: missing ${missing.join(', ')}`);
  return e as EventEnvelope;
}

/** Header the outbox relay sets to the event's subject id: consumers keep one entity's events in order. */
export const SUBJECT_ID_HEADER = 'loanflow-subject-id';
