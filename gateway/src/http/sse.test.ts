import { describe, expect, it } from '@jest/globals';
import { SseParser, type SseItem } from '@loanflow/test/support/sse';
import fc from 'fast-check';
import {
  LiveStreams,
  parseSeq,
  seqNumber,
  sseComment,
  sseEvent,
  sseRetry,
  type StreamEndReason,
} from './sse';

const parseAll = (text: string): SseItem[] => new SseParser().push(text);

describe('SSE framing', () => {
  it('writes id, event and data lines and a blank line', () => {
    expect(sseEvent({ id: '42', event: 'notification', data: '{"seq":42}' })).toBe(
      'id: 42\nevent: notification\ndata: {"seq":42}\n\n',
    );
    expect(sseComment('heartbeat')).toBe(': heartbeat\n\n');
    expect(sseRetry(3000)).toBe('retry: 3000\n\n');
  });

  it('splits multi-line data into data lines, so a line break cannot end the event early', () => {
    expect(sseEvent({ data: 'a\nb\r\nc\rd' })).toBe('data: a\ndata: b\ndata: c\ndata: d\n\n');
    expect(sseComment('two\nlines')).toBe(': two lines\n\n');
  });

  it('refuses an id or event name that would break the framing', () => {
    expect(() => sseEvent({ id: '1\n2', data: 'x' })).toThrow(/event id/);
    expect(() => sseEvent({ event: 'a\rb', data: 'x' })).toThrow(/event name/);
  });

  it('round-trips any data and id through the test client’s parser', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.stringMatching(/^[0-9]{1,16}$/),
        fc.constantFrom('notification', 'end'),
        (data, id, event) => {
          const items = parseAll(sseEvent({ id, event, data }));
          // CRLF and CR in data come back as LF (the format has one line separator per line).
          expect(items).toEqual([
            { kind: 'event', event, id, data: data.replace(/\r\n|\r/g, '\n'), lastEventId: id },
          ]);
        },
      ),
    );
  });
});

describe('the test client’s SSE parser', () => {
  const stream =
    'retry: 3000\n\n: heartbeat\n\nid: 1\nevent: notification\ndata: {"a":1}\n\n' +
    'id: 2\r\nevent: notification\r\ndata: line one\r\ndata: line two\r\n\r\n' +
    'event: end\ndata: {"reason":"shutdown"}\n\n';
  const expected: SseItem[] = [
    { kind: 'retry', ms: 3000 },
    { kind: 'comment', text: 'heartbeat' },
    { kind: 'event', event: 'notification', id: '1', data: '{"a":1}', lastEventId: '1' },
    {
      kind: 'event',
      event: 'notification',
      id: '2',
      data: 'line one\nline two',
      lastEventId: '2',
    },
    // An event without an id keeps the last one (what a reconnect sends).
    { kind: 'event', event: 'end', data: '{"reason":"shutdown"}', lastEventId: '2' },
  ];

  it('parses events, comments and retry, with CRLF and LF line ends', () => {
    expect(parseAll(stream)).toEqual(expected);
  });

  it('gives the same whatever the chunks (a CRLF split between two included)', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const parser = new SseParser();
      const items = [...parser.push(stream.slice(0, cut)), ...parser.push(stream.slice(cut))];
      expect(items).toEqual(expected);
    }
    fc.assert(
      fc.property(fc.array(fc.nat(stream.length), { maxLength: 12 }), (cuts) => {
        const at = [0, ...[...cuts].sort((a, b) => a - b), stream.length];
        const parser = new SseParser();
        const items = at.slice(1).flatMap((end, i) => parser.push(stream.slice(at[i], end)));
        expect(items).toEqual(expected);
      }),
    );
  });

  it('follows the WHATWG rules for odd lines', () => {
    expect(parseAll('data\n\n')).toEqual([
      { kind: 'event', event: 'message', data: '', lastEventId: '' },
    ]);
    // No space after the colon; only one leading space is dropped; unknown fields are ignored.
    expect(parseAll('data:x\ndata:  y\nfoo: bar\n\n')).toEqual([
      { kind: 'event', event: 'message', data: 'x\n y', lastEventId: '' },
    ]);
    // An id alone dispatches nothing but is remembered; a bad retry is ignored.
    const parser = new SseParser();
    expect(parser.push('id: 7\n\nretry: soon\n\ndata: z\n\n')).toEqual([
      { kind: 'event', event: 'message', data: 'z', lastEventId: '7' },
    ]);
    // An event not finished by a blank line is not dispatched.
    expect(parseAll('data: half')).toEqual([]);
  });
});

describe('inbox seq', () => {
  it('reads the proto’s int64 strings as JSON integers', () => {
    expect(seqNumber('0')).toBe(0);
    expect(seqNumber('12345')).toBe(12345);
    expect(seqNumber(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => seqNumber('9007199254740992')).toThrow(/below 2\^53/);
    expect(() => seqNumber('-1')).toThrow();
    expect(() => seqNumber('')).toThrow();
  });

  it('parses what clients send, refusing anything but a safe whole number', () => {
    expect(parseSeq('0')).toBe(0);
    expect(parseSeq('0042')).toBe(42);
    expect(parseSeq('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    for (const bad of [
      '',
      '-1',
      '1.5',
      '1e3',
      ' 1',
      '0x10',
      '9007199254740992',
      '12345678901234567',
    ])
      expect(parseSeq(bad)).toBeUndefined();
  });
});

describe('LiveStreams', () => {
  it('counts open streams, ends them all at shutdown and then refuses new ones', () => {
    const live = new LiveStreams();
    const ended: StreamEndReason[] = [];
    const removeFirst = live.add((r) => ended.push(r));
    live.add((r) => ended.push(r));
    expect(live.size).toBe(2);
    removeFirst();
    expect(live.size).toBe(1);
    expect(live.accepting).toBe(true);
    live.closeAll();
    expect(ended).toEqual(['shutdown']);
    expect(live.size).toBe(0);
    expect(live.accepting).toBe(false);
  });
});
