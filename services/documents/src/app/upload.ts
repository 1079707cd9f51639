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
  type CallContext,
  type NewEvent,
  type Queryable,
} from '@loanflow/platform';
import { documentTypeWords, type documentsV1 as pb } from '@loanflow/proto';
import { declaredTypeMatches, detectFileType, DETECTION_BYTES } from '../domain/files/detect';
import { FileTooLargeError, InspectingStream } from '../domain/files/inspect';
import { documentMessage, findDocument } from '../infra/document-repo';
import {
  CHECKLIST_ITEM_PRESENT,
  requireOpen,
  resolveOwner,
  SOURCE,
  type DocumentsDeps,
  type OwnerRecord,
} from './deps';

interface DocumentType {
  code: string;
  max_bytes: string;
  media_types: string[];
}

/** Roles that read only (they view, never file documents). */
const READ_ONLY_ROLES = ['auditor'];

export async function uploadDocument(
  deps: DocumentsDeps,
  ctx: CallContext,
  messages: AsyncIterable<pb.UploadDocumentRequest>,
): Promise<pb.UploadDocumentResponse> {
  const principal = ctx.principal();
  const iterator = messages[Symbol.asyncIterator]();
  const first = await iterator.next();
  const header = first.done ? undefined : first.value.header;
  if (!header)
    throw invalidArgument([
      { field: 'header', reason: 'the first message must be the upload header' },
    ]);
  if (principal.roles.every((r) => READ_ONLY_ROLES.includes(r))) {
    throw permissionDenied('filing documents needs a role that enters or reviews applications');
  }
  if (header.requestId) {
    const { rows } = await deps.pool.query<{ id: string }>(
      'SELECT id FROM documents WHERE request_id = $1',
      [header.requestId],
    );
    if (rows[0]) {
      await drain(iterator);
      return {
        document: documentMessage((await findDocument(deps.pool, rows[0].id))!),
        duplicate: true,
      };
    }
  }
  const { rows: types } = await deps.pool.query<DocumentType>(
    'SELECT code, max_bytes, media_types FROM document_types WHERE code = $1',
    [header.documentType],
  );
  const type = types[0];
  const problems = [];
  if (!type)
    problems.push({
      field: 'documentType',
      reason: `"${header.documentType}" is not a document type; one of ${documentTypeWords.words.join(', ')}`,
    });
  if (!header.declaredMediaType)
    problems.push({ field: 'declaredMediaType', reason: 'is required' });
  if (type && Number(header.declaredSize) > Number(type.max_bytes)) {
    problems.push({
      field: 'file',
      reason: `is larger than ${type.max_bytes} bytes, the limit for ${type.code}`,
    });
  }
  if ((header.fileName ?? '').length > 255)
    problems.push({ field: 'fileName', reason: 'must be at most 255 characters' });
  if (problems.length) throw invalidArgument(problems);
  const owner = await resolveOwner(deps, ctx, header.owner);
  requireOpen(owner);

  // The first bytes decide the type before anything is stored.
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
  if (!type!.media_types.includes(detected.mediaType)) {
    await drain(iterator);
    throw invalidArgument([
      { field: 'file', reason: `${detected.mediaType} is not accepted for ${type!.code}` },
    ]);
  }

  const id = uuidv7();
  const key = `documents/${owner.kind}/${owner.id}/${id}.${detected.extension}`;
  const inspector = new InspectingStream({ maxBytes: Number(type!.max_bytes) });
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
          reason: `is larger than ${type!.max_bytes} bytes, the limit for ${type!.code}`,
        },
      ]);
    }
    throw err;
  }
  const { sha256, size } = inspector.result();
  try {
    if (Number(header.declaredSize) > 0 && Number(header.declaredSize) !== size) {
      throw invalidArgument([
        { field: 'file', reason: `${size} bytes arrived, ${header.declaredSize} were declared` },
      ]);
    }
    const stored = await withTransaction(deps.pool, async (tx) => {
      // One writer per owner: versions are numbered in order.
      await tx.query('SELECT 1 FROM owners WHERE kind = $1 AND id = $2 FOR UPDATE', [
        owner.kind,
        owner.id,
      ]);
      const { rows: same } = await tx.query<{ id: string }>(
        `SELECT id FROM documents WHERE owner_kind = $1 AND owner_id = $2 AND sha256 = $3 AND status <> 'deleted'`,
        [owner.kind, owner.id, sha256],
      );
      if (same[0]) return { id: same[0].id, duplicate: true };
      const { rows: version } = await tx.query<{ v: number }>(
        `SELECT COALESCE(max(version), 0) + 1 AS v FROM documents WHERE owner_kind = $1 AND owner_id = $2 AND document_type = $3`,
        [owner.kind, owner.id, type!.code],
      );
      await tx.query(
        `UPDATE documents SET status = 'superseded'
          WHERE owner_kind = $1 AND owner_id = $2 AND document_type = $3 AND status = 'stored'`,
        [owner.kind, owner.id, type!.code],
      );
      await tx.query(
        `INSERT INTO documents (id, owner_kind, owner_id, document_type, version, media_type, size, sha256,
           pages, file_name, object_key, status, uploaded_by, request_id, renditions)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'stored', $12, $13, 'pending')`,
        [
          id,
          owner.kind,
          owner.id,
          type!.code,
          version[0]!.v,
          detected.mediaType,
          size,
          sha256,
          detected.mediaType === 'image/jpeg' || detected.mediaType === 'image/png' ? 1 : 0,
          header.fileName || null,
          key,
          principal.userId,
          header.requestId || null,
        ],
      );
      const events: NewEvent<unknown>[] = [
        {
          type: 'documents.document.uploaded',
          subjectId: id,
          data: {
            documentId: id,
            owner: { kind: owner.kind, id: owner.id },
            applicationId: owner.applicationId,
            branchId: owner.branchId,
            documentType: type!.code,
            version: version[0]!.v,
            mediaType: detected.mediaType,
            size,
            sha256,
            uploadedBy: principal.userId,
          },
        },
        ...(await newlyCompleteStages(tx, owner)),
      ];
      await appendManyToOutbox(tx, SOURCE, events);
      return { id, duplicate: false };
    });
    if (stored.duplicate) await deps.store.discard(key);
    else deps.renditionsPending();
    return {
      document: documentMessage((await findDocument(deps.pool, stored.id))!),
      duplicate: stored.duplicate,
    };
  } catch (err) {
    await deps.store.discard(key);
    throw err;
  }
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
  const { rows } = await tx.query<{ stage: string }>(
    `SELECT c.stage FROM checklist_items c
      WHERE c.product_code = $1
      GROUP BY c.stage
     HAVING bool_and(${CHECKLIST_ITEM_PRESENT})
        AND NOT EXISTS (SELECT 1 FROM checklist_completions x WHERE x.application_id = $2 AND x.stage = c.stage)`,
    [owner.productCode, owner.applicationId, owner.customerId],
  );
  if (rows.length === 0) return [];
  await tx.query(
    `INSERT INTO checklist_completions (application_id, stage) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
    [owner.applicationId, rows.map((r) => r.stage)],
  );
  return rows.map((r) => ({
    type: 'documents.checklist.completed',
    subjectId: owner.applicationId!,
    data: { applicationId: owner.applicationId, productCode: owner.productCode, stage: r.stage },
  }));
}
