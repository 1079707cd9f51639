import { SseParser, type SseEvent } from './sse';

describe('the SSE parser', () => {
  function parse(...chunks: string[]) {
    const events: SseEvent[] = [];
    const retries: number[] = [];
    const p = new SseParser(
      (e) => events.push(e),
      (ms) => retries.push(ms),
    );
    for (const c of chunks) p.push(c);
    return { events, retries };
  }

  it('reads events split anywhere across chunks, with ids, types and multi-line data', () => {
    const { events, retries } = parse(
      'retry: 2000\n\n: heartbeat\n\nid: 7\nevent: notification\nda',
      'ta: {"a":\ndata: 1}\n\nid: 8\r\ndata: x\r\n\r\n',
    );
    expect(retries).toEqual([2000]);
    expect(events).toEqual([
      { id: '7', event: 'notification', data: '{"a":\n1}' },
      { id: '8', event: 'message', data: 'x' },
    ]);
  });

  it('emits nothing for an event not yet ended by a blank line', () => {
    expect(parse('data: half\n').events).toEqual([]);
  });
});
