/**
 * The schemas of 通知与消息 at the edge (the notifications service): the caller's inbox and its
 * preferences, and for administrators templates, rules and the delivery log. An inbox `seq` is an
 * int64 in the proto and a JSON integer here (a user's inbox counts 1, 2, 3 … and stays far below
 * 2^53); the live stream's event id is the same number.
 */
import type { notificationsV1 } from '@loanflow/proto';
import { z } from 'zod';
import { parseSeq, seqNumber, SEQ_REASON } from '../sse';
import { queryBool, queryInt, text, timestamp, words } from './schemas';

export const CHANNELS = ['in_app', 'email', 'sms'] as const;
export const channel = words(CHANNELS, 'channel');
const LOCALES = ['zh-CN', 'en'] as const;
const locale = words(LOCALES, 'locale');
const DIGESTS = ['auto', 'always', 'never'] as const;
const emailDigest = words(DIGESTS, 'e-mail digest');
export const DELIVERY_STATUSES = [
  'pending',
  'held',
  'digest',
  'sent',
  'failed',
  'dead',
  'skipped',
] as const;
const deliveryStatus = words(DELIVERY_STATUSES, 'delivery status');
const RECIPIENT_KINDS = [
  'assignee',
  'candidates',
  'assignee_or_candidates',
  'role',
  'account_manager',
  'borrower',
] as const;

/** A seq in a query string or header. */
export const seqText = z
  .string({ error: SEQ_REASON })
  .regex(/^\d{1,16}$/, SEQ_REASON)
  .transform((s, ctx) => {
    const n = parseSeq(s);
    if (n === undefined) {
      ctx.addIssue({ code: 'custom', message: SEQ_REASON });
      return z.NEVER;
    }
    return n;
  });

const seq = z
  .int()
  .min(0)
  .meta({ description: 'Position in the inbox (1, 2, 3 …), a JSON integer' });

/** A category word of the rules ("task", "overdue" …). */
const category = text(64, 1).regex(/^[a-z][a-z0-9_]*$/, 'must be a category word such as task');
/** An event type, e.g. workflow.task.created. */
const eventType = text(128, 1).regex(
  /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)+$/,
  'must be an event type such as workflow.task.created',
);
/** A template or rule code: letters, digits, dots, dashes, underscores. */
const code = text(100, 1).regex(
  /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
  'must be letters, digits, dots, dashes or underscores',
);

// ---- Inbox ----

export const Notification = z
  .strictObject({
    id: z.string(),
    seq,
    category: z.string(),
    title: z.string(),
    body: z.string(),
    eventType: z.string(),
    subjectKind: z.string().nullable().meta({ description: 'task, application, contract, loan' }),
    subjectId: z.string().nullable(),
    createdAt: z.string(),
    readAt: z.string().nullable().meta({ description: 'null while unread' }),
    mandatory: z.boolean().meta({ description: 'The recipient could not have switched it off' }),
  })
  .meta({ id: 'Notification', description: 'One in-app message (站内信) of the caller’s inbox' });

/** The list's and the live stream's form of a message (the stream's event data). */
export function notificationJson(n: notificationsV1.Notification): z.output<typeof Notification> {
  return {
    id: n.id,
    seq: seqNumber(n.seq),
    category: n.category,
    title: n.title,
    body: n.body,
    eventType: n.eventType,
    subjectKind: n.subjectKind || null,
    subjectId: n.subjectId || null,
    createdAt: n.createdAt,
    readAt: n.readAt || null,
    mandatory: n.mandatory,
  };
}

export const NotificationsQuery = z.strictObject({
  beforeSeq: seqText
    .meta({ description: 'Messages with a smaller seq only (the nextBeforeSeq of the last page)' })
    .optional(),
  limit: queryInt(1, 200).meta({ description: '1 to 200, default 50' }).optional(),
  unreadOnly: queryBool.optional(),
});

export const NotificationPage = z
  .strictObject({
    items: z.array(Notification),
    nextBeforeSeq: seq
      .nullable()
      .meta({ description: 'The beforeSeq of the next page; null at the end' }),
    unreadCount: z.int().min(0),
  })
  .meta({ id: 'NotificationPage' });

export const UnreadCount = z
  .strictObject({
    unreadCount: z.int().min(0),
    lastSeq: seq.meta({ description: 'The newest seq of the inbox (0: empty)' }),
  })
  .meta({ id: 'UnreadCount' });

export const MarkedRead = z
  .strictObject({ notification: Notification, unreadCount: z.int().min(0) })
  .meta({ id: 'MarkedRead' });

export const ReadAllRequest = z
  .strictObject({
    upToSeq: z
      .int({ error: SEQ_REASON })
      .min(0, SEQ_REASON)
      .max(Number.MAX_SAFE_INTEGER, SEQ_REASON)
      .meta({ description: 'Mark read up to this seq (what the client has shown); all if absent' })
      .optional(),
  })
  .meta({ id: 'ReadAllRequest' });

export const ReadAll = z
  .strictObject({
    marked: z.int().min(0).meta({ description: 'How many were unread and are now read' }),
    unreadCount: z.int().min(0),
  })
  .meta({ id: 'ReadAll' });

/**
 * The live stream's resume point: `Last-Event-ID` (sent by EventSource when it reconnects) or
 * `lastEventId` in the query (clients that cannot set headers); the header wins.
 */
export const StreamHeaders = z.object({
  'last-event-id': seqText
    .meta({ description: 'The last seq the client has: the stream starts after it' })
    .optional(),
});
export const StreamQuery = z.strictObject({
  lastEventId: seqText
    .meta({ description: 'As Last-Event-ID, for clients that cannot set headers' })
    .optional(),
});

// ---- Preferences ----

const Preference = z
  .strictObject({
    category: z.string(),
    channel,
    enabled: z.boolean(),
    mandatory: z.boolean().meta({ description: 'Always sent, whatever enabled says' }),
  })
  .meta({ id: 'NotificationPreference' });

export const Preferences = z
  .strictObject({
    preferences: z.array(Preference),
    emailDigest,
  })
  .meta({
    id: 'NotificationPreferences',
    description:
      'Every category × channel the rules use, with the caller’s choice or the default; emailDigest: one e-mail a day listing task messages (auto: when there are many)',
  });

export const PreferencesInput = z
  .strictObject({
    preferences: z
      .array(
        z.strictObject({
          category,
          channel,
          enabled: z.boolean({ error: 'must be true or false' }),
        }),
        { error: 'must be a list of { category, channel, enabled }' },
      )
      .max(200, 'must list at most 200 choices'),
    emailDigest: emailDigest.optional(),
  })
  .meta({
    id: 'NotificationPreferencesInput',
    description: 'Replaces the caller’s choices; a mandatory category cannot be switched off (400)',
  });

// ---- Templates ----

export const Template = z
  .strictObject({
    code: z.string(),
    channel,
    locale,
    version: z.int(),
    eventType: z.string(),
    subject: z.string(),
    body: z.string(),
    html: z.string(),
    providerTemplateCode: z.string(),
    variables: z.array(z.string()),
    createdBy: z.string(),
    createdAt: z.string(),
    current: z.boolean().meta({ description: 'The version in use' }),
  })
  .meta({ id: 'NotificationTemplate', description: 'Texts are ICU MessageFormat' });

export const TemplateList = z
  .strictObject({ items: z.array(Template) })
  .meta({ id: 'NotificationTemplateList' });

export const TemplateQuery = z.strictObject({
  code: code.optional(),
  allVersions: queryBool
    .meta({ description: 'Every version, not only the current ones' })
    .optional(),
});

export const TemplateInput = z
  .strictObject({
    code,
    channel,
    locale,
    eventType,
    subject: text(500).meta({ description: 'ICU MessageFormat; empty for SMS' }).optional(),
    body: text(20_000, 1).meta({ description: 'ICU MessageFormat' }),
    html: text(100_000)
      .meta({ description: 'ICU MessageFormat (e-mail); empty: made from body' })
      .optional(),
    providerTemplateCode: text(64)
      .meta({ description: 'SMS: the code registered with the provider (e.g. SMS_154950909)' })
      .optional(),
  })
  .meta({
    id: 'NotificationTemplateInput',
    description:
      'A new version of a template; refused when it names a variable its event does not carry or does not parse',
  });

export const PreviewInput = z
  .strictObject({
    code,
    channel,
    locale,
    version: z
      .int({ error: 'must be a whole number' })
      .min(0, 'must be at least 0')
      .max(1_000_000, 'must be at most 1000000')
      .meta({ description: '0 or absent: the current version' })
      .optional(),
    data: z
      .record(
        text(64, 1).regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a variable name'),
        text(2000, 0),
        { error: 'must be an object of strings (decimal strings for money)' },
      )
      .meta({ description: 'Sample values overriding the event’s own samples' })
      .optional(),
  })
  .meta({ id: 'NotificationPreviewInput' });

export const Preview = z
  .strictObject({
    template: Template,
    subject: z.string(),
    body: z.string(),
    html: z.string(),
    smsCharacters: z.int().meta({ description: 'SMS: characters, the signature included' }),
    smsSegments: z.int().meta({ description: 'SMS: parts (70 characters, 67 each when split)' }),
    data: z.record(z.string(), z.string()),
  })
  .meta({ id: 'NotificationPreview' });

// ---- Rules ----

const RecipientSpec = z
  .strictObject({
    kind: words(RECIPIENT_KINDS, 'recipient kind'),
    role: text(64)
      .meta({ description: 'For kind role: a role name such as risk_manager' })
      .nullable()
      .optional(),
  })
  .meta({ id: 'NotificationRecipientSpec' });

const RuleCondition = z
  .strictObject({
    field: text(64, 1),
    anyOf: z.array(text(200), { error: 'must be a list of strings' }).min(1).max(50),
  })
  .meta({ id: 'NotificationRuleCondition', description: 'field (a variable) is one of anyOf' });

export const Rule = z
  .strictObject({
    id: z.string(),
    version: z.int(),
    eventType: z.string(),
    conditions: z.array(RuleCondition),
    recipients: z.array(RecipientSpec),
    channels: z.array(channel),
    templateCode: z.string(),
    category: z.string(),
    mandatory: z.boolean(),
    active: z.boolean(),
    createdBy: z.string(),
    createdAt: z.string(),
    description: z.string(),
  })
  .meta({ id: 'NotificationRule' });

export const RuleList = z
  .strictObject({ items: z.array(Rule) })
  .meta({ id: 'NotificationRuleList' });

export const RuleQuery = z.strictObject({
  allVersions: queryBool.meta({ description: 'Every version, not only those in force' }).optional(),
});

export const RuleInput = z
  .strictObject({
    id: code.meta({ description: 'The rule; a new one starts at version 1' }),
    eventType,
    conditions: z.array(RuleCondition).max(20).optional(),
    recipients: z.array(RecipientSpec).min(1, 'name at least one recipient').max(10),
    channels: z
      .array(channel)
      .min(1, 'name at least one channel')
      .max(3)
      .refine((c) => new Set(c).size === c.length, 'must not repeat a channel'),
    templateCode: code,
    category,
    mandatory: z.boolean().optional(),
    active: z.boolean().optional(),
    description: text(1000).optional(),
  })
  .meta({
    id: 'NotificationRuleInput',
    description: 'A new version of a rule (events from now on follow it); active defaults to true',
  });

// ---- Deliveries ----

export const Delivery = z
  .strictObject({
    id: z.string(),
    ruleId: z.string(),
    ruleVersion: z.int(),
    eventId: z.string(),
    eventType: z.string(),
    recipientKind: z.enum(['user', 'borrower']),
    recipientId: z.string(),
    channel,
    address: z.string().nullable().meta({
      description: 'Phone or e-mail: masked for everyone but administrators; null for in-app',
    }),
    templateCode: z.string(),
    templateVersion: z.int(),
    locale: z.string(),
    category: z.string(),
    status: deliveryStatus,
    providerId: z.string().nullable(),
    attempts: z.int().min(0),
    lastError: z.string().nullable(),
    segments: z.int().min(0).meta({ description: 'SMS parts' }),
    createdAt: z.string(),
    nextAttemptAt: z.string().nullable(),
    sentAt: z.string().nullable(),
    updatedAt: z.string(),
  })
  .meta({ id: 'NotificationDelivery', description: 'One message on one channel to one recipient' });

export const DeliveryPage = z
  .strictObject({ items: z.array(Delivery), nextCursor: z.string().nullable() })
  .meta({ id: 'NotificationDeliveryPage' });

export const DeliveryQuery = z
  .strictObject({
    status: deliveryStatus.optional(),
    channel: channel.optional(),
    recipientId: text(100, 1).optional(),
    eventType: eventType.optional(),
    createdFrom: timestamp.meta({ description: 'RFC 3339, inclusive' }).optional(),
    createdTo: timestamp.meta({ description: 'RFC 3339, exclusive' }).optional(),
    cursor: text(512).meta({ description: 'The nextCursor of the previous page' }).optional(),
    limit: queryInt(1, 200).meta({ description: '1 to 200, default 50' }).optional(),
  })
  .refine(
    (q) =>
      q.createdFrom === undefined ||
      q.createdTo === undefined ||
      Date.parse(q.createdFrom) < Date.parse(q.createdTo),
    { message: 'createdFrom must be before createdTo', path: ['createdTo'] },
  );
