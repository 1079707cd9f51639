// 调阅 and 档案: reading documents (every view recorded), checklists, the central archive.
import type { Readable } from 'node:stream';
import {
  appendToOutbox,
  branchFilter,
  failedPrecondition,
  invalidArgument,
  isIsoDate,
  isUuid,
  notFound,
  requireRole,
  withTransaction,
  type Queryable,
} from '@loanflow/platform';
import {
  archiveDocumentsOf,
  checklistItems,
  documentsOf,
  documentsOfArchives,
  findDocument,
  markDeleted,
  recordView,
  setLegalHold as storeLegalHold,
  versionsOf,
  viewsOf,
} from '../infra/document-repo';
import { documentArchived } from '../infra/events';
import {
  archiveOf,
  lockOwner,
  markArchived,
  nextArchiveSerial,
  recordArchiveAudit,
  searchArchivedOwners,
} from '../infra/owner-repo';
import { resolveOwner, SOURCE, type DocumentsDeps } from './deps';
import type {
  Archive,
  ArchivedObject,
  Caller,
  Checklist,
  DocumentView,
  OwnerRecord,
  OwnerRef,
  StoredDocument,
} from './model';

/** The document, if the caller may see its owner (asked of the owning service with their token). */
async function visibleDocument(
  deps: DocumentsDeps,
  caller: Caller,
  id: string,
  field = 'id',
): Promise<{ doc: StoredDocument; owner: OwnerRecord }> {
  if (!isUuid(id)) throw invalidArgument([{ field, reason: 'must be a UUID' }]);
  const doc = await findDocument(deps.pool, id);
  if (!doc || doc.status === 'deleted') throw notFound(`document ${id}`);
  const owner = await resolveOwner(deps, caller, doc.owner);
  return { doc, owner };
}

export async function listDocuments(
  deps: DocumentsDeps,
  caller: Caller,
  req: { owner: OwnerRef | undefined; includeSuperseded: boolean },
): Promise<StoredDocument[]> {
  const owner = await resolveOwner(deps, caller, req.owner);
  return documentsOf(deps.pool, owner, req.includeSuperseded);
}

export async function getDocument(
  deps: DocumentsDeps,
  caller: Caller,
  id: string,
): Promise<StoredDocument> {
  return (await visibleDocument(deps, caller, id)).doc;
}

export async function listVersions(
  deps: DocumentsDeps,
  caller: Caller,
  id: string,
): Promise<StoredDocument[]> {
  const { doc } = await visibleDocument(deps, caller, id);
  return versionsOf(deps.pool, doc);
}

type Rendition = 'original' | 'thumbnail' | 'preview';

function renditionOf(
  doc: StoredDocument,
  rendition: string,
): { key: string; mediaType: string; via: 'stream' | 'thumbnail' | 'preview' } {
  const r = (rendition || 'original') as Rendition;
  if (r === 'original') return { key: doc.objectKey, mediaType: doc.mediaType, via: 'stream' };
  if (r !== 'thumbnail' && r !== 'preview') {
    throw invalidArgument([
      { field: 'rendition', reason: 'must be original, thumbnail or preview' },
    ]);
  }
  const key = r === 'thumbnail' ? doc.thumbnailKey : doc.previewKey;
  if (!key) {
    throw failedPrecondition(
      doc.renditions === 'pending'
        ? `the ${r} is being made; try again shortly`
        : `this document has no ${r}`,
    );
  }
  return { key, mediaType: 'image/jpeg', via: r };
}

const viewBy = (db: Queryable, caller: Caller, documentId: string, via: string) =>
  recordView(db, {
    documentId,
    viewer: caller.principal.userId,
    viewerName: caller.principal.displayName || caller.principal.username,
    via,
  });

export interface DocumentContent {
  mediaType: string;
  size: number;
  fileName: string;
  /** Of the original only. */
  sha256: string;
  body: Readable;
}

/** A document (or its thumbnail/preview) for an allowed viewer; the view is recorded first. */
export async function readDocument(
  deps: DocumentsDeps,
  caller: Caller,
  req: { id: string; rendition: string },
): Promise<DocumentContent> {
  const { doc } = await visibleDocument(deps, caller, req.id);
  const r = renditionOf(doc, req.rendition);
  const size = await deps.store.size(r.key);
  await viewBy(deps.pool, caller, doc.id, r.via);
  return {
    mediaType: r.mediaType,
    size,
    fileName: doc.fileName ?? '',
    sha256: r.via === 'stream' ? doc.sha256 : '',
    body: await deps.store.get(r.key),
  };
}

export async function presignDocument(
  deps: DocumentsDeps,
  caller: Caller,
  req: { id: string; rendition: string },
): Promise<{ url: string; expiresAt: Date }> {
  const { doc } = await visibleDocument(deps, caller, req.id);
  const r = renditionOf(doc, req.rendition);
  const url = await deps.store.presign(r.key, deps.presignSeconds, doc.fileName ?? undefined);
  await viewBy(deps.pool, caller, doc.id, r.via === 'stream' ? 'presigned' : r.via);
  return { url, expiresAt: new Date(deps.now().getTime() + deps.presignSeconds * 1000) };
}

export async function listViews(
  deps: DocumentsDeps,
  caller: Caller,
  req: { documentId: string; owner: OwnerRef | undefined },
): Promise<DocumentView[]> {
  requireRole(
    caller.principal,
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
  if (req.documentId) {
    const { doc } = await visibleDocument(deps, caller, req.documentId, 'documentId');
    return viewsOf(deps.pool, { documentId: doc.id });
  }
  const owner = await resolveOwner(deps, caller, req.owner);
  return viewsOf(deps.pool, { owner });
}

/**
 * What an application still lacks, per stage of the approval flow. Documents filed on the
 * customer count for each of the customer's applications (an ID card is filed once).
 */
export async function checklistOf(
  db: Queryable,
  owner: OwnerRecord,
  stage: string,
): Promise<Checklist> {
  const items = await checklistItems(db, owner, stage);
  const missing = items.filter((r) => !r.present).map((r) => r.documentType);
  return {
    applicationId: owner.applicationId ?? owner.id,
    productCode: owner.productCode ?? '',
    items,
    missing: [...new Set(missing)],
    complete: missing.length === 0,
  };
}

export async function getChecklist(
  deps: DocumentsDeps,
  caller: Caller,
  req: { applicationId: string; stage: string },
): Promise<Checklist> {
  if (req.stage && !/^[a-z][a-z0-9_]{0,63}$/.test(req.stage)) {
    throw invalidArgument([
      { field: 'stage', reason: 'must be a step code such as investigation' },
    ]);
  }
  const owner = await resolveOwner(
    deps,
    caller,
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
  caller: Caller,
  req: { owner: OwnerRef | undefined; reason: string },
): Promise<{ archive: Archive; alreadyArchived: boolean }> {
  const p = caller.principal;
  requireRole(p, ['admin', 'disbursement_reviewer', 'post_loan_officer'], 'archiving documents');
  if (!req.reason?.trim()) throw invalidArgument([{ field: 'reason', reason: 'is required' }]);
  const owner = await resolveOwner(deps, caller, req.owner);
  const archived = await withTransaction(deps.pool, (tx) =>
    archiveWithin(deps, tx, owner, req.reason.trim(), p.userId),
  );
  if (archived) await retainArchived(deps, archived);
  return { archive: await archiveOf(deps.pool, owner), alreadyArchived: !archived };
}

/** Compliance retention on the objects, where the object store supports it. */
export async function retainArchived(
  deps: Pick<DocumentsDeps, 'store' | 'log'>,
  docs: readonly ArchivedObject[],
): Promise<void> {
  for (const d of docs) {
    await deps.store
      .retain(d.objectKey, new Date(`${d.retainUntil}T00:00:00Z`))
      .catch((err: unknown) =>
        deps.log.warn(
          { err, key: d.objectKey },
          'object store refused retention; the service still enforces it',
        ),
      );
  }
}

/**
 * The archive in the caller's transaction (an event handler's inbox transaction, or a command's):
 * the archived documents, or undefined when the owner was archived before. An owner with nothing
 * ever filed is archived empty, so nothing can be filed later.
 */
export async function archiveWithin(
  deps: Pick<DocumentsDeps, 'calendar' | 'now'>,
  tx: Queryable,
  owner: OwnerRef,
  reason: string,
  actor: string,
): Promise<ArchivedObject[] | undefined> {
  const current = await lockOwner(tx, owner);
  if (current.status === 'archived') return undefined;
  const archivedOn = deps.calendar.today();
  const archiveNumber = `DA${archivedOn.slice(0, 4)}${(await nextArchiveSerial(tx)).padStart(8, '0')}`;
  await markArchived(tx, owner, { archiveNumber, archivedAt: deps.now(), reason });
  const docs = await archiveDocumentsOf(tx, owner, archivedOn);
  await recordArchiveAudit(tx, { action: 'archived', owner, actor, reason });
  await appendToOutbox(
    tx,
    SOURCE,
    documentArchived(
      owner,
      archiveNumber,
      reason,
      docs.map((d) => d.id),
    ),
  );
  return docs;
}

/** 法律冻结: an archived document under legal hold cannot be deleted even after its retention. */
export async function setLegalHold(
  deps: DocumentsDeps,
  caller: Caller,
  req: { documentId: string; hold: boolean; reason: string },
): Promise<StoredDocument> {
  const p = caller.principal;
  requireRole(p, ['admin', 'risk_manager'], 'setting a legal hold');
  if (!req.reason?.trim()) throw invalidArgument([{ field: 'reason', reason: 'is required' }]);
  const { doc } = await visibleDocument(deps, caller, req.documentId, 'documentId');
  await withTransaction(deps.pool, async (tx) => {
    await storeLegalHold(tx, doc.id, req.hold);
    await recordArchiveAudit(tx, {
      action: req.hold ? 'legal_hold_set' : 'legal_hold_released',
      documentId: doc.id,
      actor: p.userId,
      reason: req.reason.trim(),
    });
  });
  // Where the store has object locking, the hold is set on the object too.
  if (req.hold) await deps.store.holdLegally(doc.objectKey);
  return (await findDocument(deps.pool, doc.id))!;
}

/**
 * Deletion: a document of an open owner may be withdrawn by whoever filed it or an
 * administrator; an archived one only after its retention date and without a legal hold, by an
 * administrator, and the deletion is audited.
 */
export async function deleteDocument(
  deps: DocumentsDeps,
  caller: Caller,
  req: { id: string; reason: string },
): Promise<StoredDocument> {
  const p = caller.principal;
  if (!req.reason?.trim()) throw invalidArgument([{ field: 'reason', reason: 'is required' }]);
  const { doc, owner } = await visibleDocument(deps, caller, req.id);
  if (owner.status === 'archived' || doc.status === 'archived') {
    requireRole(p, ['admin'], 'deleting archived documents');
    if (doc.legalHold) throw failedPrecondition('the document is under legal hold');
    if (doc.retainUntil && doc.retainUntil >= deps.calendar.today()) {
      throw failedPrecondition(
        `the document is archived (${doc.archiveNumber}) and retained until ${doc.retainUntil}`,
      );
    }
  } else if (doc.uploadedBy !== p.userId && !p.roles.includes('admin')) {
    throw failedPrecondition(
      'only the person who filed a document, or an administrator, may withdraw it',
    );
  }
  await withTransaction(deps.pool, async (tx) => {
    await markDeleted(tx, doc.id, p.userId);
    await recordArchiveAudit(tx, {
      action: 'deleted',
      documentId: doc.id,
      owner: doc.owner,
      actor: p.userId,
      reason: req.reason.trim(),
    });
  });
  for (const key of [doc.objectKey, doc.thumbnailKey, doc.previewKey])
    if (key) await deps.store.discard(key);
  return (await findDocument(deps.pool, doc.id))!;
}

export interface ArchiveSearchRequest {
  archiveNumber: string;
  applicationId: string;
  customerId: string;
  branchId: string;
  archivedFrom: string;
  archivedTo: string;
  documentType: string;
  pageToken: string;
  pageSize: number;
}

export async function searchArchive(
  deps: DocumentsDeps,
  caller: Caller,
  req: ArchiveSearchRequest,
): Promise<{ archives: Archive[]; documents: StoredDocument[]; nextPageToken: string }> {
  const p = caller.principal;
  requireRole(
    p,
    ['auditor', 'risk_manager', 'admin', 'post_loan_officer', 'disbursement_reviewer'],
    'searching the archive',
  );
  const branches = branchFilter(p, req.branchId) ?? undefined;
  const problems = [];
  for (const field of ['applicationId', 'customerId'] as const)
    if (req[field] && !isUuid(req[field])) problems.push({ field, reason: 'must be a UUID' });
  for (const field of ['archivedFrom', 'archivedTo'] as const)
    if (req[field] && !isIsoDate(req[field]))
      problems.push({ field, reason: 'must be a date as YYYY-MM-DD' });
  const size = req.pageSize || 50;
  if (size < 1 || size > 200) problems.push({ field: 'pageSize', reason: 'must be from 1 to 200' });
  if (problems.length) throw invalidArgument(problems);
  const owners = await searchArchivedOwners(deps.pool, {
    archiveNumber: req.archiveNumber,
    applicationId: req.applicationId,
    customerId: req.customerId,
    branches,
    archivedFrom: req.archivedFrom,
    archivedTo: req.archivedTo,
    documentType: req.documentType,
    after: req.pageToken,
    pageSize: size,
  });
  const page = owners.slice(0, size);
  const archives = await Promise.all(page.map((o) => archiveOf(deps.pool, o)));
  return {
    archives,
    documents: await documentsOfArchives(deps.pool, page, req.documentType),
    nextPageToken: owners.length > size ? archives[archives.length - 1]!.archiveNumber : '',
  };
}
