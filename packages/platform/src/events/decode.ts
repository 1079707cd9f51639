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
  toJSON(message: T): unknown;
}

const kind = (v: unknown): string => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);

/**
 * The first place where the JSON sent is not the JSON of the message it decoded into. ts-proto's
 * fromJSON coerces (`7` into `"7"` for a string field), so the data is compared with the message
 * encoded again: a value of another JSON type than its field's is refused, except what proto3
 * JSON allows (a number as a decimal string, an enum by its number). Fields the message does not
 * know, and defaults it leaves out, are passed over (newer producers may add fields).
 */
function typeMismatch(sent: unknown, encoded: unknown, path: string): string | undefined {
  if (sent === null || sent === undefined || encoded === undefined) return undefined;
  switch (kind(encoded)) {
    case 'string':
      if (typeof sent === 'string') return undefined;
      // An enum sent by its number encodes as its name; a string field sent a number as itself.
      if (typeof sent === 'number' && String(sent) !== encoded) return undefined;
      return `${path} must be a string`;
    case 'number':
      if (typeof sent === 'number' && Number.isFinite(sent)) return undefined;
      if (typeof sent === 'string' && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(sent)) return undefined;
      return `${path} must be a number`;
    case 'boolean':
      return typeof sent === 'boolean' ? undefined : `${path} must be true or false`;
    case 'array': {
      if (!Array.isArray(sent)) return `${path} must be a list`;
      const items = encoded as unknown[];
      for (let i = 0; i < sent.length; i++) {
        const found = typeMismatch(sent[i], items[i], `${path}[${i}]`);
        if (found) return found;
      }
      return undefined;
    }
    case 'object': {
      if (kind(sent) !== 'object') return `${path} must be an object`;
      const fields = encoded as Record<string, unknown>;
      for (const [key, value] of Object.entries(sent as Record<string, unknown>)) {
        const found = typeMismatch(value, fields[key], path ? `${path}.${key}` : key);
        if (found) return found;
      }
      return undefined;
    }
    default:
      return undefined;
  }
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
  // Defaults (empty lists, "", 0) are left out when encoded: the message's own defaults stand in
  // for them, so that `parties: "all"` is still seen to be no list.
  const defaults = Object.fromEntries(
    Object.entries(type.fromJSON({}) as Record<string, unknown>).filter(([, v]) => v !== undefined),
  );
  const encoded = { ...defaults, ...(type.toJSON(message) as Record<string, unknown>) };
  const mismatch = typeMismatch(data, encoded, '');
  if (mismatch) throw new UndecodableEvent(`${event.type}: ${mismatch}`);
  const missing = required.filter((field) => {
    const value = message[field] as unknown;
    return value === undefined || value === null || value === '' || value === 0;
  });
  if (missing.length > 0) {
    throw new UndecodableEvent(`${event.type}: missing ${missing.join(', ')}`);
  }
  return message;
}
