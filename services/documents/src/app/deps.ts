import {
  failedPrecondition,
  invalidArgument,
  isUuid,
  type BankCalendar,
  type Logger,
  type Pool,
} from '@loanflow/platform';
import type { Credentials } from '../domain/contracts/pki';
import { rememberOwner } from '../infra/owner-repo';
import type { ObjectStore } from '../infra/storage';
import { OWNER_KINDS, type Caller, type OwnerKind, type OwnerRecord, type Peers } from './model';

export const SOURCE = 'documents';

export interface DocumentsDeps {
  pool: Pool;
  store: ObjectStore;
  log: Logger;
  peers: Peers;
  /** The bank's calendar (its time zone) on the service's clock. */
  calendar: BankCalendar;
  now(): Date;
  presignSeconds: number;
  pki: { root: Credentials; tsa: Credentials };
  /** Wakes the thumbnail/preview/page-count worker. */
  renditionsPending(): void;
}

/**
 * The owner of documents as the caller may see it: the applications (or accounting) service is
 * asked with the caller's token, so whoever may not see the application may not see its
 * documents (PERMISSION_DENIED / NOT_FOUND come back from there). The owner is remembered.
 */
export async function resolveOwner(
  deps: DocumentsDeps,
  caller: Caller,
  owner: { kind?: string; id?: string } | undefined,
  field = 'owner',
): Promise<OwnerRecord> {
  const kind = owner?.kind;
  const id = owner?.id;
  const problems = [];
  if (!kind || !(OWNER_KINDS as readonly string[]).includes(kind)) {
    problems.push({ field: `${field}.kind`, reason: `must be one of ${OWNER_KINDS.join(', ')}` });
  }
  if (!id || !isUuid(id)) problems.push({ field: `${field}.id`, reason: 'must be a UUID' });
  if (problems.length) throw invalidArgument(problems);
  const described = await deps.peers.describeOwner(caller, kind as OwnerKind, id!);
  return rememberOwner(deps.pool, described);
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
