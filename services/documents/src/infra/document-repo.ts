// Document rows: plain objects in and out.
import type { Queryable } from '@loanflow/platform';
import type { documentsV1 as pb } from '@loanflow/proto';

export interface DocumentRow {
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
  status: 'stored' | 'superseded' | 'archived' | 'deleted';
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

/** Documents with their owner's branch and archive number, and whether each is the current version. */
export const DOCUMENT_SELECT = `
  SELECT d.*, o.branch_id, o.application_id, o.archive_number,
         d.version = (SELECT max(version) FROM documents v
                       WHERE v.owner_kind = d.owner_kind AND v.owner_id = d.owner_id
                         AND v.document_type = d.document_type AND v.status <> 'deleted') AS current
    FROM documents d JOIN owners o ON o.kind = d.owner_kind AND o.id = d.owner_id`;

export async function findDocument(db: Queryable, id: string): Promise<DocumentRow | undefined> {
  const { rows } = await db.query<DocumentRow>(`${DOCUMENT_SELECT} WHERE d.id = $1`, [id]);
  return rows[0];
}

export function documentMessage(d: DocumentRow): pb.Document {
  return {
    id: d.id,
    owner: { kind: d.owner_kind, id: d.owner_id },
    applicationId: d.application_id ?? '',
    branchId: d.branch_id,
    documentType: d.document_type,
    version: d.version,
    current: d.current && d.status !== 'deleted',
    mediaType: d.media_type,
    size: String(d.size),
    sha256: d.sha256,
    pages: d.pages,
    fileName: d.file_name ?? '',
    uploadedBy: d.uploaded_by,
    uploadedAt: d.uploaded_at.toISOString(),
    status: d.status,
    hasThumbnail: d.thumbnail_key !== null,
    hasPreview: d.preview_key !== null,
    archiveNumber: d.archive_number ?? '',
    retainUntil: d.retain_until ?? '',
    legalHold: d.legal_hold,
  };
}
