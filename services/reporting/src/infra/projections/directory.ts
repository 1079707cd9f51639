// The branch tree (for names and scopes) and the notifications' deliveries.
import { decodeEventData } from '@loanflow/platform';
import { identityV1, notificationEventsV1 } from '@loanflow/proto';
import { instantOf, uuidOf, v1, type Projection, type Projections } from './projection';

const delivered: Projection = v1(async (event, tx) => {
  const d = decodeEventData(notificationEventsV1.MessageDelivered, event, [
    'deliveryId',
    'channel',
    'status',
  ]);
  await tx.query(
    `INSERT INTO notifications (delivery_id, rule_id, event_type, recipient_kind, channel, category,
       template_code, status, attempts, segments, created_at, at)
     VALUES ($1, NULLIF($2, ''), NULLIF($3, ''), NULLIF($4, ''), $5, NULLIF($6, ''), NULLIF($7, ''),
       $8, $9, $10, $11, $12)
     ON CONFLICT (delivery_id) DO UPDATE SET status = EXCLUDED.status,
       attempts = GREATEST(notifications.attempts, EXCLUDED.attempts),
       segments = EXCLUDED.segments, at = GREATEST(notifications.at, EXCLUDED.at)`,
    [
      uuidOf(event, 'deliveryId', d.deliveryId),
      d.ruleId,
      d.eventType,
      d.recipientKind,
      d.channel,
      d.category,
      d.templateCode,
      d.status,
      d.attempts,
      d.segments,
      d.createdAt ? instantOf(event, d.createdAt) : null,
      instantOf(event, d.at),
    ],
  );
});

export const directoryProjections: Projections = {
  'identity.branch.created': v1(async (event, tx) => {
    const { branch } = decodeEventData(identityV1.BranchChanged, event, ['branch']);
    const b = branch!;
    await tx.query(
      `INSERT INTO branches (code, parent_code, name) VALUES ($1, NULLIF($2, ''), $3)
       ON CONFLICT (code) DO UPDATE SET parent_code = EXCLUDED.parent_code, name = EXCLUDED.name`,
      [b.code, b.parentCode, b.name],
    );
  }),
  'notifications.message.sent': delivered,
  'notifications.message.failed': delivered,
};
