import type { Queryable } from '@loanflow/platform';
import type { Channel, RecipientSpec, Rule, RuleCondition, RuleDraft } from '../domain/rules';

interface RuleRow {
  id: string;
  version: number;
  event_type: string;
  conditions: RuleCondition[];
  recipients: RecipientSpec[];
  channels: Channel[];
  template_code: string;
  category: string;
  mandatory: boolean;
  active: boolean;
  description: string;
  created_by: string;
  created_at: Date;
}

export type StoredRule = Rule & { createdBy: string; createdAt: string };

const toRule = (r: RuleRow): StoredRule => ({
  id: r.id,
  version: r.version,
  eventType: r.event_type,
  conditions: r.conditions,
  recipients: r.recipients,
  channels: r.channels,
  templateCode: r.template_code,
  category: r.category,
  mandatory: r.mandatory,
  active: r.active,
  description: r.description,
  createdBy: r.created_by,
  createdAt: r.created_at.toISOString(),
});

const CURRENT = `SELECT DISTINCT ON (id) * FROM rules ORDER BY id, version DESC`;

/** The rules in force for an event type: the newest version of each, when active. */
export async function rulesInForce(tx: Queryable, eventType: string): Promise<StoredRule[]> {
  const { rows } = await tx.query<RuleRow>(
    `SELECT * FROM (${CURRENT}) r WHERE r.event_type = $1 AND r.active ORDER BY r.id`,
    [eventType],
  );
  return rows.map(toRule);
}

export async function listRules(tx: Queryable, allVersions: boolean): Promise<StoredRule[]> {
  const { rows } = await tx.query<RuleRow>(
    allVersions ? 'SELECT * FROM rules ORDER BY id, version' : `${CURRENT}`,
  );
  return rows.map(toRule);
}

/** Adds the next version of a rule (1 for a new id); concurrent writers get distinct versions. */
export async function insertRuleVersion(
  tx: Queryable,
  draft: RuleDraft,
  createdBy: string,
): Promise<StoredRule> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`rule:${draft.id}`]);
  const { rows } = await tx.query<RuleRow>(
    `INSERT INTO rules (id, version, event_type, conditions, recipients, channels, template_code,
                        category, mandatory, active, description, created_by)
     SELECT $1, COALESCE(max(version), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11
       FROM rules WHERE id = $1
     RETURNING *`,
    [
      draft.id,
      draft.eventType,
      JSON.stringify(draft.conditions),
      JSON.stringify(draft.recipients),
      draft.channels,
      draft.templateCode,
      draft.category,
      draft.mandatory,
      draft.active,
      draft.description,
      createdBy,
    ],
  );
  return toRule(rows[0]!);
}

/** Version 1 of each default rule whose id has no version yet. */
export async function seedRules(tx: Queryable, drafts: readonly RuleDraft[]): Promise<number> {
  let added = 0;
  for (const d of drafts) {
    const { rowCount } = await tx.query('SELECT 1 FROM rules WHERE id = $1', [d.id]);
    if (rowCount === 0) {
      await insertRuleVersion(tx, d, 'system');
      added++;
    }
  }
  return added;
}

/** Serialises the seeding of defaults between replicas starting together. */
export async function lockSeeding(tx: Queryable): Promise<void> {
  await tx.query("SELECT pg_advisory_xact_lock(hashtext('notifications:seed'))");
}
