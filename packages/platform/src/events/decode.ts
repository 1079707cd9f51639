import type { EventEnvelope } from './envelope';

/**
 * An event that cannot be understood: not an envelope, or its data does not decode into the
 * message its type promises. Redelivering it cannot help, so the consumer parks it (dead letter,
 * with this reason) instead of retrying or dropping it silently.
 */
export class UndecodableEvent extends Error {
  constructor(readonly reason: string) {
    super(`undecodable event: ${reason}`);
    this.name = 'UndecodableEvent';
  }
}

/** The generated (ts-proto) functions of an event message that decoding needs. */
export interface EventMessageType<T> {
  fromJSON(object: unknown): T;
}

/**
 * Decodes an event's data with the generated code of its proto message. ts-proto's fromJSON
 * fills absent fields with defaults, so the fields the consumer cannot do without are named and
 * checked: absent, empty or default, the event is undecodable (UndecodableEvent), never a
 * half-empty message.
 */
export function decodeEventData<T>(
  type: EventMessageType<T>,
  event: Pick<EventEnvelope, 'data' | 'type'>,
  required: readonly (keyof T & string)[] = [],
): T {
  const data = event.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new UndecodableEvent(`${event.type}: data must be a JSON object`);
  }
  let message: T;
  try {
    message = type.fromJSON(data);
  } catch (err) {
    throw new UndecodableEvent(`${event.type}: ${(err as Error).message}`);
  }
  const missing = required.filter((field) => {
    const value = message[field] as unknown;
    return value === undefined || value === null || value === '' || value === 0;
  });
  if (missing.length > 0) {
    throw new UndecodableEvent(`${event.type}: missing ${missing.join(', ')}`);
  }
  return message;
}
