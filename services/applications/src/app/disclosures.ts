// 合同打印: the borrower's identity number in full, for the loan contract and nothing else.
//
// The number is kept encrypted and every other answer carries the masked form. A contract must
// name its borrower exactly, so the documents service asks for the number here when it prints
// one: only for an approved application, only for staff who generate contracts and may see the
// application, and every disclosure is recorded (who, when, which application, why) in the same
// transaction as the read. A narrow call rather than a flag on GetCustomer, so that no other
// screen or client can ever come by the number through the everyday API.
import {
  failedPrecondition,
  invalidArgument,
  requireRole,
  uuidv7,
  withTransaction,
  type Principal,
  type Role,
} from '@loanflow/platform';
import { borrowerIdentityRow, recordDisclosure } from '../infra/customer-repo';
import type { ApplicationDeps } from './applications';
import { getApplication } from './applications';

/** The roles that generate contracts (the documents service's generators). */
const CONTRACT_PRINTERS: Role[] = [
  'account_manager',
  'corporate_lending',
  'disbursement_reviewer',
  'admin',
];
export const DISCLOSURE_PURPOSES = ['contract_printing'] as const;

export interface BorrowerIdentity {
  customerId: string;
  customerType: 'individual' | 'corporate';
  name: string;
  idNumber: string;
  address: string;
}

export async function discloseBorrowerIdentity(
  deps: ApplicationDeps,
  actor: Principal,
  applicationId: string,
  purpose: string,
): Promise<BorrowerIdentity> {
  requireRole(actor, CONTRACT_PRINTERS, 'printing a contract with the borrower identity');
  if (!(DISCLOSURE_PURPOSES as readonly string[]).includes(purpose))
    throw invalidArgument([
      { field: 'purpose', reason: `must be one of ${DISCLOSURE_PURPOSES.join(', ')}` },
    ]);
  // Whoever may not see the application may not see its borrower (branch scope, NOT_FOUND).
  const application = await getApplication(deps, actor, applicationId);
  if (application.status !== 'approved')
    throw failedPrecondition('the borrower identity is disclosed for an approved application only');
  return withTransaction(deps.pool, async (tx) => {
    const c = (await borrowerIdentityRow(tx, application.customerId))!;
    await recordDisclosure(tx, {
      id: uuidv7(),
      customerId: c.id,
      applicationId: application.id,
      purpose,
      to: actor.userId,
    });
    return {
      customerId: c.id,
      customerType: c.type,
      name: c.name,
      idNumber:
        c.type === 'individual' ? deps.pii.decrypt(c.resident_id_enc!) : (c.credit_code ?? ''),
      address: c.address ?? '',
    };
  });
}
