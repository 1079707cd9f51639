import {
  AckPolicy,
  connect,
  DeliverPolicy,
  headers as natsHeaders,
  nanos,
  type ConsumerConfig,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type NatsConnection,
} from 'nats';
import type { Logger } from '../logger';
import type { ConsumerLag } from '../metrics';
import type { BusMessage, ConsumeOptions, EventBus, Subscription } from './bus';
import { STREAM_NAME, SUBJECT_PREFIX } from './envelope';

/** How long JetStream remembers a Nats-Msg-Id to drop a republished duplicate. */
const DUPLICATE_WINDOW_MS = 10 * 60 * 1000;

/** Domain events on NATS JetStream: one file-backed stream for `loanflow.>`. */
export class JetStreamBus implements EventBus {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly log: Logger,
    private readonly stream: string,
    /** `loanflow.<namespace>.` for `loanflow.` on the wire, when a namespace is set. */
    private readonly namespace: { prefix: string; wire: string } | undefined,
  ) {}

  /** The subject on the wire of a subject as services name it. */
  private outward(subject: string): string {
    const ns = this.namespace;
    return ns && subject.startsWith(ns.prefix)
      ? ns.wire + subject.slice(ns.prefix.length)
      : subject;
  }

  /** The subject as services name it of a subject on the wire. */
  private inward(subject: string): string {
    const ns = this.namespace;
    return ns && subject.startsWith(ns.wire) ? ns.prefix + subject.slice(ns.wire.length) : subject;
  }

  static async connect(opts: {
    url: string;
    name: string;
    log: Logger;
    stream?: string;
    subjectPrefix?: string;
    /**
     * Keeps this deployment's events apart from others on the same stream: `loanflow.x.y.z` is
     * sent as `loanflow.<namespace>.x.y.z` and consumers see only their namespace's events
     * (test deployments sharing one NATS server; production sets none).
     */
    namespace?: string;
  }): Promise<JetStreamBus> {
    const nc = await connect({
      servers: opts.url.split(','),
      name: opts.name,
      maxReconnectAttempts: -1,
    });
    const jsm = await nc.jetstreamManager();
    const stream = opts.stream ?? STREAM_NAME;
    const config = {
      name: stream,
      subjects: [`${opts.subjectPrefix ?? SUBJECT_PREFIX}.>`],
      duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    };
    try {
      await jsm.streams.info(stream);
    } catch {
      await jsm.streams.add(config).catch(async (err: Error) => {
        // Another replica created it in between.
        if (!/already in use|exists/i.test(err.message)) throw err;
      });
    }
    const prefix = `${opts.subjectPrefix ?? SUBJECT_PREFIX}.`;
    const namespace = opts.namespace ? { prefix, wire: `${prefix}${opts.namespace}.` } : undefined;
    return new JetStreamBus(nc, nc.jetstream(), jsm, opts.log, stream, namespace);
  }

  /** The bus of a service, from its configuration (NATS_URL, and EVENTS_NAMESPACE when set). */
  static forService(
    config: { NATS_URL: string; EVENTS_NAMESPACE: string },
    name: string,
    log: Logger,
  ): Promise<JetStreamBus> {
    return JetStreamBus.connect({
      url: config.NATS_URL,
      name,
      log,
      namespace: config.EVENTS_NAMESPACE || undefined,
    });
  }

  async publish(
    subject: string,
    data: Uint8Array,
    opts: { msgId: string; headers?: Record<string, string> },
  ): Promise<{ duplicate: boolean }> {
    const h = natsHeaders();
    for (const [k, v] of Object.entries(opts.headers ?? {})) h.set(k, v);
    const ack = await this.js.publish(this.outward(subject), data, {
      msgID: opts.msgId,
      headers: h,
    });
    return { duplicate: ack.duplicate };
  }

  async consume(opts: ConsumeOptions): Promise<Subscription> {
    const config: Partial<ConsumerConfig> = {
      durable_name: opts.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: opts.startAt === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
      filter_subject: this.outward(opts.filterSubject),
      ack_wait: nanos(opts.ackWaitMs ?? 30000),
      max_deliver: opts.maxDeliver ?? 20,
    };
    try {
      await this.jsm.consumers.info(this.stream, opts.durable);
      await this.jsm.consumers.update(this.stream, opts.durable, {
        ack_wait: config.ack_wait,
        max_deliver: config.max_deliver,
      });
    } catch {
      await this.jsm.consumers.add(this.stream, config);
    }
    const consumer = await this.js.consumers.get(this.stream, opts.durable);
    const messages = await consumer.consume({ max_messages: 64 });
    const handle = async (m: JsMsg, msg: BusMessage): Promise<void> => {
      try {
        await opts.handler(msg);
        await m.ackAck().catch(() => m.ack());
      } catch (err) {
        // Back off a little more each time; after max_deliver JetStream gives up on it.
        const delay = Math.min(30000, 500 * 2 ** Math.min(m.info.deliveryCount, 6));
        this.log.error(
          { err, subject: m.subject, delivery: m.info.deliveryCount },
          'event handler failed; will retry',
        );
        m.nak(delay);
      }
    };
    // Up to `concurrency` messages in hand; one key's messages are chained behind each other.
    const limit = Math.max(1, Math.trunc(opts.concurrency ?? 1));
    const inHand = new Set<Promise<void>>();
    const lastOfKey = new Map<string, Promise<void>>();
    const loop = (async () => {
      for await (const m of messages) {
        while (inHand.size >= limit) await Promise.race(inHand);
        const headers: Record<string, string> = {};
        if (m.headers) for (const [k, v] of m.headers) headers[k] = v[0] ?? '';
        const msg: BusMessage = {
          subject: this.inward(m.subject),
          data: m.data,
          headers,
          deliveryCount: m.info.deliveryCount,
        };
        const key = opts.orderKey?.(msg) ?? '';
        const before = lastOfKey.get(key);
        const go = () => handle(m, msg);
        const run: Promise<void> = (before ? before.then(go) : go()).finally(() => {
          inHand.delete(run);
          if (lastOfKey.get(key) === run) lastOfKey.delete(key);
        });
        inHand.add(run);
        lastOfKey.set(key, run);
      }
      await Promise.all(inHand);
    })();
    // The iterator ends with an error when the connection is closed under it; report, don't crash.
    const done = loop.catch((err: unknown) =>
      this.log.error({ err, durable: opts.durable }, 'consumer stopped with an error'),
    );
    return {
      drain: async () => {
        messages.stop();
        await done;
      },
    };
  }

  /** How far a durable consumer is behind the stream (one JetStream API request). */
  async consumerLag(durable: string): Promise<ConsumerLag> {
    const info = await this.jsm.consumers.info(this.stream, durable);
    return { pending: info.num_pending, ackPending: info.num_ack_pending };
  }

  /** Deletes a durable consumer (tests and decommissioning). */
  async deleteConsumer(durable: string): Promise<void> {
    await this.jsm.consumers.delete(this.stream, durable).catch(() => undefined);
  }

  async close(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain();
  }
}
