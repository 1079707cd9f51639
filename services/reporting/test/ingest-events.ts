// Events as their owners publish them (the proto messages' JSON), for the ingestion tests and the
// rebuild test: one application's way from draft to a disbursed loan, and the book's end of day.
import { randomUUID } from 'node:crypto';
import {
  accountingEventsV1 as acc,
  applicationEventsV1 as app,
  applicationsV1,
  documentEventsV1 as doc,
  identityV1,
  notificationEventsV1 as nf,
  postLoanV1,
  workflowEventsV1 as wf,
} from '@loanflow/proto';
import type { IngestHarness } from './ingest-harness';

export interface Published {
  ids: string[];
}

/** Publishes and remembers the id (to wait for every event of a story). */
export function publisher(h: IngestHarness) {
  const ids: string[] = [];
  const send = async (
    type: string,
    subjectId: string,
    data: unknown,
    more?: Parameters<IngestHarness['publish']>[3],
  ): Promise<string> => {
    const id = await h.publish(type, subjectId, data, more);
    ids.push(id);
    return id;
  };
  return { ids, send };
}

export async function branch(
  send: ReturnType<typeof publisher>['send'],
  code: string,
  name: string,
  parentCode = 'HQ',
) {
  await send(
    'identity.branch.created',
    code,
    identityV1.BranchChanged.toJSON({ branch: { code, name, parentCode, level: 'branch' } }),
  );
}

export interface StoryFacts {
  applicationId: string;
  instanceId: string;
  loanId: string;
  customerId: string;
  branchId: string;
  productCode: string;
  amount: string;
}

/**
 * An application from draft to a disbursed loan: two approval steps (the first sent back once),
 * decided in `workingDays`, then a contract, a disbursement on `valueDate` and a repayment.
 */
export async function applicationToLoan(
  send: ReturnType<typeof publisher>['send'],
  f: StoryFacts & {
    workingDays: string;
    decidedAt: string;
    valueDate: string;
    repayment?: { id: string; date: string; principal: string; interest: string };
  },
) {
  const a = f.applicationId;
  await send(
    'applications.application.created',
    a,
    app.ApplicationCreated.toJSON(
      app.ApplicationCreated.fromPartial({
        applicationId: a,
        customerId: f.customerId,
        customerType: applicationsV1.CustomerType.CUSTOMER_TYPE_INDIVIDUAL,
        productCode: f.productCode,
        branchId: f.branchId,
        amount: f.amount,
        termMonths: 12,
        createdBy: 'am1',
      }),
    ),
  );
  await send(
    'applications.application.submitted',
    a,
    app.ApplicationSubmitted.toJSON(
      app.ApplicationSubmitted.fromPartial({
        applicationId: a,
        customerId: f.customerId,
        customerType: applicationsV1.CustomerType.CUSTOMER_TYPE_INDIVIDUAL,
        productCode: f.productCode,
        productCategory: 'personal',
        branchId: f.branchId,
        amount: f.amount,
        termMonths: 12,
        score: 720,
        submittedBy: 'am1',
        submittedAt: '2026-11-02T09:00:00+08:00',
        customerName: '张三',
      }),
    ),
  );
  await send(
    'workflow.process.started',
    f.instanceId,
    wf.ProcessStarted.toJSON({
      instanceId: f.instanceId,
      definitionKey: 'personal-loan',
      definitionVersion: 1,
      businessKey: a,
      at: '2026-11-02T09:00:01+08:00',
    }),
  );
  const task = (id: string, step: string, state: string) => ({
    id: `${f.instanceId}:${id}`,
    instanceId: f.instanceId,
    businessKey: a,
    elementId: id,
    name: step,
    step,
    state,
    assignee: 'officer1',
    candidateGroups: ['credit_officer'],
    candidateUsers: [],
    owner: '',
    createdAt: '2026-11-02T09:00:01+08:00',
    dueAt: '2026-11-04T18:00:00+08:00',
    overdue: false,
    productCode: f.productCode,
    amount: f.amount,
    branchId: f.branchId,
    customerName: '张三',
    cancelReason: '',
  });
  const taskEvent = (verb: string, t: ReturnType<typeof task>, more: Partial<wf.TaskEvent> = {}) =>
    send(
      `workflow.task.${verb}`,
      t.id,
      wf.TaskEvent.toJSON(wf.TaskEvent.fromPartial({ task: t, at: f.decidedAt, ...more })),
    );
  await taskEvent('created', task('t1', 'investigation', 'open'));
  await taskEvent('sent-back', task('t1', 'investigation', 'completed'), {
    actor: 'officer1',
    reason: 'missing income proof',
    targetElementId: 'apply',
    workingDays: '0.5',
  });
  await taskEvent('created', task('t2', 'investigation', 'open'));
  await taskEvent('completed', task('t2', 'investigation', 'completed'), {
    actor: 'officer1',
    outcome: 'approve',
    opinion: '同意',
    workingDays: '1.25',
  });
  await taskEvent('created', task('t3', 'review', 'open'));
  await taskEvent('urged', task('t3', 'review', 'open'), { actor: 'boss', reason: '快' });
  await taskEvent('completed', task('t3', 'review', 'completed'), {
    actor: 'officer2',
    outcome: 'approve',
    workingDays: '0.75',
  });
  await send(
    'workflow.process.completed',
    f.instanceId,
    wf.ProcessCompleted.toJSON(
      wf.ProcessCompleted.fromPartial({
        instanceId: f.instanceId,
        businessKey: a,
        decision: 'approved',
        approvedAmount: f.amount,
        approvedRatePercent: '4.35',
        approvedTermMonths: 12,
        at: f.decidedAt,
        startedAt: '2026-11-02T09:00:01+08:00',
        workingDays: f.workingDays,
      }),
    ),
  );
  const contractId = randomUUID();
  await send(
    'documents.contract.signed',
    contractId,
    doc.ContractSigned.toJSON(
      doc.ContractSigned.fromPartial({
        contractId,
        contractNumber: `HT-${a.slice(0, 8)}`,
        applicationId: a,
        customerId: f.customerId,
        branchId: f.branchId,
        productCode: f.productCode,
        parties: ['lender', 'borrower'],
        signedAt: '2026-11-06T10:00:00+08:00',
      }),
    ),
    { schemaVersion: 2 },
  );
  await send(
    'accounting.loan.disbursed',
    f.loanId,
    acc.LoanDisbursed.toJSON({
      loanId: f.loanId,
      loanNumber: `LN-${f.loanId.slice(0, 8)}`,
      applicationId: a,
      contractId,
      contractNumber: `HT-${a.slice(0, 8)}`,
      customerId: f.customerId,
      branchId: f.branchId,
      productCode: f.productCode,
      tranche: 1,
      amount: f.amount,
      valueDate: f.valueDate,
      paymentMethod: 'self',
      annualRatePercent: '4.35',
      maturityDate: '2027-11-07',
    }),
  );
  if (f.repayment) {
    await send(
      'accounting.loan.repayment-posted',
      f.loanId,
      acc.RepaymentPosted.toJSON({
        id: f.repayment.id,
        loanId: f.loanId,
        valueDate: f.repayment.date,
        amount: (Number(f.repayment.principal) + Number(f.repayment.interest)).toFixed(2),
        kind: 'regular',
        allocation: {
          compound: '0',
          penalty: '0',
          overdueInterest: '0',
          overduePrincipal: '0',
          dueInterest: f.repayment.interest,
          duePrincipal: f.repayment.principal,
          accruedInterest: '0',
          principal: '0',
          credit: '0',
          fromCredit: '0',
        },
        status: 'posted',
        source: 'cash',
        branchId: f.branchId,
        customerId: f.customerId,
        loanClosed: false,
      }),
    );
  }
}

/** One LoanDay of the end of day. */
export function loanDay(
  l: Pick<StoryFacts, 'loanId' | 'branchId' | 'productCode' | 'customerId'>,
  classification: string,
  daysPastDue: number,
  outstanding: string,
): acc.LoanDay {
  return {
    loanId: l.loanId,
    loanNumber: `LN-${l.loanId.slice(0, 8)}`,
    branchId: l.branchId,
    productCode: l.productCode,
    customerId: l.customerId,
    classification,
    daysPastDue,
    annualRatePercent: '4.35',
    outstandingPrincipal: outstanding,
    overduePrincipal: daysPastDue > 0 ? '100.00' : '0.00',
    dueInterest: '0.00',
    overdueInterest: daysPastDue > 0 ? '3.21' : '0.00',
    accruedInterest: '12.34',
    penaltyInterest: '0.00',
    compoundInterest: '0.00',
    accruedTodayNormal: '1.19',
    accruedTodayPenalty: daysPastDue > 0 ? '0.05' : '0.00',
    accruedTodayCompound: '0.00',
    nextDueDate: '2026-12-07',
    maturityDate: '2027-11-07',
  };
}

export async function dayClosed(
  send: ReturnType<typeof publisher>['send'],
  businessDate: string,
  loans: acc.LoanDay[],
  part = 1,
) {
  await send(
    'accounting.loans.day-closed',
    businessDate,
    acc.LoansDayClosed.toJSON({
      businessDate,
      chunkFirstLoanId: loans[0]?.loanId ?? '',
      part,
      loans,
    }),
  );
}

export async function accrualCompleted(
  send: ReturnType<typeof publisher>['send'],
  businessDate: string,
  loansAccrued: number,
) {
  await send(
    'accounting.accrual.completed',
    businessDate,
    acc.AccrualCompleted.toJSON({
      businessDate,
      status: 'completed',
      loansAccrued,
      normalInterest: '2.38',
      penaltyInterest: '0.05',
      compoundInterest: '0.00',
      closedBy: 'system',
      aheadOfCalendar: false,
      simulationId: '',
      nextBusinessDate: '',
    }),
  );
}

export async function ledgerEntry(
  send: ReturnType<typeof publisher>['send'],
  entryId: string,
  businessDate: string,
  lines: acc.LedgerLine[],
) {
  await send(
    'accounting.ledger.entry-posted',
    entryId,
    acc.LedgerEntryPosted.toJSON({
      entryId,
      businessDate,
      kind: 'end_of_day',
      reference: `EOD-${businessDate}`,
      description: '日终计提',
      lines,
    }),
  );
}

/** Post-loan: a case with a kept and a broken promise, closed; a litigation; an asset. */
export async function postLoan(
  send: ReturnType<typeof publisher>['send'],
  l: Pick<StoryFacts, 'loanId' | 'branchId' | 'customerId'>,
) {
  const caseId = randomUUID();
  await send(
    'accounting.collection.case-opened',
    caseId,
    acc.CollectionCaseOpened.toJSON({
      caseId,
      loanId: l.loanId,
      loanNumber: 'LN',
      branchId: l.branchId,
      customerId: l.customerId,
      openedOn: '2026-11-20',
      officer: 'collector1',
      daysPastDue: 12,
      openedBy: 'system',
    }),
  );
  const promise = (promiseId: string, status: string) =>
    acc.PaymentPromiseChanged.toJSON({
      promiseId,
      caseId,
      loanId: l.loanId,
      branchId: l.branchId,
      customerId: l.customerId,
      amount: '500.00',
      promisedDate: '2026-11-25',
      status,
      resolvedOn: status === 'kept' ? '2026-11-25' : '',
      by: 'collector1',
    });
  const kept = randomUUID();
  const broken = randomUUID();
  await send('accounting.collection.promise-made', caseId, promise(kept, 'made'));
  await send('accounting.collection.promise-kept', caseId, promise(kept, 'kept'));
  await send('accounting.collection.promise-made', caseId, promise(broken, 'made'));
  await send(
    'accounting.collection.promise-broken',
    caseId,
    acc.PaymentPromiseBroken.toJSON({
      promiseId: broken,
      caseId,
      loanId: l.loanId,
      branchId: l.branchId,
      customerId: l.customerId,
      amount: '300.00',
      promisedDate: '2026-11-27',
      resolvedOn: '2026-11-28',
      markedBy: 'collector1',
    }),
  );
  await send(
    'accounting.collection.case-closed',
    caseId,
    acc.CollectionCaseClosed.toJSON({
      caseId,
      loanId: l.loanId,
      branchId: l.branchId,
      customerId: l.customerId,
      closedOn: '2026-11-29',
      outcome: 'repaid',
      closedBy: 'collector1',
    }),
  );
  const litigationId = randomUUID();
  await send(
    'accounting.litigation.status-changed',
    litigationId,
    acc.LitigationStatusChanged.toJSON({
      litigationId,
      loanId: l.loanId,
      branchId: l.branchId,
      customerId: l.customerId,
      fromStatus: postLoanV1.LitigationStatus.LITIGATION_STATUS_UNSPECIFIED,
      toStatus: postLoanV1.LitigationStatus.LITIGATION_STATUS_JUDGED,
      changedOn: '2026-11-26',
      caseNumber: '(2026)沪0101民初123号',
      judgementAmount: '8000.00',
      changedBy: 'legal1',
    }),
  );
  const assetId = randomUUID();
  await send(
    'accounting.asset.status-changed',
    assetId,
    acc.RepossessedAssetChanged.toJSON({
      assetId,
      loanId: l.loanId,
      branchId: l.branchId,
      customerId: l.customerId,
      kind: 'vehicle',
      fromStatus: '',
      toStatus: 'held',
      bookedValue: '60000.00',
      proceeds: '',
      changedOn: '2026-11-27',
      changedBy: 'legal1',
    }),
  );
  return { caseId, litigationId, assetId };
}

export async function notificationSent(send: ReturnType<typeof publisher>['send']) {
  const deliveryId = randomUUID();
  await send(
    'notifications.message.sent',
    deliveryId,
    nf.MessageDelivered.toJSON(
      nf.MessageDelivered.fromPartial({
        deliveryId,
        ruleId: 'loan-disbursed',
        ruleVersion: 1,
        eventId: randomUUID(),
        eventType: 'accounting.loan.disbursed',
        recipientKind: 'borrower',
        recipientId: randomUUID(),
        channel: 'sms',
        category: 'loan',
        templateCode: 'loan_disbursed',
        templateVersion: 1,
        status: 'sent',
        attempts: 1,
        segments: 2,
        createdAt: '2026-11-07T10:00:00+08:00',
        at: '2026-11-07T10:00:01+08:00',
      }),
    ),
  );
  return deliveryId;
}

/**
 * A small book: two branches, two applications that became loans (decided in 2.5 and 4 working
 * days), one declined by the pre-assessment, two month ends closed (November, December) in which
 * loan A moves from 正常 to 关注, the income of the nights, post-loan activity, a notification.
 */
export async function smallBook(h: IngestHarness) {
  const p = publisher(h);
  const customerId = randomUUID();
  const a: StoryFacts = {
    applicationId: randomUUID(),
    instanceId: `pi-${randomUUID()}`,
    loanId: randomUUID(),
    customerId,
    branchId: 'SH001',
    productCode: 'PERSONAL_CONSUMER',
    amount: '100000.00',
  };
  const b: StoryFacts = {
    applicationId: randomUUID(),
    instanceId: `pi-${randomUUID()}`,
    loanId: randomUUID(),
    customerId: randomUUID(),
    branchId: 'BJ001',
    productCode: 'SME_WORKING',
    amount: '250000.50',
  };
  await branch(p.send, 'SH001', '上海分行');
  await branch(p.send, 'BJ001', '北京分行');
  await applicationToLoan(p.send, {
    ...a,
    workingDays: '2.5',
    decidedAt: '2026-11-05T16:00:00+08:00',
    valueDate: '2026-11-07',
    repayment: { id: randomUUID(), date: '2026-12-07', principal: '8000.00', interest: '362.50' },
  });
  await applicationToLoan(p.send, {
    ...b,
    workingDays: '4',
    decidedAt: '2026-11-06T11:00:00+08:00',
    valueDate: '2026-11-09',
  });
  const declined = randomUUID();
  await p.send(
    'applications.application.declined',
    declined,
    app.ApplicationDeclined.toJSON({
      applicationId: declined,
      customerId,
      branchId: 'SH001',
      reason: '年龄不符; 黑名单',
      declinedAt: '2026-11-03T10:00:00+08:00',
      ruleCodes: ['age', 'blacklist'],
      productCode: 'PERSONAL_CONSUMER',
      amount: '50000.00',
    }),
  );
  await dayClosed(p.send, '2026-11-30', [
    loanDay(a, 'normal', 0, '100000.00'),
    loanDay(b, 'normal', 0, '250000.50'),
  ]);
  await accrualCompleted(p.send, '2026-11-30', 2);
  await dayClosed(p.send, '2026-12-31', [loanDay(a, 'special_mention', 35, '92000.00')]);
  await dayClosed(p.send, '2026-12-31', [loanDay(b, 'normal', 0, '250000.50')], 2);
  await accrualCompleted(p.send, '2026-12-31', 2);
  await ledgerEntry(p.send, '9000001', '2026-11-30', [
    { accountCode: '130101', branchId: 'SH001', loanId: '', debit: '11.90', credit: '0' },
    { accountCode: '601101', branchId: 'SH001', loanId: '', debit: '0', credit: '11.90' },
    { accountCode: '601101', branchId: 'BJ001', loanId: '', debit: '0.10', credit: '30.00' },
  ]);
  await ledgerEntry(p.send, '9000002', '2026-12-31', [
    { accountCode: '601102', branchId: 'SH001', loanId: '', debit: '0', credit: '0.05' },
  ]);
  const post = await postLoan(p.send, a);
  await notificationSent(p.send);
  return { ids: p.ids, a, b, declined, post };
}
