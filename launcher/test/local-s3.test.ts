import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@loanflow/platform';
import { ObjectStore } from '@loanflow/documents';
import { LocalS3 } from '../src/local-s3';

/**
 * The local object store of `npm start` (no S3 server, no Java) driven by the documents service's
 * own storage layer and the real minio client: what the service does with it must work.
 */
describe('LocalS3 through the documents service storage layer', () => {
  let dir: string;
  let s3: LocalS3;
  let store: ObjectStore;
  const log = createLogger('local-s3-test', 'silent');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loanflow-local-s3-'));
    s3 = new LocalS3(dir);
    const endpoint = await s3.start();
    store = new ObjectStore(
      {
        endpoint,
        accessKey: s3.accessKey,
        secretKey: s3.secretKey,
        region: 'us-east-1',
        bucket: 'loanflow-documents',
        partSizeMb: 5,
      },
      log,
    );
    await store.ensureBucket();
  });
  afterAll(async () => {
    await s3?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function* chunks(data: Buffer, size = 256 * 1024) {
    for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
  }
  const read = async (key: string) => {
    const parts: Buffer[] = [];
    for await (const c of await store.get(key)) parts.push(c as Buffer);
    return Buffer.concat(parts);
  };
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

  it('makes a plain bucket (object locking is refused) and knows it exists', async () => {
    expect(store.objectLock).toBe(false);
    expect(await store.client.bucketExists('loanflow-documents')).toBe(true);
    expect(await store.client.bucketExists('no-such-bucket')).toBe(false);
  });

  it('stores a small scan in one PUT and a large one in parts, byte for byte', async () => {
    const small = randomBytes(300 * 1024);
    await store.putStream('applications/a1/small.pdf', chunks(small), 'application/pdf');
    const large = randomBytes(12 * 1024 * 1024 + 123);
    await store.putStream('applications/a1/large.pdf', chunks(large), 'application/pdf');
    expect(sha(await read('applications/a1/small.pdf'))).toBe(sha(small));
    expect(sha(await read('applications/a1/large.pdf'))).toBe(sha(large));
    const stat = await store.client.statObject('loanflow-documents', 'applications/a1/large.pdf');
    expect(stat.size).toBe(large.length);
    expect(stat.etag).toMatch(/-3$/); // three parts of 5 MB at most
    expect(await store.list('applications/a1/')).toEqual([
      'applications/a1/large.pdf',
      'applications/a1/small.pdf',
    ]);
    expect(await store.incompleteUploads('applications/a1/')).toEqual([]);
  });

  it('serves ranges, knows what is missing and deletes', async () => {
    const data = randomBytes(64 * 1024);
    await store.put('customers/c1/id.jpg', data, 'image/jpeg');
    const part: Buffer[] = [];
    for await (const c of await store.client.getPartialObject(
      'loanflow-documents',
      'customers/c1/id.jpg',
      1000,
      24,
    ))
      part.push(c as Buffer);
    expect(Buffer.concat(part)).toEqual(data.subarray(1000, 1024));
    expect(await store.exists('customers/c1/id.jpg')).toBe(true);
    expect(await store.exists('customers/c1/none.jpg')).toBe(false);
    await expect(store.get('customers/c1/none.jpg')).rejects.toMatchObject({ code: 'NoSuchKey' });
    await store.discard('customers/c1/id.jpg');
    expect(await store.exists('customers/c1/id.jpg')).toBe(false);
  });

  it('leaves no object and no open upload when the source fails mid-way', async () => {
    async function* breaking() {
      yield randomBytes(6 * 1024 * 1024);
      throw new Error('client went away');
    }
    await expect(
      store.putStream('applications/a2/broken.pdf', breaking(), 'application/pdf'),
    ).rejects.toThrow('client went away');
    expect(await store.list('applications/a2/')).toEqual([]);
    expect(await store.incompleteUploads('applications/a2/')).toEqual([]);
  });

  it('answers a presigned URL with the file name asked for, and refuses an unknown key', async () => {
    const data = Buffer.from('%PDF-1.7 presigned');
    await store.put('applications/a3/view.pdf', data, 'application/pdf');
    const url = await store.presign('applications/a3/view.pdf', 120, '合同.pdf');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain(encodeURIComponent('合同.pdf'));
    expect(Buffer.from(await res.arrayBuffer())).toEqual(data);

    const forged = new URL(url);
    forged.searchParams.set('X-Amz-Credential', 'someone/20260101/us-east-1/s3/aws4_request');
    expect((await fetch(forged)).status).toBe(403);
  });
});
