// 合同已签: the contracts the documents service reports signed by every party, with the terms they
// fix (documents' ContractSigned, decoded with the generated code).
import { isUuid, type EventEnvelope, type Logger, type PoolClient } from '@loanflow/platform';
import { documentEventsV1, documentsV1 } from '@loanflow/proto';

/** Records (or replaces, for a re-signed newer contract) the signed contract of an application. */
export async function recordSignedContract(
  tx: PoolClient,
  event: EventEnvelope,
  log: Logger,
): Promise<void> {
  const c = documentEventsV1.ContractSigned.fromJSON(event.data);
  const t = c.terms;
  if (
    !isUuid(c.applicationId) ||
    !isUuid(c.contractId) ||
    !isUuid(c.customerId) ||
    !c.borrowerName.trim() ||
    !t?.amount ||
    !t.annualRatePercent ||
    !t.termMonths ||
    t.schedule.length === 0
  ) {
    // Schema 1 carried no schedule and no customer: such a contract cannot govern a loan.
    log.error(
      { eventId: event.id, schemaVersion: event.schemaVersion },
      'contract.signed without its parties or full terms; ignored (regenerate the contract)',
    );
    return;
  }
  await tx.query(
    `INSERT INTO signed_contracts (application_id, contract_id, contract_number, sha256, amount, annual_rate,
       term_months, repayment_method, signed_at, customer_id, branch_id, product_code, borrower_name, terms)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
     ON CONFLICT (application_id) DO UPDATE SET contract_id = EXCLUDED.contract_id,
       contract_number = EXCLUDED.contract_number, sha256 = EXCLUDED.sha256, amount = EXCLUDED.amount,
       annual_rate = EXCLUDED.annual_rate, term_months = EXCLUDED.term_months,
       repayment_method = EXCLUDED.repayment_method, signed_at = EXCLUDED.signed_at,
       customer_id = EXCLUDED.customer_id, branch_id = EXCLUDED.branch_id,
       product_code = EXCLUDED.product_code, borrower_name = EXCLUDED.borrower_name,
       terms = EXCLUDED.terms
     WHERE signed_contracts.signed_at <= EXCLUDED.signed_at`,
    [
      c.applicationId,
      c.contractId,
      c.contractNumber,
      c.sha256,
      t.amount,
      t.annualRatePercent,
      t.termMonths,
      t.repaymentMethod,
      c.signedAt,
      c.customerId,
      c.branchId,
      c.productCode,
      c.borrowerName,
      JSON.stringify(documentsV1.LoanTerms.toJSON(t)),
    ],
  );
}
