// Post-loan management: collection cases and payment promises, litigations, repossessed assets.
import { decodeEventData } from '@loanflow/platform';
import { accountingEventsV1, postLoanV1 } from '@loanflow/proto';
import { enumWord } from '../../domain/projection';
import {
  amountOf,
  dateOf,
  optionalDate,
  optionalUuid,
  uuidOf,
  v1,
  type Projections,
} from './projection';

/** A promise is made, then kept or broken: a late `made` does not undo the outcome. */
async function mergePromise(
  tx: Parameters<Projections[string]['apply']>[1],
  p: {
    promiseId: string;
    caseId: string;
    loanId: string;
    branchId: string;
    amount: string;
    promisedDate: string;
    status: string;
    resolvedOn: string | null;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO payment_promises (promise_id, case_id, loan_id, branch_id, amount, promised_date,
       status, resolved_on)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (promise_id) DO UPDATE SET
       status = CASE WHEN EXCLUDED.status = 'made' THEN payment_promises.status ELSE EXCLUDED.status END,
       resolved_on = COALESCE(EXCLUDED.resolved_on, payment_promises.resolved_on),
       amount = EXCLUDED.amount, promised_date = EXCLUDED.promised_date`,
    [p.promiseId, p.caseId, p.loanId, p.branchId, p.amount, p.promisedDate, p.status, p.resolvedOn],
  );
}

const litigationStatus = (s: postLoanV1.LitigationStatus) =>
  enumWord(postLoanV1.litigationStatusToJSON(s), 'LITIGATION_STATUS_');

export const postLoanProjections: Projections = {
  'accounting.collection.case-opened': v1(async (event, tx) => {
    const c = decodeEventData(accountingEventsV1.CollectionCaseOpened, event, [
      'caseId',
      'loanId',
      'openedOn',
    ]);
    await tx.query(
      `INSERT INTO collection_cases (case_id, loan_id, branch_id, customer_id, officer, opened_on,
         days_past_due_at_open, status)
       VALUES ($1, $2, $3, $4, NULLIF($5, ''), $6, $7, 'open')
       ON CONFLICT (case_id) DO UPDATE SET officer = EXCLUDED.officer,
         opened_on = EXCLUDED.opened_on, days_past_due_at_open = EXCLUDED.days_past_due_at_open`,
      [
        uuidOf(event, 'caseId', c.caseId),
        uuidOf(event, 'loanId', c.loanId),
        c.branchId,
        optionalUuid(event, 'customerId', c.customerId),
        c.officer,
        dateOf(event, 'openedOn', c.openedOn),
        c.daysPastDue,
      ],
    );
  }),
  'accounting.collection.case-closed': v1(async (event, tx) => {
    const c = decodeEventData(accountingEventsV1.CollectionCaseClosed, event, [
      'caseId',
      'loanId',
      'closedOn',
    ]);
    const closedOn = dateOf(event, 'closedOn', c.closedOn);
    await tx.query(
      `INSERT INTO collection_cases (case_id, loan_id, branch_id, customer_id, opened_on, status,
         closed_on, outcome)
       VALUES ($1, $2, $3, $4, $5, 'closed', $5, NULLIF($6, ''))
       ON CONFLICT (case_id) DO UPDATE SET status = 'closed', closed_on = EXCLUDED.closed_on,
         outcome = EXCLUDED.outcome`,
      [
        uuidOf(event, 'caseId', c.caseId),
        uuidOf(event, 'loanId', c.loanId),
        c.branchId,
        optionalUuid(event, 'customerId', c.customerId),
        closedOn,
        c.outcome,
      ],
    );
  }),
  'accounting.collection.promise-made': v1(async (event, tx) => promiseChanged(event, tx)),
  'accounting.collection.promise-kept': v1(async (event, tx) => promiseChanged(event, tx)),
  'accounting.collection.promise-broken': v1(async (event, tx) => {
    const p = decodeEventData(accountingEventsV1.PaymentPromiseBroken, event, [
      'promiseId',
      'caseId',
      'loanId',
    ]);
    await mergePromise(tx, {
      promiseId: uuidOf(event, 'promiseId', p.promiseId),
      caseId: uuidOf(event, 'caseId', p.caseId),
      loanId: uuidOf(event, 'loanId', p.loanId),
      branchId: p.branchId,
      amount: amountOf(event, 'amount', p.amount)!,
      promisedDate: dateOf(event, 'promisedDate', p.promisedDate),
      status: 'broken',
      resolvedOn: optionalDate(event, 'resolvedOn', p.resolvedOn),
    });
  }),
  'accounting.litigation.status-changed': v1(async (event, tx) => {
    const l = decodeEventData(accountingEventsV1.LitigationStatusChanged, event, [
      'litigationId',
      'loanId',
      'toStatus',
    ]);
    await tx.query(
      `INSERT INTO litigations (litigation_id, loan_id, branch_id, status, case_number,
         judgement_amount, changed_on)
       VALUES ($1, $2, $3, $4, NULLIF($5, ''), $6, $7)
       ON CONFLICT (litigation_id) DO UPDATE SET status = EXCLUDED.status,
         case_number = COALESCE(EXCLUDED.case_number, litigations.case_number),
         judgement_amount = COALESCE(EXCLUDED.judgement_amount, litigations.judgement_amount),
         changed_on = EXCLUDED.changed_on`,
      [
        uuidOf(event, 'litigationId', l.litigationId),
        uuidOf(event, 'loanId', l.loanId),
        l.branchId,
        litigationStatus(l.toStatus),
        l.caseNumber,
        amountOf(event, 'judgementAmount', l.judgementAmount, null),
        optionalDate(event, 'changedOn', l.changedOn),
      ],
    );
  }),
  'accounting.asset.status-changed': v1(async (event, tx) => {
    const a = decodeEventData(accountingEventsV1.RepossessedAssetChanged, event, [
      'assetId',
      'loanId',
      'toStatus',
    ]);
    await tx.query(
      `INSERT INTO repossessed_assets (asset_id, loan_id, branch_id, kind, status, booked_value,
         proceeds, changed_on)
       VALUES ($1, $2, $3, NULLIF($4, ''), $5, $6, $7, $8)
       ON CONFLICT (asset_id) DO UPDATE SET status = EXCLUDED.status,
         kind = COALESCE(EXCLUDED.kind, repossessed_assets.kind),
         booked_value = COALESCE(EXCLUDED.booked_value, repossessed_assets.booked_value),
         proceeds = COALESCE(EXCLUDED.proceeds, repossessed_assets.proceeds),
         changed_on = EXCLUDED.changed_on`,
      [
        uuidOf(event, 'assetId', a.assetId),
        uuidOf(event, 'loanId', a.loanId),
        a.branchId,
        a.kind,
        a.toStatus,
        amountOf(event, 'bookedValue', a.bookedValue, null),
        amountOf(event, 'proceeds', a.proceeds, null),
        optionalDate(event, 'changedOn', a.changedOn),
      ],
    );
  }),
};

async function promiseChanged(
  event: Parameters<Projections[string]['apply']>[0],
  tx: Parameters<Projections[string]['apply']>[1],
): Promise<void> {
  const p = decodeEventData(accountingEventsV1.PaymentPromiseChanged, event, [
    'promiseId',
    'caseId',
    'loanId',
  ]);
  await mergePromise(tx, {
    promiseId: uuidOf(event, 'promiseId', p.promiseId),
    caseId: uuidOf(event, 'caseId', p.caseId),
    loanId: uuidOf(event, 'loanId', p.loanId),
    branchId: p.branchId,
    amount: amountOf(event, 'amount', p.amount)!,
    promisedDate: dateOf(event, 'promisedDate', p.promisedDate),
    status: event.type.endsWith('promise-kept') ? 'kept' : 'made',
    resolvedOn: optionalDate(event, 'resolvedOn', p.resolvedOn),
  });
}
