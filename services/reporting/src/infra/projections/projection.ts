import { UndecodableEvent, type EventEnvelope, type PoolClient } from '@loanflow/platform';

/** How one event type changes the read models, and the schema version of its data it knows. */
export interface Projection {
  version: number;
  apply(event: EventEnvelope, tx: PoolClient): Promise<void>;
}

export type Projections = Record<string, Projection>;

/** A projection of schema version 1 (most events). */
export const v1 = (apply: Projection['apply']): Projection => ({ version: 1, apply });

/**
 * Applies the event's projection. An event of a schema version the projection does not know is
 * undecodable here: it is parked with the reason (and counted), never applied half-understood.
 */
export async function project(
  projections: Projections,
  event: EventEnvelope,
  tx: PoolClient,
): Promise<boolean> {
  const projection = projections[event.type];
  if (!projection) return false;
  const version = event.schemaVersion ?? 1;
  if (version !== projection.version) {
    throw new UndecodableEvent(
      `${event.type}: schema version ${String(version)} is not the version ${projection.version} the read model knows`,
    );
  }
  await projection.apply(event, tx);
  return true;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;

/** A uuid the event must carry in `field` (else it is undecodable: SQL would refuse it forever). */
export function uuidOf(event: EventEnvelope, field: string, value: string | undefined): string {
  if (!value || !UUID.test(value))
    throw new UndecodableEvent(`${event.type}: ${field} is not a UUID`);
  return value;
}

/** A uuid when the event has one, else null. */
export function optionalUuid(
  event: EventEnvelope,
  field: string,
  value: string | undefined,
): string | null {
  return value ? uuidOf(event, field, value) : null;
}

export function dateOf(event: EventEnvelope, field: string, value: string | undefined): string {
  if (!value || !DATE.test(value))
    throw new UndecodableEvent(`${event.type}: ${field} is not a date`);
  return value;
}

export function optionalDate(
  event: EventEnvelope,
  field: string,
  value: string | undefined,
): string | null {
  return value ? dateOf(event, field, value) : null;
}

/** A decimal amount; empty means `fallback` (null: unknown). */
export function amountOf(
  event: EventEnvelope,
  field: string,
  value: string | undefined,
  fallback: string | null = '0',
): string | null {
  if (value === undefined || value === '') return fallback;
  if (!DECIMAL.test(value)) throw new UndecodableEvent(`${event.type}: ${field} is not a decimal`);
  return value;
}

/** An instant (ISO 8601) the event carries, else the envelope's occurredAt. */
export function instantOf(event: EventEnvelope, value: string | undefined): string {
  const v = value || event.occurredAt;
  if (!v || Number.isNaN(Date.parse(v)))
    throw new UndecodableEvent(`${event.type}: ${JSON.stringify(v)} is not an instant`);
  return v;
}
