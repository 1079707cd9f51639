// 发送: the deliveries the rules queued go out through their channel. One attempt per claim;
// transient failures come back with exponential backoff and jitter until the attempts run out
// (dead: the administrators' dead-letter list), permanent ones are failed at once. Borrower SMS
// never leave in quiet hours, and no recipient gets more than the hourly limit on a channel.
import { appendManyToOutbox, uuidv7, withTransaction } from '@loanflow/platform';
import { afterQuietHours, backoffMs, rateLimitSlot } from '../domain/policies';
import { templateVariables } from '../domain/event-catalogue';
import { renderTemplate } from '../domain/templates';
import type { SendResult } from '../infra/channels/channel';
import {
  claimDue,
  digestsDue,
  finishAttempt,
  insertDeliveries,
  markDigested,
  sentInLastHour,
  takeDigestItems,
  type Delivery,
  type Outcome,
} from '../infra/delivery-repo';
import { recipientsByIds } from '../infra/directory-repo';
import { currentTemplate } from '../infra/template-repo';
import type { NotificationsDeps } from './deps';
import { deliveredEvent } from './delivery-events';

/** How long a claimed delivery is someone's before another dispatcher may try it again. */
const LEASE_MS = 120_000;

async function attempt(deps: NotificationsDeps, d: Delivery): Promise<SendResult> {
  const address = d.addressEnc ? deps.pii.decrypt(d.addressEnc) : '';
  if (d.channel === 'email')
    return deps.email.send({
      deliveryId: d.id,
      to: address,
      toName: d.recipientName,
      subject: d.subject,
      text: d.body,
      html: d.html,
      unsubscribeUrl: d.mandatory
        ? undefined
        : `${deps.policy.unsubscribeUrl}?category=${encodeURIComponent(d.category)}`,
    });
  if (d.channel === 'sms')
    return deps.sms.send({
      deliveryId: d.id,
      phone: address,
      templateCode: d.providerTemplateCode,
      params: d.templateParams,
      text: `【${deps.policy.signName}】${d.body}`,
    });
  return {
    ok: false,
    permanent: true,
    error: `channel ${d.channel} is not sent by the dispatcher`,
  };
}

/** What becomes of a claimed delivery: held back by a policy, or sent and what came of it. */
async function outcomeOf(deps: NotificationsDeps, d: Delivery, now: Date): Promise<Outcome> {
  if (d.channel === 'sms' && d.recipientKind === 'borrower' && d.category !== 'one_time_code') {
    const at = afterQuietHours(now, deps.policy.quiet);
    if (at > now) return { status: 'held', retryAt: at, error: 'quiet hours', countAttempt: false };
  }
  const limit = d.channel === 'sms' ? deps.policy.smsPerHour : deps.policy.emailPerHour;
  const slot = rateLimitSlot(
    await sentInLastHour(deps.pool, d.recipientId, d.channel, now),
    limit,
    now,
  );
  if (!slot.ok)
    return {
      status: 'held',
      retryAt: slot.retryAt,
      error: `over ${limit} per hour`,
      countAttempt: false,
    };
  let result: SendResult;
  try {
    result = await attempt(deps, d);
  } catch (err) {
    result = { ok: false, permanent: false, error: (err as Error).message };
  }
  if (result.ok) return { status: 'sent', providerId: result.providerId };
  if (result.permanent) return { status: 'failed', error: result.error };
  if (d.attempts >= deps.policy.maxAttempts) return { status: 'dead', error: result.error };
  const wait = backoffMs(
    d.attempts,
    deps.policy.backoffBaseMs,
    deps.policy.backoffMaxMs,
    deps.random,
  );
  return {
    status: 'pending',
    retryAt: new Date(deps.now().getTime() + wait),
    error: result.error,
    countAttempt: true,
  };
}

async function settle(deps: NotificationsDeps, d: Delivery, outcome: Outcome): Promise<void> {
  const now = deps.now();
  await withTransaction(deps.pool, async (tx) => {
    const done = await finishAttempt(tx, d, outcome, now);
    if (done && (done.status === 'sent' || done.status === 'failed' || done.status === 'dead'))
      await appendManyToOutbox(tx, 'notifications', [deliveredEvent(done, now)]);
  });
  const log = {
    deliveryId: d.id,
    channel: d.channel,
    attempts: d.attempts,
    status: outcome.status,
  };
  if (outcome.status === 'sent') deps.log.debug(log, 'delivery sent');
  else if (outcome.status === 'failed' || outcome.status === 'dead')
    deps.log.warn({ ...log, error: outcome.error }, 'delivery failed');
  else if ('retryAt' in outcome)
    deps.log.debug({ ...log, retryAt: outcome.retryAt }, 'delivery deferred');
}

/** One pass: due digests made into e-mails, then up to `limit` due deliveries sent. */
export async function dispatchOnce(
  deps: NotificationsDeps,
  opts: { limit: number; concurrency: number },
): Promise<number> {
  await composeDigests(deps);
  const now = deps.now();
  const claimed = await claimDue(deps.pool, now, new Date(now.getTime() + LEASE_MS), opts.limit);
  let next = 0;
  const worker = async () => {
    while (next < claimed.length) {
      const d = claimed[next++]!;
      await settle(deps, d, await outcomeOf(deps, d, now));
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, claimed.length) }, worker));
  return claimed.length;
}

/**
 * 每日摘要: the task e-mails set aside for a user's digest become one e-mail listing them (the
 * `digest` template), queued like any other; the items are marked sent under the digest's id.
 */
export async function composeDigests(deps: NotificationsDeps): Promise<number> {
  const now = deps.now();
  let made = 0;
  for (const recipientId of await digestsDue(deps.pool, now, 100)) {
    await withTransaction(deps.pool, async (tx) => {
      const items = await takeDigestItems(tx, recipientId, now);
      if (items.length === 0) return;
      const [user] = await recipientsByIds(tx, [recipientId]);
      const first = items[0]!;
      const locale = user?.language === 'en' ? 'en' : 'zh-CN';
      const template = await currentTemplate(tx, 'digest', 'email', locale);
      const digestId = uuidv7();
      const list = items.map((i) => `• ${i.subject}`).join('\n');
      const values = {
        ...templateVariables(
          'digest',
          {},
          {
            recipientName: user?.displayName ?? first.recipientName,
            customerName: '',
            applicationId: '',
          },
        ),
        count: String(items.length),
        items: list,
      };
      const rendered = template
        ? renderTemplate({ ...template, locale: template.locale as 'zh-CN' | 'en' }, values, {
            count: 'count',
            items: 'text',
            recipientName: 'text',
          })
        : { subject: `${items.length} notifications`, body: list, html: '' };
      await insertDeliveries(
        tx,
        [
          {
            ...first,
            id: digestId,
            dedupeKey: `digest:${digestId}`,
            ruleId: 'digest',
            ruleVersion: 1,
            eventId: digestId,
            eventType: 'notifications.digest',
            templateCode: 'digest',
            templateVersion: template?.version ?? 0,
            locale,
            category: 'digest',
            mandatory: false,
            subject: rendered.subject,
            body: rendered.body,
            html: rendered.html,
            providerTemplateCode: '',
            templateParams: {},
            segments: 0,
            status: 'pending',
            nextAttemptAt: now,
            lastError: '',
            messageId: null,
            sentAt: null,
          },
        ],
        now,
      );
      await markDigested(
        tx,
        items.map((i) => i.id),
        digestId,
        now,
      );
      made++;
    });
  }
  return made;
}

/**
 * Runs dispatch passes: at once when kicked (a commit queued deliveries), else every
 * `intervalMs` (held and retried deliveries fall due with time). One pass at a time.
 */
export class Dispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly deps: NotificationsDeps,
    private readonly opts: { intervalMs: number; limit: number; concurrency: number },
  ) {}

  start(): void {
    this.schedule();
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass().finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        this.kick();
      } else this.schedule();
    });
  }

  /** Runs passes until nothing is due now (tests: after the clock moved). */
  async drain(): Promise<void> {
    while (this.running) await this.running;
    while ((await dispatchOnce(this.deps, this.opts)) > 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    while (this.running) await this.running;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => this.kick(), this.opts.intervalMs);
    this.timer.unref();
  }

  private async pass(): Promise<void> {
    try {
      // Full batches mean more is waiting: keep going before sleeping.
      while (!this.stopped && (await dispatchOnce(this.deps, this.opts)) >= this.opts.limit);
    } catch (err) {
      this.deps.log.error({ err }, 'dispatch pass failed');
    }
  }
}
