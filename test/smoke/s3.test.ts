import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createCipheriv, createHash, Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import * as Minio from 'minio';
import { resolveEndpoints } from '../infra/endpoints';
import { uniqueId } from './util';

const endpoints = resolveEndpoints();
const MiB = 1024 * 1024;
const PART_SIZE = 5 * MiB; // S3 minimum part size
const OBJECT_SIZE = 21 * MiB + 12_345; // → 5 parts, the last one short

/**
 * Deterministic pseudo-random bytes: the AES-256-CTR keystream for a seed. Any range can be
 * recomputed on its own (the counter is the 16-byte block index), so nothing is kept in memory.
 */
function keystream(seed: string, offset: number, length: number): Buffer {
  const key = createHash('sha256').update(seed).digest();
  const firstBlock = Math.floor(offset / 16);
  const iv = Buffer.alloc(16);
  iv.writeBigUInt64BE(BigInt(firstBlock), 8);
  const skip = offset - firstBlock * 16;
  const cipher = createCipheriv('aes-256-ctr', key, iv);
  return cipher.update(Buffer.alloc(skip + length)).subarray(skip);
}

/** Streams `size` keystream bytes in 256 KiB chunks, hashing them on the way. */
class PatternStream extends Readable {
  private offset = 0;
  readonly sha256: Hash = createHash('sha256');
  private readonly cipher;
  private static readonly CHUNK = 256 * 1024;
  private static readonly ZEROS = Buffer.alloc(PatternStream.CHUNK);

  constructor(
    seed: string,
    private readonly size: number,
  ) {
    super();
    this.cipher = createCipheriv(
      'aes-256-ctr',
      createHash('sha256').update(seed).digest(),
      Buffer.alloc(16),
    );
  }

  override _read(): void {
    const n = Math.min(PatternStream.CHUNK, this.size - this.offset);
    if (n <= 0) {
      this.push(null);
      return;
    }
    const chunk = this.cipher.update(PatternStream.ZEROS.subarray(0, n));
    this.sha256.update(chunk);
    this.offset += n;
    this.push(chunk);
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function sha256Of(stream: Readable): Promise<{ hex: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { hex: hash.digest('hex'), bytes };
}

describe('smoke: S3-compatible object store', () => {
  const id = uniqueId();
  const bucket = `smoke-${id}`;
  const objectName = `contracts/${id}/signed-contract.bin`;
  const seed = `loanflow-smoke-${id}`;
  const url = new URL(endpoints.S3_ENDPOINT);
  const client = new Minio.Client({
    endPoint: url.hostname,
    port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    useSSL: url.protocol === 'https:',
    accessKey: endpoints.S3_ACCESS_KEY,
    secretKey: endpoints.S3_SECRET_KEY,
    region: endpoints.S3_REGION,
    pathStyle: true,
    partSize: PART_SIZE,
  });

  beforeAll(async () => {
    await client.makeBucket(bucket, endpoints.S3_REGION);
  });

  afterAll(async () => {
    await client.removeIncompleteUpload(bucket, objectName).catch(() => undefined);
    await client.removeObject(bucket, objectName).catch(() => undefined);
    await client.removeBucket(bucket).catch(() => undefined);
  });

  it('rejects wrong credentials', async () => {
    const intruder = new Minio.Client({
      endPoint: url.hostname,
      port: Number(url.port || 80),
      useSSL: url.protocol === 'https:',
      accessKey: endpoints.S3_ACCESS_KEY,
      secretKey: `${endpoints.S3_SECRET_KEY}-wrong`,
      region: endpoints.S3_REGION,
      pathStyle: true,
    });
    await expect(intruder.listBuckets()).rejects.toThrow();
  });

  it('multipart upload of a streamed 21 MiB object, stat, ranged read, full download', async () => {
    const source = new PatternStream(seed, OBJECT_SIZE);
    const uploaded = await client.putObject(bucket, objectName, source, OBJECT_SIZE, {
      'Content-Type': 'application/octet-stream',
    });
    const uploadSha = source.sha256.digest('hex');
    // A multipart upload's ETag is "<md5 of part md5s>-<number of parts>".
    expect(uploaded.etag).toMatch(/-5$/);

    const stat = await client.statObject(bucket, objectName);
    expect(stat.size).toBe(OBJECT_SIZE);
    expect(stat.etag).toBe(uploaded.etag);

    // Ranges that straddle a part boundary, start the object and end it.
    const ranges: Array<[number, number]> = [
      [PART_SIZE - 1000, 4096],
      [0, 100],
      [OBJECT_SIZE - 777, 777],
    ];
    for (const [offset, length] of ranges) {
      const got = await readAll(await client.getPartialObject(bucket, objectName, offset, length));
      expect(got.length).toBe(length);
      expect(got.equals(keystream(seed, offset, length))).toBe(true);
    }

    const downloaded = await sha256Of(await client.getObject(bucket, objectName));
    expect(downloaded.bytes).toBe(OBJECT_SIZE);
    expect(downloaded.hex).toBe(uploadSha);
  });
});
