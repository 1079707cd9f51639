// documents' contract.signed, consumed: decoded with the generated message, then recorded.
import {
  decodeEventData,
  isUuid,
  UndecodableEvent,
  type EventEnvelope,
  type PoolClient,
} from '@loanflow/platform';
import { documentEventsV1 } from '@loanflow/proto';
import { recordSignedContract } from '../app/contracts';

/**
 * A contract without its parties or full terms (schema 1 carried no schedule and no customer)
 * cannot govern a loan: the event is undecodable and parked with the reason.
 */
export async function onContractSigned(event: EventEnvelope, tx: PoolClient): Promise<void> {
  const c = decodeEventData(documentEventsV1.ContractSigned, event, [
    'applicationId',
    'contractId',
    'contractNumber',
    'customerId',
    'branchId',
    'borrowerName',
    'signedAt',
    'terms',
  ]);
  const t = c.terms!;
  const missing = [
    !isUuid(c.applicationId) && 'applicationId (a UUID)',
    !isUuid(c.contractId) && 'contractId (a UUID)',
    !isUuid(c.customerId) && 'customerId (a UUID)',
    !c.borrowerName.trim() && 'borrowerName',
    !t.amount && 'terms.amount',
    !t.annualRatePercent && 'terms.annualRatePercent',
    !t.termMonths && 'terms.termMonths',
    t.schedule.length === 0 && 'terms.schedule',
  ].filter(Boolean);
  if (missing.length > 0)
    throw new UndecodableEvent(
      `${event.type}: a contract without ${missing.join(', ')} cannot govern a loan (regenerate the contract)`,
    );
  await recordSignedContract(tx, { ...c, terms: t });
}
