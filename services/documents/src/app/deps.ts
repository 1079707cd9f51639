import { Metadata } from '@grpc/grpc-js';
import {
  failedPrecondition,
  invalidArgument,
  type CallContext,
  type Logger,
  type Pool,
  type PromiseClient,
  type Queryable,
  type RpcOptions,
} from '@loanflow/platform';
import { accountingV1, applicationsV1 } from '@loanflow/proto';
import type { Credentials } from '../domain/contracts/pki';
import type { ObjectStore } from '../infra/storage';

export const SOURCE = 'documents';

export interface DocumentsDeps {
  pool: Pool;
  store: ObjectStore;
  log: Logger;
  applications: PromiseClient<applicationsV1.ApplicationsServiceClient>;
  accounting: PromiseClient<accountingV1.AccountingServiceClient>;
  rpcTimeoutMs: number;
  presignSeconds: number;
  pki: { root: Credentials; tsa: Credentials };
  /** Wakes the thumbnail/preview/page-count worker. */
  renditionsPending(): void;
}

export type OwnerKind = 'application' | 'customer' | 'loan';
export const OWNER_KINDS: readonly OwnerKind[] = ['application', 'customer', 'loan'];

export interface OwnerRecord {
  kind: OwnerKind;
  id: string;
  branchId: string;
  productCode: string | null;
  customerId: string | null;
  applicationId: string | null;
  status: 'open' | 'closed' | 'archived';
  archiveNumber: string | null;
}

/** Calls another service as the caller (their token), so that service applies its own rules. */
export const onBehalfOf = (ctx: CallContext, timeoutMs: number): RpcOptions => {
  ctx.principal();
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${ctx.token()}`);
  return { metadata, timeoutMs };
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (v: string | undefined): v is string => !!v && UUID.test(v);

function ownerFromRow(r: Record<string, unknown>): OwnerRecord {
  return {
    kind: r.kind as OwnerKind,
    id: r.id as string,
    branchId: r.branch_id as string,
    productCode: (r.product_code as string | null) ?? null,
    customerId: (r.customer_id as string | null) ?? null,
    applicationId: (r.application_id as string | null) ?? null,
    status: r.status as OwnerRecord['status'],
    archiveNumber: (r.archive_number as string | null) ?? null,
  };
}

export async function findOwner(
  db: Queryable,
  kind: string,
  id: string,
): Promise<OwnerRecord | undefined> {
  const { rows } = await db.query('SELECT * FROM owners WHERE kind = $1 AND id = $2', [kind, id]);
  return rows[0] ? ownerFromRow(rows[0] as Record<string, unknown>) : undefined;
}

const ENDED = new Set([
  applicationsV1.ApplicationStatus.APPLICATION_STATUS_WITHDRAWN,
  applicationsV1.ApplicationStatus.APPLICATION_STATUS_REJECTED,
  applicationsV1.ApplicationStatus.APPLICATION_STATUS_DECLINED,
  applicationsV1.ApplicationStatus.APPLICATION_STATUS_EXPIRED,
]);

/**
 * The owner of documents as the caller may see it: the applications (or accounting) service is
 * asked with the caller's token, so whoever may not see the application may not see its
 * documents (PERMISSION_DENIED / NOT_FOUND come back from there). The owner is remembered.
 */
export async function resolveOwner(
  deps: DocumentsDeps,
  ctx: CallContext,
  owner: { kind?: string; id?: string } | undefined,
  field = 'owner',
): Promise<OwnerRecord> {
  const kind = owner?.kind;
  const id = owner?.id;
  const problems = [];
  if (!kind || !(OWNER_KINDS as readonly string[]).includes(kind)) {
    problems.push({ field: `${field}.kind`, reason: `must be one of ${OWNER_KINDS.join(', ')}` });
  }
  if (!isUuid(id)) problems.push({ field: `${field}.id`, reason: 'must be a UUID' });
  if (problems.length) throw invalidArgument(problems);
  const opts = onBehalfOf(ctx, deps.rpcTimeoutMs);
  let described: Omit<OwnerRecord, 'archiveNumber'>;
  if (kind === 'application') {
    const { application: a } = await deps.applications.getApplication({ id: id! }, opts);
    described = {
      kind,
      id: id!.toLowerCase(),
      branchId: a!.branchId,
      productCode: a!.productCode,
      customerId: a!.customerId,
      applicationId: a!.id,
      status: ENDED.has(a!.status) ? 'closed' : 'open',
    };
  } else if (kind === 'customer') {
    const { customer: c } = await deps.applications.getCustomer({ id: id! }, opts);
    described = {
      kind,
      id: id!.toLowerCase(),
      branchId: c!.branchId,
      productCode: null,
      customerId: c!.id,
      applicationId: null,
      status: 'open',
    };
  } else {
    const { loan: l } = await deps.accounting.getLoan({ id: id! }, opts);
    described = {
      kind: 'loan',
      id: id!.toLowerCase(),
      branchId: l!.branchId,
      productCode: l!.productCode,
      customerId: l!.customerId,
      applicationId: l!.applicationId || null,
      status: l!.status === 'active' ? 'open' : 'closed',
    };
  }
  const { rows } = await deps.pool.query(
    `INSERT INTO owners (kind, id, branch_id, product_code, customer_id, application_id, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (kind, id) DO UPDATE SET
       status = CASE WHEN owners.status = 'archived' THEN 'archived' ELSE EXCLUDED.status END
     RETURNING *`,
    [
      described.kind,
      described.id,
      described.branchId,
      described.productCode,
      described.customerId,
      described.applicationId,
      described.status,
    ],
  );
  return ownerFromRow(rows[0] as Record<string, unknown>);
}

/** Documents may be added only while their owner is open. */
export function requireOpen(owner: OwnerRecord): void {
  if (owner.status === 'archived') {
    throw failedPrecondition(
      `the ${owner.kind} is archived (${owner.archiveNumber}); its documents can no longer change`,
    );
  }
  if (owner.status === 'closed')
    throw failedPrecondition(`the ${owner.kind} is closed; no documents can be added`);
}

/**
 * SQL: whether checklist item `c` is filed for the application ($2) — on the application itself
 * or on its customer ($3), whose documents (an ID card) count for each of their applications.
 */
export const CHECKLIST_ITEM_PRESENT = `EXISTS (
  SELECT 1 FROM documents d JOIN owners o ON o.kind = d.owner_kind AND o.id = d.owner_id
   WHERE d.document_type = c.document_type AND d.status IN ('stored', 'archived')
     AND (o.application_id = $2 OR (o.kind = 'customer' AND o.id = $3)))`;
