/**
 * A small Server-Sent Events client for tests, as a fetch-based EventSource in a browser would
 * be: it sends the bearer token and Last-Event-ID, parses the stream by the WHATWG rules (events
 * with id, event and data; comments; retry) and lets a test wait for what it expects.
 */
import { assertDocumented } from './openapi-check';

/** One thing the stream said, in order. */
export type SseItem =
  | {
      kind: 'event';
      /** `message` when the event names none. */
      event: string;
      data: string;
      /** The id of this event, if it had one. */
      id?: string;
      /** The last event id after this event (what a reconnect sends as Last-Event-ID). */
      lastEventId: string;
    }
  | { kind: 'comment'; text: string }
  | { kind: 'retry'; ms: number };

/**
 * The incremental parser: feed it text as it arrives (chunks may split lines anywhere, a CRLF
 * too); it gives back what each complete line finished.
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private id: string | undefined;
  lastEventId = '';

  push(text: string): SseItem[] {
    this.buffer += text;
    const items: SseItem[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      if (!match) break;
      // A CR at the very end may be the first half of a CRLF still on its way.
      if (match[0] === '\r' && match.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const item = this.line(line);
      if (item) items.push(item);
    }
    return items;
  }

  private line(line: string): SseItem | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return { kind: 'comment', text: line.slice(1).replace(/^ /, '') };
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    switch (field) {
      case 'data':
        this.data.push(value);
        return undefined;
      case 'event':
        this.event = value;
        return undefined;
      case 'id':
        if (!value.includes('\0')) this.id = value;
        return undefined;
      case 'retry':
        return /^\d+$/.test(value) ? { kind: 'retry', ms: Number(value) } : undefined;
      default:
        return undefined; // unknown fields are ignored
    }
  }

  private dispatch(): SseItem | undefined {
    const id = this.id;
    if (id !== undefined) this.lastEventId = id;
    const data = this.data;
    const event = this.event || 'message';
    this.data = [];
    this.event = '';
    this.id = undefined;
    if (data.length === 0) return undefined;
    return {
      kind: 'event',
      event,
      data: data.join('\n'),
      ...(id !== undefined ? { id } : {}),
      lastEventId: this.lastEventId,
    };
  }
}

export interface SseConnection {
  status: number;
  headers: Headers;
  /** A refused connection's problem details (status other than 200). */
  problem?: Record<string, unknown>;
  /** Everything received so far, in order. */
  items: SseItem[];
  /** The id of the last event received (send it as Last-Event-ID to resume). */
  lastEventId(): string;
  /**
   * The first item after the last one `next` returned that satisfies `predicate`; waits for it
   * up to `timeoutMs`, and fails if the stream ends first.
   */
  next(predicate: (item: SseItem) => boolean, timeoutMs?: number): Promise<SseItem>;
  /** Settles when the server has ended the stream (or the client closed it). */
  ended: Promise<void>;
  /** Whether the stream has ended. */
  isEnded(): boolean;
  /** Goes away, as a closed browser tab would. */
  close(): void;
}

/** Events named `event` (e.g. notification), with their data parsed as JSON. */
export const isEvent =
  (event: string) =>
  (item: SseItem): boolean =>
    item.kind === 'event' && item.event === event;

/** Opens an event stream on the gateway. */
export async function connectSse(
  baseUrl: string,
  path: string,
  opts: { token?: string; lastEventId?: string; headers?: Record<string, string> } = {},
): Promise<SseConnection> {
  const abort = new AbortController();
  const res = await fetch(`${baseUrl}${path}`, {
    headers: {
      accept: 'text/event-stream',
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.lastEventId !== undefined ? { 'last-event-id': opts.lastEventId } : {}),
      ...opts.headers,
    },
    signal: abort.signal,
  });
  const items: SseItem[] = [];
  const parser = new SseParser();
  let cursor = 0;
  let ended = false;
  const waiters = new Set<() => void>();
  const wake = () => waiters.forEach((w) => w());
  let problem: Record<string, unknown> | undefined;

  let finished: Promise<void>;
  if (res.status !== 200 || !res.body) {
    const text = await res.text();
    try {
      problem = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    } catch {
      problem = { text };
    }
    await assertDocumented(baseUrl, {
      method: 'GET',
      path,
      status: res.status,
      contentType: res.headers.get('content-type'),
      body: problem,
    });
    ended = true;
    finished = Promise.resolve();
  } else {
    await assertDocumented(baseUrl, {
      method: 'GET',
      path,
      status: res.status,
      contentType: res.headers.get('content-type'),
      body: undefined,
    });
    const reader = res.body.getReader();
    const decoder = new TextDecoder('utf-8');
    finished = (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          items.push(...parser.push(decoder.decode(value, { stream: true })));
          wake();
        }
      } catch {
        // aborted by close(), or the connection cut: the stream has ended either way
      } finally {
        ended = true;
        wake();
      }
    })();
  }

  return {
    status: res.status,
    headers: res.headers,
    ...(problem ? { problem } : {}),
    items,
    lastEventId: () => parser.lastEventId,
    next(predicate, timeoutMs = 5000) {
      return new Promise<SseItem>((resolve, reject) => {
        const check = (): boolean => {
          for (let i = cursor; i < items.length; i++) {
            if (predicate(items[i]!)) {
              cursor = i + 1;
              resolve(items[i]!);
              return true;
            }
          }
          if (ended) {
            reject(new Error(`the stream ended without the item awaited (${items.length} items)`));
            return true;
          }
          return false;
        };
        if (check()) return;
        const waiter = () => {
          if (check()) done();
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no such item within ${timeoutMs} ms (${items.length} items so far)`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(waiter);
        };
        waiters.add(waiter);
      });
    },
    ended: finished,
    isEnded: () => ended,
    close() {
      abort.abort();
    },
  };
}
