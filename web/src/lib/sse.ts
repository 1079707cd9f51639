/**
 * Server-Sent Events over fetch: the gateway's live streams take the bearer token in the
 * Authorization header, which EventSource cannot send. Reconnects after the server's `retry`
 * (or 3 s) with Last-Event-ID, so nothing is missed or seen twice; stops when aborted.
 */
export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

export interface SseOptions {
  url: string;
  headers: () => Record<string, string>;
  onEvent: (e: SseEvent) => void;
  /** A non-2xx answer: 401 ends the stream (the session is over), others are retried. */
  onStatus?: (status: number) => void;
  signal: AbortSignal;
}

export async function streamEvents(opts: SseOptions): Promise<void> {
  let lastEventId: string | undefined;
  let retryMs = 3000;
  while (!opts.signal.aborted) {
    try {
      const headers: Record<string, string> = { Accept: 'text/event-stream', ...opts.headers() };
      if (lastEventId) headers['Last-Event-ID'] = lastEventId;
      const response = await fetch(opts.url, { headers, signal: opts.signal, cache: 'no-store' });
      if (!response.ok || !response.body) {
        opts.onStatus?.(response.status);
        if (response.status === 401 || response.status === 403) return;
      } else {
        const parser = new SseParser(
          (e) => {
            if (e.id) lastEventId = e.id;
            opts.onEvent(e);
          },
          (ms) => (retryMs = ms),
        );
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.push(value);
        }
      }
    } catch {
      if (opts.signal.aborted) return;
    }
    await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
}

/** The text/event-stream format: fields per line, events separated by a blank line. */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private id: string | undefined;

  constructor(
    private readonly emit: (e: SseEvent) => void,
    private readonly retry: (ms: number) => void = () => {},
  ) {}

  push(chunk: string): void {
    this.buffer += chunk;
    let newline: number;
    while ((newline = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buffer.slice(0, newline);
      const width = this.buffer.startsWith('\r\n', newline) ? 2 : 1;
      this.buffer = this.buffer.slice(newline + width);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length > 0)
        this.emit({ id: this.id, event: this.event || 'message', data: this.data.join('\n') });
      this.data = [];
      this.event = '';
      this.id = undefined;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id') this.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry(Number(value));
  }
}
