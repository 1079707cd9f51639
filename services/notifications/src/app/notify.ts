// 通知规则: an event comes in, the rules in force for its type say who is told on which channel
// with which template. Everything one event makes is written in the event's inbox transaction:
// in-app messages straight into the inboxes, e-mails and SMS as deliveries for the dispatcher.
import {
  appendManyToOutbox,
  runCommitHooks,
  uuidv7,
  type EventEnvelope,
  type PoolClient,
} from '@loanflow/platform';
import { templateVariables } from '../domain/event-catalogue';
import { afterQuietHours, goesToDigest, nextDigestAt } from '../domain/policies';
import {
  conditionsMet,
  DIGESTIBLE_CATEGORIES,
  type Channel,
  type RecipientSpec,
  type Rule,
} from '../domain/rules';
import { maskEmail, maskPhone, smsSegments } from '../domain/sms';
import { formattedValues, kindsOf, renderTemplate } from '../domain/templates';
import { emailsSince, insertDeliveries, type NewDelivery } from '../infra/delivery-repo';
import {
  applicationFacts,
  loanFacts,
  type ApplicationFacts,
  recipientsByIds,
  recipientsCovering,
  type Recipient,
} from '../infra/directory-repo';
import { storeMessages, type NewMessage } from '../infra/inbox-repo';
import { emailDigestOf, optedOut } from '../infra/preference-repo';
import { rulesInForce } from '../infra/rule-repo';
import { currentTemplate } from '../infra/template-repo';
import type { BorrowerContact, NotificationsDeps } from './deps';
import { deliveredEvent } from './delivery-events';

/** What an event is about, as the rules need it (read from its payload by the consumer). */
export interface EventFacts {
  subjectKind: 'task' | 'application' | 'contract' | 'loan' | '';
  subjectId: string;
  applicationId?: string;
  customerId?: string;
  loanId?: string;
  branchId?: string;
  task?: { assignee: string; candidateGroups: string[]; candidateUsers: string[] };
}

/** Someone a rule tells: a staff user of the directory, or a borrower. */
type Target = { kind: 'user'; user: Recipient } | { kind: 'borrower'; contact: BorrowerContact };

const targetId = (t: Target) => (t.kind === 'user' ? t.user.userId : t.contact.customerId);

/**
 * The facts completed from what this service knows of the application and the loan, with the
 * application read on the way (the rules need it again).
 */
async function completeFacts(
  tx: PoolClient,
  f: EventFacts,
): Promise<{ facts: EventFacts; app: ApplicationFacts | undefined }> {
  const out = { ...f };
  if (out.loanId && (!out.customerId || !out.applicationId || !out.branchId)) {
    const loan = await loanFacts(tx, out.loanId);
    if (loan) {
      out.customerId ||= loan.customerId;
      out.applicationId ||= loan.applicationId ?? undefined;
      out.branchId ||= loan.branchId;
    }
  }
  const app = out.applicationId ? await applicationFacts(tx, out.applicationId) : undefined;
  if (app) {
    out.customerId ||= app.customerId;
    out.branchId ||= app.branchId;
  }
  return { facts: out, app };
}

async function resolve(
  deps: NotificationsDeps,
  tx: PoolClient,
  spec: RecipientSpec,
  f: EventFacts,
  borrower: () => Promise<BorrowerContact | undefined>,
): Promise<Target[]> {
  const users = (list: Recipient[]): Target[] => list.map((user) => ({ kind: 'user', user }));
  const candidates = async () => {
    if (!f.task) return [];
    const byRole = f.branchId
      ? await recipientsCovering(tx, f.task.candidateGroups, f.branchId)
      : [];
    const named = await recipientsByIds(tx, f.task.candidateUsers);
    return users([...byRole, ...named]);
  };
  switch (spec.kind) {
    case 'assignee':
      return f.task?.assignee ? users(await recipientsByIds(tx, [f.task.assignee])) : [];
    case 'candidates':
      return candidates();
    case 'assignee_or_candidates':
      return f.task?.assignee ? users(await recipientsByIds(tx, [f.task.assignee])) : candidates();
    case 'role':
      return f.branchId ? users(await recipientsCovering(tx, [spec.role!], f.branchId)) : [];
    case 'account_manager': {
      const app = f.applicationId ? await applicationFacts(tx, f.applicationId) : undefined;
      return app ? users(await recipientsByIds(tx, [app.accountManagerId])) : [];
    }
    case 'borrower': {
      const contact = await borrower();
      return contact ? [{ kind: 'borrower', contact }] : [];
    }
  }
  deps.log.warn({ spec }, 'unknown recipient kind');
  return [];
}

/**
 * The event's data with its `actor` (who urged, assigned, completed) named as colleagues know
 * them: the workflow names users by id, which no reader of a message should see. An id the
 * directory does not know stays as it came.
 */
async function actorNamed(tx: PoolClient, data: unknown): Promise<unknown> {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return data;
  const actor = (data as { actor?: unknown }).actor;
  if (typeof actor !== 'string' || actor === '') return data;
  const [user] = await recipientsByIds(tx, [actor]);
  return user ? { ...data, actor: user.displayName } : data;
}

/** Handles one event: every rule in force for its type, each recipient, each channel. */
export async function notify(
  deps: NotificationsDeps,
  tx: PoolClient,
  received: EventEnvelope,
  given: EventFacts,
): Promise<{ messages: number; deliveries: number }> {
  const rules = await rulesInForce(tx, received.type);
  if (rules.length === 0) return { messages: 0, deliveries: 0 };
  const event = { ...received, data: await actorNamed(tx, received.data) };
  const { facts, app } = await completeFacts(tx, given);
  const base = { customerName: app?.customerName ?? '', applicationId: facts.applicationId ?? '' };
  const eventValues = templateVariables(event.type, event.data, { ...base, recipientName: '' });

  let contact: Promise<BorrowerContact | undefined> | undefined;
  const borrower = () =>
    (contact ??= deps.borrowers.contact(
      facts.customerId ? { customerId: facts.customerId } : { applicationId: facts.applicationId },
    ));

  const now = deps.now();
  // Every recipient of a rule on a channel in a language gets the same template: read it once.
  const templates = new Map<string, ReturnType<typeof currentTemplate>>();
  const templateOf = (code: string, channel: Channel, locale: string) => {
    const key = `${code}:${channel}:${locale}`;
    let found = templates.get(key);
    if (!found) templates.set(key, (found = currentTemplate(tx, code, channel, locale)));
    return found;
  };
  const messages: NewMessage[] = [];
  const deliveries: NewDelivery[] = [];
  for (const rule of rules) {
    if (!conditionsMet(rule, eventValues)) continue;
    const targets = new Map<string, Target>();
    for (const spec of rule.recipients)
      for (const t of await resolve(deps, tx, spec, facts, borrower)) targets.set(targetId(t), t);
    for (const channel of rule.channels) {
      const userIds = [...targets.values()].flatMap((t) =>
        t.kind === 'user' ? [t.user.userId] : [],
      );
      const off = rule.mandatory
        ? new Set<string>()
        : await optedOut(tx, userIds, rule.category, channel);
      for (const target of targets.values()) {
        const planned = await plan(
          deps,
          tx,
          { rule, channel, target, event, facts, base, now, templateOf },
          off,
        );
        if (!planned) continue;
        deliveries.push(planned.delivery);
        if (planned.message) messages.push(planned.message);
      }
    }
  }
  const written = await insertDeliveries(tx, deliveries, now);
  const fresh = messages.filter((m) =>
    deliveries.some((d) => d.messageId === m.id && written.has(d.id)),
  );
  await storeMessages(tx, uuidv7(), fresh, now);
  const delivered = deliveries.filter(
    (d) => written.has(d.id) && (d.status === 'sent' || d.status === 'failed'),
  );
  await appendManyToOutbox(
    tx,
    'notifications',
    delivered.map((d) =>
      deliveredEvent(
        { ...d, attempts: d.status === 'sent' ? 1 : 0, providerId: d.messageId ?? '' },
        now,
      ),
    ),
  );
  if (written.size > 0) runCommitHooks(tx);
  return { messages: fresh.length, deliveries: written.size };
}

interface Planning {
  rule: Rule;
  channel: Channel;
  target: Target;
  event: EventEnvelope;
  facts: EventFacts;
  base: { customerName: string; applicationId: string };
  now: Date;
  templateOf: (
    code: string,
    channel: Channel,
    locale: string,
  ) => ReturnType<typeof currentTemplate>;
}

/** One delivery of a rule to one recipient on one channel, rendered, with where it stands. */
async function plan(
  deps: NotificationsDeps,
  tx: PoolClient,
  p: Planning,
  optedOutUsers: Set<string>,
): Promise<{ delivery: NewDelivery; message?: NewMessage } | undefined> {
  const { rule, channel, target, event, now } = p;
  // Borrowers have no inbox and no e-mail on file: their channel is SMS.
  if (target.kind === 'borrower' && channel !== 'sms') return undefined;
  const recipientId = targetId(target);
  const name = target.kind === 'user' ? target.user.displayName : target.contact.name;
  const locale = target.kind === 'user' && target.user.language === 'en' ? 'en' : 'zh-CN';
  const address =
    channel === 'email'
      ? target.kind === 'user'
        ? target.user.email
        : ''
      : channel === 'sms'
        ? target.kind === 'user'
          ? target.user.mobile
          : target.contact.mobile
        : '';
  const template = await p.templateOf(rule.templateCode, channel, locale);
  // A borrower is the customer: a loan's events do not name them, their record does.
  const customerName = p.base.customerName || (target.kind === 'borrower' ? name : '');
  const values = templateVariables(event.type, event.data, {
    ...p.base,
    customerName,
    recipientName: name,
  });
  const kinds = kindsOf(event.type);
  const rendered = template
    ? renderTemplate({ ...template, locale: template.locale as 'zh-CN' | 'en' }, values, kinds)
    : { subject: '', body: '', html: '' };
  const delivery: NewDelivery = {
    id: uuidv7(),
    dedupeKey: `${rule.id}:${event.id}:${target.kind}:${recipientId}:${channel}`,
    ruleId: rule.id,
    ruleVersion: rule.version,
    eventId: event.id,
    eventType: event.type,
    recipientKind: target.kind,
    recipientId,
    recipientName: name,
    channel,
    addressEnc: address ? deps.pii.encrypt(address) : null,
    addressMasked:
      channel === 'email' ? maskEmail(address) : channel === 'sms' ? maskPhone(address) : '',
    locale: template?.locale ?? locale,
    templateCode: rule.templateCode,
    templateVersion: template?.version ?? 0,
    category: rule.category,
    mandatory: rule.mandatory,
    subject: rendered.subject,
    body: rendered.body,
    html: rendered.html,
    providerTemplateCode: template?.providerTemplateCode ?? '',
    templateParams:
      channel === 'sms' && template
        ? smsParams(
            template.variables,
            formattedValues(values, kinds, template.locale as 'zh-CN' | 'en'),
          )
        : {},
    segments:
      channel === 'sms' ? smsSegments(`【${deps.policy.signName}】${rendered.body}`).segments : 0,
    status: 'pending',
    nextAttemptAt: now,
    lastError: '',
    messageId: null,
    sentAt: null,
  };
  const refuse = (error: string) => ({
    delivery: { ...delivery, status: 'failed' as const, nextAttemptAt: null, lastError: error },
  });
  if (target.kind === 'user' && optedOutUsers.has(recipientId))
    return {
      delivery: {
        ...delivery,
        status: 'skipped',
        nextAttemptAt: null,
        lastError: 'switched off by the recipient',
      },
    };
  if (!template) return refuse(`no ${channel} template ${rule.templateCode} in ${locale} or zh-CN`);
  if (channel !== 'in_app' && !address)
    return refuse(channel === 'email' ? 'no e-mail address on file' : 'no mobile number on file');

  if (channel === 'in_app') {
    const message: NewMessage = {
      id: uuidv7(),
      recipientId,
      category: rule.category,
      title: rendered.subject,
      body: rendered.body,
      eventType: event.type,
      eventId: event.id,
      subjectKind: p.facts.subjectKind,
      subjectId: p.facts.subjectId,
      mandatory: rule.mandatory,
    };
    return {
      delivery: {
        ...delivery,
        status: 'sent',
        nextAttemptAt: null,
        sentAt: now,
        messageId: message.id,
      },
      message,
    };
  }
  if (
    channel === 'email' &&
    target.kind === 'user' &&
    !rule.mandatory &&
    DIGESTIBLE_CATEGORIES.includes(rule.category)
  ) {
    const startOfDay = new Date(now.getTime() - msSinceLocalMidnight(now, deps.policy.timeZone));
    const today = await emailsSince(tx, recipientId, startOfDay);
    if (goesToDigest(await emailDigestOf(tx, recipientId), today, deps.policy.digestThreshold))
      return {
        delivery: {
          ...delivery,
          status: 'digest',
          nextAttemptAt: nextDigestAt(now, deps.policy.digestHour, deps.policy.timeZone),
        },
      };
  }
  if (channel === 'sms' && target.kind === 'borrower' && rule.category !== 'one_time_code') {
    const at = afterQuietHours(now, deps.policy.quiet);
    if (at > now) return { delivery: { ...delivery, status: 'held', nextAttemptAt: at } };
  }
  return { delivery };
}

/** Milliseconds since midnight on the bank's clock (the day's e-mail count starts there). */
function msSinceLocalMidnight(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const n = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return ((n('hour') * 60 + n('minute')) * 60 + n('second')) * 1000 + at.getUTCMilliseconds();
}

/** The provider's TemplateParam: each variable the template uses, as the borrower reads it. */
const smsParams = (names: string[], shown: Record<string, string | number>) =>
  Object.fromEntries(names.map((n) => [n, String(shown[n] ?? '')]));
