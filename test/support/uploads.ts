import { createCipheriv, createHash, randomUUID, type Hash } from 'node:crypto';
import { request } from 'node:http';
import { assertDocumented } from './openapi-check';

/** A small, valid one-page PDF standing in for a scan: the one the demo book files too. */
export { scanPdf } from '@loanflow/launcher';

/** A JSON response body, read loosely by tests. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Body = Record<string, any>;

/** Pseudo-random bytes after a PDF header, made on the fly: nothing is held in memory. */
export async function* pdfStream(size: number, seed: string, hash?: Hash): AsyncGenerator<Buffer> {
  const header = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1');
  const cipher = createCipheriv(
    'aes-256-ctr',
    createHash('sha256').update(seed).digest(),
    Buffer.alloc(16),
  );
  hash?.update(header);
  yield header;
  let left = size - header.length;
  const block = Buffer.alloc(256 * 1024);
  while (left > 0) {
    const chunk = cipher.update(block.subarray(0, Math.min(block.length, left)));
    hash?.update(chunk);
    left -= chunk.length;
    yield chunk;
  }
}

export interface UploadFile {
  name: string;
  type: string;
  body: AsyncIterable<Buffer> | Buffer;
}

/** A multipart/form-data body streamed from `file` (the fields first, as the gateway asks). */
export function multipart(fields: Record<string, string>, file: UploadFile) {
  const boundary = `----loanflow${randomUUID()}`;
  async function* parts() {
    for (const [k, v] of Object.entries(fields)) {
      yield Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
      );
    }
    yield Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`,
    );
    if (Buffer.isBuffer(file.body)) yield file.body;
    else for await (const c of file.body) yield c;
    yield Buffer.from(`\r\n--${boundary}--\r\n`);
  }
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: parts() };
}

/**
 * POST /api/v1/documents as `token`, the body streamed with back-pressure through node:http
 * (fetch with a streaming body keeps what it sent, which would hide the gateway's own memory).
 * The answer is checked against the gateway's /openapi.json.
 */
export async function uploadDocument(
  baseUrl: string,
  token: string,
  owner: { kind: string; id: string },
  documentType: string,
  file: UploadFile,
  opts: { signal?: AbortSignal; key?: string } = {},
): Promise<{ status: number; body: Body }> {
  const m = multipart({ ownerKind: owner.kind, ownerId: owner.id, documentType }, file);
  return new Promise((resolve, reject) => {
    const req = request(
      `${baseUrl}/api/v1/documents`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': m.contentType,
          ...(opts.key ? { 'idempotency-key': opts.key } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const answer = { status: res.statusCode!, body: text ? (JSON.parse(text) as Body) : {} };
          // The answer must be as /openapi.json documents it, like every answer of api().
          assertDocumented(baseUrl, {
            method: 'POST',
            path: '/api/v1/documents',
            status: answer.status,
            contentType: res.headers['content-type'] ?? null,
            body: text ? answer.body : undefined,
          }).then(() => resolve(answer), reject);
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    opts.signal?.addEventListener('abort', () => req.destroy(new Error('aborted by the client')));
    (async () => {
      for await (const chunk of m.body) {
        if (req.destroyed) return;
        if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
      }
      req.end();
    })().catch(reject);
  });
}
