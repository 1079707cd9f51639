import type { Queryable } from '@loanflow/platform';
import { parseRuleSet, type RuleSet } from '../domain/preassessment';
import type { LoanProduct } from '../domain/products';

/** Inserts products and rule sets that are not there yet; edits made since are kept. */
export async function seedCatalogue(
  db: Queryable,
  products: LoanProduct[],
  ruleSets: RuleSet[],
): Promise<void> {
  for (const p of products) {
    await db.query(
      'INSERT INTO products (code, definition) VALUES ($1, $2) ON CONFLICT (code) DO NOTHING',
      [p.code, JSON.stringify(p)],
    );
  }
  for (const r of ruleSets) {
    await db.query(
      'INSERT INTO rule_sets (version, effective_from, definition) VALUES ($1, $2, $3) ON CONFLICT (version) DO NOTHING',
      [r.version, r.effectiveFrom, JSON.stringify(r)],
    );
  }
}

export async function activeProducts(db: Queryable): Promise<LoanProduct[]> {
  const { rows } = await db.query<{ definition: LoanProduct }>(
    'SELECT definition FROM products WHERE active ORDER BY code',
  );
  return rows.map((r) => r.definition);
}

export async function productByCode(db: Queryable, code: string): Promise<LoanProduct | undefined> {
  const { rows } = await db.query<{ definition: LoanProduct }>(
    'SELECT definition FROM products WHERE code = $1 AND active',
    [code],
  );
  return rows[0]?.definition;
}

/** The rule set in force on `asOf`: the latest effective one. A stored set that no longer parses is an error. */
export async function ruleSetOn(db: Queryable, asOf: string): Promise<RuleSet | undefined> {
  const { rows } = await db.query<{ definition: unknown; version: string }>(
    'SELECT version, definition FROM rule_sets WHERE effective_from <= $1 ORDER BY effective_from DESC, created_at DESC LIMIT 1',
    [asOf],
  );
  if (!rows[0]) return undefined;
  const parsed = parseRuleSet(rows[0].definition);
  if (!parsed.ok)
    throw new Error(`stored rule set ${rows[0].version} is invalid: ${parsed.reason}`);
  return parsed.value;
}

export async function isBlacklisted(db: Queryable, identityIndex: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM blacklist WHERE identity_idx = $1', [
    identityIndex,
  ]);
  return (rowCount ?? 0) > 0;
}

export async function addToBlacklist(
  db: Queryable,
  entry: { id: string; identityIndex: string; reason: string; addedBy: string },
): Promise<void> {
  await db.query(
    'INSERT INTO blacklist (id, identity_idx, reason, added_by) VALUES ($1, $2, $3, $4) ON CONFLICT (identity_idx) DO NOTHING',
    [entry.id, entry.identityIndex, entry.reason, entry.addedBy],
  );
}
