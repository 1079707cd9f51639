// Contracts signed by every party (documents' contract.signed), kept with the terms they fix.
import type { Queryable } from '@loanflow/platform';
import { documentEventsV1, documentsV1 } from '@loanflow/proto';
import type { SignedContract } from '../domain/loan/contract';

/** A contract signed by every party, as documents' contract.signed tells it. */
export type ContractSignature = documentEventsV1.ContractSigned & { terms: documentsV1.LoanTerms };

/** Records (or replaces, for a newer signature) the signed contract of an application. */
export async function upsertSignedContract(tx: Queryable, c: ContractSignature): Promise<void> {
  const t = c.terms;
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

interface ContractRow {
  contract_id: string;
  contract_number: string;
  application_id: string;
  customer_id: string | null;
  branch_id: string | null;
  product_code: string | null;
  borrower_name: string | null;
  terms: unknown;
}

/**
 * The contract of an application signed by every party, when it can govern a loan (contracts
 * recorded before parties and terms were carried cannot). `lock` for the opening transaction.
 */
export async function signedContractOf(
  db: Queryable,
  applicationId: string,
  lock = false,
): Promise<SignedContract | undefined> {
  const { rows } = await db.query<ContractRow>(
    `SELECT * FROM signed_contracts WHERE application_id = $1 ${lock ? 'FOR UPDATE' : ''}`,
    [applicationId],
  );
  const r = rows[0];
  return r && r.customer_id && r.terms
    ? {
        contractId: r.contract_id,
        contractNumber: r.contract_number,
        applicationId: r.application_id,
        customerId: r.customer_id,
        branchId: r.branch_id!,
        productCode: r.product_code!,
        borrowerName: r.borrower_name ?? '',
        terms: documentsV1.LoanTerms.fromJSON(r.terms),
      }
    : undefined;
}

/** The id of the application's signed contract, locked (a newer signature replaces it). */
export async function lockSignedContractId(
  tx: Queryable,
  applicationId: string,
): Promise<string | undefined> {
  const { rows } = await tx.query<{ contract_id: string }>(
    'SELECT contract_id FROM signed_contracts WHERE application_id = $1 FOR UPDATE',
    [applicationId],
  );
  return rows[0]?.contract_id;
}
