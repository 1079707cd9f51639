import { randomUUID } from 'node:crypto';
import { api, type TestSystem } from './system';

/** One migrated loan as POST /api/v1/loan-imports takes it; a 12-month annuity by default. */
export function importedLoan(
  disbursementDate: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const principal = (overrides.approvedAmount as string | undefined) ?? '100000.00';
  return {
    externalReference: `OLD-${randomUUID()}`,
    customerId: randomUUID(),
    borrowerName: '李明',
    branchId: 'SH001',
    productCode: 'PERSONAL_CONSUMER',
    approvedAmount: principal,
    schedule: {
      principal,
      annualRatePercent: '4.35',
      term: 12,
      termUnit: 'month',
      repaymentMethod: 'equal_installments',
      disbursementDate,
      repaymentDay: Number(disbursementDate.slice(8, 10)),
    },
    rateType: 'fixed',
    payee: { paymentMethod: 'self' },
    ...overrides,
  };
}

/**
 * Books loans that came from another system, through the gateway as the bank does it: one
 * administrator (`maker`) requests the import, another (`checker`) approves it. Free-form loans
 * exist only this way; everyday loans are opened under a signed contract. Returns the loan ids.
 */
export async function importLoans(
  system: TestSystem,
  maker: string,
  checker: string,
  loans: Record<string, unknown>[],
): Promise<string[]> {
  const requested = await api<{ id: string }>(system.baseUrl, 'POST', '/api/v1/loan-imports', {
    token: await system.login(maker),
    body: { sourceSystem: 'legacy core banking (test)', reason: 'test book', loans },
  });
  if (requested.status !== 201)
    throw new Error(`loan import request: ${requested.status} ${JSON.stringify(requested.body)}`);
  const approved = await api<{ loanIds: string[] }>(
    system.baseUrl,
    'POST',
    `/api/v1/loan-imports/${requested.body.id}:approve`,
    { token: await system.login(checker), body: {} },
  );
  if (approved.status !== 200)
    throw new Error(`loan import approval: ${approved.status} ${JSON.stringify(approved.body)}`);
  return approved.body.loanIds;
}
