import type { NewEvent } from '@loanflow/platform';
import { notificationEventsV1 } from '@loanflow/proto';
import type { NewDelivery } from '../infra/delivery-repo';

type Delivered = Pick<
  NewDelivery,
  | 'id'
  | 'ruleId'
  | 'ruleVersion'
  | 'eventId'
  | 'eventType'
  | 'recipientKind'
  | 'recipientId'
  | 'channel'
  | 'category'
  | 'templateCode'
  | 'templateVersion'
  | 'status'
  | 'segments'
  | 'lastError'
> & { attempts: number; providerId: string; createdAt?: Date };

/**
 * notifications.message.sent | failed: what the reporting service counts (channel, category,
 * attempts, segments), never the address or the text. A dead delivery (retries exhausted) is a
 * failure too, with status "dead".
 */
export function deliveredEvent(d: Delivered, at: Date): NewEvent<unknown> {
  return {
    type: d.status === 'sent' ? 'notifications.message.sent' : 'notifications.message.failed',
    subjectId: d.id,
    data: notificationEventsV1.MessageDelivered.toJSON({
      deliveryId: d.id,
      ruleId: d.ruleId,
      ruleVersion: d.ruleVersion,
      eventId: d.eventId,
      eventType: d.eventType,
      recipientKind: d.recipientKind,
      recipientId: d.recipientId,
      channel: d.channel,
      category: d.category,
      templateCode: d.templateCode,
      templateVersion: d.templateVersion,
      status: d.status,
      providerId: d.providerId,
      attempts: d.attempts,
      segments: d.segments,
      error: d.status === 'sent' ? '' : d.lastError,
      createdAt: (d.createdAt ?? at).toISOString(),
      at: at.toISOString(),
    }),
  };
}
