// The object store (MinIO in production, any S3 server in tests) through the `minio` client.
import type { Readable } from 'node:stream';
import * as Minio from 'minio';
import type { Logger } from '@loanflow/platform';

export interface StorageConfig {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  region: string;
  bucket: string;
  partSizeMb: number;
}

export class ObjectStore {
  readonly client: Minio.Client;
  /** Whether the bucket has object locking (MinIO with versioning does; S3Proxy does not). */
  objectLock = false;

  constructor(
    private readonly config: StorageConfig,
    private readonly log: Logger,
  ) {
    const url = new URL(config.endpoint);
    this.client = new Minio.Client({
      endPoint: url.hostname,
      port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
      useSSL: url.protocol === 'https:',
      accessKey: config.accessKey,
      secretKey: config.secretKey,
      region: config.region,
      pathStyle: true,
      partSize: config.partSizeMb * 1024 * 1024,
    });
  }

  get bucket(): string {
    return this.config.bucket;
  }

  /** Creates the bucket (with object locking where the server can) unless it exists. */
  async ensureBucket(): Promise<void> {
    const exists = await this.client.bucketExists(this.bucket);
    if (!exists) {
      try {
        await this.client.makeBucket(this.bucket, this.config.region, { ObjectLocking: true });
      } catch (err) {
        this.log.info(
          { err: (err as Error).message },
          'object store refused object locking; plain bucket',
        );
        try {
          await this.client.makeBucket(this.bucket, this.config.region);
        } catch (again) {
          // Another replica may have made it in between.
          if (!(await this.client.bucketExists(this.bucket))) throw again;
        }
      }
    }
    try {
      const lock = (await this.client.getObjectLockConfig(this.bucket)) as unknown as {
        objectLockEnabled?: string;
      };
      this.objectLock = lock.objectLockEnabled === 'Enabled';
    } catch {
      this.objectLock = false;
    }
  }

  /** Streams `body` to `key` (multipart beyond one part); size unknown is fine. */
  async put(key: string, body: Readable | Buffer, contentType: string): Promise<void> {
    await this.client.putObject(this.bucket, key, body, undefined, { 'Content-Type': contentType });
  }

  /**
   * Streams to `key` one part at a time: a single PUT when it fits one part, otherwise a multipart
   * upload whose next part is read only once the last one is stored — the minio client's own
   * putObject queues many parts in memory when the store is slower than the sender. A failure of
   * the source or the store aborts the multipart upload.
   */
  async putStream(key: string, body: AsyncIterable<Buffer>, contentType: string): Promise<void> {
    const partSize = this.config.partSizeMb * 1024 * 1024;
    const headers = { 'Content-Type': contentType };
    let uploadId: string | undefined;
    const parts: { part: number; etag: string }[] = [];
    let pending: Buffer[] = [];
    let pendingSize = 0;
    const take = () => {
      const part = Buffer.concat(pending, pendingSize);
      pending = [];
      pendingSize = 0;
      return part;
    };
    const upload = async (payload: Buffer) => {
      uploadId ??= await this.client.initiateNewMultipartUpload(this.bucket, key, headers);
      const partNumber = parts.length + 1;
      const { etag } = await this.client.uploadPart(
        { bucketName: this.bucket, objectName: key, uploadID: uploadId, partNumber, headers: {} },
        payload,
      );
      parts.push({ part: partNumber, etag });
    };
    try {
      for await (const chunk of body) {
        pending.push(chunk);
        pendingSize += chunk.length;
        if (pendingSize >= partSize) await upload(take());
      }
      if (uploadId === undefined) {
        await this.client.putObject(this.bucket, key, take(), undefined, headers);
        return;
      }
      if (pendingSize > 0) await upload(take());
      await this.client.completeMultipartUpload(this.bucket, key, uploadId, parts);
    } catch (err) {
      if (uploadId !== undefined) {
        await this.client.abortMultipartUpload(this.bucket, key, uploadId).catch(() => undefined);
      }
      throw err;
    }
  }

  /** Removes an object and any multipart upload left of it (nothing orphaned after a failure). */
  async discard(key: string): Promise<void> {
    await this.client.removeIncompleteUpload(this.bucket, key).catch(() => undefined);
    await this.client.removeObject(this.bucket, key).catch(() => undefined);
  }

  async get(key: string): Promise<Readable> {
    return this.client.getObject(this.bucket, key);
  }

  async getBuffer(key: string, maxBytes: number): Promise<Buffer> {
    const stream = await this.get(key);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        stream.destroy();
        throw new Error(`object ${key} is larger than ${maxBytes} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  /** The object's size in bytes. */
  async size(key: string): Promise<number> {
    return (await this.client.statObject(this.bucket, key)).size;
  }

  /** A legal hold on the object where the server has object locking; else nothing (best effort). */
  async holdLegally(key: string): Promise<void> {
    if (!this.objectLock) return;
    await Promise.resolve(
      this.client.setObjectLegalHold(this.bucket, key, { status: 'ON', versionId: '' } as never),
    ).catch(() => undefined);
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.statObject(this.bucket, key);
      return true;
    } catch {
      return false;
    }
  }

  presign(key: string, seconds: number, fileName?: string): Promise<string> {
    return this.client.presignedGetObject(
      this.bucket,
      key,
      seconds,
      fileName
        ? {
            'response-content-disposition': `inline; filename*=UTF-8''${encodeURIComponent(fileName)}`,
          }
        : {},
    );
  }

  /** Compliance retention until `until` where the server supports object locking. */
  async retain(key: string, until: Date): Promise<boolean> {
    if (!this.objectLock) return false;
    await this.client.putObjectRetention(this.bucket, key, {
      mode: Minio.RETENTION_MODES.COMPLIANCE,
      retainUntilDate: until.toISOString(),
      versionId: '',
    });
    return true;
  }

  /** Keys under a prefix (tests: nothing orphaned). */
  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const item of this.client.listObjectsV2(this.bucket, prefix, true)) {
      if ((item as { name?: string }).name) keys.push((item as { name: string }).name);
    }
    return keys;
  }

  /** Multipart uploads still open under a prefix. */
  async incompleteUploads(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const item of this.client.listIncompleteUploads(this.bucket, prefix, true)) {
      keys.push((item as { key: string }).key);
    }
    return keys;
  }
}
