import type { BusMessage, ConsumeOptions, EventBus, Subscription } from './bus';

/**
 * In-process bus for the embedded single-process mode when no NATS server is at hand. It keeps
 * the same contract as JetStream (msg-id de-duplication, durable names sharing work, redelivery
 * after a failed handler) but holds nothing across restarts.
 */
export class LocalEventBus implements EventBus {
  private readonly seen = new Set<string>();
  private readonly log: { subject: string; data: Uint8Array; headers: Record<string, string> }[] =
    [];
  private readonly consumers = new Map<
    string,
    { opts: ConsumeOptions; offset: number; running: Promise<void> | null; stopped: boolean }
  >();

  async publish(
    subject: string,
    data: Uint8Array,
    opts: { msgId: string; headers?: Record<string, string> },
  ) {
    if (this.seen.has(opts.msgId)) return { duplicate: true };
    this.seen.add(opts.msgId);
    this.log.push({ subject, data, headers: { ...opts.headers, 'Nats-Msg-Id': opts.msgId } });
    for (const c of this.consumers.values()) this.pump(c);
    return { duplicate: false };
  }

  async consume(opts: ConsumeOptions): Promise<Subscription> {
    const existing = this.consumers.get(opts.durable);
    const c = existing ?? {
      opts,
      offset: opts.startAt === 'new' ? this.log.length : 0,
      running: null,
      stopped: false,
    };
    c.opts = opts;
    c.stopped = false;
    this.consumers.set(opts.durable, c);
    this.pump(c);
    return {
      drain: async () => {
        c.stopped = true;
        await c.running;
      },
    };
  }

  private pump(c: {
    opts: ConsumeOptions;
    offset: number;
    running: Promise<void> | null;
    stopped: boolean;
  }): void {
    if (c.running || c.stopped) return;
    c.running = (async () => {
      // Suspend once so `c.running` is assigned before the run can end and clear it; a run that
      // finished synchronously (nothing to deliver yet) left a settled promise there for good, and
      // the consumer never woke up for later messages.
      await Promise.resolve();
      while (!c.stopped && c.offset < this.log.length) {
        const entry = this.log[c.offset]!;
        c.offset++;
        if (!matches(c.opts.filterSubject, entry.subject)) continue;
        for (let delivery = 1; delivery <= (c.opts.maxDeliver ?? 20) && !c.stopped; delivery++) {
          const msg: BusMessage = { ...entry, deliveryCount: delivery };
          try {
            await c.opts.handler(msg);
            break;
          } catch {
            await new Promise((r) => setTimeout(r, Math.min(2000, 50 * 2 ** delivery)));
          }
        }
      }
      c.running = null;
    })();
  }

  async close(): Promise<void> {
    for (const c of this.consumers.values()) {
      c.stopped = true;
      await c.running;
    }
  }
}

/** NATS subject matching: `*` one token, `>` the rest. */
export function matches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return s.length > i;
    if (i >= s.length || (f[i] !== '*' && f[i] !== s[i])) return false;
  }
  return f.length === s.length;
}
