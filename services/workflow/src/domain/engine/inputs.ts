// Checks of a command's arguments, before anything runs: a bad argument is INVALID_ARGUMENT.
import { EngineError } from '../engine-error';
import type { Variables } from '../feel';
import type { Actor } from '../instance-state';

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function requireText(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new EngineError('invalid_argument', `${what} must be a non-empty string`);
  }
  return value;
}

export function requireActor(actor: Actor): Actor {
  if (!isPlainObject(actor) || typeof actor.userId !== 'string' || actor.userId === '') {
    throw new EngineError('invalid_argument', 'the actor must have a userId');
  }
  if (!Array.isArray(actor.groups))
    throw new EngineError('invalid_argument', 'the actor must list its groups');
  return actor;
}

/** A deep copy of a JSON object of variables (absent means none). */
export function requireVariables(variables: unknown, what = 'variables'): Variables {
  if (variables === undefined) return {};
  if (!isPlainObject(variables))
    throw new EngineError('invalid_argument', `${what} must be a JSON object`);
  return JSON.parse(JSON.stringify(variables)) as Variables;
}

export function requireNow(now: string): string {
  if (typeof now !== 'string' || Number.isNaN(Date.parse(now))) {
    throw new EngineError(
      'invalid_argument',
      `now must be an ISO-8601 date-time, got "${String(now)}"`,
    );
  }
  return new Date(now).toISOString();
}
