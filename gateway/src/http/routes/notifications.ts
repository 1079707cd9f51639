/**
 * 通知与消息 over REST (the notifications service): every signed-in user's inbox, its live stream
 * and their preferences; for administrators the templates, the rules and the delivery log with
 * its resend command (auditors read the log, with phones and e-mail addresses masked).
 */
import type { Role } from '@loanflow/platform';
import { notificationsV1 as pb } from '@loanflow/proto';
import { z } from 'zod';
import { created, defineRoute, ok, type RouteSpec } from '../api/route';
import * as s from '../api/notifications-schemas';
import { RECONNECT_MS, relayInbox } from '../api/notifications-stream';
import { idParams } from '../api/schemas';
import { seqNumber } from '../sse';
import type { RouteDeps } from './deps';

const TAG = 'Notifications';
const signedIn = { signedIn: true } as const;
const ADMIN: Role[] = ['admin'];
const DELIVERY_READERS: Role[] = ['admin', 'auditor'];
const svc = (method: string) => `loanflow.notifications.v1.NotificationsService/${method}`;

type Channel = (typeof s.CHANNELS)[number];
type DeliveryStatus = (typeof s.DELIVERY_STATUSES)[number];

const preferencesJson = (p: {
  preferences: pb.Preference[];
  emailDigest: string;
}): z.output<typeof s.Preferences> => ({
  preferences: p.preferences.map((x) => ({
    category: x.category,
    channel: x.channel as Channel,
    enabled: x.enabled,
    mandatory: x.mandatory,
  })),
  emailDigest: (p.emailDigest || 'auto') as z.output<typeof s.Preferences>['emailDigest'],
});

const templateJson = (t: pb.Template): z.output<typeof s.Template> => ({
  code: t.code,
  channel: t.channel as Channel,
  locale: t.locale as 'zh-CN' | 'en',
  version: t.version,
  eventType: t.eventType,
  subject: t.subject,
  body: t.body,
  html: t.html,
  providerTemplateCode: t.providerTemplateCode,
  variables: t.variables,
  createdBy: t.createdBy,
  createdAt: t.createdAt,
  current: t.current,
});

const ruleJson = (r: pb.Rule): z.output<typeof s.Rule> => ({
  id: r.id,
  version: r.version,
  eventType: r.eventType,
  conditions: r.conditions.map((c) => ({ field: c.field, anyOf: c.anyOf })),
  recipients: r.recipients.map((x) => ({
    kind: x.kind as z.output<typeof s.Rule>['recipients'][number]['kind'],
    role: x.role || null,
  })),
  channels: r.channels as Channel[],
  templateCode: r.templateCode,
  category: r.category,
  mandatory: r.mandatory,
  active: r.active,
  createdBy: r.createdBy,
  createdAt: r.createdAt,
  description: r.description,
});

const deliveryJson = (d: pb.Delivery): z.output<typeof s.Delivery> => ({
  id: d.id,
  ruleId: d.ruleId,
  ruleVersion: d.ruleVersion,
  eventId: d.eventId,
  eventType: d.eventType,
  recipientKind: d.recipientKind as 'user' | 'borrower',
  recipientId: d.recipientId,
  channel: d.channel as Channel,
  address: d.address || null,
  templateCode: d.templateCode,
  templateVersion: d.templateVersion,
  locale: d.locale,
  category: d.category,
  status: d.status as DeliveryStatus,
  providerId: d.providerId || null,
  attempts: d.attempts,
  lastError: d.lastError || null,
  segments: d.segments,
  createdAt: d.createdAt,
  nextAttemptAt: d.nextAttemptAt || null,
  sentAt: d.sentAt || null,
  updatedAt: d.updatedAt,
});

const STREAM_FORMAT = `Server-Sent Events (text/event-stream). The stream starts with \`retry: ${RECONNECT_MS}\`, then sends every message after the resume point (Last-Event-ID, or lastEventId in the query; none: only new messages) and each new one as it is stored, in seq order without gaps:

    id: <seq>
    event: notification
    data: <the Notification as GET /notifications lists it, one line of JSON>

A comment line \`: heartbeat\` comes every GATEWAY_SSE_HEARTBEAT_SECONDS (15 s by default). The gateway ends the stream with a last event, without an id, \`event: end\` and \`data: {"reason": …, "code"?: …}\`: \`token_expired\` (reconnect with a fresh token), \`upstream_ended\` or \`upstream_failed\` (with the error code; reconnect), \`shutdown\` (the gateway is stopping; reconnect). Reconnect with Last-Event-ID set to the last id received: nothing is missed and nothing comes twice. Authenticated with the usual Authorization: Bearer header (use a fetch-based EventSource client).`;

export function notificationRoutes(deps: RouteDeps): RouteSpec[] {
  const n = deps.notifications;
  return [
    defineRoute({
      operationId: 'listNotifications',
      method: 'get',
      path: '/notifications',
      tag: TAG,
      summary: 'The caller’s inbox, newest first; page back with beforeSeq',
      access: signedIn,
      grpc: svc('ListNotifications'),
      request: { query: s.NotificationsQuery },
      responses: { 200: { description: 'A page of messages', schema: s.NotificationPage } },
      async handle({ query, call }) {
        const out = await n.listNotifications(
          {
            beforeSeq: String(query.beforeSeq ?? 0),
            limit: query.limit ?? 50,
            unreadOnly: query.unreadOnly ?? false,
          },
          call,
        );
        const next = seqNumber(out.nextBeforeSeq);
        return ok({
          items: out.notifications.map(s.notificationJson),
          nextBeforeSeq: next > 0 ? next : null,
          unreadCount: out.unreadCount,
        });
      },
    }),
    defineRoute({
      operationId: 'countUnreadNotifications',
      method: 'get',
      path: '/notifications/unread-count',
      tag: TAG,
      summary: 'How many of the caller’s messages are unread, and the newest seq',
      access: signedIn,
      grpc: svc('GetUnreadCount'),
      responses: { 200: { description: 'The count', schema: s.UnreadCount } },
      async handle({ call }) {
        const out = await n.getUnreadCount({}, call);
        return ok({ unreadCount: out.unreadCount, lastSeq: seqNumber(out.lastSeq) });
      },
    }),
    defineRoute({
      operationId: 'streamNotifications',
      method: 'get',
      path: '/notifications/stream',
      tag: TAG,
      summary: 'The caller’s inbox live, as Server-Sent Events; resume with Last-Event-ID',
      description: STREAM_FORMAT,
      access: signedIn,
      grpc: svc('WatchInbox'),
      request: { query: s.StreamQuery, headers: s.StreamHeaders },
      responses: {
        200: {
          description: 'The event stream (see the operation’s description for the format)',
          contentType: 'text/event-stream',
          schema: z.string().meta({
            description:
              'id/event/data lines per message, `: heartbeat` comments, a last `end` event',
          }),
          headers: {
            'Cache-Control': { description: 'no-cache, no-transform', schema: z.string() },
            'X-Accel-Buffering': {
              description: 'no (proxies must not buffer)',
              schema: z.string(),
            },
          },
        },
        503: { description: 'The gateway is shutting down: reconnect in a moment' },
      },
      handle: ({ query, headers, call, res }) =>
        relayInbox(
          {
            rpc: deps.notificationStreams,
            live: deps.liveStreams,
            heartbeatMs: deps.sseHeartbeatMs,
            log: deps.log,
          },
          {
            // The header is what an EventSource sends when it reconnects: newer than the URL's.
            afterSeq: headers['last-event-id'] ?? query.lastEventId ?? 0,
            token: res.locals.token as string,
            metadata: call.metadata,
            res,
          },
        ),
    }),
    defineRoute({
      operationId: 'markNotificationRead',
      method: 'post',
      path: '/notifications/{id}:read',
      tag: TAG,
      summary: 'Mark one of the caller’s messages read (again: no change)',
      access: signedIn,
      grpc: svc('MarkRead'),
      request: { params: idParams },
      responses: {
        200: { description: 'The message, read', schema: s.MarkedRead },
        404: { description: 'No such message in the caller’s inbox' },
      },
      async handle({ params, call }) {
        const out = await n.markRead({ id: params.id }, call);
        return ok({
          notification: s.notificationJson(out.notification!),
          unreadCount: out.unreadCount,
        });
      },
    }),
    defineRoute({
      operationId: 'markAllNotificationsRead',
      method: 'post',
      path: '/notifications:read-all',
      tag: TAG,
      summary: 'Mark every message up to upToSeq read (all when absent)',
      access: signedIn,
      grpc: svc('MarkAllRead'),
      request: { body: s.ReadAllRequest },
      responses: { 200: { description: 'How many were marked', schema: s.ReadAll } },
      async handle({ body, call }) {
        const out = await n.markAllRead({ upToSeq: String(body.upToSeq ?? 0) }, call);
        return ok({ marked: out.marked, unreadCount: out.unreadCount });
      },
    }),
    defineRoute({
      operationId: 'getNotificationPreferences',
      method: 'get',
      path: '/me/notification-preferences',
      tag: TAG,
      summary: 'The caller’s choices per category and channel, and the e-mail digest',
      access: signedIn,
      grpc: svc('GetPreferences'),
      responses: { 200: { description: 'The preferences', schema: s.Preferences } },
      async handle({ call }) {
        return ok(preferencesJson(await n.getPreferences({}, call)));
      },
    }),
    defineRoute({
      operationId: 'updateNotificationPreferences',
      method: 'put',
      path: '/me/notification-preferences',
      tag: TAG,
      summary:
        'Replace the caller’s choices (an absent emailDigest is auto); mandatory categories stay on',
      access: signedIn,
      grpc: svc('UpdatePreferences'),
      request: { body: s.PreferencesInput },
      responses: { 200: { description: 'The preferences now', schema: s.Preferences } },
      async handle({ body, call }) {
        const out = await n.updatePreferences(
          {
            preferences: body.preferences.map((p) => ({ ...p, mandatory: false })),
            emailDigest: body.emailDigest ?? 'auto',
          },
          call,
        );
        return ok(preferencesJson(out));
      },
    }),
    defineRoute({
      operationId: 'listNotificationTemplates',
      method: 'get',
      path: '/notification-templates',
      tag: TAG,
      summary: 'Message templates (admin): the current versions, or every version',
      access: { roles: ADMIN },
      grpc: svc('ListTemplates'),
      request: { query: s.TemplateQuery },
      responses: { 200: { description: 'The templates', schema: s.TemplateList } },
      async handle({ query, call }) {
        const out = await n.listTemplates(
          { code: query.code ?? '', allVersions: query.allVersions ?? false },
          call,
        );
        return ok({ items: out.templates.map(templateJson) });
      },
    }),
    defineRoute({
      operationId: 'createNotificationTemplate',
      method: 'post',
      path: '/notification-templates',
      tag: TAG,
      summary: 'A new version of a template (admin); the first is version 1',
      access: { roles: ADMIN },
      grpc: svc('CreateTemplateVersion'),
      idempotent: true,
      bodyLimit: '256kb',
      request: { body: s.TemplateInput },
      responses: {
        201: { description: 'The version, now in use', schema: s.Template },
        422: { description: 'Idempotency key reused' },
      },
      async handle({ body, call }) {
        const out = await n.createTemplateVersion(
          {
            code: body.code,
            channel: body.channel,
            locale: body.locale,
            eventType: body.eventType,
            subject: body.subject ?? '',
            body: body.body,
            html: body.html ?? '',
            providerTemplateCode: body.providerTemplateCode ?? '',
          },
          call,
        );
        return created(templateJson(out.template!));
      },
    }),
    defineRoute({
      operationId: 'previewNotificationTemplate',
      method: 'post',
      path: '/notification-templates:preview',
      tag: TAG,
      summary: 'Render a stored template with its event’s sample data (admin)',
      access: { roles: ADMIN },
      grpc: svc('PreviewTemplate'),
      request: { body: s.PreviewInput },
      responses: {
        200: { description: 'The rendered texts', schema: s.Preview },
        404: { description: 'No such template or version' },
      },
      async handle({ body, call }) {
        const out = await n.previewTemplate(
          {
            code: body.code,
            channel: body.channel,
            locale: body.locale,
            version: body.version ?? 0,
            data: body.data ?? {},
          },
          call,
        );
        return ok({
          template: templateJson(out.template!),
          subject: out.subject,
          body: out.body,
          html: out.html,
          smsCharacters: out.smsCharacters,
          smsSegments: out.smsSegments,
          data: out.data,
        });
      },
    }),
    defineRoute({
      operationId: 'listNotificationRules',
      method: 'get',
      path: '/notification-rules',
      tag: TAG,
      summary: 'The rules (admin): event type → recipients → channels → template',
      access: { roles: ADMIN },
      grpc: svc('ListRules'),
      request: { query: s.RuleQuery },
      responses: { 200: { description: 'The rules', schema: s.RuleList } },
      async handle({ query, call }) {
        const out = await n.listRules({ allVersions: query.allVersions ?? false }, call);
        return ok({ items: out.rules.map(ruleJson) });
      },
    }),
    defineRoute({
      operationId: 'createNotificationRule',
      method: 'post',
      path: '/notification-rules',
      tag: TAG,
      summary: 'A new version of a rule (admin); events from now on follow it',
      access: { roles: ADMIN },
      grpc: svc('CreateRuleVersion'),
      idempotent: true,
      request: { body: s.RuleInput },
      responses: {
        201: { description: 'The version, in force', schema: s.Rule },
        422: { description: 'Idempotency key reused' },
      },
      async handle({ body, call }) {
        const out = await n.createRuleVersion(
          {
            rule: pb.Rule.fromPartial({
              id: body.id,
              eventType: body.eventType,
              conditions: body.conditions ?? [],
              recipients: body.recipients.map((r) => ({ kind: r.kind, role: r.role ?? '' })),
              channels: body.channels,
              templateCode: body.templateCode,
              category: body.category,
              mandatory: body.mandatory ?? false,
              active: body.active ?? true,
              description: body.description ?? '',
            }),
          },
          call,
        );
        return created(ruleJson(out.rule!));
      },
    }),
    defineRoute({
      operationId: 'listNotificationDeliveries',
      method: 'get',
      path: '/notification-deliveries',
      tag: TAG,
      summary:
        'The delivery log, newest first (admin, auditor); addresses are masked for all but administrators',
      access: { roles: DELIVERY_READERS },
      grpc: svc('ListDeliveries'),
      request: { query: s.DeliveryQuery },
      responses: { 200: { description: 'A page of deliveries', schema: s.DeliveryPage } },
      async handle({ query, call }) {
        const out = await n.listDeliveries(
          {
            status: query.status ?? '',
            channel: query.channel ?? '',
            recipientId: query.recipientId ?? '',
            eventType: query.eventType ?? '',
            createdFrom: query.createdFrom ?? '',
            createdTo: query.createdTo ?? '',
            cursor: query.cursor ?? '',
            limit: query.limit ?? 50,
          },
          call,
        );
        return ok({ items: out.deliveries.map(deliveryJson), nextCursor: out.nextCursor || null });
      },
    }),
    defineRoute({
      operationId: 'resendNotificationDelivery',
      method: 'post',
      path: '/notification-deliveries/{id}:resend',
      tag: TAG,
      summary: 'Send a failed or dead delivery again (admin)',
      access: { roles: ADMIN },
      grpc: svc('ResendDelivery'),
      idempotent: true,
      request: { params: idParams },
      responses: {
        200: { description: 'The delivery, pending again', schema: s.Delivery },
        404: { description: 'No such delivery' },
        409: { description: 'Not failed or dead' },
        422: { description: 'Idempotency key reused' },
      },
      async handle({ params, call }) {
        const out = await n.resendDelivery({ id: params.id }, call);
        return ok(deliveryJson(out.delivery!));
      },
    }),
  ];
}
