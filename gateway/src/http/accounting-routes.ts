// Loan accounts over REST: opening, tranches, repayments and their reversal, rates and the LPR,
// the end of day, the interest statement, the ledger, the five-tier classification and write-off
// (the accounting service's AccountingService). The service checks every role again, with the
// branch scope; the roles here only turn away early who could never do it.
import { DomainError, invalidArgument, type Role } from '@loanflow/platform';
import {
  accountingV1 as pb,
  scheduleRequestFromJson,
  scheduleRequestToJson,
} from '@loanflow/proto';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { requireRole } from './middleware';
import type { RouteDeps } from './routes';
import { commandIdOf, route, upstreamCall } from './upstream';
import { money, parseInput } from './validation';

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

const CLASSIFICATIONS = ['normal', 'special_mention', 'substandard', 'doubtful', 'loss'] as const;
const BUCKETS = [
  'compound',
  'penalty',
  'overdue_interest',
  'overdue_principal',
  'due_interest',
  'due_principal',
] as const;

const text = (max: number) =>
  z.string({ error: 'must be a string' }).max(max, `must be at most ${max} characters`);
const rate = z.string({ error: 'must be a decimal string such as "4.35"' }).max(16);
const date = z.string({ error: 'must be a date string such as "2025-06-30"' }).max(32);
// int32 on the wire: anything larger would be cut short by the encoder, not refused.
const int = (what: string) =>
  z
    .number({ error: `must be a whole number of ${what}` })
    .int(`must be a whole number of ${what}`)
    .min(-2_147_483_648, 'is out of range')
    .max(2_147_483_647, 'is out of range');
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` });
const pageSize = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be between 1 and 100')
  .max(100, 'must be between 1 and 100')
  .optional();

const payee = z.strictObject(
  {
    paymentMethod: oneOf(['entrusted', 'self']),
    counterpartyName: text(200).optional(),
    counterpartyAccount: text(40).optional(),
    counterpartyBank: text(200).optional(),
  },
  { error: 'must be an object with paymentMethod and, when entrusted, the counterparty' },
);

const simulationBody = z.strictObject({ throughDate: date, reason: text(1000) });

// The terms a signed contract fixes may be left out (they come from the contract); named, they
// must be the contract's (the accounting service says which differ).
const openLoanBody = z.strictObject({
  applicationId: z
    .string({
      error:
        'is required: a loan is opened from an approved application under its signed contract (migrated loans: POST /loan-imports)',
    })
    .max(64),
  contractId: text(64).optional(),
  customerId: text(64).optional(),
  branchId: text(32).optional(),
  productCode: text(64).optional(),
  approvedAmount: money.optional(),
  schedule: z
    .record(z.string(), z.unknown(), {
      error: 'must be the schedule request of POST /schedules:preview, as an object',
    })
    .optional(),
  rateType: oneOf(['fixed', 'floating']).optional(),
  lprTerm: oneOf(['1Y', '5Y']).optional(),
  spreadBp: int('basis points').optional(),
  repricing: oneOf(['january_first', 'anniversary']).optional(),
  penaltyMarkupPercent: rate.optional(),
  graceDays: int('days').optional(),
  allocationOrder: z
    .array(oneOf(BUCKETS), { error: 'must be a list of buckets' })
    .max(BUCKETS.length, `must list at most ${BUCKETS.length} buckets`)
    .optional(),
  payee,
});
const importedLoanBody = z.strictObject({
  externalReference: text(100),
  customerId: text(64),
  borrowerName: text(200),
  branchId: text(32),
  productCode: text(64),
  approvedAmount: money,
  // Checked field by field by the service, as POST /schedules:preview checks it.
  schedule: z.record(z.string(), z.unknown(), {
    error: 'must be the schedule request of POST /schedules:preview, as an object',
  }),
  rateType: oneOf(['fixed', 'floating']),
  lprTerm: oneOf(['1Y', '5Y']).optional(),
  spreadBp: int('basis points').optional(),
  repricing: oneOf(['january_first', 'anniversary']).optional(),
  penaltyMarkupPercent: rate.optional(),
  graceDays: int('days').optional(),
  allocationOrder: z
    .array(oneOf(BUCKETS), { error: 'must be a list of buckets' })
    .max(BUCKETS.length, `must list at most ${BUCKETS.length} buckets`)
    .optional(),
  payee,
});
const loanImportBody = z.strictObject({
  sourceSystem: text(100),
  reason: text(1000),
  loans: z
    .array(importedLoanBody, { error: 'must be a list of loans' })
    .min(1, 'must list at least one loan')
    .max(500, 'must list at most 500 loans'),
});
const trancheBody = z.strictObject({ amount: money, payee });
const repaymentBody = z.strictObject({
  amount: money,
  kind: oneOf(['regular', 'prepayment', 'payoff']).optional(),
  prepaymentOption: oneOf(['shorten_term', 'lower_installment']).optional(),
  reference: text(100).optional(),
  source: oneOf(['cash', 'repossessed_asset']).optional(),
});
const refundBody = z.strictObject({ amount: money.optional(), reference: text(100).optional() });
const reasonBody = z.strictObject({ reason: text(1000) });
const rateChangeBody = z.strictObject({
  annualRatePercent: rate,
  effectiveDate: date,
  reference: text(100),
});
const lprBody = z.strictObject({
  term: oneOf(['1Y', '5Y']),
  ratePercent: rate,
  effectiveDate: date,
});
const classificationBody = z.strictObject({
  classification: oneOf(CLASSIFICATIONS),
  reason: text(2000),
});
const decisionBody = z.strictObject({ comment: text(2000).optional() });
const recoveryBody = z.strictObject({ amount: money, reference: text(100).optional() });

const loanQuery = z.strictObject({
  branchId: text(32).optional(),
  status: oneOf(['active', 'closed', 'written_off']).optional(),
  classification: oneOf(CLASSIFICATIONS).optional(),
  minDaysPastDue: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must not be negative')
    .max(100_000, 'must be at most 100000')
    .optional(),
  customerId: text(64).optional(),
  pageSize,
  pageToken: text(512).optional(),
});
const statementQuery = z.strictObject({
  from: date,
  to: date,
  format: oneOf(['json', 'csv', 'pdf']).optional(),
});
const trialBalanceQuery = z.strictObject({ asOf: date.optional() });
const reconciliationQuery = z.strictObject({ branchId: text(32).optional() });

/**
 * Field violations named as the REST API names them: the service reports its own request fields
 * (`id`, `fromDate`, `businessDate`), which here are path or query parameters of other names.
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

const param = (req: Request, name: string): string => req.params[name] as string;

/**
 * A schedule request's JSON as the ScheduleRequest message; a field of the wrong JSON type is
 * refused here with its path (the service judges the values).
 */
export function scheduleRequestOf(json: unknown, prefix: string): pb.ScheduleRequest {
  const { request, problems } = scheduleRequestFromJson(json);
  if (problems.length)
    throw invalidArgument(
      problems.map((p) => ({ field: `${prefix}${p.field}`, reason: p.reason })),
    );
  return request;
}

/** A loan import as the API shows it: each loan's schedule in its JSON form. */
const loanImportJson = (batch: pb.LoanImport | undefined) =>
  batch && {
    ...batch,
    loans: batch.loans.map((l) => ({
      ...l,
      schedule: l.schedule && scheduleRequestToJson(l.schedule),
    })),
  };

export function accountingRoutes(deps: RouteDeps): Router {
  const r = Router();
  const call = (res: Response) => upstreamCall(res, deps.rpcTimeoutMs);
  const END_OF_DAY_TIMEOUT_MS = 30 * 60_000;
  const acct = deps.accounting;

  // ---- Loan accounts ----

  r.post('/loans', requireRole(...DISBURSERS), async (req, res) => {
    route(res, '/loans');
    const b = parseInput(openLoanBody, req.body);
    const schedule = b.schedule && scheduleRequestOf(b.schedule, 'schedule.');
    const out = await acct.openLoan(
      pb.OpenLoanRequest.fromPartial({ ...b, schedule, commandId: commandIdOf(req, res) }),
      call(res),
    );
    const loan = out.loan!;
    res.status(201).location(`/api/v1/loans/${loan.id}`).json(loan);
  });
  // ---- Loans migrated from another system: maker (one admin) and checker (another) ----

  r.post('/loan-imports', requireRole('admin'), async (req, res) => {
    route(res, '/loan-imports');
    const b = parseInput(loanImportBody, req.body);
    const problems = b.loans.flatMap((l, i) =>
      scheduleRequestFromJson(l.schedule).problems.map((p) => ({
        field: `loans[${i}].schedule.${p.field}`,
        reason: p.reason,
      })),
    );
    if (problems.length) throw invalidArgument(problems);
    const loans = b.loans.map((l) => ({
      ...l,
      schedule: scheduleRequestFromJson(l.schedule).request,
    }));
    const out = await acct.requestLoanImport(
      pb.RequestLoanImportRequest.fromPartial({ ...b, loans, commandId: commandIdOf(req, res) }),
      call(res),
    );
    const batch = out.loanImport!;
    res.status(201).location(`/api/v1/loan-imports/${batch.id}`).json(loanImportJson(batch));
  });
  const decideImport = (approve: boolean) => async (req: Request, res: Response) => {
    route(res, `/loan-imports/:importId:${approve ? 'approve' : 'reject'}`);
    const b = parseInput(decisionBody, req.body ?? {});
    const out = await acct.decideLoanImport(
      {
        importId: String(req.params.importId),
        approve,
        comment: b.comment ?? '',
        commandId: commandIdOf(req, res),
      },
      call(res),
    );
    res.json(loanImportJson(out.loanImport));
  };
  r.post('/loan-imports/:importId\\:approve', requireRole('admin'), decideImport(true));
  r.post('/loan-imports/:importId\\:reject', requireRole('admin'), decideImport(false));
  r.get('/loan-imports/:importId', requireRole('admin', 'auditor'), async (req, res) => {
    route(res, '/loan-imports/:importId');
    const out = await acct.getLoanImport({ id: String(req.params.importId) }, call(res));
    res.json(loanImportJson(out.loanImport));
  });
  r.get('/loans', async (req, res) => {
    route(res, '/loans');
    const q = parseInput(loanQuery, req.query);
    const out = await acct.listLoans(pb.ListLoansRequest.fromPartial(q), call(res));
    res.json({ items: out.loans, nextPageToken: out.nextPageToken || null });
  });
  r.get('/loans/:loanId', async (req, res) => {
    route(res, '/loans/:loanId');
    const out = await renamed(
      acct.getLoan(pb.GetLoanRequest.fromPartial({ id: param(req, 'loanId') }), call(res)),
      { id: 'loanId' },
    );
    res.json(out.loan);
  });
  r.post('/loans/:loanId/tranches', requireRole(...DISBURSERS), async (req, res) => {
    route(res, '/loans/:loanId/tranches');
    const b = parseInput(trancheBody, req.body);
    const out = await acct.disburseTranche(
      pb.DisburseTrancheRequest.fromPartial({
        ...b,
        loanId: param(req, 'loanId'),
        commandId: commandIdOf(req, res),
      }),
      call(res),
    );
    res.status(201).json(out.loan);
  });

  // ---- Repayments ----

  r.post('/loans/:loanId/repayments', requireRole(...CASHIERS), async (req, res) => {
    route(res, '/loans/:loanId/repayments');
    const b = parseInput(repaymentBody, req.body);
    const out = await acct.postRepayment(
      pb.PostRepaymentRequest.fromPartial({
        ...b,
        loanId: param(req, 'loanId'),
        commandId: commandIdOf(req, res),
      }),
      call(res),
    );
    res.status(201).json(out);
  });
  // A custom method (AIP-136): the colon is part of the path, not a parameter.
  r.post('/repayments/:repaymentId\\:reverse', requireRole(...REVERSERS), async (req, res) => {
    route(res, '/repayments/:repaymentId:reverse');
    const b = parseInput(reasonBody, req.body);
    const out = await acct.reverseRepayment(
      pb.ReverseRepaymentRequest.fromPartial({
        ...b,
        repaymentId: param(req, 'repaymentId'),
        commandId: commandIdOf(req, res),
      }),
      call(res),
    );
    res.json(out);
  });

  // ---- Rates ----

  r.post('/loans/:loanId/rate-changes', requireRole(...DISBURSERS), async (req, res) => {
    route(res, '/loans/:loanId/rate-changes');
    const b = parseInput(rateChangeBody, req.body);
    const out = await acct.recordRateChange(
      pb.RecordRateChangeRequest.fromPartial({
        ...b,
        loanId: param(req, 'loanId'),
        commandId: commandIdOf(req, res),
      }),
      call(res),
    );
    res.status(201).json(out);
  });
  r.post('/lpr', requireRole('admin', 'risk_manager'), async (req, res) => {
    route(res, '/lpr');
    const b = parseInput(lprBody, req.body);
    const out = await acct.publishLpr(pb.PublishLprRequest.fromPartial(b), call(res));
    res.json(out);
  });

  // ---- Business days (日终) ----

  r.post('/business-days/:date\\:close', requireRole('admin'), async (req, res) => {
    route(res, '/business-days/:date:close');
    parseInput(z.strictObject({}), req.body ?? {});
    const out = await renamed(
      acct.runEndOfDay(
        pb.RunEndOfDayRequest.fromPartial({ businessDate: param(req, 'date') }),
        // The batch of a large book takes minutes, not the usual call deadline; it finishes on
        // the service even if this client goes away, and a repeat then answers alreadyClosed.
        upstreamCall(res, Math.max(deps.rpcTimeoutMs, END_OF_DAY_TIMEOUT_MS)),
      ),
      { businessDate: 'date' },
    );
    res.json(out);
  });
  r.post('/business-days\\:simulate', requireRole('admin'), async (req, res) => {
    route(res, '/business-days:simulate');
    const b = parseInput(simulationBody, req.body);
    const out = await acct.startBusinessDateSimulation(
      pb.StartBusinessDateSimulationRequest.fromPartial(b),
      call(res),
    );
    res.status(201).json(out);
  });
  r.get('/business-days/current', async (_req, res) => {
    route(res, '/business-days/current');
    const out = await acct.getBusinessDate(pb.GetBusinessDateRequest.fromPartial({}), call(res));
    res.json(out);
  });

  // ---- Interest statement and the ledger ----

  r.get('/loans/:loanId/statement', async (req, res) => {
    route(res, '/loans/:loanId/statement');
    const q = parseInput(statementQuery, req.query);
    const format = q.format ?? 'json';
    const out = await renamed(
      acct.getStatement(
        pb.GetStatementRequest.fromPartial({
          loanId: param(req, 'loanId'),
          fromDate: q.from,
          toDate: q.to,
          format,
        }),
        call(res),
      ),
      { fromDate: 'from', toDate: 'to' },
    );
    if (format === 'json') {
      const { loanId, loanNumber, fromDate, toDate, header, lines, totals } = out;
      res.json({ loanId, loanNumber, fromDate, toDate, header, lines, totals });
      return;
    }
    res
      .status(200)
      .setHeader('Content-Type', out.contentType)
      .setHeader(
        'Content-Disposition',
        `attachment; filename="${out.loanNumber}-${out.fromDate}-${out.toDate}.${format}"`,
      )
      .send(Buffer.from(out.document));
  });
  r.get('/ledger/trial-balance', requireRole(...LEDGER_READERS), async (req, res) => {
    route(res, '/ledger/trial-balance');
    const q = parseInput(trialBalanceQuery, req.query);
    const out = await acct.getTrialBalance(pb.GetTrialBalanceRequest.fromPartial(q), call(res));
    res.json(out);
  });
  r.get('/ledger/reconciliation', requireRole(...LEDGER_READERS), async (req, res) => {
    route(res, '/ledger/reconciliation');
    const q = parseInput(reconciliationQuery, req.query);
    const out = await acct.reconcileLoans(pb.ReconcileLoansRequest.fromPartial(q), call(res));
    res.json(out);
  });

  // ---- Five-tier classification (maker-checker) ----

  r.post('/loans/:loanId/classification-changes', requireRole(...CLASSIFIERS), async (req, res) => {
    route(res, '/loans/:loanId/classification-changes');
    const b = parseInput(classificationBody, req.body);
    const out = await acct.requestClassification(
      pb.RequestClassificationRequest.fromPartial({ ...b, loanId: param(req, 'loanId') }),
      call(res),
    );
    res.status(201).json(out.change);
  });
  const decide = (approve: boolean) => async (req: Request, res: Response) => {
    route(res, `/classification-changes/:changeId:${approve ? 'approve' : 'reject'}`);
    const b = parseInput(decisionBody, req.body ?? {});
    const out = await acct.decideClassification(
      pb.DecideClassificationRequest.fromPartial({
        ...b,
        changeId: param(req, 'changeId'),
        approve,
      }),
      call(res),
    );
    res.json(out);
  };
  r.post('/classification-changes/:changeId\\:approve', requireRole(...APPROVERS), decide(true));
  r.post('/classification-changes/:changeId\\:reject', requireRole(...APPROVERS), decide(false));

  // ---- Write-off (核销) and recoveries ----

  r.post('/loans/:loanId\\:write-off', requireRole('risk_manager', 'admin'), async (req, res) => {
    route(res, '/loans/:loanId:write-off');
    const b = parseInput(reasonBody, req.body);
    const out = await acct.writeOffLoan(
      pb.WriteOffLoanRequest.fromPartial({
        ...b,
        loanId: param(req, 'loanId'),
        commandId: commandIdOf(req, res),
      }),
      call(res),
    );
    res.json(out);
  });
  r.post('/loans/:loanId/recoveries', requireRole(...CASHIERS), async (req, res) => {
    route(res, '/loans/:loanId/recoveries');
    const b = parseInput(recoveryBody, req.body);
    const out = await acct.recordRecovery(
      pb.RecordRecoveryRequest.fromPartial({
        ...b,
        loanId: param(req, 'loanId'),
        commandId: commandIdOf(req, res),
      }),
      call(res),
    );
    res.status(201).json(out);
  });
  r.post('/loans/:loanId/credit-refunds', requireRole(...CASHIERS), async (req, res) => {
    route(res, '/loans/:loanId/credit-refunds');
    const b = parseInput(refundBody, req.body ?? {});
    const out = await acct.refundCredit(
      pb.RefundCreditRequest.fromPartial({
        ...b,
        loanId: param(req, 'loanId'),
        commandId: commandIdOf(req, res),
      }),
      call(res),
    );
    res.status(201).json(out);
  });

  return r;
}
