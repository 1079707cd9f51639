import type { Queryable } from '@loanflow/platform';

export interface NewMessage {
  id: string;
  recipientId: string;
  category: string;
  title: string;
  body: string;
  eventType: string;
  eventId: string;
  subjectKind: string;
  subjectId: string;
  mandatory: boolean;
}

export interface InboxMessage extends NewMessage {
  /** The recipient's 1, 2, 3 ... (string: int64). */
  seq: string;
  createdAt: string;
  readAt: string;
}

interface MessageRow {
  id: string;
  recipient_id: string;
  seq: string;
  category: string;
  title: string;
  body: string;
  event_type: string;
  event_id: string;
  subject_kind: string;
  subject_id: string;
  mandatory: boolean;
  created_at: Date;
  read_at: Date | null;
}

const toMessage = (r: MessageRow): InboxMessage => ({
  id: r.id,
  recipientId: r.recipient_id,
  seq: String(r.seq),
  category: r.category,
  title: r.title,
  body: r.body,
  eventType: r.event_type,
  eventId: r.event_id,
  subjectKind: r.subject_kind,
  subjectId: r.subject_id,
  mandatory: r.mandatory,
  createdAt: r.created_at.toISOString(),
  readAt: r.read_at ? r.read_at.toISOString() : '',
});

/**
 * Stores messages, numbering each recipient's in commit order: the counter row of a recipient
 * stays locked until this transaction ends, so the next writer for them takes the next number
 * only after these are visible. Counters are locked in user-id order (no deadlock between two
 * fan-outs to overlapping groups).
 */
export async function storeMessages(
  tx: Queryable,
  batchId: string,
  messages: NewMessage[],
  at: Date,
): Promise<void> {
  if (messages.length === 0) return;
  const perRecipient = new Map<string, NewMessage[]>();
  for (const m of messages)
    perRecipient.set(m.recipientId, [...(perRecipient.get(m.recipientId) ?? []), m]);
  const users = [...perRecipient.keys()].sort();
  const { rows } = await tx.query<{ user_id: string; last_seq: string }>(
    `INSERT INTO inbox_counters (user_id, last_seq)
     SELECT u, n FROM unnest($1::uuid[], $2::bigint[]) WITH ORDINALITY AS c(u, n, o) ORDER BY o
     ON CONFLICT (user_id) DO UPDATE SET last_seq = inbox_counters.last_seq + EXCLUDED.last_seq
     RETURNING user_id, last_seq`,
    [users, users.map((u) => perRecipient.get(u)!.length)],
  );
  const ordered: (NewMessage & { seq: string })[] = [];
  for (const r of rows) {
    const mine = perRecipient.get(r.user_id)!;
    const first = BigInt(r.last_seq) - BigInt(mine.length) + 1n;
    mine.forEach((m, i) => ordered.push({ ...m, seq: String(first + BigInt(i)) }));
  }
  await tx.query(
    `INSERT INTO messages (id, recipient_id, seq, category, title, body, event_type, event_id,
                           subject_kind, subject_id, mandatory, batch_id, created_at)
     SELECT m.id, m.recipient_id, m.seq, m.category, m.title, m.body, m.event_type, m.event_id,
            m.subject_kind, m.subject_id, m.mandatory, $2, $3
       FROM jsonb_to_recordset($1::jsonb) AS m(id uuid, recipient_id uuid, seq bigint, category text,
            title text, body text, event_type text, event_id uuid, subject_kind text,
            subject_id text, mandatory boolean)`,
    [
      JSON.stringify(
        ordered.map((m) => ({
          id: m.id,
          recipient_id: m.recipientId,
          seq: m.seq,
          category: m.category,
          title: m.title,
          body: m.body,
          event_type: m.eventType,
          event_id: m.eventId,
          subject_kind: m.subjectKind,
          subject_id: m.subjectId,
          mandatory: m.mandatory,
        })),
      ),
      batchId,
      at,
    ],
  );
}

export async function listMessages(
  tx: Queryable,
  q: { recipientId: string; beforeSeq: string; limit: number; unreadOnly: boolean },
): Promise<InboxMessage[]> {
  const { rows } = await tx.query<MessageRow>(
    `SELECT * FROM messages
      WHERE recipient_id = $1 AND ($2::bigint = 0 OR seq < $2::bigint)
        AND (NOT $3 OR read_at IS NULL)
      ORDER BY seq DESC LIMIT $4`,
    [q.recipientId, q.beforeSeq, q.unreadOnly, q.limit],
  );
  return rows.map(toMessage);
}

/** Each watched recipient's messages after their cursor, in seq order (the live streams). */
export async function messagesAfter(
  tx: Queryable,
  cursors: { recipientId: string; afterSeq: string }[],
  limitPerRecipient: number,
): Promise<InboxMessage[]> {
  if (cursors.length === 0) return [];
  const { rows } = await tx.query<MessageRow>(
    `SELECT m.* FROM unnest($1::uuid[], $2::bigint[]) AS c(u, s)
       CROSS JOIN LATERAL (
         SELECT * FROM messages WHERE recipient_id = c.u AND seq > c.s ORDER BY seq LIMIT $3
       ) m
      ORDER BY m.recipient_id, m.seq`,
    [cursors.map((c) => c.recipientId), cursors.map((c) => c.afterSeq), limitPerRecipient],
  );
  return rows.map(toMessage);
}

/** The newest seq of each recipient that has one. */
export async function lastSeqs(
  tx: Queryable,
  recipientIds: string[],
): Promise<Map<string, string>> {
  if (recipientIds.length === 0) return new Map();
  const { rows } = await tx.query<{ user_id: string; last_seq: string }>(
    'SELECT user_id, last_seq FROM inbox_counters WHERE user_id = ANY($1::uuid[])',
    [recipientIds],
  );
  return new Map(rows.map((r) => [r.user_id, String(r.last_seq)]));
}

export async function unreadCount(tx: Queryable, recipientId: string): Promise<number> {
  const { rows } = await tx.query<{ n: string }>(
    'SELECT count(*) AS n FROM messages WHERE recipient_id = $1 AND read_at IS NULL',
    [recipientId],
  );
  return Number(rows[0]!.n);
}

/** Marks one message read (a second time: unchanged); undefined when it is not the recipient's. */
export async function markRead(
  tx: Queryable,
  recipientId: string,
  id: string,
  at: Date,
): Promise<InboxMessage | undefined> {
  const { rows } = await tx.query<MessageRow>(
    `UPDATE messages SET read_at = COALESCE(read_at, $3)
      WHERE id = $1 AND recipient_id = $2 RETURNING *`,
    [id, recipientId, at],
  );
  return rows[0] && toMessage(rows[0]);
}

export async function markAllRead(
  tx: Queryable,
  recipientId: string,
  upToSeq: string,
  at: Date,
): Promise<number> {
  const { rowCount } = await tx.query(
    `UPDATE messages SET read_at = $3
      WHERE recipient_id = $1 AND read_at IS NULL AND ($2::bigint = 0 OR seq <= $2::bigint)`,
    [recipientId, upToSeq, at],
  );
  return rowCount ?? 0;
}
