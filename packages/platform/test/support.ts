import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createLogger, type Logger } from '../src/logger';

export const DATABASE_URL =
  process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** Tests assert on behaviour, not on log lines. */
export const quietLog: Logger = createLogger('platform-test', 'silent');

export const hex = (bytes = 5): string => randomBytes(bytes).toString('hex');

/** A schema name this test alone uses. */
export const uniqueSchema = (): string => `t_${hex(6)}`;

/** A JetStream stream name and a subject prefix this test alone uses. */
export function uniqueStream(purpose: string): { stream: string; prefix: string } {
  const id = hex();
  return {
    stream: `T_${purpose.toUpperCase()}_${id.toUpperCase()}`,
    prefix: `lftest_${purpose}_${id}`,
  };
}

/** A pool outside any service schema, for setup, inspection and clean-up. */
export const adminPool = (): pg.Pool => new pg.Pool({ connectionString: DATABASE_URL, max: 3 });

export async function dropSchema(admin: pg.Pool, schema: string): Promise<void> {
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns something other than undefined/false, or fails naming `what`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** Live timers, sockets and other handles of the process, counted by type. */
export function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

const sameCounts = (a: Record<string, number>, b: Record<string, number>) =>
  Object.keys({ ...a, ...b }).every((k) => (a[k] ?? 0) === (b[k] ?? 0));

/**
 * The process's handles once they stop changing: sockets finish closing a moment after the
 * `end()`/`close()` that closed them resolved. With `expected`, waits (a while) for exactly those.
 */
export async function settledResources(
  expected?: Record<string, number>,
): Promise<Record<string, number>> {
  const deadline = Date.now() + 3000;
  let last = activeResources();
  for (;;) {
    await sleep(100);
    const now = activeResources();
    const settled = expected ? sameCounts(now, expected) : sameCounts(now, last);
    if (settled || Date.now() > deadline) return now;
    last = now;
  }
}

/** `fn` on the first call only; later calls get the first call's promise. */
export function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
