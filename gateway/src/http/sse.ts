/**
 * Server-Sent Events (the WHATWG HTML "server-sent events" format): framing, the inbox sequence
 * numbers that serve as event ids, and the register of open streams that shutdown ends.
 */

/** Why the gateway ends a live stream (the `end` event's `reason`). */
export type StreamEndReason = 'token_expired' | 'upstream_ended' | 'upstream_failed' | 'shutdown';

/** One event. Every line of `data` becomes a `data:` line, so a line break can never end it early. */
export function sseEvent(e: { id?: string; event?: string; data: string }): string {
  if (e.id !== undefined && /[\r\n\0]/.test(e.id))
    throw new Error('an event id must not contain CR, LF or NUL');
  if (e.event !== undefined && /[\r\n]/.test(e.event))
    throw new Error('an event name must not contain CR or LF');
  const lines: string[] = [];
  if (e.id !== undefined) lines.push(`id: ${e.id}`);
  if (e.event !== undefined) lines.push(`event: ${e.event}`);
  for (const line of e.data.split(/\r\n|\r|\n/)) lines.push(`data: ${line}`);
  return `${lines.join('\n')}\n\n`;
}

/** A comment line: ignored by clients, but it keeps proxies from closing a quiet connection. */
export function sseComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
}

/** How long a client waits before reconnecting, in milliseconds. */
export const sseRetry = (ms: number): string => `retry: ${Math.trunc(ms)}\n\n`;

/**
 * An inbox seq (int64, a decimal string in the generated code) as a JSON number. A user's inbox
 * counts one by one from 1, so it stays far below 2^53; one beyond it would be a broken upstream.
 */
export function seqNumber(seq: string): number {
  const n = Number(seq);
  if (!/^\d+$/.test(seq) || !Number.isSafeInteger(n))
    throw new Error(`inbox seq ${JSON.stringify(seq)} is not a whole number below 2^53`);
  return n;
}

/** Reason for a refused seq given by a client (Last-Event-ID, lastEventId, beforeSeq, upToSeq). */
export const SEQ_REASON = `must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER} (an inbox seq)`;

/** A seq a client sent as text, or undefined when it is not one. */
export function parseSeq(text: string): number | undefined {
  if (!/^\d{1,16}$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * The live streams open in this gateway, each with the way to end it. Shutdown ends them all at
 * once: a stream never finishes by itself, and the server's drain would otherwise wait for every
 * one of them until its deadline. The size is the gauge of open streams (none may leak).
 */
export class LiveStreams {
  private readonly open = new Set<(reason: StreamEndReason) => void>();
  private closing = false;

  get size(): number {
    return this.open.size;
  }

  /** False once shutdown has begun: a new stream would be cut at once, so none is opened. */
  get accepting(): boolean {
    return !this.closing;
  }

  /** Registers a stream's ending; the function returned unregisters it when it ends otherwise. */
  add(end: (reason: StreamEndReason) => void): () => void {
    this.open.add(end);
    return () => this.open.delete(end);
  }

  /** At the start of shutdown: ends every open stream and refuses new ones. */
  closeAll(): void {
    this.closing = true;
    for (const end of [...this.open]) end('shutdown');
    this.open.clear();
  }
}
