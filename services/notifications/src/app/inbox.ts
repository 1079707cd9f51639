// 站内信: a user's own inbox. Every call answers the caller's messages only.
import { invalidArgument, notFound, withTransaction, type Principal } from '@loanflow/platform';
import type { InboxHub } from '../infra/inbox-hub';
import {
  listMessages,
  markAllRead,
  markRead,
  unreadCount,
  type InboxMessage,
} from '../infra/inbox-repo';
import { lastSeqs } from '../infra/inbox-repo';
import type { NotificationsDeps } from './deps';

const SEQ = /^(0|[1-9][0-9]{0,17})$/;

/** A seq from a request: a non-negative integer (int64 as a decimal string). */
function seqOf(field: string, value: string): string {
  const v = value.trim() || '0';
  if (!SEQ.test(v)) throw invalidArgument([{ field, reason: 'must be a non-negative integer' }]);
  return v;
}

export async function listInbox(
  deps: NotificationsDeps,
  me: Principal,
  q: { beforeSeq: string; limit: number; unreadOnly: boolean },
): Promise<{ messages: InboxMessage[]; nextBeforeSeq: string; unread: number }> {
  const limit = q.limit === 0 ? 50 : q.limit;
  if (limit < 1 || limit > 200)
    throw invalidArgument([{ field: 'limit', reason: 'must be between 1 and 200' }]);
  const beforeSeq = seqOf('beforeSeq', q.beforeSeq);
  const messages = await listMessages(deps.pool, {
    recipientId: me.userId,
    beforeSeq,
    limit: limit + 1,
    unreadOnly: q.unreadOnly,
  });
  const more = messages.length > limit;
  const page = messages.slice(0, limit);
  return {
    messages: page,
    nextBeforeSeq: more ? page[page.length - 1]!.seq : '0',
    unread: await unreadCount(deps.pool, me.userId),
  };
}

export async function inboxCounts(deps: NotificationsDeps, me: Principal) {
  return {
    unread: await unreadCount(deps.pool, me.userId),
    lastSeq: (await lastSeqs(deps.pool, [me.userId])).get(me.userId) ?? '0',
  };
}

export async function readMessage(deps: NotificationsDeps, me: Principal, id: string) {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))
    throw invalidArgument([{ field: 'id', reason: 'must be a UUID' }]);
  return withTransaction(deps.pool, async (tx) => {
    const message = await markRead(tx, me.userId, id, deps.now());
    // Another user's message is as unknown as a message that does not exist.
    if (!message) throw notFound(`notification ${id}`);
    return { message, unread: await unreadCount(tx, me.userId) };
  });
}

export async function readAll(deps: NotificationsDeps, me: Principal, upToSeq: string) {
  const up = seqOf('upToSeq', upToSeq);
  return withTransaction(deps.pool, async (tx) => {
    const marked = await markAllRead(tx, me.userId, up, deps.now());
    return { marked, unread: await unreadCount(tx, me.userId) };
  });
}

/**
 * The caller's messages after `afterSeq` ("0": only new ones), then each new one as it is
 * stored, until the caller goes away or the service stops.
 */
export async function watchInbox(
  hub: InboxHub,
  me: Principal,
  afterSeq: string,
  send: (m: InboxMessage) => Promise<void>,
  cancelled: AbortSignal,
): Promise<void> {
  const after = seqOf('afterSeq', afterSeq);
  const sub = await hub.subscribe(me.userId, after === '0' ? null : BigInt(after));
  try {
    for (;;) {
      const message = await sub.next(cancelled);
      if (!message) return;
      await send(message);
    }
  } finally {
    hub.unsubscribe(sub);
  }
}
