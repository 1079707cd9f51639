import {
  appendToOutbox,
  withTransaction,
  type Logger,
  type Pool,
  type PoolClient,
} from '@loanflow/platform';
import { applicationEventsV1 } from '@loanflow/proto';
import {
  appendHistory,
  applicationById,
  markContracted,
  markDisbursed,
  markEnded,
  staleApplications,
} from '../infra/application-repo';
import { activeProducts } from '../infra/catalogue-repo';
import { validityOf } from '../domain/products';
import { SOURCE } from './applications';

/** A contract of an application that every party signed (documents' contract.signed). */
export interface SignedContract {
  eventId: string;
  occurredAt: string;
  applicationId: string;
  contractId: string;
  contractNumber: string;
  signedAt?: string;
}

/**
 * 合同签署: the contract of an approved application is signed by every party (documents'
 * contract.signed). The application becomes contracted and links to the contract. Runs in the
 * inbox transaction: a redelivered event changes nothing twice.
 */
export async function recordContractSigned(
  tx: PoolClient,
  signed: SignedContract,
  log: Logger,
): Promise<void> {
  const { applicationId, contractId, contractNumber } = signed;
  if (!(await markContracted(tx, applicationId, { contractId, contractNumber }))) {
    const app = await applicationById(tx, applicationId);
    log.warn(
      { eventId: signed.eventId, applicationId, contractId, status: app?.status ?? 'unknown' },
      'contract signed for an application that is not approved; not recorded',
    );
    return;
  }
  await appendHistory(tx, applicationId, {
    action: 'contracted',
    at: signed.signedAt || signed.occurredAt,
    details: { contractId, contractNumber },
  });
}

/** A loan paid out (accounting's loan.disbursed), as decoded from the event. */
export interface DisbursedLoan {
  eventId: string;
  occurredAt: string;
  loanId: string;
  loanNumber: string;
  /** Absent for loans opened without an application (migrated books). */
  applicationId?: string;
  amount: string;
  valueDate: string;
}

/**
 * 放款: the loan of an application is paid out (accounting's loan.disbursed, first tranche). The
 * application becomes disbursed and links to the loan; later tranches change nothing here.
 */
export async function recordLoanDisbursed(
  tx: PoolClient,
  loan: DisbursedLoan,
  log: Logger,
): Promise<void> {
  const { applicationId, loanId, loanNumber } = loan;
  // Loans opened without an application (migrated books) are none of this service's business.
  if (!applicationId) return;
  const app = await applicationById(tx, applicationId);
  if (app?.loanId === loanId) return;
  if (!(await markDisbursed(tx, applicationId, { loanId, loanNumber }))) {
    log.warn(
      { eventId: loan.eventId, applicationId, loanId, status: app?.status ?? 'unknown' },
      'loan disbursed for an application that is not approved or contracted; not recorded',
    );
    return;
  }
  await appendHistory(tx, applicationId, {
    action: 'disbursed',
    at: loan.occurredAt,
    details: { loanId, loanNumber, amount: loan.amount, valueDate: loan.valueDate },
  });
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * The expiry sweep (a bank's 审批时效 and 批复有效期): a submitted application not decided within
 * its product's decision validity, and an approved one not contracted within the approval's
 * validity, expire with application.expired (the workflow ends the process). `now` is the
 * injected clock. Returns the ids expired; runs in batches until none is left.
 */
export async function expireStaleApplications(
  deps: { pool: Pool; log: Logger },
  now: Date,
  batch = 100,
): Promise<string[]> {
  const products = await activeProducts(deps.pool);
  const cutoffs = products.map((p) => {
    const v = validityOf(p);
    return {
      productCode: p.code,
      submittedBefore: new Date(now.getTime() - v.decisionDays * DAY_MS).toISOString(),
      decidedBefore: new Date(now.getTime() - v.approvalDays * DAY_MS).toISOString(),
      validity: v,
    };
  });
  const expired: string[] = [];
  for (;;) {
    const done = await withTransaction(deps.pool, async (tx) => {
      const stale = await staleApplications(tx, cutoffs, batch);
      for (const app of stale) {
        const current = (await applicationById(tx, app.id))!;
        const v = cutoffs.find((c) => c.productCode === current.productCode)!.validity;
        const reason =
          app.status === 'submitted'
            ? `not decided within ${v.decisionDays} days of submission`
            : `not contracted within ${v.approvalDays} days of approval`;
        if (!(await markEnded(tx, app.id, 'expired', app.status))) continue;
        await appendHistory(tx, app.id, {
          action: 'expired',
          at: now.toISOString(),
          reason,
          details: { from: app.status },
        });
        await appendToOutbox(tx, SOURCE, {
          type: 'applications.application.expired',
          subjectId: app.id,
          data: applicationEventsV1.ApplicationExpired.toJSON({
            applicationId: app.id,
            customerId: app.customerId,
            branchId: app.branchId,
            expiredFrom: app.status,
            reason,
            expiredAt: now.toISOString(),
          }),
        });
        expired.push(app.id);
      }
      return stale.length;
    });
    if (done < batch) break;
  }
  if (expired.length > 0) deps.log.info({ count: expired.length }, 'applications expired');
  return expired;
}
