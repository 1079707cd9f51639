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
  isUuid,
  notFound,
  requireRole,
  uuidv7,
  withTransaction,
  type Principal,
  type Role,
} from '@loanflow/platform';
import { applicationById } from '../infra/application-repo';
import { borrowerContactRow, borrowerIdentityRow, recordDisclosure } from '../infra/customer-repo';
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

// 通知: the borrower's name and mobile number in full, for a notice the bank sends them. Only the
// notifications service asks (with its service token: no user is behind an event being handled),
// only for that purpose, and each answer is recorded as a disclosure like the identity number's.

/** The services that may ask for a borrower's contact. */
export const CONTACT_CALLERS = ['notifications'] as const;
export const CONTACT_PURPOSES = ['notification'] as const;

export interface BorrowerContact {
  customerId: string;
  customerType: 'individual' | 'corporate';
  name: string;
  /** In full; a company's contact mobile; '' when none is known. */
  mobile: string;
  /** Who entered the application, when asked by application; '' otherwise. */
  accountManagerId: string;
  /** The application's branch when asked by application, else the customer's. */
  branchId: string;
}

/**
 * By customer id, or by application id (its customer, account manager and branch); both may be
 * given when they agree. `service` is the caller its service token named.
 */
export async function discloseBorrowerContact(
  deps: Pick<ApplicationDeps, 'pool' | 'pii'>,
  service: string,
  req: { customerId: string; applicationId: string; purpose: string },
): Promise<BorrowerContact> {
  const customerId = req.customerId.trim();
  const applicationId = req.applicationId.trim();
  const problems: { field: string; reason: string }[] = [];
  if (!(CONTACT_PURPOSES as readonly string[]).includes(req.purpose))
    problems.push({ field: 'purpose', reason: `must be one of ${CONTACT_PURPOSES.join(', ')}` });
  if (!customerId && !applicationId)
    problems.push({ field: 'customerId', reason: 'give the customer id or the application id' });
  if (customerId && !isUuid(customerId))
    problems.push({ field: 'customerId', reason: 'must be a UUID' });
  if (applicationId && !isUuid(applicationId))
    problems.push({ field: 'applicationId', reason: 'must be a UUID' });
  if (problems.length > 0) throw invalidArgument(problems);

  const application = applicationId ? await applicationById(deps.pool, applicationId) : undefined;
  if (applicationId && !application) throw notFound(`application ${applicationId}`);
  if (application && customerId && application.customerId !== customerId)
    throw invalidArgument([
      { field: 'customerId', reason: `is not the customer of application ${applicationId}` },
    ]);
  return withTransaction(deps.pool, async (tx) => {
    const c = await borrowerContactRow(tx, application?.customerId ?? customerId);
    if (!c) throw notFound(`customer ${customerId}`);
    await recordDisclosure(tx, {
      id: uuidv7(),
      customerId: c.id,
      applicationId: application?.id ?? null,
      purpose: req.purpose,
      to: `service:${service}`,
    });
    return {
      customerId: c.id,
      customerType: c.type,
      name: c.name,
      mobile: c.mobile_enc ? deps.pii.decrypt(c.mobile_enc) : '',
      accountManagerId: application?.createdBy ?? '',
      branchId: application?.branchId ?? c.branch_id,
    };
  });
}
