import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { Logger } from './logger';
import { watchPool } from './metrics';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name: ${schema}`);
  return schema;
}

// NUMERIC and BIGINT come back as strings (pg's default); money stays exact end to end.
// DATE stays a calendar date string instead of a Date at local midnight.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

/** A pool whose connections resolve unqualified names in the service's own schema. */
export function createPool(opts: {
  connectionString: string;
  schema: string;
  max?: number;
  applicationName?: string;
  log?: Logger;
}): Pool {
  const schema = assertSchemaName(opts.schema);
  const pool = new pg.Pool({
    connectionString: opts.connectionString,
    max: opts.max ?? 10,
    application_name: opts.applicationName ?? schema,
    options: `-c search_path=${schema},public`,
    idleTimeoutMillis: 30000,
    connectionTimeoutMillis: 10000,
  });
  // An idle connection dropped by the server (restart, failover) must not crash the process;
  // the pool replaces it on the next checkout.
  pool.on('error', (err) =>
    opts.log?.warn({ err: err.message, schema }, 'idle database connection lost'),
  );
  const service = opts.applicationName ?? schema;
  poolServices.set(pool, service);
  watchPool(pool, service);
  return pool;
}

const poolServices = new WeakMap<Pool, string>();

/**
 * The service a pool works for (its application name, else its schema): the `service` label of
 * the metrics of what uses the pool (outbox, consumers), as several services share a process.
 */
export const serviceOfPool = (pool: Pool): string => poolServices.get(pool) ?? 'unknown';

const commitHooks = new WeakMap<Pool, Set<() => void>>();
const clientsWithHooks = new WeakSet<object>();

/** A unique index refused the row: PostgreSQL error 23505 on the named constraint. */
export const isUniqueViolation = (err: unknown, constraint: string): boolean =>
  (err as { code?: string }).code === '23505' &&
  (err as { constraint?: string }).constraint === constraint;

/** Runs `hook` after every transaction of `withTransaction` on this pool that asked for it. */
export function onCommit(pool: Pool, hook: () => void): () => void {
  let hooks = commitHooks.get(pool);
  if (!hooks) commitHooks.set(pool, (hooks = new Set()));
  hooks.add(hook);
  return () => hooks.delete(hook);
}

/** Asks for the pool's commit hooks once the current transaction on `client` commits. */
export function runCommitHooks(client: Queryable): void {
  clientsWithHooks.add(client);
}

/**
 * Runs the pool's commit hooks now: for a single autocommit statement that wrote outbox rows
 * (there is no `withTransaction` around it to run them).
 */
export function runCommitHooksNow(pool: Pool): void {
  commitHooks.get(pool)?.forEach((hook) => hook());
}

export async function withTransaction<T>(
  pool: Pool,
  fn: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    if (clientsWithHooks.delete(client)) commitHooks.get(pool)?.forEach((hook) => hook());
    return result;
  } catch (err) {
    clientsWithHooks.delete(client);
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export interface MigrationSource {
  /** Namespace of the files, e.g. `platform` or the service name. */
  name: string;
  dir: string;
}

interface MigrationFile {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

function readMigrations(source: MigrationSource): MigrationFile[] {
  return readdirSync(source.dir)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .map((f) => {
      const sql = readFileSync(join(source.dir, f), 'utf8');
      return {
        version: Number.parseInt(f, 10),
        name: `${source.name}/${f}`,
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    })
    .sort((a, b) => a.version - b.version);
}

/**
 * Applies numbered SQL files (`001_name.sql`, ...) of each source in turn to the service's schema, each in its own
 * transaction, under an advisory lock so that replicas starting together apply each file once.
 * A file changed after it was applied is an error: migrations are append-only.
 */
export async function migrate(
  pool: Pool,
  schema: string,
  sources: MigrationSource[],
  log?: Logger,
): Promise<number> {
  assertSchemaName(schema);
  const files = sources.flatMap(readMigrations);
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`migrate:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (
      name text PRIMARY KEY,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    const applied = new Map<string, string>(
      (await client.query(`SELECT name, checksum FROM ${schema}.schema_migrations`)).rows.map(
        (r: { name: string; checksum: string }) => [r.name, r.checksum],
      ),
    );
    let count = 0;
    for (const file of files) {
      const seen = applied.get(file.name);
      if (seen !== undefined) {
        if (seen !== file.checksum)
          throw new Error(`migration ${file.name} changed after it was applied to ${schema}`);
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(`SET LOCAL search_path = ${schema}, public`);
        await client.query(file.sql);
        await client.query(
          `INSERT INTO ${schema}.schema_migrations (name, checksum) VALUES ($1, $2)`,
          [file.name, file.checksum],
        );
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${file.name} failed on ${schema}: ${(err as Error).message}`);
      }
      count++;
      log?.info({ schema, migration: file.name }, 'migration applied');
    }
    return count;
  } finally {
    await client
      .query('SELECT pg_advisory_unlock(hashtext($1))', [`migrate:${schema}`])
      .catch(() => undefined);
    client.release();
  }
}

/** The platform's own tables every service schema carries: the outbox and the inbox. */
export const platformMigrations: MigrationSource = {
  name: 'platform',
  dir: join(__dirname, '..', 'migrations'),
};
