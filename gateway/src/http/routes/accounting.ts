/**
 * Loan accounts over REST: the schedule preview, opening, tranches, repayments and their
 * reversal, rates and the LPR, the end of day, the interest statement, the ledger, the five-tier
 * classification, write-off and loans migrated from another system (the accounting service's
 * AccountingService). The service checks every role again, with the branch scope; the roles here
 * only turn away early who could never do it.
 */
import { DomainError, invalidArgument, type Role } from '@loanflow/platform';
import {
  accountingV1 as pb,
  scheduleRequestFromJson,
  scheduleRequestToJson,
} from '@loanflow/proto';
import { z } from 'zod';
import { created, defineRoute, ok, type RouteSpec } from '../api/route';
import { isoDate, queryInt, text, uuid } from '../api/schemas';
import {
  BusinessDate,
  CLASSIFICATIONS,
  ClassificationChange,
  ClassificationDecision,
  ClassificationRequest,
  CreditRefund,
  DayClose,
  DecisionRequest,
  LOAN_STATUSES,
  Loan,
  LoanImport,
  LoanImportRequest,
  LoanPage,
  Lpr,
  LprRequest,
  OpenLoanRequest,
  RateChange,
  RateChangeRequest,
  ReasonRequest,
  Reconciliation,
  Recovery,
  RecoveryRequest,
  RefundRequest,
  RepaymentRequest,
  RepaymentPage,
  RepaymentResult,
  ReversalResult,
  Schedule,
  ScheduleRequest,
  SimulationRequest,
  SimulationStarted,
  Statement,
  TrancheRequest,
  TrialBalance,
  WriteOff,
  branchId,
  words,
} from '../api/accounting-schemas';
import type { RouteDeps } from './deps';

/** The same role sets the accounting service checks. */
const DISBURSERS: Role[] = ['disbursement_reviewer', 'admin'];
const CASHIERS: Role[] = ['disbursement_reviewer', 'post_loan_officer', 'admin'];
const REVERSERS: Role[] = ['post_loan_officer', 'admin'];
const CLASSIFIERS: Role[] = ['post_loan_officer', 'credit_officer', 'risk_manager', 'admin'];
const APPROVERS: Role[] = ['risk_manager', 'admin'];
const LEDGER_READERS: Role[] = [
  'risk_manager',
  'auditor',
  'admin',
  'disbursement_reviewer',
  'post_loan_officer',
];

const TAG = 'Loans';
const grpc = (method: string) => `loanflow.accounting.v1.AccountingService/${method}`;

/** The end of day of a large book takes minutes, not the usual call deadline. */
const END_OF_DAY_TIMEOUT_MS = 30 * 60_000;

const loanParams = z.strictObject({ loanId: uuid });
const importParams = z.strictObject({ importId: uuid });
const changeParams = z.strictObject({ changeId: uuid });

const LoanQuery = z.strictObject({
  branchId: branchId.optional(),
  status: words(LOAN_STATUSES, 'loan status').optional(),
  classification: words(CLASSIFICATIONS, 'five-tier classification').optional(),
  minDaysPastDue: queryInt(0, 100_000).optional(),
  customerId: uuid.optional(),
  pageSize: queryInt(1, 100).optional(),
  pageToken: text(512).optional(),
});
const RepaymentQuery = z.strictObject({
  pageSize: queryInt(1, 100).optional(),
  pageToken: uuid.meta({ description: 'The nextPageToken of the page before' }).optional(),
});
const StatementQuery = z.strictObject({
  from: isoDate,
  to: isoDate.meta({ description: 'Inclusive; at most the last accrued date' }),
  format: words(['json', 'csv', 'pdf'], 'statement format').optional(),
});

/**
 * A schedule's terms (checked by ScheduleRequest or ScheduleTerms) as the accounting proto
 * carries them (the ScheduleRequest message), and back: the one place that knows the proto's form
 * of a schedule. The zod schema has checked every JSON type already; should the two ever disagree,
 * the mapping's problems are refused as field errors rather than dropped.
 */
function scheduleOf(terms: Record<string, unknown>, prefix = ''): pb.ScheduleRequest {
  const { request, problems } = scheduleRequestFromJson(terms);
  if (problems.length > 0)
    throw invalidArgument(
      problems.map((p) => ({ field: prefix ? `${prefix}.${p.field}` : p.field, reason: p.reason })),
    );
  return request;
}
const scheduleTermsJson = (schedule: pb.ScheduleRequest | undefined) =>
  schedule && scheduleRequestToJson(schedule);

/** A loan import as the API shows it: each loan's schedule in its JSON form. */
const loanImportJson = (batch: pb.LoanImport | undefined) =>
  batch && {
    ...batch,
    loans: batch.loans.map((l) => ({ ...l, schedule: scheduleTermsJson(l.schedule) })),
  };

const scheduleJson = (out: pb.PreviewScheduleResponse) => ({
  installments: out.installments,
  totalInterest: out.totalInterest,
  totalPayment: out.totalPayment,
});

/**
 * Field violations named as the REST API names them: the service reports its own request fields
 * (`fromDate`, `businessDate`), which here are path or query parameters of other names.
 */
async function renamed<T>(call: Promise<T>, names: Record<string, string>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    if (!(err instanceof DomainError) || err.violations.length === 0) throw err;
    const violations = err.violations.map((v) => {
      const [head, ...rest] = v.field.split('.');
      return { ...v, field: [names[head!] ?? head, ...rest].join('.') };
    });
    throw err.code === 'invalid_argument'
      ? invalidArgument(violations)
      : new DomainError(err.code, err.message, violations);
  }
}

const noLoan = { description: 'No such loan' };
const notNow = { description: 'Not allowed in the current state (e.g. the loan is closed)' };
const reused = { description: 'Idempotency-Key reused with another body' };
const location = { Location: { description: 'The record made', schema: z.string() } };

export function accountingRoutes(deps: RouteDeps): RouteSpec[] {
  const acct = deps.accounting;

  const decideImport = (approve: boolean) =>
    defineRoute({
      operationId: approve ? 'approveLoanImport' : 'rejectLoanImport',
      method: 'post',
      path: `/loan-imports/{importId}:${approve ? 'approve' : 'reject'}`,
      tag: TAG,
      summary: approve
        ? 'The checker (another administrator) approves: every loan is opened on the open business date, all or none'
        : 'The checker rejects, with the reason (comment)',
      access: { roles: ['admin'] },
      grpc: grpc('DecideLoanImport'),
      idempotent: true,
      request: { params: importParams, body: DecisionRequest },
      responses: {
        200: { description: 'Decided', schema: LoanImport },
        409: { description: 'Already decided' },
      },
      async handle({ params, body, call, commandId }) {
        const out = await acct.decideLoanImport(
          { importId: params.importId, approve, comment: body.comment ?? '', commandId },
          call,
        );
        return ok(loanImportJson(out.loanImport));
      },
    });

  const decideClassification = (approve: boolean) =>
    defineRoute({
      operationId: approve ? 'approveClassificationChange' : 'rejectClassificationChange',
      method: 'post',
      path: `/classification-changes/{changeId}:${approve ? 'approve' : 'reject'}`,
      tag: TAG,
      summary: `${approve ? 'Approve' : 'Reject'} a proposed classification (risk managers; not the proposer)`,
      access: { roles: APPROVERS },
      grpc: grpc('DecideClassification'),
      request: { params: changeParams, body: DecisionRequest },
      responses: {
        200: { description: 'Decided', schema: ClassificationDecision },
        404: { description: 'No such change' },
        409: {
          description: approve
            ? 'Already decided, or the days past due now require worse'
            : 'Already decided',
        },
      },
      async handle({ params, body, call }) {
        const out = await acct.decideClassification(
          pb.DecideClassificationRequest.fromPartial({
            ...body,
            changeId: params.changeId,
            approve,
          }),
          call,
        );
        return ok(out);
      },
    });

  return [
    // ---- The schedule preview ----
    defineRoute({
      operationId: 'previewSchedule',
      method: 'post',
      path: '/schedules:preview',
      tag: TAG,
      summary:
        'Repayment schedule preview: every installment with its due date, principal, interest and balance',
      access: { signedIn: true },
      grpc: grpc('PreviewSchedule'),
      request: { body: ScheduleRequest },
      responses: { 200: { description: 'The schedule', schema: Schedule } },
      async handle({ body, call }) {
        return ok(scheduleJson(await acct.previewSchedule({ request: scheduleOf(body) }, call)));
      },
    }),

    // ---- Loan accounts ----
    defineRoute({
      operationId: 'openLoan',
      method: 'post',
      path: '/loans',
      tag: TAG,
      summary:
        '放款: open the loan of an approved application under its contract signed by every party, on the contract’s disbursement date, with every term from the contract (disbursement reviewers)',
      access: { roles: DISBURSERS },
      grpc: grpc('OpenLoan'),
      idempotent: true,
      request: { body: OpenLoanRequest },
      responses: {
        201: { description: 'Opened; Location is the loan', schema: Loan, headers: location },
        409: {
          description:
            'No contract signed by every party, documents missing for disbursement, another business date than the contract’s, no LPR published, or the application already has a loan',
        },
        422: reused,
      },
      async handle({ body, call, commandId }) {
        const schedule = body.schedule && scheduleOf(body.schedule, 'schedule');
        const out = await acct.openLoan(
          pb.OpenLoanRequest.fromPartial({ ...body, schedule, commandId }),
          call,
        );
        const loan = out.loan!;
        return created(loan, { Location: `/api/v1/loans/${loan.id}` });
      },
    }),
    defineRoute({
      operationId: 'listLoans',
      method: 'get',
      path: '/loans',
      tag: TAG,
      summary: 'Loan accounts, by id (branch-scoped; head office sees every branch)',
      access: { signedIn: true },
      grpc: grpc('ListLoans'),
      request: { query: LoanQuery },
      responses: { 200: { description: 'A page of loans', schema: LoanPage } },
      async handle({ query, call }) {
        const out = await acct.listLoans(pb.ListLoansRequest.fromPartial(query), call);
        return ok({ items: out.loans, nextPageToken: out.nextPageToken || null });
      },
    }),
    defineRoute({
      operationId: 'getLoan',
      method: 'get',
      path: '/loans/{loanId}',
      tag: TAG,
      summary: 'One loan account with its installments',
      access: { signedIn: true },
      grpc: grpc('GetLoan'),
      request: { params: loanParams },
      responses: { 200: { description: 'The loan', schema: Loan }, 404: noLoan },
      async handle({ params, call }) {
        const out = await acct.getLoan({ id: params.loanId }, call);
        return ok(out.loan);
      },
    }),
    defineRoute({
      operationId: 'disburseTranche',
      method: 'post',
      path: '/loans/{loanId}/tranches',
      tag: TAG,
      summary: 'Pay out a further tranche, within the approved amount (disbursement reviewers)',
      access: { roles: DISBURSERS },
      grpc: grpc('DisburseTranche'),
      idempotent: true,
      request: { params: loanParams, body: TrancheRequest },
      responses: {
        201: { description: 'Disbursed; the loan after it', schema: Loan },
        404: noLoan,
        409: notNow,
        422: reused,
      },
      async handle({ params, body, call, commandId }) {
        const out = await acct.disburseTranche(
          pb.DisburseTrancheRequest.fromPartial({ ...body, loanId: params.loanId, commandId }),
          call,
        );
        return created(out.loan);
      },
    }),

    // ---- Loans migrated from another system: maker (one admin) and checker (another) ----
    defineRoute({
      operationId: 'requestLoanImport',
      method: 'post',
      path: '/loan-imports',
      tag: TAG,
      summary:
        'Loans migrated from another system: one administrator requests a batch (maker); nothing is booked until another approves it',
      access: { roles: ['admin'] },
      grpc: grpc('RequestLoanImport'),
      idempotent: true,
      request: { body: LoanImportRequest },
      responses: {
        201: {
          description: 'Requested; Location is the batch',
          schema: LoanImport,
          headers: location,
        },
      },
      async handle({ body, call, commandId }) {
        const loans = body.loans.map((l, i) => ({
          ...l,
          schedule: scheduleOf(l.schedule, `loans[${i}].schedule`),
        }));
        const out = await acct.requestLoanImport(
          pb.RequestLoanImportRequest.fromPartial({ ...body, loans, commandId }),
          call,
        );
        const batch = out.loanImport!;
        return created(loanImportJson(batch), { Location: `/api/v1/loan-imports/${batch.id}` });
      },
    }),
    decideImport(true),
    decideImport(false),
    defineRoute({
      operationId: 'getLoanImport',
      method: 'get',
      path: '/loan-imports/{importId}',
      tag: TAG,
      summary: 'A loan import: what was asked, by whom and when, who decided, the loans opened',
      access: { roles: ['admin', 'auditor'] },
      grpc: grpc('GetLoanImport'),
      request: { params: importParams },
      responses: {
        200: { description: 'The batch', schema: LoanImport },
        404: { description: 'No such import' },
      },
      async handle({ params, call }) {
        const out = await acct.getLoanImport({ id: params.importId }, call);
        return ok(loanImportJson(out.loanImport));
      },
    }),

    // ---- Repayments ----
    defineRoute({
      operationId: 'listRepayments',
      method: 'get',
      path: '/loans/{loanId}/repayments',
      tag: TAG,
      summary: "A loan's repayments, newest first, reversed ones too (branch-scoped)",
      access: { signedIn: true },
      grpc: grpc('ListRepayments'),
      request: { params: loanParams, query: RepaymentQuery },
      responses: {
        200: { description: 'A page of repayments', schema: RepaymentPage },
        404: noLoan,
      },
      async handle({ params, query, call }) {
        const out = await acct.listRepayments(
          pb.ListRepaymentsRequest.fromPartial({ ...query, loanId: params.loanId }),
          call,
        );
        return ok({ items: out.repayments, nextPageToken: out.nextPageToken || null });
      },
    }),
    defineRoute({
      operationId: 'postRepayment',
      method: 'post',
      path: '/loans/{loanId}/repayments',
      tag: TAG,
      summary: '还款: a repayment, prepayment or payoff on the open business date',
      access: { roles: CASHIERS },
      grpc: grpc('PostRepayment'),
      idempotent: true,
      request: { params: loanParams, body: RepaymentRequest },
      responses: {
        201: { description: 'Posted', schema: RepaymentResult },
        404: noLoan,
        409: notNow,
        422: reused,
      },
      async handle({ params, body, call, commandId }) {
        const out = await acct.postRepayment(
          pb.PostRepaymentRequest.fromPartial({ ...body, loanId: params.loanId, commandId }),
          call,
        );
        return created(out);
      },
    }),
    defineRoute({
      operationId: 'reverseRepayment',
      method: 'post',
      path: '/repayments/{repaymentId}:reverse',
      tag: TAG,
      summary:
        '冲正: reverse a repayment posted in error; the loan is run again without it and one correcting entry is posted',
      access: { roles: REVERSERS },
      grpc: grpc('ReverseRepayment'),
      idempotent: true,
      request: { params: z.strictObject({ repaymentId: uuid }), body: ReasonRequest },
      responses: {
        200: { description: 'Reversed', schema: ReversalResult },
        404: { description: 'No such repayment' },
        409: { description: 'Already reversed, or the loan is written off' },
        422: reused,
      },
      async handle({ params, body, call, commandId }) {
        const out = await acct.reverseRepayment(
          pb.ReverseRepaymentRequest.fromPartial({
            ...body,
            repaymentId: params.repaymentId,
            commandId,
          }),
          call,
        );
        return ok(out);
      },
    }),

    // ---- Rates ----
    defineRoute({
      operationId: 'recordRateChange',
      method: 'post',
      path: '/loans/{loanId}/rate-changes',
      tag: TAG,
      summary: 'A rate change by agreement of a fixed-rate loan, from a later business date',
      access: { roles: DISBURSERS },
      grpc: grpc('RecordRateChange'),
      idempotent: true,
      request: { params: loanParams, body: RateChangeRequest },
      responses: {
        201: { description: 'Recorded', schema: RateChange },
        404: noLoan,
        409: notNow,
        422: reused,
      },
      async handle({ params, body, call, commandId }) {
        const out = await acct.recordRateChange(
          pb.RecordRateChangeRequest.fromPartial({ ...body, loanId: params.loanId, commandId }),
          call,
        );
        return created(out);
      },
    }),
    defineRoute({
      operationId: 'publishLpr',
      method: 'post',
      path: '/lpr',
      tag: TAG,
      summary:
        'Publish a loan prime rate (LPR); floating loans take it on their next repricing date (admin, risk managers)',
      access: { roles: ['admin', 'risk_manager'] },
      grpc: grpc('PublishLpr'),
      request: { body: LprRequest },
      responses: {
        200: { description: 'Published', schema: Lpr },
        409: { description: 'Already published with another rate' },
      },
      async handle({ body, call }) {
        return ok(await acct.publishLpr(pb.PublishLprRequest.fromPartial(body), call));
      },
    }),

    // ---- Business days (日终) ----
    defineRoute({
      operationId: 'getBusinessDate',
      method: 'get',
      path: '/business-days/current',
      tag: TAG,
      summary:
        'The open business date beside today’s calendar date, and the simulations recorded (who, when, through which date, why, the dates they closed)',
      access: { signedIn: true },
      grpc: grpc('GetBusinessDate'),
      responses: { 200: { description: 'The business date', schema: BusinessDate } },
      async handle({ call }) {
        return ok(await acct.getBusinessDate({}, call));
      },
    }),
    defineRoute({
      operationId: 'closeBusinessDay',
      method: 'post',
      path: '/business-days/{date}:close',
      tag: TAG,
      summary:
        '日终: close the open business date (accrual, billing, overdue, classification) and open the next (admin)',
      access: { roles: ['admin'] },
      grpc: grpc('RunEndOfDay'),
      request: { params: z.strictObject({ date: isoDate }), body: z.strictObject({}) },
      responses: {
        200: { description: 'Closed (or closed before: alreadyClosed)', schema: DayClose },
        409: {
          description:
            'The end of day is already running, or the date is later than today and no simulation allows it',
        },
      },
      async handle({ params, call }) {
        const out = await renamed(
          acct.runEndOfDay(
            { businessDate: params.date },
            // It finishes on the service even if this client goes away; a repeat then answers
            // alreadyClosed.
            { ...call, timeoutMs: Math.max(call.timeoutMs, END_OF_DAY_TIMEOUT_MS) },
          ),
          { businessDate: 'date' },
        );
        return ok(out);
      },
    }),
    defineRoute({
      operationId: 'startBusinessDateSimulation',
      method: 'post',
      path: '/business-days:simulate',
      tag: TAG,
      summary:
        'Allow closing business dates later than today (Asia/Shanghai) up to a date, for a recorded reason: a simulated run of the book (admin). Without one, closing a date after today is refused (409); catching up dates up to today needs none',
      access: { roles: ['admin'] },
      grpc: grpc('StartBusinessDateSimulation'),
      request: { body: SimulationRequest },
      responses: { 201: { description: 'Recorded', schema: SimulationStarted } },
      async handle({ body, call }) {
        return created(await acct.startBusinessDateSimulation(body, call));
      },
    }),

    // ---- Interest statement and the ledger ----
    defineRoute({
      operationId: 'getStatement',
      method: 'get',
      path: '/loans/{loanId}/statement',
      tag: TAG,
      summary:
        '分段利息清单: interest segment by segment (normal, penalty, compound) for a date range, as JSON, CSV or PDF',
      access: { signedIn: true },
      grpc: grpc('GetStatement'),
      request: { params: loanParams, query: StatementQuery },
      responses: {
        200: {
          description:
            'The statement; CSV and PDF come as an attachment named <loanNumber>-<from>-<to>.csv|pdf',
          schema: Statement,
          alternatives: { 'text/csv': z.string(), 'application/pdf': undefined },
        },
        404: noLoan,
      },
      async handle({ params, query, call, res }) {
        const format = query.format ?? 'json';
        const out = await renamed(
          acct.getStatement(
            { loanId: params.loanId, fromDate: query.from, toDate: query.to, format },
            call,
          ),
          { fromDate: 'from', toDate: 'to' },
        );
        if (format === 'json') {
          const { loanId, loanNumber, fromDate, toDate, header, lines, totals } = out;
          return ok({ loanId, loanNumber, fromDate, toDate, header, lines, totals });
        }
        res
          .status(200)
          .setHeader('Content-Type', out.contentType)
          .setHeader(
            'Content-Disposition',
            `attachment; filename="${out.loanNumber}-${out.fromDate}-${out.toDate}.${format}"`,
          )
          .send(Buffer.from(out.document));
        return undefined;
      },
    }),
    defineRoute({
      operationId: 'getTrialBalance',
      method: 'get',
      path: '/ledger/trial-balance',
      tag: TAG,
      summary: '试算平衡表: debit and credit totals per account',
      access: { roles: LEDGER_READERS },
      grpc: grpc('GetTrialBalance'),
      request: {
        query: z.strictObject({
          asOf: isoDate
            .meta({ description: 'Through this business date; default everything posted' })
            .optional(),
        }),
      },
      responses: { 200: { description: 'The trial balance', schema: TrialBalance } },
      async handle({ query, call }) {
        return ok(await acct.getTrialBalance({ asOf: query.asOf ?? '' }, call));
      },
    }),
    defineRoute({
      operationId: 'reconcileLoans',
      method: 'get',
      path: '/ledger/reconciliation',
      tag: TAG,
      summary: "对账: each loan's balances against its sub-ledger; lists every difference",
      access: { roles: LEDGER_READERS },
      grpc: grpc('ReconcileLoans'),
      request: { query: z.strictObject({ branchId: branchId.optional() }) },
      responses: { 200: { description: 'The reconciliation', schema: Reconciliation } },
      async handle({ query, call }) {
        return ok(await acct.reconcileLoans({ branchId: query.branchId ?? '' }, call));
      },
    }),

    // ---- Five-tier classification (maker-checker) ----
    defineRoute({
      operationId: 'requestClassification',
      method: 'post',
      path: '/loans/{loanId}/classification-changes',
      tag: TAG,
      summary:
        'Propose a five-tier classification (五级分类); a second person approves or rejects it',
      access: { roles: CLASSIFIERS },
      grpc: grpc('RequestClassification'),
      request: { params: loanParams, body: ClassificationRequest },
      responses: {
        201: { description: 'Waiting for approval', schema: ClassificationChange },
        404: noLoan,
        409: { description: 'A change is already waiting, or the loan is not active' },
      },
      async handle({ params, body, call }) {
        const out = await acct.requestClassification({ ...body, loanId: params.loanId }, call);
        return created(out.change);
      },
    }),
    decideClassification(true),
    decideClassification(false),

    // ---- Write-off (核销) and recoveries ----
    defineRoute({
      operationId: 'writeOffLoan',
      method: 'post',
      path: '/loans/{loanId}:write-off',
      tag: TAG,
      summary:
        '核销: write off every balance of a doubtful or loss loan against the loss allowance (risk managers)',
      access: { roles: ['risk_manager', 'admin'] },
      grpc: grpc('WriteOffLoan'),
      idempotent: true,
      request: { params: loanParams, body: ReasonRequest },
      responses: {
        200: { description: 'Written off', schema: WriteOff },
        404: noLoan,
        409: { description: 'Not active, or not classified doubtful or loss' },
        422: reused,
      },
      async handle({ params, body, call, commandId }) {
        const out = await acct.writeOffLoan(
          pb.WriteOffLoanRequest.fromPartial({ ...body, loanId: params.loanId, commandId }),
          call,
        );
        return ok(out);
      },
    }),
    defineRoute({
      operationId: 'recordRecovery',
      method: 'post',
      path: '/loans/{loanId}/recoveries',
      tag: TAG,
      summary: 'Money recovered on a written-off loan (back to the loss allowance)',
      access: { roles: CASHIERS },
      grpc: grpc('RecordRecovery'),
      idempotent: true,
      request: { params: loanParams, body: RecoveryRequest },
      responses: {
        201: { description: 'Recorded', schema: Recovery },
        404: noLoan,
        409: { description: 'The loan is not written off' },
        422: reused,
      },
      async handle({ params, body, call, commandId }) {
        const out = await acct.recordRecovery(
          pb.RecordRecoveryRequest.fromPartial({ ...body, loanId: params.loanId, commandId }),
          call,
        );
        return created(out);
      },
    }),
    defineRoute({
      operationId: 'refundCredit',
      method: 'post',
      path: '/loans/{loanId}/credit-refunds',
      tag: TAG,
      summary: 'Pay a credit balance (an overpayment held on the loan) back to the borrower',
      access: { roles: CASHIERS },
      grpc: grpc('RefundCredit'),
      idempotent: true,
      request: { params: loanParams, body: RefundRequest },
      responses: {
        201: { description: 'Refunded', schema: CreditRefund },
        404: noLoan,
        409: { description: 'The loan holds no credit balance' },
        422: reused,
      },
      async handle({ params, body, call, commandId }) {
        const out = await acct.refundCredit(
          pb.RefundCreditRequest.fromPartial({ ...body, loanId: params.loanId, commandId }),
          call,
        );
        return created(out);
      },
    }),
  ];
}
