/**
 * The live inbox (GET /notifications/stream): one WatchInbox server stream per client, relayed
 * as Server-Sent Events. The service sends what the client missed after its Last-Event-ID, then
 * each new message, in seq order without gaps; the gateway frames them, keeps the line alive with
 * heartbeats, and ends the response when the token expires, the upstream ends or fails, or the
 * gateway shuts down — the client reconnects (with a fresh token) from its last seq.
 */
import type { ClientReadableStream, Metadata, ServiceError } from '@grpc/grpc-js';
import { DomainError, fromGrpcError, type ErrorCode, type Logger } from '@loanflow/platform';
import type { notificationsV1 } from '@loanflow/proto';
import type { Response } from 'express';
import { expiryOf } from '../middleware';
import {
  LiveStreams,
  sseComment,
  sseEvent,
  sseRetry,
  seqNumber,
  type StreamEndReason,
} from '../sse';
import { notificationJson } from './notifications-schemas';

/** How long clients wait before reconnecting (the stream's first line). */
export const RECONNECT_MS = 3000;

/** setTimeout's ceiling (about 24.8 days); tokens live a day at most. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

export interface InboxRelay {
  /** The notifications client without retries: a stream has nothing to replay. */
  rpc: notificationsV1.NotificationsServiceClient;
  live: LiveStreams;
  heartbeatMs: number;
  log?: Logger;
}

/** The terminal `end` event: why the stream ends, and the upstream's error code if it failed. */
export const endEvent = (reason: StreamEndReason, code?: ErrorCode): string =>
  sseEvent({ event: 'end', data: JSON.stringify(code ? { reason, code } : { reason }) });

/** One message of the inbox as an SSE event; its id is the seq. */
export function notificationEvent(n: notificationsV1.Notification): string {
  return sseEvent({
    id: String(seqNumber(n.seq)),
    event: 'notification',
    data: JSON.stringify(notificationJson(n)),
  });
}

/**
 * Opens the stream for the signed-in caller and relays it into `res` (the handler returns
 * undefined: the response is written here). Throws 503 once shutdown has begun.
 */
export function relayInbox(
  relay: InboxRelay,
  opts: { afterSeq: number; token: string; metadata: Metadata; res: Response },
): undefined {
  const { res } = opts;
  if (!relay.live.accepting)
    throw new DomainError('unavailable', 'the gateway is shutting down: reconnect in a moment');
  // authenticate() refuses a token without a numeric exp, so this is the token's real end.
  const expiresAtMs = Number(expiryOf(opts.token)) * 1000;

  res.status(200);
  res.set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    // no-transform: a proxy must not compress or rewrite (and so buffer) the stream.
    'Cache-Control': 'no-cache, no-transform',
    // nginx buffers proxied responses unless told not to.
    'X-Accel-Buffering': 'no',
    Connection: 'keep-alive',
  });
  res.flushHeaders();
  res.socket?.setNoDelay(true);
  res.write(sseRetry(RECONNECT_MS));

  const call: ClientReadableStream<notificationsV1.WatchInboxResponse> = relay.rpc.watchInbox(
    { afterSeq: String(opts.afterSeq) },
    opts.metadata,
  );
  let ended = false;
  const heartbeat = setInterval(() => {
    // A client that does not read gets no more heartbeats piled on its buffer.
    if (!res.writableNeedDrain) res.write(sseComment('heartbeat'));
  }, relay.heartbeatMs);
  const expiry = setTimeout(
    () => end('token_expired'),
    Math.min(Math.max(0, expiresAtMs - Date.now()), LONGEST_TIMER_MS),
  );
  const unregister = relay.live.add((reason) => end(reason));

  function release(): void {
    ended = true;
    clearInterval(heartbeat);
    clearTimeout(expiry);
    unregister();
    // No-op once the upstream has ended; otherwise no stream is left open behind a gone client.
    call.cancel();
  }
  function end(reason: StreamEndReason, code?: ErrorCode): void {
    if (ended) return;
    release();
    if (!res.writableEnded && !res.destroyed) res.end(endEvent(reason, code));
  }

  call.on('data', (m: notificationsV1.WatchInboxResponse) => {
    if (ended || !m.notification) return;
    let frame: string;
    try {
      frame = notificationEvent(m.notification);
    } catch (err) {
      relay.log?.error({ err }, 'inbox stream sent a message the gateway cannot relay');
      end('upstream_failed', 'internal');
      return;
    }
    // Back-pressure: a slow client stops the upstream rather than filling the gateway's memory.
    if (!res.write(frame)) {
      call.pause();
      res.once('drain', () => call.resume());
    }
  });
  call.on('end', () => end('upstream_ended'));
  call.on('error', (err: ServiceError) => end('upstream_failed', fromGrpcError(err).code));
  res.on('close', () => {
    if (!ended) release();
  });
  return undefined;
}
