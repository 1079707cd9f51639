import type { Queryable } from '@loanflow/platform';
import type { Channel } from '../domain/rules';

export type DeliveryStatus = 'pending' | 'held' | 'digest' | 'sent' | 'failed' | 'dead' | 'skipped';

export interface NewDelivery {
  id: string;
  dedupeKey: string;
  ruleId: string;
  ruleVersion: number;
  eventId: string;
  eventType: string;
  recipientKind: 'user' | 'borrower';
  recipientId: string;
  recipientName: string;
  channel: Channel;
  /** Encrypted address; null for in-app. */
  addressEnc: string | null;
  addressMasked: string;
  locale: string;
  templateCode: string;
  templateVersion: number;
  category: string;
  mandatory: boolean;
  subject: string;
  body: string;
  html: string;
  providerTemplateCode: string;
  templateParams: Record<string, string>;
  segments: number;
  status: DeliveryStatus;
  nextAttemptAt: Date | null;
  lastError: string;
  messageId: string | null;
  sentAt: Date | null;
}

export interface Delivery extends NewDelivery {
  attempts: number;
  providerId: string;
  digestId: string | null;
  resentBy: string;
  createdAt: Date;
  updatedAt: Date;
}

interface DeliveryRow {
  id: string;
  dedupe_key: string;
  rule_id: string;
  rule_version: number;
  event_id: string;
  event_type: string;
  recipient_kind: 'user' | 'borrower';
  recipient_id: string;
  recipient_name: string;
  channel: Channel;
  address_enc: string | null;
  address_masked: string;
  locale: string;
  template_code: string;
  template_version: number;
  category: string;
  mandatory: boolean;
  subject: string;
  body: string;
  html: string;
  provider_template_code: string;
  template_params: Record<string, string>;
  segments: number;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date | null;
  last_error: string;
  provider_id: string;
  message_id: string | null;
  digest_id: string | null;
  resent_by: string;
  created_at: Date;
  updated_at: Date;
  sent_at: Date | null;
}

const toDelivery = (r: DeliveryRow): Delivery => ({
  id: r.id,
  dedupeKey: r.dedupe_key,
  ruleId: r.rule_id,
  ruleVersion: r.rule_version,
  eventId: r.event_id,
  eventType: r.event_type,
  recipientKind: r.recipient_kind,
  recipientId: r.recipient_id,
  recipientName: r.recipient_name,
  channel: r.channel,
  addressEnc: r.address_enc,
  addressMasked: r.address_masked,
  locale: r.locale,
  templateCode: r.template_code,
  templateVersion: r.template_version,
  category: r.category,
  mandatory: r.mandatory,
  subject: r.subject,
  body: r.body,
  html: r.html,
  providerTemplateCode: r.provider_template_code,
  templateParams: r.template_params,
  segments: r.segments,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  providerId: r.provider_id,
  messageId: r.message_id,
  digestId: r.digest_id,
  resentBy: r.resent_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  sentAt: r.sent_at,
});

const COLUMNS = `id uuid, dedupe_key text, rule_id text, rule_version int, event_id uuid, event_type text,
  recipient_kind text, recipient_id text, recipient_name text, channel text, address_enc text,
  address_masked text, locale text, template_code text, template_version int, category text,
  mandatory boolean, subject text, body text, html text, provider_template_code text,
  template_params jsonb, segments int, status text, next_attempt_at timestamptz, last_error text,
  message_id uuid, sent_at timestamptz`;
const NAMES = COLUMNS.split(',').map((c) => c.trim().split(' ')[0]!);

/**
 * Writes the deliveries one event makes; those whose (rule, event, recipient, channel) exists
 * already — a redelivered event — are left out. Returns the ids written.
 */
export async function insertDeliveries(
  tx: Queryable,
  deliveries: NewDelivery[],
  at: Date,
): Promise<Set<string>> {
  if (deliveries.length === 0) return new Set();
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO deliveries (${NAMES.join(', ')}, created_at, updated_at)
     SELECT ${NAMES.map((n) => `d.${n}`).join(', ')}, $2, $2
       FROM jsonb_to_recordset($1::jsonb) AS d(${COLUMNS})
     ON CONFLICT (dedupe_key) DO NOTHING
     RETURNING id`,
    [
      JSON.stringify(
        deliveries.map((d) => ({
          id: d.id,
          dedupe_key: d.dedupeKey,
          rule_id: d.ruleId,
          rule_version: d.ruleVersion,
          event_id: d.eventId,
          event_type: d.eventType,
          recipient_kind: d.recipientKind,
          recipient_id: d.recipientId,
          recipient_name: d.recipientName,
          channel: d.channel,
          address_enc: d.addressEnc,
          address_masked: d.addressMasked,
          locale: d.locale,
          template_code: d.templateCode,
          template_version: d.templateVersion,
          category: d.category,
          mandatory: d.mandatory,
          subject: d.subject,
          body: d.body,
          html: d.html,
          provider_template_code: d.providerTemplateCode,
          template_params: d.templateParams,
          segments: d.segments,
          status: d.status,
          next_attempt_at: d.nextAttemptAt?.toISOString() ?? null,
          last_error: d.lastError,
          message_id: d.messageId,
          sent_at: d.sentAt?.toISOString() ?? null,
        })),
      ),
      at,
    ],
  );
  return new Set(rows.map((r) => r.id));
}

/** How many e-mails of digestible categories a user was given since `since` (today's count). */
export async function emailsSince(
  tx: Queryable,
  recipientId: string,
  since: Date,
): Promise<number> {
  const { rows } = await tx.query<{ n: string }>(
    `SELECT count(*) AS n FROM deliveries
      WHERE recipient_id = $1 AND channel = 'email' AND created_at >= $2
        AND status IN ('pending', 'held', 'digest', 'sent')`,
    [recipientId, since],
  );
  return Number(rows[0]!.n);
}

/**
 * Takes up to `limit` due deliveries for sending: each counts an attempt and is leased until
 * `leaseUntil`, so a sender that dies mid-way leaves it to be tried again then. Rows another
 * dispatcher (replica) holds are skipped.
 */
export async function claimDue(
  tx: Queryable,
  now: Date,
  leaseUntil: Date,
  limit: number,
): Promise<Delivery[]> {
  const { rows } = await tx.query<DeliveryRow>(
    `UPDATE deliveries d SET attempts = d.attempts + 1, next_attempt_at = $2, updated_at = $1
      WHERE d.id IN (SELECT id FROM deliveries
                      WHERE status IN ('pending', 'held') AND next_attempt_at <= $1
                      ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
      RETURNING d.*`,
    [now, leaseUntil, limit],
  );
  return rows.map(toDelivery);
}

/** When the messages to a recipient on a channel were sent in the hour before `now`. */
export async function sentInLastHour(
  tx: Queryable,
  recipientId: string,
  channel: Channel,
  now: Date,
): Promise<Date[]> {
  const { rows } = await tx.query<{ sent_at: Date }>(
    `SELECT sent_at FROM deliveries
      WHERE recipient_id = $1 AND channel = $2 AND status = 'sent'
        AND sent_at > $3::timestamptz - interval '1 hour' AND sent_at <= $3`,
    [recipientId, channel, now],
  );
  return rows.map((r) => r.sent_at);
}

export type Outcome =
  | { status: 'sent'; providerId: string }
  | { status: 'failed' | 'dead'; error: string }
  | { status: 'pending' | 'held'; retryAt: Date; error: string; countAttempt: boolean };

/** Records what an attempt came to; only while the row is still this attempt's (lease). */
export async function finishAttempt(
  tx: Queryable,
  d: Pick<Delivery, 'id' | 'attempts'>,
  outcome: Outcome,
  now: Date,
): Promise<Delivery | undefined> {
  const { rows } = await tx.query<DeliveryRow>(
    `UPDATE deliveries SET
        status = $3,
        provider_id = CASE WHEN $3 = 'sent' THEN $4 ELSE provider_id END,
        last_error = CASE WHEN $3 = 'sent' THEN last_error ELSE $5 END,
        next_attempt_at = $6,
        sent_at = CASE WHEN $3 = 'sent' THEN $7 ELSE sent_at END,
        attempts = attempts - $8::int,
        updated_at = $7
      WHERE id = $1 AND attempts = $2 AND status IN ('pending', 'held')
      RETURNING *`,
    [
      d.id,
      d.attempts,
      outcome.status,
      outcome.status === 'sent' ? outcome.providerId : '',
      'error' in outcome ? outcome.error.slice(0, 1000) : '',
      'retryAt' in outcome ? outcome.retryAt : null,
      now,
      'countAttempt' in outcome && !outcome.countAttempt ? 1 : 0,
    ],
  );
  return rows[0] && toDelivery(rows[0]);
}

export async function deliveryById(tx: Queryable, id: string): Promise<Delivery | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const { rows } = await tx.query<DeliveryRow>('SELECT * FROM deliveries WHERE id = $1', [id]);
  return rows[0] && toDelivery(rows[0]);
}

/** A failed or dead delivery queued again (resend); undefined when it is in another state. */
export async function requeue(
  tx: Queryable,
  id: string,
  by: string,
  now: Date,
): Promise<Delivery | undefined> {
  const { rows } = await tx.query<DeliveryRow>(
    `UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = $3, last_error = '',
            resent_by = $2, updated_at = $3
      WHERE id = $1 AND status IN ('failed', 'dead') RETURNING *`,
    [id, by, now],
  );
  return rows[0] && toDelivery(rows[0]);
}

export interface DeliveryFilter {
  status: string;
  channel: string;
  recipientId: string;
  eventType: string;
  createdFrom: Date | null;
  createdTo: Date | null;
  /** After this (created_at, id), newest first. */
  after: { createdAt: Date; id: string } | null;
  limit: number;
}

export async function listDeliveries(tx: Queryable, f: DeliveryFilter): Promise<Delivery[]> {
  const { rows } = await tx.query<DeliveryRow>(
    `SELECT * FROM deliveries
      WHERE ($1 = '' OR status = $1) AND ($2 = '' OR channel = $2)
        AND ($3 = '' OR recipient_id = $3) AND ($4 = '' OR event_type = $4)
        AND ($5::timestamptz IS NULL OR created_at >= $5)
        AND ($6::timestamptz IS NULL OR created_at < $6)
        AND ($7::timestamptz IS NULL OR (created_at, id) < ($7, $8::uuid))
      ORDER BY created_at DESC, id DESC LIMIT $9`,
    [
      f.status,
      f.channel,
      f.recipientId,
      f.eventType,
      f.createdFrom,
      f.createdTo,
      f.after?.createdAt ?? null,
      f.after?.id ?? null,
      f.limit,
    ],
  );
  return rows.map(toDelivery);
}

/** Recipients with digest items due by `now`. */
export async function digestsDue(tx: Queryable, now: Date, limit: number): Promise<string[]> {
  const { rows } = await tx.query<{ recipient_id: string }>(
    `SELECT DISTINCT recipient_id FROM deliveries
      WHERE status = 'digest' AND next_attempt_at <= $1 LIMIT $2`,
    [now, limit],
  );
  return rows.map((r) => r.recipient_id);
}

/** Locks and returns a recipient's due digest items (oldest first). */
export async function takeDigestItems(
  tx: Queryable,
  recipientId: string,
  now: Date,
): Promise<Delivery[]> {
  const { rows } = await tx.query<DeliveryRow>(
    `SELECT * FROM deliveries WHERE recipient_id = $1 AND status = 'digest' AND next_attempt_at <= $2
      ORDER BY created_at, id FOR UPDATE SKIP LOCKED`,
    [recipientId, now],
  );
  return rows.map(toDelivery);
}

export async function markDigested(tx: Queryable, ids: string[], digestId: string, now: Date) {
  await tx.query(
    `UPDATE deliveries SET status = 'sent', digest_id = $2::uuid, provider_id = 'digest:' || $2::uuid::text,
            sent_at = $3, updated_at = $3, next_attempt_at = NULL
      WHERE id = ANY($1::uuid[])`,
    [ids, digestId, now],
  );
}

/** The earliest instant a pending delivery is due (the dispatcher sleeps until then at most). */
export async function nextDueAt(tx: Queryable): Promise<Date | undefined> {
  const { rows } = await tx.query<{ at: Date | null }>(
    `SELECT min(next_attempt_at) AS at FROM deliveries WHERE status IN ('pending', 'held', 'digest')`,
  );
  return rows[0]?.at ?? undefined;
}
