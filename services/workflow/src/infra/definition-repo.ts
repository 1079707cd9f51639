import type { Queryable } from '@loanflow/platform';
import type { ProcessModel } from '../domain/bpmn/process-model';

export interface StoredDefinition {
  id: string;
  key: string;
  version: number;
  name: string;
  model: ProcessModel;
  checksum: string;
  deployedBy: string;
  deployedAt: string;
}

interface Row {
  id: string;
  key: string;
  version: number;
  name: string;
  model: ProcessModel;
  checksum: string;
  deployed_by: string;
  deployed_at: Date;
  xml?: string;
}

const toDefinition = (r: Row): StoredDefinition => ({
  id: r.id,
  key: r.key,
  version: r.version,
  name: r.name,
  model: r.model,
  checksum: r.checksum,
  deployedBy: r.deployed_by,
  deployedAt: r.deployed_at.toISOString(),
});

const COLUMNS = 'id, key, version, name, model, checksum, deployed_by, deployed_at';

/**
 * The newest version of `key`. Only its id is read: the parsed model (tens of kilobytes of JSON)
 * comes from the in-process cache, as deployed versions never change.
 */
export async function latestDefinition(
  db: Queryable,
  key: string,
): Promise<StoredDefinition | undefined> {
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM process_definitions WHERE key = $1 ORDER BY version DESC LIMIT 1',
    [key],
  );
  return rows[0] && cachedDefinition(db, rows[0].id);
}

export async function definitionById(
  db: Queryable,
  id: string,
): Promise<StoredDefinition | undefined> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM process_definitions WHERE id = $1`, [
    id,
  ]);
  return rows[0] && toDefinition(rows[0]);
}

export async function definitionByVersion(
  db: Queryable,
  key: string,
  version: number,
): Promise<StoredDefinition | undefined> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM process_definitions WHERE key = $1 AND version = $2`,
    [key, version],
  );
  return rows[0] && toDefinition(rows[0]);
}

export async function definitionXml(db: Queryable, id: string): Promise<string | undefined> {
  const { rows } = await db.query<{ xml: string }>(
    'SELECT xml FROM process_definitions WHERE id = $1',
    [id],
  );
  return rows[0]?.xml;
}

export async function listDefinitions(db: Queryable, key?: string): Promise<StoredDefinition[]> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM process_definitions ${key ? 'WHERE key = $1' : ''} ORDER BY key, version DESC`,
    key ? [key] : [],
  );
  return rows.map(toDefinition);
}

/** Active instances per definition id (only ids with some), from the partial index. */
export async function activeInstanceCounts(
  db: Queryable,
  ids?: string[],
): Promise<Map<string, number>> {
  const { rows } = await db.query<{ definition_id: string; n: string }>(
    `SELECT definition_id, count(*) AS n FROM process_instances
      WHERE status = 'active' ${ids ? 'AND definition_id = ANY($1::uuid[])' : ''}
      GROUP BY definition_id`,
    ids ? [ids] : [],
  );
  return new Map(rows.map((r) => [r.definition_id, Number(r.n)]));
}

export async function insertDefinition(
  db: Queryable,
  d: Omit<StoredDefinition, 'deployedAt'> & { xml: string },
): Promise<StoredDefinition> {
  const { rows } = await db.query<Row>(
    `INSERT INTO process_definitions (id, key, version, name, xml, model, checksum, deployed_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
    [d.id, d.key, d.version, d.name, d.xml, JSON.stringify(d.model), d.checksum, d.deployedBy],
  );
  return toDefinition(rows[0]!);
}

// Deployed versions never change, so a definition read once can be kept for the process's life.
const cache = new Map<string, StoredDefinition>();

/** definitionById through an in-process cache (definitions are immutable once deployed). */
export async function cachedDefinition(
  db: Queryable,
  id: string,
): Promise<StoredDefinition | undefined> {
  const hit = cache.get(id);
  if (hit) return hit;
  const d = await definitionById(db, id);
  if (d) cache.set(id, d);
  return d;
}

/** Serialises deployments of one process id until the transaction ends (versions stay gapless). */
export async function lockDeploymentsOf(tx: Queryable, key: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`deploy:${key}`]);
}
