// 上传: bytes streamed from the caller through type detection, hashing and the size limit into the
// object store; the metadata row is written only once the object is complete, and the object is
// removed again whenever the upload does not end in a row.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  appendManyToOutbox,
  invalidArgument,
  permissionDenied,
  uuidv7,
  withTransaction,
  type NewEvent,
  type Queryable,
} from '@loanflow/platform';
import { declaredTypeMatches, detectFileType, DETECTION_BYTES } from '../domain/files/detect';
import { FileTooLargeError, InspectingStream } from '../domain/files/inspect';
import {
  completeStages,
  fileNewVersion,
  findByRequestId,
  findDocument,
  findDocumentType,
  findSameBytes,
  type NewVersion,
} from '../infra/document-repo';
import { checklistCompleted, documentUploaded } from '../infra/events';
import { DOCUMENT_TYPES } from '../infra/proto-mapping';
import { lockOwner } from '../infra/owner-repo';
import { requireOpen, resolveOwner, SOURCE, type DocumentsDeps } from './deps';
import type { Caller, DocumentType, OwnerRecord, OwnerRef, StoredDocument } from './model';

export interface UploadHeader {
  owner: OwnerRef | undefined;
  documentType: string;
  declaredMediaType: string;
  /** Bytes the caller says are coming (int64 as text); '0' or '' when unknown. */
  declaredSize: string;
  fileName: string;
  requestId: string;
  /** The SHA-256 (hex) the client computed, or '' when it did not. */
  sha256?: string;
}

/** The messages of an upload: the header first, then the bytes in chunks. */
export type UploadMessage = { header?: UploadHeader; chunk?: Uint8Array };

/** Roles that read only (they view, never file documents). */
const READ_ONLY_ROLES = ['auditor'];

export async function uploadDocument(
  deps: DocumentsDeps,
  caller: Caller,
  messages: AsyncIterable<UploadMessage>,
): Promise<{ document: StoredDocument; duplicate: boolean }> {
  const iterator = messages[Symbol.asyncIterator]();
  const header = await headerOf(iterator);
  if (caller.principal.roles.every((r) => READ_ONLY_ROLES.includes(r))) {
    throw permissionDenied('filing documents needs a role that enters or reviews applications');
  }
  if (header.requestId) {
    const earlier = await findByRequestId(deps.pool, header.requestId);
    if (earlier) {
      await drain(iterator);
      return { document: earlier, duplicate: true };
    }
  }
  const type = await checkHeader(deps.pool, header);
  const owner = await resolveOwner(deps, caller, header.owner);
  requireOpen(owner);
  const file = await receiveFile(deps, iterator, header, type, owner);
  try {
    const stored = await withTransaction(deps.pool, (tx) =>
      fileUpload(tx, owner, {
        ...file,
        owner,
        documentType: type.code,
        pages: file.mediaType === 'image/jpeg' || file.mediaType === 'image/png' ? 1 : 0,
        fileName: header.fileName || null,
        uploadedBy: caller.principal.userId,
        requestId: header.requestId || null,
      }),
    );
    if (stored.duplicate) await deps.store.discard(file.objectKey);
    else deps.renditionsPending();
    return { document: (await findDocument(deps.pool, stored.id))!, duplicate: stored.duplicate };
  } catch (err) {
    await deps.store.discard(file.objectKey);
    throw err;
  }
}

async function headerOf(iterator: AsyncIterator<UploadMessage>): Promise<UploadHeader> {
  const first = await iterator.next();
  const header = first.done ? undefined : first.value.header;
  if (!header)
    throw invalidArgument([
      { field: 'header', reason: 'the first message must be the upload header' },
    ]);
  return header;
}

/** The header's every problem at once, before a byte is read; the document type it names. */
async function checkHeader(db: Queryable, header: UploadHeader): Promise<DocumentType> {
  const type = await findDocumentType(db, header.documentType);
  const problems = [];
  if (!type)
    problems.push({
      field: 'documentType',
      reason: `"${header.documentType}" is not a document type; one of ${DOCUMENT_TYPES.join(', ')}`,
    });
  if (!header.declaredMediaType)
    problems.push({ field: 'declaredMediaType', reason: 'is required' });
  if (type && Number(header.declaredSize) > type.maxBytes) {
    problems.push({
      field: 'file',
      reason: `is larger than ${type.maxBytes} bytes, the limit for ${type.code}`,
    });
  }
  if ((header.fileName ?? '').length > 255)
    problems.push({ field: 'fileName', reason: 'must be at most 255 characters' });
  if (header.sha256 && !/^[0-9a-f]{64}$/i.test(header.sha256))
    problems.push({ field: 'sha256', reason: 'must be 64 hexadecimal digits (SHA-256)' });
  if (problems.length) throw invalidArgument(problems);
  return type!;
}

interface ReceivedFile {
  id: string;
  objectKey: string;
  mediaType: string;
  size: number;
  sha256: string;
}

/**
 * The bytes into the object store: the first bytes decide the type before anything is stored,
 * the rest streams through hashing and the size limit. Whatever is refused (the type, the size,
 * a size or SHA-256 other than declared) leaves no object behind.
 */
async function receiveFile(
  deps: DocumentsDeps,
  iterator: AsyncIterator<UploadMessage>,
  header: UploadHeader,
  type: DocumentType,
  owner: OwnerRecord,
): Promise<ReceivedFile> {
  const head: Buffer[] = [];
  let headSize = 0;
  let ended = false;
  while (headSize < DETECTION_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    const chunk = asBuffer(next.value.chunk);
    head.push(chunk);
    headSize += chunk.length;
  }
  const start = Buffer.concat(head);
  if (start.length === 0) throw invalidArgument([{ field: 'file', reason: 'is empty' }]);
  const detected = detectFileType(start);
  if (!detected.ok) {
    await drain(iterator);
    throw invalidArgument([
      {
        field: 'file',
        reason: detected.executable
          ? `is an executable or script (${detected.reason}); refused`
          : detected.reason,
      },
    ]);
  }
  // Browsers say application/octet-stream when they do not know; then the bytes decide.
  const unknownDeclared = /^application\/octet-stream\b/i.test(header.declaredMediaType);
  if (!unknownDeclared && !declaredTypeMatches(header.declaredMediaType, detected.mediaType)) {
    await drain(iterator);
    throw invalidArgument([
      {
        field: 'declaredMediaType',
        reason: `says ${header.declaredMediaType} but the bytes are ${detected.mediaType}`,
      },
    ]);
  }
  if (!type.mediaTypes.includes(detected.mediaType)) {
    await drain(iterator);
    throw invalidArgument([
      { field: 'file', reason: `${detected.mediaType} is not accepted for ${type.code}` },
    ]);
  }

  const id = uuidv7();
  const key = `documents/${owner.kind}/${owner.id}/${id}.${detected.extension}`;
  const inspector = new InspectingStream({ maxBytes: type.maxBytes });
  async function* body() {
    yield start;
    if (ended) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      if (next.value.chunk && next.value.chunk.length > 0) yield asBuffer(next.value.chunk);
    }
  }
  const [stored, piped] = await Promise.allSettled([
    deps.store.putStream(key, inspector, detected.mediaType),
    pipeline(Readable.from(body(), { objectMode: false }), inspector),
  ]);
  if (piped.status === 'rejected' || stored.status === 'rejected') {
    await deps.store.discard(key);
    // Why the bytes stopped comes first (too large, the caller went away), then the store's reason.
    const err: unknown =
      piped.status === 'rejected' ? piped.reason : (stored as PromiseRejectedResult).reason;
    if (err instanceof FileTooLargeError) {
      throw invalidArgument([
        {
          field: 'file',
          reason: `is larger than ${type.maxBytes} bytes, the limit for ${type.code}`,
        },
      ]);
    }
    throw err;
  }
  const { sha256, size } = inspector.result();
  const problem =
    Number(header.declaredSize) > 0 && Number(header.declaredSize) !== size
      ? { field: 'file', reason: `${size} bytes arrived, ${header.declaredSize} were declared` }
      : header.sha256 && header.sha256.toLowerCase() !== sha256
        ? {
            field: 'sha256',
            reason: `the bytes that arrived hash to ${sha256}, not ${header.sha256}`,
          }
        : undefined;
  if (problem) {
    await deps.store.discard(key);
    throw invalidArgument([problem]);
  }
  return { id, objectKey: key, mediaType: detected.mediaType, size, sha256 };
}

/**
 * The document's row, the uploaded event and any stage of the checklist it completes, with the
 * owner locked (one writer per owner: versions are numbered in order). The same bytes filed
 * before for the owner answer with that document.
 */
async function fileUpload(
  tx: Queryable,
  owner: OwnerRecord,
  filed: NewVersion,
): Promise<{ id: string; duplicate: boolean }> {
  await lockOwner(tx, owner);
  const same = await findSameBytes(tx, owner, filed.sha256);
  if (same) return { id: same, duplicate: true };
  const version = await fileNewVersion(tx, filed);
  await appendManyToOutbox(tx, SOURCE, [
    documentUploaded({ ...filed, version }, owner),
    ...(await newlyCompleteStages(tx, owner)),
  ]);
  return { id: filed.id, duplicate: false };
}

/**
 * A copy of the decoded bytes: a view would keep the whole received frame alive as long as the
 * object store holds the chunk in its part buffer.
 */
const asBuffer = (bytes: Uint8Array | undefined): Buffer => Buffer.from(bytes ?? []);

/** Reads what is left of a refused upload so the caller's stream ends cleanly. */
async function drain(iterator: AsyncIterator<unknown>): Promise<void> {
  for (;;) {
    const next = await iterator.next();
    if (next.done) return;
  }
}

/** checklist.completed for each stage of the application whose required documents are now all in. */
export async function newlyCompleteStages(
  tx: Queryable,
  owner: OwnerRecord,
): Promise<NewEvent<unknown>[]> {
  if (!owner.applicationId || !owner.productCode) return [];
  const stages = await completeStages(tx, owner);
  return stages.map((stage) => checklistCompleted(owner, stage));
}
