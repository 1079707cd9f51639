// 合同已签: the contracts the documents service reports signed by every party.
import { isUuid, type EventEnvelope, type Logger, type PoolClient } from '@loanflow/platform';

interface ContractSigned {
  contractId?: string;
  contractNumber?: string;
  applicationId?: string;
  sha256?: string;
  signedAt?: string;
  terms?: {
    amount?: string;
    annualRatePercent?: string;
    termMonths?: number;
    repaymentMethod?: string;
  };
}

/** Records (or replaces, for a re-signed newer contract) the signed contract of an application. */
export async function recordSignedContract(
  tx: PoolClient,
  event: EventEnvelope,
  log: Logger,
): Promise<void> {
  const c = event.data as ContractSigned;
  const t = c.terms ?? {};
  if (
    !isUuid(c.applicationId ?? '') ||
    !isUuid(c.contractId ?? '') ||
    !t.amount ||
    !t.annualRatePercent ||
    !t.termMonths
  ) {
    log.error({ eventId: event.id }, 'contract.signed without an application or terms; ignored');
    return;
  }
  await tx.query(
    `INSERT INTO signed_contracts (application_id, contract_id, contract_number, sha256, amount, annual_rate,
       term_months, repayment_method, signed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (application_id) DO UPDATE SET contract_id = EXCLUDED.contract_id,
       contract_number = EXCLUDED.contract_number, sha256 = EXCLUDED.sha256, amount = EXCLUDED.amount,
       annual_rate = EXCLUDED.annual_rate, term_months = EXCLUDED.term_months,
       repayment_method = EXCLUDED.repayment_method, signed_at = EXCLUDED.signed_at
     WHERE signed_contracts.signed_at <= EXCLUDED.signed_at`,
    [
      c.applicationId,
      c.contractId,
      c.contractNumber,
      c.sha256,
      t.amount,
      t.annualRatePercent,
      t.termMonths,
      t.repaymentMethod ?? '',
      c.signedAt,
    ],
  );
}
