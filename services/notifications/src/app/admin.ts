// 后台管理: templates and rules (versioned data), and the delivery log with its resend.
import {
  failedPrecondition,
  hasRole,
  invalidArgument,
  notFound,
  requireRole,
  withTransaction,
  type FieldViolation,
  type Principal,
} from '@loanflow/platform';
import { EVENT_CATALOGUE } from '../domain/event-catalogue';
import { CHANNELS, checkRule, type Channel, type RuleDraft } from '../domain/rules';
import { smsSegments } from '../domain/sms';
import { checkTemplate, kindsOf, renderTemplate, sampleValues } from '../domain/templates';
import { deliveryById, listDeliveries, requeue, type Delivery } from '../infra/delivery-repo';
import { insertRuleVersion, listRules } from '../infra/rule-repo';
import {
  eventTypeOfTemplate,
  hasTemplate,
  insertTemplateVersion,
  listTemplates,
  templateVersion,
} from '../infra/template-repo';
import type { NotificationsDeps } from './deps';

const requireAdmin = (p: Principal, what: string) => requireRole(p, ['admin'], what);

export async function templates(
  deps: NotificationsDeps,
  me: Principal,
  q: { code: string; allVersions: boolean },
) {
  requireAdmin(me, 'reading message templates');
  return listTemplates(deps.pool, q);
}

export interface TemplateDraftInput {
  code: string;
  channel: string;
  locale: string;
  eventType: string;
  subject: string;
  body: string;
  html: string;
  providerTemplateCode: string;
}

export async function createTemplateVersion(
  deps: NotificationsDeps,
  me: Principal,
  t: TemplateDraftInput,
) {
  requireAdmin(me, 'changing message templates');
  const v: FieldViolation[] = [];
  let variables: string[] = [];
  try {
    variables = checkTemplate({
      ...t,
      channel: t.channel as Channel,
      locale: t.locale as 'zh-CN' | 'en',
    }).variables;
  } catch (err) {
    const violations = (err as { violations?: FieldViolation[] }).violations;
    if (!violations) throw err;
    v.push(...violations);
  }
  return withTransaction(deps.pool, async (tx) => {
    const bound = await eventTypeOfTemplate(tx, t.code);
    if (bound && bound !== t.eventType)
      v.push({ field: 'eventType', reason: `template ${t.code} renders ${bound} events` });
    if (v.length > 0) throw invalidArgument(v);
    return insertTemplateVersion(tx, { ...t, channel: t.channel as Channel, variables }, me.userId);
  });
}

export async function previewTemplate(
  deps: NotificationsDeps,
  me: Principal,
  q: {
    code: string;
    channel: string;
    locale: string;
    version: number;
    data: Record<string, string>;
  },
) {
  requireAdmin(me, 'previewing message templates');
  const template = await templateVersion(deps.pool, {
    code: q.code,
    channel: q.channel,
    locale: q.locale || 'zh-CN',
    version: q.version,
  });
  if (!template)
    throw notFound(
      `template ${q.code} (${q.channel}, ${q.locale || 'zh-CN'}${q.version ? `, version ${q.version}` : ''})`,
    );
  const catalogue = EVENT_CATALOGUE[template.eventType]?.variables ?? {};
  const unknown = Object.keys(q.data).filter((k) => !(k in catalogue));
  if (unknown.length > 0)
    throw invalidArgument(
      unknown.map((k) => ({
        field: `data.${k}`,
        reason: `${template.eventType} carries no variable ${k}`,
      })),
    );
  const data = { ...sampleValues(template.eventType), ...q.data };
  const kinds = kindsOf(template.eventType);
  const rendered = renderTemplate(
    { ...template, locale: template.locale as 'zh-CN' | 'en' },
    data,
    kinds,
  );
  const sms =
    template.channel === 'sms'
      ? smsSegments(`【${deps.policy.signName}】${rendered.body}`)
      : undefined;
  return {
    template,
    ...rendered,
    smsCharacters: sms?.characters ?? 0,
    smsSegments: sms?.segments ?? 0,
    data,
  };
}

export async function rules(deps: NotificationsDeps, me: Principal, allVersions: boolean) {
  requireAdmin(me, 'reading notification rules');
  return listRules(deps.pool, allVersions);
}

/** A new version of a rule: its template must exist for each channel, its conditions name variables. */
export async function createRuleVersion(deps: NotificationsDeps, me: Principal, draft: RuleDraft) {
  requireAdmin(me, 'changing notification rules');
  const more: FieldViolation[] = [];
  const catalogue = EVENT_CATALOGUE[draft.eventType];
  if (!catalogue)
    more.push({
      field: 'rule.eventType',
      reason: `no template variables are known for ${draft.eventType}`,
    });
  draft.conditions.forEach((c, i) => {
    if (catalogue && !(c.field in catalogue.variables))
      more.push({
        field: `rule.conditions[${i}].field`,
        reason: `${draft.eventType} carries no variable ${c.field}`,
      });
  });
  return withTransaction(deps.pool, async (tx) => {
    const bound = await eventTypeOfTemplate(tx, draft.templateCode);
    if (!bound)
      more.push({ field: 'rule.templateCode', reason: `no template ${draft.templateCode}` });
    else if (bound !== draft.eventType)
      more.push({
        field: 'rule.templateCode',
        reason: `template ${draft.templateCode} renders ${bound} events, not ${draft.eventType}`,
      });
    else
      for (const [i, channel] of draft.channels.entries())
        if (
          (CHANNELS as readonly string[]).includes(channel) &&
          !(await hasTemplate(tx, draft.templateCode, channel, 'zh-CN'))
        )
          more.push({
            field: `rule.channels[${i}]`,
            reason: `template ${draft.templateCode} has no ${channel} version in zh-CN`,
          });
    checkRule(draft, more);
    return insertRuleVersion(tx, draft, me.userId);
  });
}

/** The delivery log as `me` may see it: addresses in full for administrators only. */
export function deliveryShownTo(
  me: Principal,
  d: Delivery,
  pii: NotificationsDeps['pii'],
): Delivery & { address: string } {
  const full = hasRole(me, 'admin') && d.addressEnc ? pii.decrypt(d.addressEnc) : '';
  return { ...d, address: full || d.addressMasked };
}

export async function deliveries(
  deps: NotificationsDeps,
  me: Principal,
  q: {
    status: string;
    channel: string;
    recipientId: string;
    eventType: string;
    createdFrom: string;
    createdTo: string;
    cursor: string;
    limit: number;
  },
) {
  requireRole(me, ['admin', 'auditor'], 'reading the delivery log');
  const v: FieldViolation[] = [];
  const instant = (field: string, value: string) => {
    if (!value) return null;
    const d = new Date(value);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(d.getTime())) {
      v.push({ field, reason: 'must be an RFC 3339 date-time' });
      return null;
    }
    return d;
  };
  const createdFrom = instant('createdFrom', q.createdFrom);
  const createdTo = instant('createdTo', q.createdTo);
  let after: { createdAt: Date; id: string } | null = null;
  if (q.cursor) {
    const [at, id] = Buffer.from(q.cursor, 'base64url').toString('utf8').split('|');
    const createdAt = new Date(at ?? '');
    if (!id || Number.isNaN(createdAt.getTime()) || !/^[0-9a-f-]{36}$/i.test(id))
      v.push({ field: 'cursor', reason: 'is not a cursor this list gave' });
    else after = { createdAt, id };
  }
  const statuses = ['pending', 'held', 'digest', 'sent', 'failed', 'dead', 'skipped'];
  if (q.status && !statuses.includes(q.status))
    v.push({ field: 'status', reason: `must be one of ${statuses.join(', ')}` });
  if (q.channel && !(CHANNELS as readonly string[]).includes(q.channel))
    v.push({ field: 'channel', reason: `must be one of ${CHANNELS.join(', ')}` });
  const limit = q.limit || 50;
  if (limit < 1 || limit > 500) v.push({ field: 'limit', reason: 'must be between 1 and 500' });
  if (v.length > 0) throw invalidArgument(v);
  const rows = await listDeliveries(deps.pool, {
    ...q,
    createdFrom,
    createdTo,
    after,
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    deliveries: page.map((d) => deliveryShownTo(me, d, deps.pii)),
    nextCursor:
      rows.length > limit && last
        ? Buffer.from(`${last.createdAt.toISOString()}|${last.id}`).toString('base64url')
        : '',
  };
}

/** 重发: a failed or dead delivery goes back to the queue, with a fresh count of attempts. */
export async function resend(deps: NotificationsDeps, me: Principal, id: string) {
  requireAdmin(me, 'resending a message');
  const found = await deliveryById(deps.pool, id);
  if (!found) throw notFound(`delivery ${id}`);
  if (found.channel === 'in_app')
    throw failedPrecondition('in-app messages are stored, not sent: nothing to resend');
  if (found.status !== 'failed' && found.status !== 'dead') {
    // Asked again after it went back to the queue (a retried request): the same answer.
    if (found.resentBy === me.userId) return deliveryShownTo(me, found, deps.pii);
    throw failedPrecondition(
      `delivery ${id} is ${found.status}: only failed or dead ones are resent`,
    );
  }
  const queued = await withTransaction(deps.pool, (tx) => requeue(tx, id, me.userId, deps.now()));
  if (!queued) throw failedPrecondition(`delivery ${id} changed meanwhile; look again`);
  return deliveryShownTo(me, queued, deps.pii);
}
