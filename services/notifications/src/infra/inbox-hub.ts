import type { Logger, Pool } from '@loanflow/platform';
import { lastSeqs, messagesAfter, type InboxMessage } from './inbox-repo';

/** Messages fetched for one subscriber at a time; a slow reader gets the rest on later polls. */
const BATCH = 100;
/** Messages waiting in memory per subscriber before fetching for them pauses. */
const QUEUE_LIMIT = 500;

class Subscriber {
  readonly queue: InboxMessage[] = [];
  private wake: (() => void) | undefined;
  closed = false;

  constructor(
    readonly userId: string,
    /** The last seq fetched for this subscriber. */
    public cursor: bigint,
  ) {}

  push(messages: InboxMessage[]): void {
    this.queue.push(...messages);
    if (messages.length > 0) this.cursor = BigInt(messages[messages.length - 1]!.seq);
    this.wake?.();
  }

  close(): void {
    this.closed = true;
    this.wake?.();
  }

  /** The next message, or undefined once closed or `signal` aborts. */
  async next(signal: AbortSignal): Promise<InboxMessage | undefined> {
    while (this.queue.length === 0 && !this.closed && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.wake = undefined;
          signal.removeEventListener('abort', done);
          resolve();
        };
        this.wake = done;
        signal.addEventListener('abort', done, { once: true });
      });
    }
    if (this.closed || signal.aborted) return undefined;
    return this.queue.shift();
  }
}

/**
 * The live side of the inboxes in this process: every WatchInbox stream is a subscriber with a
 * cursor (its user's last seq sent). A poll reads the watched users' counters (one indexed
 * look-up for all of them) and fetches what lies past each cursor; a commit of this process that
 * stored messages polls at once, and a timer catches those stored by other replicas. Because a
 * user's seqs are dense and commit-ordered, "after the cursor" is exactly what is new: nothing is
 * skipped, nothing sent twice, whichever replica stored it.
 */
export class InboxHub {
  private readonly subscribers = new Set<Subscriber>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly pool: Pool,
    private readonly log: Logger,
    private readonly pollMs: number,
  ) {}

  get size(): number {
    return this.subscribers.size;
  }

  /** A subscriber from after `afterSeq`, or (null) from the user's newest message on. */
  async subscribe(userId: string, afterSeq: bigint | null): Promise<Subscriber> {
    const cursor = afterSeq ?? BigInt((await lastSeqs(this.pool, [userId])).get(userId) ?? '0');
    const sub = new Subscriber(userId, cursor);
    this.subscribers.add(sub);
    this.kick();
    return sub;
  }

  unsubscribe(sub: Subscriber): void {
    sub.close();
    this.subscribers.delete(sub);
  }

  kick(): void {
    if (this.stopped || this.subscribers.size === 0) return;
    if (this.polling) {
      this.again = true;
      return;
    }
    this.polling = this.poll()
      .catch((err: unknown) => this.log.warn({ err }, 'inbox poll failed'))
      .finally(() => {
        this.polling = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        } else this.schedule();
      });
  }

  /** Ends every stream (shutdown: they must not hold the server's drain). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const s of this.subscribers) s.close();
    this.subscribers.clear();
    await this.polling;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (this.stopped || this.subscribers.size === 0) return;
    this.timer = setTimeout(() => this.kick(), this.pollMs);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    const subs = [...this.subscribers].filter((s) => !s.closed && s.queue.length < QUEUE_LIMIT);
    if (subs.length === 0) return;
    const newest = await lastSeqs(this.pool, [...new Set(subs.map((s) => s.userId))]);
    const behind = subs.filter((s) => BigInt(newest.get(s.userId) ?? '0') > s.cursor);
    if (behind.length === 0) return;
    // One fetch per distinct (user, cursor): many streams of one user share it.
    const keys = new Map<string, { recipientId: string; afterSeq: string }>();
    for (const s of behind)
      keys.set(`${s.userId}:${s.cursor}`, { recipientId: s.userId, afterSeq: String(s.cursor) });
    const fetched = await messagesAfter(this.pool, [...keys.values()], BATCH);
    for (const s of behind) s.push(contiguousAfter(fetched, s.userId, s.cursor));
    // A full batch means more is waiting for someone.
    if (behind.some((s) => BigInt(newest.get(s.userId) ?? '0') > s.cursor)) this.again = true;
  }
}

export type InboxSubscription = Subscriber;

/** The user's messages right after `cursor`, in order, up to the first gap (seqs are dense). */
function contiguousAfter(messages: InboxMessage[], userId: string, cursor: bigint): InboxMessage[] {
  const bySeq = new Map(
    messages.filter((m) => m.recipientId === userId).map((m) => [BigInt(m.seq), m]),
  );
  const out: InboxMessage[] = [];
  for (let seq = cursor + 1n; bySeq.has(seq) && out.length < BATCH; seq++)
    out.push(bySeq.get(seq)!);
  return out;
}
