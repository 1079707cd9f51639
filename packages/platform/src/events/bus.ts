/** A message as consumers see it, whatever carries it. */
export interface BusMessage {
  subject: string;
  data: Uint8Array;
  headers: Record<string, string>;
  /** 1 on first delivery; more when redelivered after a missing ack or a failure. */
  deliveryCount: number;
}

export interface ConsumeOptions {
  /** Durable name: replicas with the same name share the work (a queue group). */
  durable: string;
  /** One subject, wildcards allowed (`loanflow.applications.>`); NATS 2.9 takes one filter. */
  filterSubject: string;
  /** Time to ack before the message is redelivered. */
  ackWaitMs?: number;
  maxDeliver?: number;
  /** Where a new durable starts: the whole stream (default) or only messages published from now. */
  startAt?: 'all' | 'new';
  /** Throwing makes the message come again later. */
  handler: (msg: BusMessage) => Promise<void>;
  /**
   * Messages handled at once (default 1). Messages with the same `orderKey` are still handled one
   * after the other, in the order they arrived; different keys run side by side.
   */
  concurrency?: number;
  /** What must stay in order, e.g. the entity an event is about (default: everything). */
  orderKey?: (msg: BusMessage) => string;
}

export interface Subscription {
  /** Stops taking messages and waits for the ones in hand to finish. */
  drain(): Promise<void>;
}

export interface EventBus {
  /** `duplicate` is true when the bus had already stored a message with this id. */
  publish(
    subject: string,
    data: Uint8Array,
    opts: { msgId: string; headers?: Record<string, string> },
  ): Promise<{ duplicate: boolean }>;
  consume(opts: ConsumeOptions): Promise<Subscription>;
  close(): Promise<void>;
}
