// The central archive follows the life of the loan: a disbursed loan, a withdrawn application and
// a rejected one each close the application's file for good.
import type { EventEnvelope, Logger, PoolClient } from '@loanflow/platform';
import { linkContractToLoan } from './contracts';
import { archiveWithin } from './documents';
import { isUuid } from './deps';

export type Archived = { object_key: string; retain_until: string }[];

async function archiveApplication(
  tx: PoolClient,
  applicationId: unknown,
  reason: string,
  log: Logger,
): Promise<Archived> {
  if (typeof applicationId !== 'string' || !isUuid(applicationId)) return [];
  const out = await archiveWithin(
    tx,
    { kind: 'application', id: applicationId },
    reason,
    'documents',
  );
  if (!out.already) log.info({ applicationId, reason }, 'application file archived');
  return out.docs ?? [];
}

/** accounting.loan.disbursed: the application's documents go to the archive (放款后归档). */
export const onLoanDisbursed =
  (log: Logger) =>
  async (event: EventEnvelope, tx: PoolClient): Promise<Archived> => {
    const data = event.data as { applicationId?: unknown; contractId?: unknown; tranche?: number };
    if (data.tranche !== undefined && data.tranche !== 1) return [];
    await linkContractToLoan(tx, data as { loanId?: unknown; contractId?: unknown });
    return archiveApplication(tx, data.applicationId, 'loan disbursed', log);
  };

/** applications.application.withdrawn: the file is closed. */
export const onApplicationWithdrawn = (log: Logger) => (event: EventEnvelope, tx: PoolClient) =>
  archiveApplication(
    tx,
    (event.data as { applicationId?: unknown }).applicationId,
    'application withdrawn',
    log,
  );

/** workflow.process.completed with a rejection: the file is closed. */
export const onProcessCompleted = (log: Logger) => (event: EventEnvelope, tx: PoolClient) => {
  const data = event.data as { businessKey?: unknown; decision?: unknown };
  if (data.decision !== 'rejected') return Promise.resolve([] as Archived);
  return archiveApplication(tx, data.businessKey, 'application rejected', log);
};
