import { createHash, randomBytes } from 'node:crypto';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DETECTION_BYTES } from './detect';
import { FileTooLargeError, InspectingStream } from './inspect';

function source(chunks: Buffer[]): Readable {
  return Readable.from(chunks, { objectMode: false });
}

/** Sink that keeps everything it receives (small inputs only). */
function collector(): { sink: Writable; received: () => Buffer } {
  const parts: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      parts.push(chunk);
      cb();
    },
  });
  return { sink, received: () => Buffer.concat(parts) };
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function split(data: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) out.push(data.subarray(i, i + size));
  return out;
}

/**
 * `global.gc` when node runs with --expose-gc; otherwise the flag is switched on at run time and the
 * collector taken from a fresh V8 context (Node 20 allows both).
 */
function exposeGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  if (typeof gc !== 'function')
    throw new Error('no garbage collector to call; the memory tests need one');
  return gc as () => void;
}

describe('InspectingStream', () => {
  it('passes bytes through unchanged and reports hash, size and head', async () => {
    const data = randomBytes(100_000);
    const inspecting = new InspectingStream({ maxBytes: 1_000_000 });
    const { sink, received } = collector();
    await pipeline(source(split(data, 777)), inspecting, sink);

    expect(received().equals(data)).toBe(true);
    const result = inspecting.result();
    expect(result.sha256).toBe(sha256(data));
    expect(result.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(result.size).toBe(data.length);
    expect(result.head.length).toBe(DETECTION_BYTES);
    expect(result.head.equals(data.subarray(0, DETECTION_BYTES))).toBe(true);
  });

  it('assembles the head across chunk boundaries, including a single huge chunk', async () => {
    const data = randomBytes(10_000);
    for (const chunkSize of [1, 3, 4095, 4096, 4097, 10_000]) {
      const inspecting = new InspectingStream({ maxBytes: 10_000 });
      await pipeline(source(split(data, chunkSize)), inspecting, collector().sink);
      expect(inspecting.result().head.equals(data.subarray(0, DETECTION_BYTES))).toBe(true);
    }
  });

  it('keeps the whole file as head when it is shorter than headBytes', async () => {
    const data = Buffer.from('%PDF-1.7 tiny');
    const inspecting = new InspectingStream({ maxBytes: 100 });
    await pipeline(source([data]), inspecting, collector().sink);
    expect(inspecting.result()).toEqual({ sha256: sha256(data), size: data.length, head: data });
  });

  it('honours a custom headBytes', async () => {
    const data = randomBytes(100);
    const inspecting = new InspectingStream({ maxBytes: 100, headBytes: 10 });
    await pipeline(source([data]), inspecting, collector().sink);
    expect(inspecting.result().head.equals(data.subarray(0, 10))).toBe(true);
  });

  it('handles an empty stream', async () => {
    const inspecting = new InspectingStream({ maxBytes: 10 });
    await pipeline(source([]), inspecting, collector().sink);
    expect(inspecting.result()).toEqual({
      sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      size: 0,
      head: Buffer.alloc(0),
    });
  });

  it('accepts a file of exactly maxBytes', async () => {
    const data = randomBytes(30);
    const inspecting = new InspectingStream({ maxBytes: 30 });
    await pipeline(source(split(data, 10)), inspecting, collector().sink);
    expect(inspecting.result().size).toBe(30);
  });

  it('fails with FileTooLargeError before pushing the offending chunk', async () => {
    const data = randomBytes(50);
    const inspecting = new InspectingStream({ maxBytes: 25 });
    const { sink, received } = collector();
    const run = pipeline(source(split(data, 10)), inspecting, sink);

    await expect(run).rejects.toBeInstanceOf(FileTooLargeError);
    await expect(run).rejects.toMatchObject({ limit: 25, code: 'FILE_TOO_LARGE' });
    // Chunks 1 and 2 (20 bytes) went through, the third would have made 30 > 25.
    expect(received().equals(data.subarray(0, 20))).toBe(true);
    expect(() => inspecting.result()).toThrow(/before the stream finished/);
  });

  it('fails on the first byte when maxBytes is 0', async () => {
    const inspecting = new InspectingStream({ maxBytes: 0 });
    const { sink, received } = collector();
    await expect(pipeline(source([Buffer.from('x')]), inspecting, sink)).rejects.toBeInstanceOf(
      FileTooLargeError,
    );
    expect(received().length).toBe(0);
  });

  it('stops an endless source', async () => {
    const endless = new Readable({
      read() {
        this.push(Buffer.alloc(64 * 1024, 1));
      },
    });
    const inspecting = new InspectingStream({ maxBytes: 1024 * 1024 });
    const { sink, received } = collector();
    await expect(pipeline(endless, inspecting, sink)).rejects.toBeInstanceOf(FileTooLargeError);
    expect(received().length).toBe(1024 * 1024);
    expect(endless.destroyed).toBe(true);
  });

  it('result() throws before the stream has finished', () => {
    const inspecting = new InspectingStream({ maxBytes: 10 });
    expect(() => inspecting.result()).toThrow(/before the stream finished/);
  });

  it('rejects invalid limits', () => {
    expect(() => new InspectingStream({ maxBytes: -1 })).toThrow(RangeError);
    expect(() => new InspectingStream({ maxBytes: 1.5 })).toThrow(RangeError);
    expect(() => new InspectingStream({ maxBytes: Number.NaN })).toThrow(RangeError);
    expect(() => new InspectingStream({ maxBytes: 10, headBytes: -1 })).toThrow(RangeError);
  });

  describe('memory', () => {
    const TOTAL = 50 * 1024 * 1024;
    const CHUNK = 64 * 1024;
    const gc = exposeGc();

    /** Memory that grows if a stream retains data: JS heap plus ArrayBuffer/Buffer backing stores. */
    function used(): number {
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    }

    /**
     * Streams 50 MB of freshly generated (distinct) chunks through `stage` into a discarding sink,
     * returns the largest growth over the baseline seen during and after the run, and the data's hash.
     */
    async function peakGrowth(stage: Transform): Promise<{ peak: number; hash: string }> {
      gc();
      const baseline = used();
      let peak = 0;
      let produced = 0;
      const expected = createHash('sha256');
      const generator = new Readable({
        read() {
          if (produced >= TOTAL) {
            this.push(null);
            return;
          }
          const chunk = Buffer.allocUnsafe(CHUNK);
          chunk.fill(produced / CHUNK);
          chunk.writeUInt32LE(produced / CHUNK, 0);
          expected.update(chunk);
          produced += CHUNK;
          this.push(chunk);
        },
      });
      let seen = 0;
      const sink = new Writable({
        write(_chunk: Buffer, _enc, cb) {
          if (++seen % 64 === 0) {
            gc();
            peak = Math.max(peak, used() - baseline);
          }
          cb();
        },
      });
      await pipeline(generator, stage, sink);
      gc();
      peak = Math.max(peak, used() - baseline);
      return { peak, hash: expected.digest('hex') };
    }

    // Collected before each look, so garbage awaiting collection does not blur the numbers.
    const limit = 8 * 1024 * 1024;

    it('does not buffer a 50 MB file', async () => {
      const inspecting = new InspectingStream({ maxBytes: TOTAL });
      const { peak, hash } = await peakGrowth(inspecting);
      expect(inspecting.result().size).toBe(TOTAL);
      expect(inspecting.result().sha256).toBe(hash);
      expect(peak).toBeLessThan(limit);
    }, 30_000);

    it('the measurement does detect a stream that retains what it sees (control)', async () => {
      const retained: Buffer[] = [];
      const hoarding = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          retained.push(chunk);
          cb(null, chunk);
        },
      });
      const { peak } = await peakGrowth(hoarding);
      expect(retained.length).toBe(TOTAL / CHUNK);
      expect(peak).toBeGreaterThan(limit);
      retained.length = 0;
    }, 30_000);
  });
});
