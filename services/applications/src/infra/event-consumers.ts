import {
  decodeEventData,
  isUuid,
  UndecodableEvent,
  type EventEnvelope,
  type EventHandler,
  type Logger,
} from '@loanflow/platform';
import { documentEventsV1, workflowEventsV1 } from '@loanflow/proto';
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

/**
 * accounting.loan.disbursed → the application is disbursed. Accounting's events have no proto
 * message in this branch yet: the fields read here are checked by hand, with the same rule (a
 * field missing or of the wrong type makes the event undecodable).
 */
export const loanDisbursed =
  (log: Logger): EventHandler =>
  async (event, tx) => {
    const data = event.data;
    if (data === null || typeof data !== 'object' || Array.isArray(data))
      throw new UndecodableEvent(`${event.type}: data must be a JSON object`);
    const field = (name: string, required: boolean): string => {
      const value = (data as Record<string, unknown>)[name];
      if (value === undefined || value === null || value === '') {
        if (required) throw new UndecodableEvent(`${event.type}: missing ${name}`);
        return '';
      }
      if (typeof value !== 'string')
        throw new UndecodableEvent(`${event.type}: ${name} must be a string`);
      return value;
    };
    const loanId = field('loanId', true);
    const applicationId = field('applicationId', false);
    requireUuids(event, applicationId ? { loanId, applicationId } : { loanId });
    await recordLoanDisbursed(
      tx,
      {
        eventId: event.id,
        occurredAt: event.occurredAt,
        loanId,
        loanNumber: field('loanNumber', false),
        applicationId: applicationId || undefined,
        amount: field('amount', false),
        valueDate: field('valueDate', false),
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
