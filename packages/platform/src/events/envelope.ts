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

export function decodeEnvelope(bytes: Uint8Array): EventEnvelope {
  const parsed = JSON.parse(Buffer.from(bytes).toString('utf8')) as Partial<EventEnvelope>;
  if (
    typeof parsed.id !== 'string' ||
    typeof parsed.type !== 'string' ||
    parsed.data === undefined
  ) {
    throw new Error('not a LoanFlow event envelope');
  }
  return parsed as EventEnvelope;
}

/** Header the outbox relay sets to the event's subject id: consumers keep one entity's events in order. */
export const SUBJECT_ID_HEADER = 'loanflow-subject-id';
