// Documents and their versions, the view log, checklists: plain objects in and out.
import type { Pool, Queryable } from '@loanflow/platform';
import type {
  ArchivedObject,
  ChecklistItem,
  DocumentStatus,
  DocumentType,
  DocumentView,
  OwnerRecord,
  OwnerRef,
  StoredDocument,
} from '../app/model';

interface DocumentRow {
  id: string;
  owner_kind: string;
  owner_id: string;
  document_type: string;
  version: number;
  media_type: string;
  size: string;
  sha256: string;
  pages: number;
  file_name: string | null;
  object_key: string;
  thumbnail_key: string | null;
  preview_key: string | null;
  status: DocumentStatus;
  uploaded_by: string;
  uploaded_at: Date;
  retain_until: string | null;
  legal_hold: boolean;
  renditions: string;
  // joined from owners
  branch_id: string;
  application_id: string | null;
  archive_number: string | null;
  current: boolean;
}

const toDocument = (d: DocumentRow): StoredDocument => ({
  id: d.id,
  owner: { kind: d.owner_kind, id: d.owner_id },
  documentType: d.document_type,
  version: d.version,
  mediaType: d.media_type,
  size: String(d.size),
  sha256: d.sha256,
  pages: d.pages,
  fileName: d.file_name,
  objectKey: d.object_key,
  thumbnailKey: d.thumbnail_key,
  previewKey: d.preview_key,
  status: d.status,
  uploadedBy: d.uploaded_by,
  uploadedAt: d.uploaded_at,
  retainUntil: d.retain_until,
  legalHold: d.legal_hold,
  renditions: d.renditions,
  branchId: d.branch_id,
  applicationId: d.application_id,
  archiveNumber: d.archive_number,
  current: d.current,
});

/** Documents with their owner's branch and archive number, and whether each is the current version. */
const DOCUMENT_SELECT = `
  SELECT d.*, o.branch_id, o.application_id, o.archive_number,
         d.version = (SELECT max(version) FROM documents v
                       WHERE v.owner_kind = d.owner_kind AND v.owner_id = d.owner_id
                         AND v.document_type = d.document_type AND v.status <> 'deleted') AS current
    FROM documents d JOIN owners o ON o.kind = d.owner_kind AND o.id = d.owner_id`;

/**
 * SQL: whether checklist item `c` is filed for the application ($2) — on the application itself
 * or on its customer ($3), whose documents (an ID card) count for each of their applications.
 */
const CHECKLIST_ITEM_PRESENT = `EXISTS (
  SELECT 1 FROM documents d JOIN owners o ON o.kind = d.owner_kind AND o.id = d.owner_id
   WHERE d.document_type = c.document_type AND d.status IN ('stored', 'archived')
     AND (o.application_id = $2 OR (o.kind = 'customer' AND o.id = $3)))`;

export async function findDocument(db: Queryable, id: string): Promise<StoredDocument | undefined> {
  const { rows } = await db.query<DocumentRow>(`${DOCUMENT_SELECT} WHERE d.id = $1`, [id]);
  return rows[0] && toDocument(rows[0]);
}

/** The document an earlier upload with this request id stored. */
export async function findByRequestId(
  db: Queryable,
  requestId: string,
): Promise<StoredDocument | undefined> {
  const { rows } = await db.query<DocumentRow>(`${DOCUMENT_SELECT} WHERE d.request_id = $1`, [
    requestId,
  ]);
  return rows[0] && toDocument(rows[0]);
}

export async function documentsOf(
  db: Queryable,
  owner: OwnerRef,
  includeSuperseded: boolean,
): Promise<StoredDocument[]> {
  const { rows } = await db.query<DocumentRow>(
    `${DOCUMENT_SELECT} WHERE d.owner_kind = $1 AND d.owner_id = $2 AND d.status <> 'deleted'
       AND ($3 OR d.status <> 'superseded') ORDER BY d.document_type, d.version`,
    [owner.kind, owner.id, includeSuperseded],
  );
  return rows.map(toDocument);
}

/** Every version of the document's type for its owner, newest first. */
export async function versionsOf(db: Queryable, doc: StoredDocument): Promise<StoredDocument[]> {
  const { rows } = await db.query<DocumentRow>(
    `${DOCUMENT_SELECT} WHERE d.owner_kind = $1 AND d.owner_id = $2 AND d.document_type = $3 AND d.status <> 'deleted'
     ORDER BY d.version DESC`,
    [doc.owner.kind, doc.owner.id, doc.documentType],
  );
  return rows.map(toDocument);
}

/** The documents of archived owners, in archive-number order (optionally of one type). */
export async function documentsOfArchives(
  db: Queryable,
  owners: readonly OwnerRef[],
  documentType: string,
): Promise<StoredDocument[]> {
  if (owners.length === 0) return [];
  const { rows } = await db.query<DocumentRow>(
    `${DOCUMENT_SELECT} WHERE (d.owner_kind, d.owner_id) IN (SELECT * FROM unnest($1::text[], $2::uuid[])) AND d.status <> 'deleted'
       AND ($3 = '' OR d.document_type = $3) ORDER BY o.archive_number, d.document_type, d.version`,
    [owners.map((r) => r.kind), owners.map((r) => r.id), documentType],
  );
  return rows.map(toDocument);
}

export async function findDocumentType(
  db: Queryable,
  code: string,
): Promise<DocumentType | undefined> {
  const { rows } = await db.query<{ code: string; max_bytes: string; media_types: string[] }>(
    'SELECT code, max_bytes, media_types FROM document_types WHERE code = $1',
    [code],
  );
  const t = rows[0];
  return t && { code: t.code, maxBytes: Number(t.max_bytes), mediaTypes: t.media_types };
}

/** The owner's document with these bytes, if filed already (of any type). */
export async function findSameBytes(
  tx: Queryable,
  owner: OwnerRef,
  sha256: string,
): Promise<string | undefined> {
  const { rows } = await tx.query<{ id: string }>(
    `SELECT id FROM documents WHERE owner_kind = $1 AND owner_id = $2 AND sha256 = $3 AND status <> 'deleted'`,
    [owner.kind, owner.id, sha256],
  );
  return rows[0]?.id;
}

export interface NewVersion {
  id: string;
  owner: OwnerRef;
  documentType: string;
  mediaType: string;
  size: number;
  sha256: string;
  pages: number;
  fileName: string | null;
  objectKey: string;
  uploadedBy: string;
  requestId: string | null;
}

/**
 * Files the next version of the owner's document of this type; the one stored before is
 * superseded. Run with the owner locked. Returns the version number.
 */
export async function fileNewVersion(tx: Queryable, d: NewVersion): Promise<number> {
  const { rows } = await tx.query<{ v: number }>(
    `SELECT COALESCE(max(version), 0) + 1 AS v FROM documents WHERE owner_kind = $1 AND owner_id = $2 AND document_type = $3`,
    [d.owner.kind, d.owner.id, d.documentType],
  );
  const version = rows[0]!.v;
  await tx.query(
    `UPDATE documents SET status = 'superseded'
      WHERE owner_kind = $1 AND owner_id = $2 AND document_type = $3 AND status = 'stored'`,
    [d.owner.kind, d.owner.id, d.documentType],
  );
  await tx.query(
    `INSERT INTO documents (id, owner_kind, owner_id, document_type, version, media_type, size, sha256,
       pages, file_name, object_key, status, uploaded_by, request_id, renditions)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'stored', $12, $13, 'pending')`,
    [
      d.id,
      d.owner.kind,
      d.owner.id,
      d.documentType,
      version,
      d.mediaType,
      d.size,
      d.sha256,
      d.pages,
      d.fileName,
      d.objectKey,
      d.uploadedBy,
      d.requestId,
    ],
  );
  return version;
}

export async function recordView(
  db: Queryable,
  view: { documentId: string; viewer: string; viewerName: string; via: string },
): Promise<void> {
  await db.query(
    'INSERT INTO document_views (document_id, viewer, viewer_name, via) VALUES ($1, $2, $3, $4)',
    [view.documentId, view.viewer, view.viewerName, view.via],
  );
}

/** Views of one document, or of every document of an owner, in the order they happened. */
export async function viewsOf(
  db: Queryable,
  of: { documentId: string } | { owner: OwnerRef },
): Promise<DocumentView[]> {
  const [where, params] =
    'documentId' in of
      ? ['v.document_id = $1', [of.documentId]]
      : ['d.owner_kind = $1 AND d.owner_id = $2', [of.owner.kind, of.owner.id]];
  const { rows } = await db.query<{
    document_id: string;
    viewer: string;
    viewed_at: Date;
    via: string;
  }>(
    `SELECT v.document_id, v.viewer, v.viewed_at, v.via FROM document_views v JOIN documents d ON d.id = v.document_id
      WHERE ${where} ORDER BY v.viewed_at, v.id`,
    params,
  );
  return rows.map((r) => ({
    documentId: r.document_id,
    viewer: r.viewer,
    viewedAt: r.viewed_at,
    via: r.via,
  }));
}

export async function setLegalHold(tx: Queryable, id: string, hold: boolean): Promise<void> {
  await tx.query('UPDATE documents SET legal_hold = $2 WHERE id = $1', [id, hold]);
}

export async function markDeleted(tx: Queryable, id: string, by: string): Promise<void> {
  await tx.query(
    `UPDATE documents SET status = 'deleted', deleted_at = now(), deleted_by = $2 WHERE id = $1`,
    [id, by],
  );
}

/**
 * The owner's documents become archived, each retained for its type's years from `archivedOn`
 * (the bank's calendar date).
 */
export async function archiveDocumentsOf(
  tx: Queryable,
  owner: OwnerRef,
  archivedOn: string,
): Promise<ArchivedObject[]> {
  const { rows } = await tx.query<{ id: string; object_key: string; retain_until: string }>(
    `UPDATE documents d SET status = CASE WHEN d.status = 'stored' THEN 'archived' ELSE d.status END,
            retain_until = $3::date + make_interval(years => t.retention_years)
       FROM document_types t
      WHERE t.code = d.document_type AND d.owner_kind = $1 AND d.owner_id = $2 AND d.status <> 'deleted'
     RETURNING d.id, d.object_key, d.retain_until::text`,
    [owner.kind, owner.id, archivedOn],
  );
  return rows.map((r) => ({ id: r.id, objectKey: r.object_key, retainUntil: r.retain_until }));
}

/** The product's checklist for the application (one stage, or every stage when ''). */
export async function checklistItems(
  db: Queryable,
  owner: OwnerRecord,
  stage: string,
): Promise<ChecklistItem[]> {
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
  return rows.map((r) => ({
    stage: r.stage,
    documentType: r.document_type,
    name: r.name,
    nameZh: r.name_zh,
    present: r.present,
  }));
}

/**
 * Stages of the application's checklist whose documents are now all filed and that were not
 * complete before; they are recorded as complete (each completes once).
 */
export async function completeStages(tx: Queryable, owner: OwnerRecord): Promise<string[]> {
  const { rows } = await tx.query<{ stage: string }>(
    `SELECT c.stage FROM checklist_items c
      WHERE c.product_code = $1
      GROUP BY c.stage
     HAVING bool_and(${CHECKLIST_ITEM_PRESENT})
        AND NOT EXISTS (SELECT 1 FROM checklist_completions x WHERE x.application_id = $2 AND x.stage = c.stage)`,
    [owner.productCode, owner.applicationId, owner.customerId],
  );
  const stages = rows.map((r) => r.stage);
  if (stages.length === 0) return [];
  await tx.query(
    `INSERT INTO checklist_completions (application_id, stage) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
    [owner.applicationId, stages],
  );
  return stages;
}

export interface PendingRendition {
  id: string;
  objectKey: string;
  mediaType: string;
  size: number;
}

export interface RenditionResult {
  renditions: 'done' | 'none' | 'failed';
  pages?: number;
  thumbnailKey?: string;
  previewKey?: string;
}

/**
 * Takes the oldest document waiting for renditions (skipping those another worker holds), makes
 * them with `render` and records the result, in one transaction; false when none waits.
 */
export async function renderNextPending(
  pool: Pool,
  render: (doc: PendingRendition) => Promise<RenditionResult>,
): Promise<boolean> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{
      id: string;
      object_key: string;
      media_type: string;
      size: string;
    }>(
      `SELECT id, object_key, media_type, size FROM documents
        WHERE renditions = 'pending' AND status <> 'deleted'
        ORDER BY uploaded_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
    );
    const row = rows[0];
    if (!row) {
      await client.query('COMMIT');
      return false;
    }
    const result = await render({
      id: row.id,
      objectKey: row.object_key,
      mediaType: row.media_type,
      size: Number(row.size),
    });
    await client.query(
      `UPDATE documents SET renditions = $2, pages = COALESCE($3, pages),
              thumbnail_key = COALESCE($4, thumbnail_key), preview_key = COALESCE($5, preview_key)
        WHERE id = $1`,
      [
        row.id,
        result.renditions,
        result.pages ?? null,
        result.thumbnailKey ?? null,
        result.previewKey ?? null,
      ],
    );
    await client.query('COMMIT');
    return true;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
