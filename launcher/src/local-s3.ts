import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

/**
 * A small S3-compatible object store on the local disk, for `npm start` on a machine with nothing
 * but Node.js (no S3_ENDPOINT, no Java for the project's S3Proxy). It speaks the part of the S3
 * REST API the documents service uses through the minio client — buckets, PUT/GET (with ranges)/
 * HEAD/DELETE of objects, multipart uploads, listing, presigned GETs — and refuses object
 * locking. Requests must name its access key (header or presigned query); signatures are not
 * checked: it listens on 127.0.0.1 for a demo and is not a production store.
 */
export class LocalS3 {
  private server: Server | undefined;
  readonly accessKey = 'local';
  readonly secretKey = randomBytes(18).toString('base64url');

  constructor(private readonly root: string) {}

  /** Starts on 127.0.0.1 (port 0 = any free port); returns the endpoint URL. */
  async start(port = 0): Promise<string> {
    await mkdir(this.root, { recursive: true });
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) fail(res, 500, 'InternalError', (err as Error).message);
        else res.destroy();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    const credential =
      url.searchParams.get('X-Amz-Credential') ??
      /Credential=([^,]+)/.exec(req.headers.authorization ?? '')?.[1];
    if (credential?.split('/')[0] !== this.accessKey) {
      req.resume();
      return fail(res, 403, 'InvalidAccessKeyId', 'unknown access key');
    }
    const [bucket = '', ...rest] = url.pathname.slice(1).split('/');
    const key = decodeURIComponent(rest.join('/'));
    const q = url.searchParams;
    if (!/^[a-z0-9][a-z0-9.-]{1,62}$/.test(bucket)) {
      req.resume();
      return fail(res, 400, 'InvalidBucketName', 'invalid bucket name');
    }
    const b = new Bucket(join(this.root, bucket));
    if (!key) return this.bucketRequest(req, res, b, q);
    if (!(await b.exists())) {
      req.resume();
      return fail(res, 404, 'NoSuchBucket', `no bucket ${bucket}`);
    }
    const method = req.method ?? 'GET';
    if (method === 'POST' && q.has('uploads')) {
      req.resume();
      const uploadId = await b.startUpload(key, req.headers['content-type'] ?? '');
      return xml(
        res,
        200,
        `<InitiateMultipartUploadResult><Bucket>${esc(bucket)}</Bucket><Key>${esc(key)}</Key><UploadId>${uploadId}</UploadId></InitiateMultipartUploadResult>`,
      );
    }
    if (method === 'PUT' && q.has('uploadId')) {
      const etag = await b.putPart(q.get('uploadId')!, Number(q.get('partNumber')), req);
      if (!etag) return fail(res, 404, 'NoSuchUpload', 'no such upload');
      res.writeHead(200, { ETag: `"${etag}"` }).end();
      return;
    }
    if (method === 'POST' && q.has('uploadId')) {
      const body = (await readBody(req)).toString('utf8');
      const parts = [...body.matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((m) => Number(m[1]));
      const etag = await b.completeUpload(q.get('uploadId')!, key, parts);
      if (!etag) return fail(res, 404, 'NoSuchUpload', 'no such upload');
      return xml(
        res,
        200,
        `<CompleteMultipartUploadResult><Location>/${esc(bucket)}/${esc(key)}</Location><Bucket>${esc(bucket)}</Bucket><Key>${esc(key)}</Key><ETag>"${etag}"</ETag></CompleteMultipartUploadResult>`,
      );
    }
    if (method === 'DELETE' && q.has('uploadId')) {
      req.resume();
      await b.abortUpload(q.get('uploadId')!);
      res.writeHead(204).end();
      return;
    }
    if (method === 'PUT' && q.has('retention')) {
      req.resume();
      return fail(res, 501, 'NotImplemented', 'object locking is not supported');
    }
    if (method === 'PUT') {
      const etag = await b.putObject(key, req, req.headers['content-type'] ?? '');
      res.writeHead(200, { ETag: `"${etag}"` }).end();
      return;
    }
    if (method === 'DELETE') {
      req.resume();
      await b.removeObject(key);
      res.writeHead(204).end();
      return;
    }
    if (method === 'GET' || method === 'HEAD') {
      req.resume();
      return b.serveObject(key, req, res, q);
    }
    req.resume();
    fail(res, 405, 'MethodNotAllowed', `${method} is not supported here`);
  }

  private async bucketRequest(
    req: IncomingMessage,
    res: ServerResponse,
    b: Bucket,
    q: URLSearchParams,
  ): Promise<void> {
    req.resume();
    const method = req.method ?? 'GET';
    if (method === 'PUT') {
      if (String(req.headers['x-amz-bucket-object-lock-enabled']).toLowerCase() === 'true')
        return fail(res, 501, 'NotImplemented', 'object locking is not supported');
      if (await b.exists()) return fail(res, 409, 'BucketAlreadyOwnedByYou', 'bucket exists');
      await b.create();
      res.writeHead(200).end();
      return;
    }
    if (!(await b.exists())) return fail(res, 404, 'NoSuchBucket', 'no such bucket');
    if (method === 'HEAD') {
      res.writeHead(200).end();
      return;
    }
    if (q.has('object-lock'))
      return fail(
        res,
        404,
        'ObjectLockConfigurationNotFoundError',
        'object lock configuration does not exist',
      );
    if (q.has('location'))
      return xml(res, 200, '<LocationConstraint>us-east-1</LocationConstraint>');
    const prefix = q.get('prefix') ?? '';
    if (q.has('uploads')) {
      const uploads = await b.uploads(prefix);
      return xml(
        res,
        200,
        `<ListMultipartUploadsResult><Bucket>${esc(b.name)}</Bucket><IsTruncated>false</IsTruncated>${uploads
          .map(
            (u) =>
              `<Upload><Key>${esc(u.key)}</Key><UploadId>${u.uploadId}</UploadId><Initiated>${u.initiated}</Initiated></Upload>`,
          )
          .join('')}</ListMultipartUploadsResult>`,
      );
    }
    const objects = await b.objects(prefix);
    return xml(
      res,
      200,
      `<ListBucketResult><Name>${esc(b.name)}</Name><Prefix>${esc(prefix)}</Prefix><KeyCount>${objects.length}</KeyCount><IsTruncated>false</IsTruncated>${objects
        .map(
          (o) =>
            `<Contents><Key>${esc(o.key)}</Key><LastModified>${o.modified}</LastModified><ETag>"${o.etag}"</ETag><Size>${o.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
        )
        .join('')}</ListBucketResult>`,
    );
  }
}

interface ObjectMeta {
  key: string;
  size: number;
  etag: string;
  contentType: string;
  modified: string;
}

/** One bucket: objects/<key, URI-encoded> with a .meta.json beside each, uploads/<id>/part-N. */
class Bucket {
  constructor(private readonly dir: string) {}

  get name(): string {
    return this.dir.split(/[\\/]/).pop()!;
  }

  async exists(): Promise<boolean> {
    return stat(join(this.dir, 'objects')).then(
      () => true,
      () => false,
    );
  }

  async create(): Promise<void> {
    await mkdir(join(this.dir, 'objects'), { recursive: true });
    await mkdir(join(this.dir, 'uploads'), { recursive: true });
  }

  private file(key: string): string {
    return join(this.dir, 'objects', encodeURIComponent(key));
  }

  /** Writes to a temporary file and renames it into place, so a reader never sees half. */
  async putObject(key: string, body: AsyncIterable<Buffer>, contentType: string): Promise<string> {
    const tmp = join(this.dir, 'uploads', `tmp-${randomUUID()}`);
    const { etag, size } = await writeHashed(body, tmp);
    await this.place(key, tmp, {
      key,
      size,
      etag,
      contentType,
      modified: new Date().toISOString(),
    });
    return etag;
  }

  private async place(key: string, tmp: string, meta: ObjectMeta): Promise<void> {
    await writeFile(`${this.file(key)}.meta.json`, JSON.stringify(meta));
    await rename(tmp, this.file(key));
  }

  async meta(key: string): Promise<ObjectMeta | undefined> {
    try {
      return JSON.parse(await readFile(`${this.file(key)}.meta.json`, 'utf8')) as ObjectMeta;
    } catch {
      return undefined;
    }
  }

  async removeObject(key: string): Promise<void> {
    await rm(this.file(key), { force: true });
    await rm(`${this.file(key)}.meta.json`, { force: true });
  }

  async objects(prefix: string): Promise<ObjectMeta[]> {
    const names = await readdir(join(this.dir, 'objects'));
    const metas = await Promise.all(
      names
        .filter((n) => n.endsWith('.meta.json'))
        .map((n) => decodeURIComponent(n.slice(0, -'.meta.json'.length)))
        .filter((k) => k.startsWith(prefix))
        .sort()
        .map((k) => this.meta(k)),
    );
    return metas.filter((m): m is ObjectMeta => m !== undefined);
  }

  async serveObject(
    key: string,
    req: IncomingMessage,
    res: ServerResponse,
    q: URLSearchParams,
  ): Promise<void> {
    const meta = await this.meta(key);
    if (!meta) {
      if (req.method === 'HEAD') {
        res.writeHead(404).end();
        return;
      }
      return fail(res, 404, 'NoSuchKey', 'the specified key does not exist');
    }
    const headers: Record<string, string | number> = {
      'Content-Type': q.get('response-content-type') ?? (meta.contentType || 'binary/octet-stream'),
      ETag: `"${meta.etag}"`,
      'Last-Modified': new Date(meta.modified).toUTCString(),
      'Accept-Ranges': 'bytes',
    };
    const disposition = q.get('response-content-disposition');
    if (disposition) headers['Content-Disposition'] = disposition;
    let start = 0;
    let end = meta.size - 1;
    let status = 200;
    const range = /^bytes=(\d*)-(\d*)$/.exec(String(req.headers.range ?? ''));
    if (range && meta.size > 0) {
      if (range[1] === '') start = Math.max(0, meta.size - Number(range[2]));
      else {
        start = Number(range[1]);
        if (range[2] !== '') end = Math.min(end, Number(range[2]));
      }
      if (start > end || start >= meta.size)
        return fail(res, 416, 'InvalidRange', 'the requested range is not satisfiable');
      status = 206;
      headers['Content-Range'] = `bytes ${start}-${end}/${meta.size}`;
    }
    headers['Content-Length'] = meta.size === 0 ? 0 : end - start + 1;
    res.writeHead(status, headers);
    if (req.method === 'HEAD' || meta.size === 0) {
      res.end();
      return;
    }
    await pipeline(createReadStream(this.file(key), { start, end }), res);
  }

  private uploadDir(uploadId: string): string | undefined {
    return /^[0-9a-f-]{36}$/.test(uploadId) ? join(this.dir, 'uploads', uploadId) : undefined;
  }

  async startUpload(key: string, contentType: string): Promise<string> {
    const uploadId = randomUUID();
    await mkdir(join(this.dir, 'uploads', uploadId));
    await writeFile(
      join(this.dir, 'uploads', uploadId, 'upload.json'),
      JSON.stringify({ key, contentType, initiated: new Date().toISOString() }),
    );
    return uploadId;
  }

  async putPart(
    uploadId: string,
    part: number,
    body: AsyncIterable<Buffer>,
  ): Promise<string | undefined> {
    const dir = this.uploadDir(uploadId);
    if (!dir || !(await stat(dir).catch(() => undefined)) || !(part >= 1 && part <= 10000))
      return undefined;
    return (await writeHashed(body, join(dir, `part-${part}`))).etag;
  }

  async completeUpload(
    uploadId: string,
    key: string,
    parts: number[],
  ): Promise<string | undefined> {
    const dir = this.uploadDir(uploadId);
    const upload = dir
      ? await readFile(join(dir, 'upload.json'), 'utf8')
          .then((t) => JSON.parse(t) as { key: string; contentType: string })
          .catch(() => undefined)
      : undefined;
    if (!dir || !upload || upload.key !== key) return undefined;
    const tmp = join(this.dir, 'uploads', `tmp-${randomUUID()}`);
    const out = createWriteStream(tmp);
    const md5s: Buffer[] = [];
    let size = 0;
    for (const part of parts) {
      const file = join(dir, `part-${part}`);
      const data = await readFile(file);
      md5s.push(createHash('md5').update(data).digest());
      size += data.length;
      if (!out.write(data)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((resolve, reject) =>
      out.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
    // The multipart ETag: md5 of the parts' md5s, dash, the number of parts.
    const etag = `${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-${parts.length}`;
    await this.place(key, tmp, {
      key,
      size,
      etag,
      contentType: upload.contentType,
      modified: new Date().toISOString(),
    });
    await rm(dir, { recursive: true, force: true });
    return etag;
  }

  async abortUpload(uploadId: string): Promise<void> {
    const dir = this.uploadDir(uploadId);
    if (dir) await rm(dir, { recursive: true, force: true });
  }

  async uploads(prefix: string): Promise<{ key: string; uploadId: string; initiated: string }[]> {
    const found = [];
    for (const uploadId of await readdir(join(this.dir, 'uploads'))) {
      const u = await readFile(join(this.dir, 'uploads', uploadId, 'upload.json'), 'utf8')
        .then((t) => JSON.parse(t) as { key: string; initiated: string })
        .catch(() => undefined);
      if (u && u.key.startsWith(prefix))
        found.push({ key: u.key, uploadId, initiated: u.initiated });
    }
    return found;
  }
}

/** Streams `body` to `file`, with its MD5 (the ETag) and size; a failed write leaves no file. */
async function writeHashed(
  body: AsyncIterable<Buffer>,
  file: string,
): Promise<{ etag: string; size: number }> {
  const md5 = createHash('md5');
  let size = 0;
  try {
    await pipeline(
      body,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          md5.update(chunk);
          size += chunk.length;
          yield chunk;
        }
      },
      createWriteStream(file),
    );
  } catch (err) {
    await rm(file, { force: true });
    throw err;
  }
  return { etag: md5.digest('hex'), size };
}

function readBody(req: IncomingMessage, limit = 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) req.destroy(new Error('request body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function xml(res: ServerResponse, status: number, body: string): void {
  res
    .writeHead(status, { 'Content-Type': 'application/xml' })
    .end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
}

function fail(res: ServerResponse, status: number, code: string, message: string): void {
  xml(
    res,
    status,
    `<Error><Code>${code}</Code><Message>${esc(message)}</Message><RequestId>${randomUUID()}</RequestId></Error>`,
  );
}
