import type { Queryable } from '@loanflow/platform';
import type { Channel } from '../domain/rules';

export interface StoredTemplate {
  code: string;
  channel: Channel;
  locale: string;
  version: number;
  eventType: string;
  subject: string;
  body: string;
  html: string;
  providerTemplateCode: string;
  variables: string[];
  createdBy: string;
  createdAt: string;
  current: boolean;
}

export interface TemplateInput {
  code: string;
  channel: Channel;
  locale: string;
  eventType: string;
  subject: string;
  body: string;
  html: string;
  providerTemplateCode: string;
  variables: string[];
}

interface TemplateRow {
  code: string;
  channel: Channel;
  locale: string;
  version: number;
  event_type: string;
  subject: string;
  body: string;
  html: string;
  provider_template_code: string;
  variables: string[];
  created_by: string;
  created_at: Date;
  current: boolean;
}

const toTemplate = (r: TemplateRow): StoredTemplate => ({
  code: r.code,
  channel: r.channel,
  locale: r.locale,
  version: r.version,
  eventType: r.event_type,
  subject: r.subject,
  body: r.body,
  html: r.html,
  providerTemplateCode: r.provider_template_code,
  variables: r.variables,
  createdBy: r.created_by,
  createdAt: r.created_at.toISOString(),
  current: r.current,
});

const WITH_CURRENT = `SELECT t.*, t.version = max(t.version) OVER (PARTITION BY t.code, t.channel, t.locale) AS current
  FROM templates t`;

/** The version in use of a template, in the locale asked for or else in zh-CN. */
export async function currentTemplate(
  tx: Queryable,
  code: string,
  channel: Channel,
  locale: string,
): Promise<StoredTemplate | undefined> {
  const { rows } = await tx.query<TemplateRow>(
    `SELECT *, true AS current FROM templates
      WHERE code = $1 AND channel = $2 AND locale IN ($3, 'zh-CN')
      ORDER BY (locale = $3) DESC, version DESC LIMIT 1`,
    [code, channel, locale],
  );
  return rows[0] && toTemplate(rows[0]);
}

export async function templateVersion(
  tx: Queryable,
  key: { code: string; channel: string; locale: string; version: number },
): Promise<StoredTemplate | undefined> {
  const { rows } = await tx.query<TemplateRow>(
    `SELECT * FROM (${WITH_CURRENT} WHERE t.code = $1 AND t.channel = $2 AND t.locale = $3) v
      WHERE $4 = 0 AND v.current OR v.version = $4`,
    [key.code, key.channel, key.locale, key.version],
  );
  return rows[0] && toTemplate(rows[0]);
}

export async function listTemplates(
  tx: Queryable,
  filter: { code: string; allVersions: boolean },
): Promise<StoredTemplate[]> {
  const { rows } = await tx.query<TemplateRow>(
    `SELECT * FROM (${WITH_CURRENT}) v
      WHERE ($1 = '' OR v.code = $1) AND ($2 OR v.current)
      ORDER BY v.code, v.channel, v.locale, v.version`,
    [filter.code, filter.allVersions],
  );
  return rows.map(toTemplate);
}

export async function insertTemplateVersion(
  tx: Queryable,
  t: TemplateInput,
  createdBy: string,
): Promise<StoredTemplate> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
    `template:${t.code}:${t.channel}:${t.locale}`,
  ]);
  const { rows } = await tx.query<TemplateRow>(
    `INSERT INTO templates (code, channel, locale, version, event_type, subject, body, html,
                            provider_template_code, variables, created_by)
     SELECT $1, $2, $3, COALESCE(max(version), 0) + 1, $4, $5, $6, $7, $8, $9, $10
       FROM templates WHERE code = $1 AND channel = $2 AND locale = $3
     RETURNING *, true AS current`,
    [
      t.code,
      t.channel,
      t.locale,
      t.eventType,
      t.subject,
      t.body,
      t.html,
      t.providerTemplateCode,
      t.variables,
      createdBy,
    ],
  );
  return toTemplate(rows[0]!);
}

/** The event type a template code renders (any channel or locale of it), if it exists. */
export async function eventTypeOfTemplate(
  tx: Queryable,
  code: string,
): Promise<string | undefined> {
  const { rows } = await tx.query<{ event_type: string }>(
    'SELECT event_type FROM templates WHERE code = $1 ORDER BY version DESC LIMIT 1',
    [code],
  );
  return rows[0]?.event_type;
}

export async function hasTemplate(tx: Queryable, code: string, channel: string, locale: string) {
  const { rowCount } = await tx.query(
    'SELECT 1 FROM templates WHERE code = $1 AND channel = $2 AND locale = $3 LIMIT 1',
    [code, channel, locale],
  );
  return (rowCount ?? 0) > 0;
}
