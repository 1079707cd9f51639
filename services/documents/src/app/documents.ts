// 调阅 and 档案: reading documents (every view recorded), checklists, the central archive.
import {
  branchFilter,
  appendToOutbox,
  failedPrecondition,
  invalidArgument,
  notFound,
  requireRole,
  withTransaction,
  type CallContext,
  type Queryable,
} from '@loanflow/platform';
import type { documentsV1 as pb } from '@loanflow/proto';
import {
  DOCUMENT_SELECT,
  documentMessage,
  findDocument,
  type DocumentRow,
} from '../infra/document-repo';
import {
  CHECKLIST_ITEM_PRESENT,
  isUuid,
  resolveOwner,
  SOURCE,
  type DocumentsDeps,
  type OwnerRecord,
} from './deps';

/** The document, if the caller may see its owner (asked of the owning service with their token). */
async function visibleDocument(
  deps: DocumentsDeps,
  ctx: CallContext,
  id: string,
  field = 'id',
): Promise<{ doc: DocumentRow; owner: OwnerRecord }> {
  if (!isUuid(id)) throw invalidArgument([{ field, reason: 'must be a UUID' }]);
  const doc = await findDocument(deps.pool, id);
  if (!doc || doc.status === 'deleted') throw notFound(`document ${id}`);
  const owner = await resolveOwner(deps, ctx, { kind: doc.owner_kind, id: doc.owner_id });
  return { doc, owner };
}

export async function listDocuments(
  deps: DocumentsDeps,
  ctx: CallContext,
  req: pb.ListDocumentsRequest,
): Promise<pb.ListDocumentsResponse> {
  const owner = await resolveOwner(deps, ctx, req.owner);
  const { rows } = await deps.pool.query<DocumentRow>(
    `${DOCUMENT_SELECT} WHERE d.owner_kind = $1 AND d.owner_id = $2 AND d.status <> 'deleted'
       AND ($3 OR d.status <> 'superseded') ORDER BY d.document_type, d.version`,
    [owner.kind, owner.id, req.includeSuperseded],
  );
  return { documents: rows.map(documentMessage) };
}

export async function getDocument(
  deps: DocumentsDeps,
  ctx: CallContext,
  req: pb.GetDocumentRequest,
): Promise<pb.GetDocumentResponse> {
  const { doc } = await visibleDocument(deps, ctx, req.id);
  return { document: documentMessage(doc) };
}

export async function listVersions(
  deps: DocumentsDeps,
  ctx: CallContext,
  req: pb.ListVersionsRequest,
): Promise<pb.ListVersionsResponse> {
  const { doc } = await visibleDocument(deps, ctx, req.id);
  const { rows } = await deps.pool.query<DocumentRow>(
    `${DOCUMENT_SELECT} WHERE d.owner_kind = $1 AND d.owner_id = $2 AND d.document_type = $3 AND d.status <> 'deleted'
     ORDER BY d.version DESC`,
    [doc.owner_kind, doc.owner_id, doc.document_type],
  );
  return { versions: rows.map(documentMessage) };
}

type Rendition = 'original' | 'thumbnail' | 'preview';

function renditionOf(
  doc: DocumentRow,
  rendition: string,
): { key: string; mediaType: string; via: 'stream' | 'thumbnail' | 'preview' } {
  const r = (rendition || 'original') as Rendition;
  if (r === 'original') return { key: doc.object_key, mediaType: doc.media_type, via: 'stream' };
  if (r !== 'thumbnail' && r !== 'preview') {
    throw invalidArgument([
      { field: 'rendition', reason: 'must be original, thumbnail or preview' },
    ]);
  }
  const key = r === 'thumbnail' ? doc.thumbnail_key : doc.preview_key;
  if (!key) {
    throw failedPrecondition(
      doc.renditions === 'pending'
        ? `the ${r} is being made; try again shortly`
        : `this document has no ${r}`,
    );
  }
  return { key, mediaType: 'image/jpeg', via: r };
}

async function recordView(
  db: Queryable,
  ctx: CallContext,
  documentId: string,
  via: string,
): Promise<void> {
  const p = ctx.principal();
  await db.query(
    'INSERT INTO document_views (document_id, viewer, viewer_name, via) VALUES ($1, $2, $3, $4)',
    [documentId, p.userId, p.displayName || p.username, via],
  );
}

/** Streams a document (or its thumbnail/preview) to an allowed viewer; the view is recorded first. */
export async function readDocument(
  deps: DocumentsDeps,
  ctx: CallContext,
  req: pb.ReadDocumentRequest,
  send: (m: pb.ReadDocumentResponse) => Promise<void>,
): Promise<void> {
  const { doc } = await visibleDocument(deps, ctx, req.id);
  const r = renditionOf(doc, req.rendition);
  const stat = await deps.store.client.statObject(deps.store.bucket, r.key);
  await recordView(deps.pool, ctx, doc.id, r.via);
  await send({
    header: {
      mediaType: r.mediaType,
      size: String(stat.size),
      fileName: doc.file_name ?? '',
      sha256: r.via === 'stream' ? doc.sha256 : '',
    },
  });
  const stream = await deps.store.get(r.key);
  try {
    for await (const chunk of stream) await send({ chunk: chunk as Buffer });
  } finally {
    stream.destroy();
  }
}

export async function presignDocument(
  deps: DocumentsDeps,
  ctx: CallContext,
  req: pb.PresignDocumentRequest,
): Promise<pb.PresignDocumentResponse> {
  const { doc } = await visibleDocument(deps, ctx, req.id);
  const r = renditionOf(doc, req.rendition);
  const url = await deps.store.presign(r.key, deps.presignSeconds, doc.file_name ?? undefined);
  await recordView(deps.pool, ctx, doc.id, r.via === 'stream' ? 'presigned' : r.via);
  return { url, expiresAt: new Date(Date.now() + deps.presignSeconds * 1000).toISOString() };
}

export async function listViews(
  deps: DocumentsDeps,
  ctx: CallContext,
  req: pb.ListViewsRequest,
): Promise<pb.ListViewsResponse> {
  requireRole(
    ctx.principal(),
    [
      'auditor',
      'risk_manager',
      'admin',
      'post_loan_officer',
      'credit_officer',
      'account_manager',
      'corporate_lending',
    ],
    'reading the view log',
  );
  let where: string;
  let params: unknown[];
  if (req.documentId) {
    const { doc } = await visibleDocument(deps, ctx, req.documentId, 'documentId');
    where = 'v.document_id = $1';
    params = [doc.id];
  } else {
    const owner = await resolveOwner(deps, ctx, req.owner);
    where = 'd.owner_kind = $1 AND d.owner_id = $2';
    params = [owner.kind, owner.id];
  }
  const { rows } = await deps.pool.query<{
    document_id: string;
    viewer: string;
    viewed_at: Date;
    via: string;
  }>(
    `SELECT v.document_id, v.viewer, v.viewed_at, v.via FROM document_views v JOIN documents d ON d.id = v.document_id
      WHERE ${where} ORDER BY v.viewed_at, v.id`,
    params,
  );
  return {
    views: rows.map((r) => ({
      documentId: r.document_id,
      viewer: r.viewer,
      viewedAt: r.viewed_at.toISOString(),
      via: r.via,
    })),
  };
}

/**
 * What an application still lacks, per stage of the approval flow. Documents filed on the
 * customer count for each of the customer's applications (an ID card is filed once).
 */
export async function checklistOf(
  db: Queryable,
  owner: OwnerRecord,
  stage: string,
): Promise<pb.GetChecklistResponse> {
  const { rows } = await db.query<{
    stage: string;
    document_type: string;
    name: string;
    name_zh: string;
    present: boolean;
  }>(
    `SELECT c.stage, c.document_type, t.name, t.name_zh,
            ${CHECKLIST_ITEM_PRESENT} AS present
       FROM checklist_items c JOIN document_types t ON t.code = c.document_type
      WHERE c.product_code = $1 AND ($4 = '' OR c.stage = $4)
      ORDER BY c.stage, c.document_type`,
    [owner.productCode, owner.applicationId, owner.customerId, stage],
  );
  const missing = rows.filter((r) => !r.present).map((r) => r.document_type);
  return {
    applicationId: owner.applicationId ?? owner.id,
    productCode: owner.productCode ?? '',
    items: rows.map((r) => ({
      stage: r.stage,
      documentType: r.document_type,
      name: r.name,
      nameZh: r.name_zh,
      present: r.present,
    })),
    missing: [...new Set(missing)],
    complete: missing.length === 0,
  };
}

export async function getChecklist(
  deps: DocumentsDeps,
  ctx: CallContext,
  req: pb.GetChecklistRequest,
): Promise<pb.GetChecklistResponse> {
  if (req.stage && !/^[a-z][a-z0-9_]{0,63}$/.test(req.stage)) {
    throw invalidArgument([
      { field: 'stage', reason: 'must be a step code such as investigation' },
    ]);
  }
  const owner = await resolveOwner(
    deps,
    ctx,
    { kind: 'application', id: req.applicationId },
    'applicationId',
  );
  return checklistOf(deps.pool, owner, req.stage);
}

/**
 * 归档: an owner's documents become immutable, with an archive number and a retention date per
 * document type; the object store keeps them under compliance retention where it can. Runs once;
 * a second call answers with the first archive.
 */
export async function archiveOwner(
  deps: DocumentsDeps,
  owner: { kind: string; id: string },
  reason: string,
  actor: string,
): Promise<{ archive: pb.Archive; alreadyArchived: boolean }> {
  const result = await withTransaction(deps.pool, (tx) => archiveWithin(tx, owner, reason, actor));
  if (!result.already) await retainArchived(deps, result.docs!);
  const archive = await archiveMessage(deps.pool, owner.kind, owner.id);
  return { archive, alreadyArchived: result.already };
}

/** Compliance retention on the objects, where the object store supports it. */
export async function retainArchived(
  deps: DocumentsDeps,
  docs: readonly { object_key: string; retain_until: string }[],
): Promise<void> {
  for (const d of docs) {
    await deps.store
      .retain(d.object_key, new Date(`${d.retain_until}T00:00:00Z`))
      .catch((err: unknown) =>
        deps.log.warn(
          { err, key: d.object_key },
          'object store refused retention; the service still enforces it',
        ),
      );
  }
}

/** The archive in the caller's transaction (an event handler's inbox transaction, or a command's). */
export async function archiveWithin(
  tx: Queryable,
  owner: { kind: string; id: string },
  reason: string,
  actor: string,
): Promise<{
  already: boolean;
  docs?: { id: string; object_key: string; retain_until: string }[];
}> {
  {
    const { rows } = await tx.query<{ status: string; archive_number: string | null }>(
      'SELECT status, archive_number FROM owners WHERE kind = $1 AND id = $2 FOR UPDATE',
      [owner.kind, owner.id],
    );
    if (!rows[0]) {
      // Nothing was ever filed: the owner is archived empty, so nothing can be filed later.
      await tx.query(
        `INSERT INTO owners (kind, id, branch_id, status) VALUES ($1, $2, '', 'open')`,
        [owner.kind, owner.id],
      );
    } else if (rows[0].status === 'archived') {
      return { already: true };
    }
    const { rows: seq } = await tx.query<{ n: string; year: string }>(
      `SELECT nextval('archive_numbers') AS n, to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY') AS year`,
    );
    const number = `DA${seq[0]!.year}${seq[0]!.n.padStart(8, '0')}`;
    await tx.query(
      `UPDATE owners SET status = 'archived', archive_number = $3, archived_at = now(), archive_reason = $4 WHERE kind = $1 AND id = $2`,
      [owner.kind, owner.id, number, reason],
    );
    const { rows: docs } = await tx.query<{ id: string; object_key: string; retain_until: string }>(
      `UPDATE documents d SET status = CASE WHEN d.status = 'stored' THEN 'archived' ELSE d.status END,
              retain_until = (now() AT TIME ZONE 'Asia/Shanghai')::date + make_interval(years => t.retention_years)
         FROM document_types t
        WHERE t.code = d.document_type AND d.owner_kind = $1 AND d.owner_id = $2 AND d.status <> 'deleted'
       RETURNING d.id, d.object_key, d.retain_until::text`,
      [owner.kind, owner.id],
    );
    await tx.query(
      `INSERT INTO archive_audit (owner_kind, owner_id, action, actor, reason) VALUES ($1, $2, 'archived', $3, $4)`,
      [owner.kind, owner.id, actor, reason],
    );
    await appendToOutbox(tx, SOURCE, {
      type: 'documents.document.archived',
      subjectId: owner.id,
      data: { owner, archiveNumber: number, reason, documentIds: docs.map((d) => d.id) },
    });
    return { already: false, docs };
  }
}

async function archiveMessage(db: Queryable, kind: string, id: string): Promise<pb.Archive> {
  const { rows } = await db.query<{
    archive_number: string;
    archived_at: Date;
    archive_reason: string;
    branch_id: string;
    n: string;
  }>(
    `SELECT o.archive_number, o.archived_at, o.archive_reason, o.branch_id,
            (SELECT count(*) FROM documents d WHERE d.owner_kind = o.kind AND d.owner_id = o.id AND d.status <> 'deleted') AS n
       FROM owners o WHERE o.kind = $1 AND o.id = $2`,
    [kind, id],
  );
  const r = rows[0]!;
  return {
    archiveNumber: r.archive_number,
    owner: { kind, id },
    archivedAt: r.archived_at.toISOString(),
    reason: r.archive_reason,
    documents: Number(r.n),
    branchId: r.branch_id,
  };
}

export async function archiveOwnerCommand(
  deps: DocumentsDeps,
  ctx: CallContext,
  req: pb.ArchiveOwnerRequest,
): Promise<pb.ArchiveOwnerResponse> {
  const p = ctx.principal();
  requireRole(p, ['admin', 'disbursement_reviewer', 'post_loan_officer'], 'archiving documents');
  if (!req.reason?.trim()) throw invalidArgument([{ field: 'reason', reason: 'is required' }]);
  const owner = await resolveOwner(deps, ctx, req.owner);
  const { archive, alreadyArchived } = await archiveOwner(deps, owner, req.reason.trim(), p.userId);
  return { archive, alreadyArchived };
}

/** 法律冻结: an archived document under legal hold cannot be deleted even after its retention. */
export async function setLegalHold(
  deps: DocumentsDeps,
  ctx: CallContext,
  req: pb.SetLegalHoldRequest,
): Promise<pb.SetLegalHoldResponse> {
  const p = ctx.principal();
  requireRole(p, ['admin', 'risk_manager'], 'setting a legal hold');
  if (!req.reason?.trim()) throw invalidArgument([{ field: 'reason', reason: 'is required' }]);
  const { doc } = await visibleDocument(deps, ctx, req.documentId, 'documentId');
  await withTransaction(deps.pool, async (tx) => {
    await tx.query('UPDATE documents SET legal_hold = $2 WHERE id = $1', [doc.id, req.hold]);
    await tx.query(
      `INSERT INTO archive_audit (document_id, action, actor, reason) VALUES ($1, $2, $3, $4)`,
      [doc.id, req.hold ? 'legal_hold_set' : 'legal_hold_released', p.userId, req.reason.trim()],
    );
  });
  // Where the store has object locking, the hold is set on the object too.
  if (req.hold && deps.store.objectLock) {
    await Promise.resolve(
      deps.store.client.setObjectLegalHold(deps.store.bucket, doc.object_key, {
        status: 'ON',
        versionId: '',
      } as never),
    ).catch(() => undefined);
  }
  return { document: documentMessage((await findDocument(deps.pool, doc.id))!) };
}

/**
 * Deletion: a document of an open owner may be withdrawn by whoever filed it or an
 * administrator; an archived one only after its retention date and without a legal hold, by an
 * administrator, and the deletion is audited.
 */
export async function deleteDocument(
  deps: DocumentsDeps,
  ctx: CallContext,
  req: pb.DeleteDocumentRequest,
): Promise<pb.DeleteDocumentResponse> {
  const p = ctx.principal();
  if (!req.reason?.trim()) throw invalidArgument([{ field: 'reason', reason: 'is required' }]);
  const { doc, owner } = await visibleDocument(deps, ctx, req.id);
  if (owner.status === 'archived' || doc.status === 'archived') {
    requireRole(p, ['admin'], 'deleting archived documents');
    const today = new Date().toISOString().slice(0, 10);
    if (doc.legal_hold) throw failedPrecondition('the document is under legal hold');
    if (doc.retain_until && doc.retain_until >= today) {
      throw failedPrecondition(
        `the document is archived (${doc.archive_number}) and retained until ${doc.retain_until}`,
      );
    }
  } else if (doc.uploaded_by !== p.userId && !p.roles.includes('admin')) {
    throw failedPrecondition(
      'only the person who filed a document, or an administrator, may withdraw it',
    );
  }
  await withTransaction(deps.pool, async (tx) => {
    await tx.query(
      `UPDATE documents SET status = 'deleted', deleted_at = now(), deleted_by = $2 WHERE id = $1`,
      [doc.id, p.userId],
    );
    await tx.query(
      `INSERT INTO archive_audit (document_id, owner_kind, owner_id, action, actor, reason) VALUES ($1, $2, $3, 'deleted', $4, $5)`,
      [doc.id, doc.owner_kind, doc.owner_id, p.userId, req.reason.trim()],
    );
  });
  for (const key of [doc.object_key, doc.thumbnail_key, doc.preview_key])
    if (key) await deps.store.discard(key);
  return { document: documentMessage((await findDocument(deps.pool, doc.id))!) };
}

export async function searchArchive(
  deps: DocumentsDeps,
  ctx: CallContext,
  req: pb.SearchArchiveRequest,
): Promise<pb.SearchArchiveResponse> {
  const p = ctx.principal();
  requireRole(
    p,
    ['auditor', 'risk_manager', 'admin', 'post_loan_officer', 'disbursement_reviewer'],
    'searching the archive',
  );
  const where = [`o.status = 'archived'`];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replaceAll('?', `$${params.length}`));
  };
  const problems = [];
  if (req.archiveNumber) add('o.archive_number = ?', req.archiveNumber);
  for (const [field, column, value] of [
    ['applicationId', 'o.application_id', req.applicationId],
    ['customerId', 'o.customer_id', req.customerId],
  ] as const) {
    if (!value) continue;
    if (isUuid(value)) add(`${column} = ?`, value);
    else problems.push({ field, reason: 'must be a UUID' });
  }
  const branches = branchFilter(p, req.branchId);
  if (branches) add('o.branch_id = ANY(?)', branches);
  for (const [field, value, op] of [
    ['archivedFrom', req.archivedFrom, '>='],
    ['archivedTo', req.archivedTo, '<'],
  ] as const) {
    if (!value) continue;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value)))
      problems.push({ field, reason: 'must be a date as YYYY-MM-DD' });
    else add(`o.archived_at ${op} ?::date${op === '<' ? ' + 1' : ''}`, value);
  }
  if (req.documentType)
    add(
      'EXISTS (SELECT 1 FROM documents x WHERE x.owner_kind = o.kind AND x.owner_id = o.id AND x.document_type = ?)',
      req.documentType,
    );
  if (req.pageToken) add('o.archive_number > ?', req.pageToken);
  const size = req.pageSize || 50;
  if (size < 1 || size > 200) problems.push({ field: 'pageSize', reason: 'must be from 1 to 200' });
  if (problems.length) throw invalidArgument(problems);
  const { rows } = await deps.pool.query<{ kind: string; id: string }>(
    `SELECT o.kind, o.id FROM owners o WHERE ${where.join(' AND ')} ORDER BY o.archive_number LIMIT ${size + 1}`,
    params,
  );
  const page = rows.slice(0, size);
  const archives = await Promise.all(page.map((r) => archiveMessage(deps.pool, r.kind, r.id)));
  const docs = page.length
    ? (
        await deps.pool.query<DocumentRow>(
          `${DOCUMENT_SELECT} WHERE (d.owner_kind, d.owner_id) IN (SELECT * FROM unnest($1::text[], $2::uuid[])) AND d.status <> 'deleted'
             AND ($3 = '' OR d.document_type = $3) ORDER BY o.archive_number, d.document_type, d.version`,
          [page.map((r) => r.kind), page.map((r) => r.id), req.documentType],
        )
      ).rows
    : [];
  return {
    archives,
    documents: docs.map(documentMessage),
    nextPageToken: rows.length > size ? archives[archives.length - 1]!.archiveNumber : '',
  };
}
