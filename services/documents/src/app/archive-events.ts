// The central archive follows the life of the loan: a disbursed loan, a withdrawn application and
// a rejected one each close the application's file for good. Each runs in the inbox transaction
// of the event, so a redelivered event changes nothing twice.
import { isUuid, type Queryable } from '@loanflow/platform';
import { findOwner } from '../infra/owner-repo';
import { linkContractToLoan } from './contracts';
import type { DocumentsDeps } from './deps';
import { archiveWithin } from './documents';
import type { ArchivedObject } from './model';

type ArchiveDeps = Pick<DocumentsDeps, 'calendar' | 'now' | 'log'>;

/**
 * Closes the application's file: its documents are archived (by the service itself, for the
 * reason given). Returns what is to be put under retention once the transaction commits.
 */
export async function closeApplicationFile(
  deps: ArchiveDeps,
  tx: Queryable,
  applicationId: string,
  reason: string,
): Promise<ArchivedObject[]> {
  if (!isUuid(applicationId)) return [];
  // An application this service has never filed anything for has no file to close (a loan
  // imported from the former system, or another deployment's event on a shared bus).
  if ((await findOwner(tx, 'application', applicationId)) === undefined) {
    deps.log.debug({ applicationId, reason }, 'no file here to archive');
    return [];
  }
  const archived = await archiveWithin(
    deps,
    tx,
    { kind: 'application', id: applicationId },
    reason,
    'documents',
  );
  if (archived) deps.log.info({ applicationId, reason }, 'application file archived');
  return archived ?? [];
}

/** accounting.loan.disbursed: the contract links to the loan, the file goes to the archive (放款后归档). */
export async function onLoanDisbursed(
  deps: ArchiveDeps,
  tx: Queryable,
  loan: { loanId: string; contractId: string; applicationId: string; tranche: number },
): Promise<ArchivedObject[]> {
  // Later tranches of a loan change nothing here.
  if (loan.tranche !== 1) return [];
  await linkContractToLoan(tx, loan.contractId, loan.loanId);
  return closeApplicationFile(deps, tx, loan.applicationId, 'loan disbursed');
}

/** applications.application.withdrawn: the file is closed. */
export const onApplicationWithdrawn = (deps: ArchiveDeps, tx: Queryable, applicationId: string) =>
  closeApplicationFile(deps, tx, applicationId, 'application withdrawn');

/** workflow.process.completed with a rejection: the file is closed. */
export async function onProcessCompleted(
  deps: ArchiveDeps,
  tx: Queryable,
  process: { businessKey: string; decision: string },
): Promise<ArchivedObject[]> {
  if (process.decision !== 'rejected') return [];
  return closeApplicationFile(deps, tx, process.businessKey, 'application rejected');
}
