import { connect } from 'nats';
import { SERVICES } from './cli';

export interface ConsumerLag {
  durable: string;
  /** The service whose durable it is (their names begin with the service's schema), if any. */
  service: string | null;
  /** Messages of its filter not yet delivered. */
  pending: number;
  /** Delivered, not yet acknowledged. */
  ackPending: number;
}

export type LagReport =
  | { available: true; stream: string; consumers: ConsumerLag[] }
  | { available: false; stream: string; reason: string };

/** The lag of every durable consumer on the events stream; unavailable (with why) rather than failing. */
export async function consumerLag(natsUrl: string | undefined, stream: string): Promise<LagReport> {
  if (!natsUrl) return { available: false, stream, reason: 'no NATS URL (--nats or NATS_URL)' };
  let nc;
  try {
    nc = await connect({
      servers: natsUrl.split(','),
      name: 'loanflow-ops',
      timeout: 3000,
      maxReconnectAttempts: 0,
    });
  } catch (err) {
    return {
      available: false,
      stream,
      reason: `cannot reach NATS at ${natsUrl} (${(err as Error).message})`,
    };
  }
  try {
    const jsm = await nc.jetstreamManager();
    const infos = await jsm.consumers.list(stream).next();
    const consumers = infos
      .map((c) => ({
        durable: c.name,
        service:
          SERVICES.find(
            (s) => c.name === s || c.name.startsWith(`${s}_`) || c.name.startsWith(`${s}-`),
          ) ?? null,
        pending: c.num_pending,
        ackPending: c.num_ack_pending,
      }))
      .sort((a, b) => a.durable.localeCompare(b.durable));
    return { available: true, stream, consumers };
  } catch (err) {
    return { available: false, stream, reason: `stream ${stream}: ${(err as Error).message}` };
  } finally {
    await nc.close();
  }
}
