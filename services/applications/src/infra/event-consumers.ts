import {
  decodeEventData,
  isUuid,
  UndecodableEvent,
  type EventEnvelope,
  type EventHandler,
  type Logger,
} from '@loanflow/platform';
import { accountingEventsV1, documentEventsV1, workflowEventsV1 } from '@loanflow/proto';
import { recordProcessDecision } from '../app/decisions';
import { recordContractSigned, recordLoanDisbursed } from '../app/lifecycle';
import { formatAmount, parseAmount, parseRatePercent } from '../domain/money';

// The events this service consumes, decoded with the generated code of their proto messages:
// an event that does not decode is parked as a dead letter (UndecodableEvent), not guessed at.

/** workflow.process.completed → the application's decision. */
export const processCompleted =
  (log: Logger): EventHandler =>
  async (event, tx) => {
    const done = decodeEventData(workflowEventsV1.ProcessCompleted, event, [
      'instanceId',
      'businessKey',
    ]);
    if (!isUuid(done.businessKey)) {
      log.warn(
        { eventId: event.id, businessKey: done.businessKey },
        'process.completed for something that is not an application',
      );
      return;
    }
    const amount = done.approvedAmount ? parseAmount(done.approvedAmount) : undefined;
    if (amount && !amount.ok)
      throw new UndecodableEvent(`${event.type}: approvedAmount ${amount.reason}`);
    const rate = done.approvedRatePercent ? parseRatePercent(done.approvedRatePercent) : undefined;
    if (rate && !rate.ok)
      throw new UndecodableEvent(`${event.type}: approvedRatePercent ${rate.reason}`);
    await recordProcessDecision(
      tx,
      {
        eventId: event.id,
        occurredAt: event.occurredAt,
        instanceId: done.instanceId,
        applicationId: done.businessKey,
        decision: done.decision,
        approvedAmount: amount?.ok ? formatAmount(amount.value) : undefined,
        approvedRatePercent: rate?.ok ? rate.value.toFixed(4) : undefined,
        approvedTermMonths: done.approvedTermMonths || undefined,
        at: done.at || undefined,
      },
      log,
    );
  };

/** documents.contract.signed → the application is contracted. */
export const contractSigned =
  (log: Logger): EventHandler =>
  async (event, tx) => {
    const signed = decodeEventData(documentEventsV1.ContractSigned, event, [
      'contractId',
      'applicationId',
    ]);
    requireUuids(event, { contractId: signed.contractId, applicationId: signed.applicationId });
    await recordContractSigned(
      tx,
      {
        eventId: event.id,
        occurredAt: event.occurredAt,
        applicationId: signed.applicationId,
        contractId: signed.contractId,
        contractNumber: signed.contractNumber,
        signedAt: signed.signedAt || undefined,
      },
      log,
    );
  };

/** accounting.loan.disbursed → the application is disbursed (an imported loan has none). */
export const loanDisbursed =
  (log: Logger): EventHandler =>
  async (event, tx) => {
    const loan = decodeEventData(accountingEventsV1.LoanDisbursed, event, ['loanId']);
    const loanId = loan.loanId!;
    const applicationId = loan.applicationId ?? '';
    requireUuids(event, applicationId ? { loanId, applicationId } : { loanId });
    await recordLoanDisbursed(
      tx,
      {
        eventId: event.id,
        occurredAt: event.occurredAt,
        loanId,
        loanNumber: loan.loanNumber ?? '',
        applicationId: applicationId || undefined,
        amount: loan.amount ?? '',
        valueDate: loan.valueDate ?? '',
      },
      log,
    );
  };

function requireUuids(event: Pick<EventEnvelope, 'type'>, ids: Record<string, string>): void {
  const bad = Object.entries(ids).filter(([, id]) => !isUuid(id));
  if (bad.length > 0)
    throw new UndecodableEvent(
      `${event.type}: ${bad.map(([name]) => name).join(', ')} must be a UUID`,
    );
}
