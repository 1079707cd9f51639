// Owners of documents (an application, a customer, a loan) as last described, and their archive.
import type { Queryable } from '@loanflow/platform';
import type {
  Archive,
  ArchiveSearch,
  OwnerDescription,
  OwnerKind,
  OwnerRecord,
  OwnerRef,
} from '../app/model';

interface OwnerRow {
  kind: OwnerKind;
  id: string;
  branch_id: string;
  product_code: string | null;
  customer_id: string | null;
  application_id: string | null;
  status: OwnerRecord['status'];
  archive_number: string | null;
}

const toOwner = (r: OwnerRow): OwnerRecord => ({
  kind: r.kind,
  id: r.id,
  branchId: r.branch_id,
  productCode: r.product_code ?? null,
  customerId: r.customer_id ?? null,
  applicationId: r.application_id ?? null,
  status: r.status,
  archiveNumber: r.archive_number ?? null,
});

export async function findOwner(
  db: Queryable,
  kind: string,
  id: string,
): Promise<OwnerRecord | undefined> {
  const { rows } = await db.query<OwnerRow>('SELECT * FROM owners WHERE kind = $1 AND id = $2', [
    kind,
    id,
  ]);
  return rows[0] && toOwner(rows[0]);
}

/** Remembers the owner as described; an archived owner stays archived. */
export async function rememberOwner(db: Queryable, o: OwnerDescription): Promise<OwnerRecord> {
  const { rows } = await db.query<OwnerRow>(
    `INSERT INTO owners (kind, id, branch_id, product_code, customer_id, application_id, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (kind, id) DO UPDATE SET
       status = CASE WHEN owners.status = 'archived' THEN 'archived' ELSE EXCLUDED.status END
     RETURNING *`,
    [o.kind, o.id, o.branchId, o.productCode, o.customerId, o.applicationId, o.status],
  );
  return toOwner(rows[0]!);
}

/**
 * Locks the owner's row (one writer per owner: versions are numbered in order, an archive runs
 * once); an owner never described is created empty and open, so that it can be archived empty.
 */
export async function lockOwner(tx: Queryable, owner: OwnerRef): Promise<OwnerRecord> {
  const { rows } = await tx.query<OwnerRow>(
    'SELECT * FROM owners WHERE kind = $1 AND id = $2 FOR UPDATE',
    [owner.kind, owner.id],
  );
  if (rows[0]) return toOwner(rows[0]);
  const { rows: made } = await tx.query<OwnerRow>(
    `INSERT INTO owners (kind, id, branch_id, status) VALUES ($1, $2, '', 'open') RETURNING *`,
    [owner.kind, owner.id],
  );
  return toOwner(made[0]!);
}

/** The next number of the archive sequence (DA<year><8 digits> is made of it). */
export async function nextArchiveSerial(tx: Queryable): Promise<string> {
  const { rows } = await tx.query<{ n: string }>(`SELECT nextval('archive_numbers') AS n`);
  return rows[0]!.n;
}

export async function markArchived(
  tx: Queryable,
  owner: OwnerRef,
  archive: { archiveNumber: string; archivedAt: Date; reason: string },
): Promise<void> {
  await tx.query(
    `UPDATE owners SET status = 'archived', archive_number = $3, archived_at = $4, archive_reason = $5
      WHERE kind = $1 AND id = $2`,
    [owner.kind, owner.id, archive.archiveNumber, archive.archivedAt, archive.reason],
  );
}

export type AuditAction = 'archived' | 'deleted' | 'legal_hold_set' | 'legal_hold_released';

/** The archive's audit trail (archiving, deletions, legal holds). */
export async function recordArchiveAudit(
  tx: Queryable,
  entry: {
    action: AuditAction;
    actor: string;
    reason: string;
    owner?: OwnerRef;
    documentId?: string;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO archive_audit (document_id, owner_kind, owner_id, action, actor, reason)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      entry.documentId ?? null,
      entry.owner?.kind ?? null,
      entry.owner?.id ?? null,
      entry.action,
      entry.actor,
      entry.reason,
    ],
  );
}

export async function archiveOf(db: Queryable, owner: OwnerRef): Promise<Archive> {
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
    [owner.kind, owner.id],
  );
  const r = rows[0]!;
  return {
    archiveNumber: r.archive_number,
    owner: { kind: owner.kind, id: owner.id },
    archivedAt: r.archived_at,
    reason: r.archive_reason,
    documents: Number(r.n),
    branchId: r.branch_id,
  };
}

/** Archived owners matching the search, in archive-number order, at most `pageSize + 1`. */
export async function searchArchivedOwners(db: Queryable, s: ArchiveSearch): Promise<OwnerRef[]> {
  const where = [`o.status = 'archived'`];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replaceAll('?', `$${params.length}`));
  };
  if (s.archiveNumber) add('o.archive_number = ?', s.archiveNumber);
  if (s.applicationId) add('o.application_id = ?', s.applicationId);
  if (s.customerId) add('o.customer_id = ?', s.customerId);
  if (s.branches) add('o.branch_id = ANY(?)', s.branches);
  if (s.archivedFrom) add('o.archived_at >= ?::date', s.archivedFrom);
  if (s.archivedTo) add('o.archived_at < ?::date + 1', s.archivedTo);
  if (s.documentType)
    add(
      'EXISTS (SELECT 1 FROM documents x WHERE x.owner_kind = o.kind AND x.owner_id = o.id AND x.document_type = ?)',
      s.documentType,
    );
  if (s.after) add('o.archive_number > ?', s.after);
  params.push(s.pageSize + 1);
  const { rows } = await db.query<OwnerRef>(
    `SELECT o.kind, o.id FROM owners o WHERE ${where.join(' AND ')}
      ORDER BY o.archive_number LIMIT $${params.length}`,
    params,
  );
  return rows;
}
