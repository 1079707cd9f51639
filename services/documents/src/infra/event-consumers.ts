// The events the documents service consumes, each decoded with the generated code of its proto
// message (an event that does not decode is parked by the platform, never half-read), then
// handed to its use case in the inbox transaction: a redelivered event changes nothing twice.
import {
  consumeOnce,
  decodeEventData,
  type EventBus,
  type EventEnvelope,
  type Logger,
  type Pool,
  type PoolClient,
  type Subscription,
} from '@loanflow/platform';
import { accountingEventsV1, applicationEventsV1, workflowEventsV1 } from '@loanflow/proto';
import { onApplicationWithdrawn, onLoanDisbursed, onProcessCompleted } from '../app/archive-events';
import type { DocumentsDeps } from '../app/deps';
import { retainArchived } from '../app/documents';
import type { ArchivedObject } from '../app/model';

/** The fields of accounting's loan.disbursed this service reads (its generated message). */
function decodeLoanDisbursed(event: Pick<EventEnvelope, 'data' | 'type'>) {
  const loan = decodeEventData(accountingEventsV1.LoanDisbursed, event, ['loanId']);
  return {
    loanId: loan.loanId!,
    contractId: loan.contractId ?? '',
    applicationId: loan.applicationId ?? '',
    tranche: loan.tranche ?? 1,
  };
}

type Handler = (event: EventEnvelope, tx: PoolClient) => Promise<ArchivedObject[]>;

/** The archive follows the loan: disbursed, withdrawn or rejected closes the application's file. */
export function archiveHandlers(deps: Pick<DocumentsDeps, 'calendar' | 'now' | 'log'>) {
  return {
    'loanflow.accounting.loan.disbursed': {
      suffix: 'loan_disbursed',
      handle: (async (event, tx) =>
        onLoanDisbursed(deps, tx, decodeLoanDisbursed(event))) as Handler,
    },
    'loanflow.applications.application.withdrawn': {
      suffix: 'application_withdrawn',
      handle: (async (event, tx) =>
        onApplicationWithdrawn(
          deps,
          tx,
          decodeEventData(applicationEventsV1.ApplicationWithdrawn, event, ['applicationId'])
            .applicationId,
        )) as Handler,
    },
    'loanflow.workflow.process.completed': {
      suffix: 'process_completed',
      handle: (async (event, tx) =>
        onProcessCompleted(
          deps,
          tx,
          decodeEventData(workflowEventsV1.ProcessCompleted, event, ['instanceId']),
        )) as Handler,
    },
  };
}

/** Starts the durable consumers; the archived objects go under retention once committed. */
export async function startArchiveConsumers(
  deps: DocumentsDeps,
  opts: { bus: EventBus; pool: Pool; log: Logger; schema: string; startAt: 'all' | 'new' },
): Promise<{ consumer: string; subscription: Subscription }[]> {
  const out: { consumer: string; subscription: Subscription }[] = [];
  for (const [filterSubject, { suffix, handle }] of Object.entries(archiveHandlers(deps))) {
    const consumer = `${opts.schema}_${suffix}`;
    const subscription = await consumeOnce({
      bus: opts.bus,
      pool: opts.pool,
      log: opts.log,
      consumer,
      filterSubject,
      startAt: opts.startAt,
      handler: async (event, tx) => {
        const archived = await handle(event, tx);
        await retainArchived(deps, archived);
      },
    });
    out.push({ consumer, subscription });
  }
  return out;
}
