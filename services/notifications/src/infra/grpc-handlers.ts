// NotificationsService over gRPC: each method maps its request to a use case and the answer to
// its response message. Nothing else happens here.
import {
  implement,
  implementStreams,
  refusingNul,
  rejectNulCharacters,
  type CallContext,
  type Logger,
  type ServiceBinding,
} from '@loanflow/platform';
import { notificationsV1 as pb } from '@loanflow/proto';
import {
  createRuleVersion,
  createTemplateVersion,
  deliveries,
  previewTemplate,
  resend,
  rules,
  templates,
} from '../app/admin';
import type { NotificationsDeps } from '../app/deps';
import { inboxCounts, listInbox, readAll, readMessage, watchInbox } from '../app/inbox';
import { preferencesFor, updatePreferences } from '../app/preferences';
import type { Channel, RecipientKind } from '../domain/rules';
import type { Delivery } from './delivery-repo';
import type { InboxHub } from './inbox-hub';
import type { InboxMessage } from './inbox-repo';
import type { StoredRule } from './rule-repo';
import type { StoredTemplate } from './template-repo';

const SERVICE = 'loanflow.notifications.v1.NotificationsService';

const notificationToPb = (m: InboxMessage): pb.Notification => ({
  id: m.id,
  seq: m.seq,
  category: m.category,
  title: m.title,
  body: m.body,
  eventType: m.eventType,
  subjectKind: m.subjectKind,
  subjectId: m.subjectId,
  createdAt: m.createdAt,
  readAt: m.readAt,
  mandatory: m.mandatory,
});

const templateToPb = (t: StoredTemplate): pb.Template => ({ ...t });

const ruleToPb = (r: StoredRule): pb.Rule => ({
  ...r,
  conditions: r.conditions.map((c) => ({ field: c.field, anyOf: c.anyOf })),
  recipients: r.recipients.map((s) => ({ kind: s.kind, role: s.role ?? '' })),
});

const deliveryToPb = (d: Delivery & { address: string }): pb.Delivery => ({
  id: d.id,
  ruleId: d.ruleId,
  ruleVersion: d.ruleVersion,
  eventId: d.eventId,
  eventType: d.eventType,
  recipientKind: d.recipientKind,
  recipientId: d.recipientId,
  channel: d.channel,
  address: d.address,
  templateCode: d.templateCode,
  templateVersion: d.templateVersion,
  locale: d.locale,
  category: d.category,
  status: d.status,
  providerId: d.providerId,
  attempts: d.attempts,
  lastError: d.lastError,
  createdAt: d.createdAt.toISOString(),
  nextAttemptAt: d.nextAttemptAt?.toISOString() ?? '',
  sentAt: d.sentAt?.toISOString() ?? '',
  updatedAt: d.updatedAt.toISOString(),
  segments: d.segments,
});

export function notificationsService(
  deps: NotificationsDeps,
  hub: InboxHub,
  opts: { log: Logger; jwtPublicKey: string },
): ServiceBinding {
  const who = (ctx: CallContext) => ctx.principal();
  const unary = {
    listNotifications: async (
      req: pb.ListNotificationsRequest,
      ctx: CallContext,
    ): Promise<pb.ListNotificationsResponse> => {
      const r = await listInbox(deps, who(ctx), {
        beforeSeq: req.beforeSeq,
        limit: req.limit,
        unreadOnly: req.unreadOnly,
      });
      return {
        notifications: r.messages.map(notificationToPb),
        nextBeforeSeq: r.nextBeforeSeq,
        unreadCount: r.unread,
      };
    },
    getUnreadCount: async (
      _req: pb.GetUnreadCountRequest,
      ctx: CallContext,
    ): Promise<pb.GetUnreadCountResponse> => {
      const r = await inboxCounts(deps, who(ctx));
      return { unreadCount: r.unread, lastSeq: r.lastSeq };
    },
    markRead: async (req: pb.MarkReadRequest, ctx: CallContext): Promise<pb.MarkReadResponse> => {
      const r = await readMessage(deps, who(ctx), req.id);
      return { notification: notificationToPb(r.message), unreadCount: r.unread };
    },
    markAllRead: async (
      req: pb.MarkAllReadRequest,
      ctx: CallContext,
    ): Promise<pb.MarkAllReadResponse> => {
      const r = await readAll(deps, who(ctx), req.upToSeq);
      return { marked: r.marked, unreadCount: r.unread };
    },
    getPreferences: async (
      _req: pb.GetPreferencesRequest,
      ctx: CallContext,
    ): Promise<pb.GetPreferencesResponse> => preferencesFor(deps, who(ctx)),
    updatePreferences: async (
      req: pb.UpdatePreferencesRequest,
      ctx: CallContext,
    ): Promise<pb.UpdatePreferencesResponse> => updatePreferences(deps, who(ctx), req),
    listTemplates: async (
      req: pb.ListTemplatesRequest,
      ctx: CallContext,
    ): Promise<pb.ListTemplatesResponse> => ({
      templates: (await templates(deps, who(ctx), req)).map(templateToPb),
    }),
    createTemplateVersion: async (
      req: pb.CreateTemplateVersionRequest,
      ctx: CallContext,
    ): Promise<pb.CreateTemplateVersionResponse> => ({
      template: templateToPb(await createTemplateVersion(deps, who(ctx), req)),
    }),
    previewTemplate: async (
      req: pb.PreviewTemplateRequest,
      ctx: CallContext,
    ): Promise<pb.PreviewTemplateResponse> => {
      const r = await previewTemplate(deps, who(ctx), req);
      return { ...r, template: templateToPb(r.template) };
    },
    listRules: async (
      req: pb.ListRulesRequest,
      ctx: CallContext,
    ): Promise<pb.ListRulesResponse> => ({
      rules: (await rules(deps, who(ctx), req.allVersions)).map(ruleToPb),
    }),
    createRuleVersion: async (
      req: pb.CreateRuleVersionRequest,
      ctx: CallContext,
    ): Promise<pb.CreateRuleVersionResponse> => {
      const r = req.rule ?? pb.Rule.fromPartial({});
      const created = await createRuleVersion(deps, who(ctx), {
        id: r.id,
        eventType: r.eventType,
        conditions: r.conditions.map((c) => ({ field: c.field, anyOf: c.anyOf })),
        recipients: r.recipients.map((s) => ({
          kind: s.kind as RecipientKind,
          ...(s.role ? { role: s.role } : {}),
        })),
        channels: r.channels as Channel[],
        templateCode: r.templateCode,
        category: r.category,
        mandatory: r.mandatory,
        active: r.active,
        description: r.description,
      });
      return { rule: ruleToPb(created) };
    },
    listDeliveries: async (
      req: pb.ListDeliveriesRequest,
      ctx: CallContext,
    ): Promise<pb.ListDeliveriesResponse> => {
      const r = await deliveries(deps, who(ctx), req);
      return { deliveries: r.deliveries.map(deliveryToPb), nextCursor: r.nextCursor };
    },
    resendDelivery: async (
      req: pb.ResendDeliveryRequest,
      ctx: CallContext,
    ): Promise<pb.ResendDeliveryResponse> => ({
      delivery: deliveryToPb(await resend(deps, who(ctx), req.id)),
    }),
  };
  const streams = implementStreams(
    SERVICE,
    {
      server: {
        watchInbox: async (
          req: pb.WatchInboxRequest,
          ctx: CallContext,
          send: (m: pb.WatchInboxResponse) => Promise<void>,
          cancelled: AbortSignal,
        ) => {
          rejectNulCharacters(req);
          await watchInbox(
            hub,
            who(ctx),
            req.afterSeq,
            (m) => send({ notification: notificationToPb(m) }),
            cancelled,
          );
        },
      },
    },
    opts,
  );
  return {
    name: SERVICE,
    definition: pb.NotificationsServiceService,
    implementation: { ...implement(SERVICE, refusingNul(unary), opts), ...streams },
  };
}
