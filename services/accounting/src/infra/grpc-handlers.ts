// AccountingService over gRPC: each RPC maps its request to the use case and the use case's
// answer to the reply message (the only place these messages are built from domain records).
import {
  implement,
  invalidArgument,
  type CallContext,
  type Logger,
  type PromiseClient,
  type ServiceBinding,
} from '@loanflow/platform';
import { accountingV1 as pb, type documentsV1 } from '@loanflow/proto';
import { getBusinessDate, startBusinessDateSimulation } from '../app/business-day';
import type { AccountingDeps } from '../app/deps';
import { runEndOfDay, type ClosedDay, type EndOfDayOptions } from '../app/end-of-day';
import { getStatement, getTrialBalance, reconcileLoans } from '../app/ledger';
import { getLoan, listLoans, listRepayments } from '../app/loan-queries';
import { decideLoanImport, getLoanImport, openLoan, requestLoanImport } from '../app/opening';
import { publishLpr, recordRateChange } from '../app/rates';
import { postRepayment, refundCredit } from '../app/repayments';
import { decideClassification, requestClassification, reverseRepayment } from '../app/servicing';
import { disburseTranche } from '../app/tranches';
import type { LoanView } from '../app/views';
import { recordRecovery, writeOffLoan } from '../app/write-off';
import type { ClassificationPolicy } from '../domain/loan/classification';
import { previewSchedule } from '../domain/schedule';
import type { Simulation } from './calendar-repo';
import type { ClassificationChange } from './classification-repo';
import { disbursementChecklist } from './documents-checklist';
import { scheduleJsonOf, scheduleMessageOf, type LoanImportRecord } from './import-repo';
import { loanMessage } from './loan-views';

const SERVICE = 'loanflow.accounting.v1.AccountingService';

const loanOf = (v: LoanView): pb.Loan => loanMessage(v.record, v.installments);

const simulationMessage = (s: Simulation): pb.BusinessDateSimulation => ({
  ...s,
  startedAt: s.startedAt.toISOString(),
});

const closedDayMessage = (d: ClosedDay): pb.RunEndOfDayResponse => ({
  day: d.day,
  alreadyClosed: d.alreadyClosed,
  nextBusinessDate: d.nextBusinessDate,
});

const changeMessage = (c: ClassificationChange): pb.ClassificationChange => ({
  id: c.id,
  loanId: c.loanId,
  fromClassification: c.from,
  toClassification: c.to,
  cause: c.cause,
  reason: c.reason ?? '',
  status: c.status,
  requestedBy: c.requestedBy,
  decidedBy: c.decidedBy ?? '',
  businessDate: c.businessDate,
});

const importMessage = (r: LoanImportRecord): pb.LoanImport =>
  pb.LoanImport.fromPartial({
    id: r.id,
    status: r.status,
    sourceSystem: r.sourceSystem,
    reason: r.reason,
    loans: r.loans.map((l) => ({ ...l, schedule: scheduleMessageOf(l.schedule) })),
    requestedBy: r.requestedBy,
    requestedAt: r.requestedAt.toISOString(),
    decidedBy: r.decidedBy ?? '',
    decidedAt: r.decidedAt?.toISOString() ?? '',
    decisionComment: r.decisionComment ?? '',
    loanIds: r.loanIds,
  });

export function accountingService(
  deps: AccountingDeps & {
    /** The documents service: the disbursement review's checklist. */
    documents: PromiseClient<documentsV1.DocumentsServiceClient>;
    rpcTimeoutMs: number;
    policy: ClassificationPolicy;
    endOfDay: Omit<EndOfDayOptions, 'policy' | 'log'>;
  },
  opts: { log: Logger; jwtPublicKey: string },
): ServiceBinding {
  const eod: EndOfDayOptions = { ...deps.endOfDay, policy: deps.policy, log: opts.log };
  const opening = {
    ...deps,
    disbursementChecklist: disbursementChecklist(deps.documents, deps.rpcTimeoutMs),
  };
  const calendar = deps.endOfDay.calendar;
  const handlers = {
    /** Any signed-in member of staff may preview a schedule; nothing is saved. */
    previewSchedule: async (
      req: pb.PreviewScheduleRequest,
      ctx: CallContext,
    ): Promise<pb.PreviewScheduleResponse> => {
      ctx.principal();
      const result = previewSchedule(scheduleJsonOf(req.request) ?? {});
      if (!result.ok) throw invalidArgument(result.errors);
      return result.value;
    },
    openLoan: (req: pb.OpenLoanRequest, ctx: CallContext): Promise<pb.OpenLoanResponse> =>
      openLoan(opening, ctx, { ...req, schedule: scheduleJsonOf(req.schedule) }, (loan) => ({
        loan: loanOf(loan),
      })),
    requestLoanImport: async (
      req: pb.RequestLoanImportRequest,
      ctx: CallContext,
    ): Promise<pb.RequestLoanImportResponse> => ({
      loanImport: importMessage(
        await requestLoanImport(deps, ctx.principal(), {
          ...req,
          loans: req.loans.map((l) => ({ ...l, schedule: scheduleJsonOf(l.schedule) })),
        }),
      ),
    }),
    decideLoanImport: async (
      req: pb.DecideLoanImportRequest,
      ctx: CallContext,
    ): Promise<pb.DecideLoanImportResponse> => ({
      loanImport: importMessage(await decideLoanImport(opening, ctx.principal(), req)),
    }),
    getLoanImport: async (
      req: pb.GetLoanImportRequest,
      ctx: CallContext,
    ): Promise<pb.GetLoanImportResponse> => ({
      loanImport: importMessage(await getLoanImport(deps, ctx.principal(), req)),
    }),
    disburseTranche: (
      req: pb.DisburseTrancheRequest,
      ctx: CallContext,
    ): Promise<pb.DisburseTrancheResponse> =>
      disburseTranche(deps, ctx.principal(), req, (loan) => ({ loan: loanOf(loan) })),
    getLoan: async (req: pb.GetLoanRequest, ctx: CallContext): Promise<pb.GetLoanResponse> => ({
      loan: loanOf(await getLoan(deps, ctx.principal(), req)),
    }),
    listLoans: async (
      req: pb.ListLoansRequest,
      ctx: CallContext,
    ): Promise<pb.ListLoansResponse> => {
      const page = await listLoans(deps, ctx.principal(), req);
      return { loans: page.loans.map((r) => loanMessage(r)), nextPageToken: page.nextPageToken };
    },
    listRepayments: async (
      req: pb.ListRepaymentsRequest,
      ctx: CallContext,
    ): Promise<pb.ListRepaymentsResponse> => listRepayments(deps, ctx.principal(), req),
    postRepayment: (
      req: pb.PostRepaymentRequest,
      ctx: CallContext,
    ): Promise<pb.PostRepaymentResponse> =>
      postRepayment(deps, ctx.principal(), req, (o) => ({
        repayment: pb.Repayment.fromPartial(o.repayment),
        loan: loanOf(o.loan),
      })),
    reverseRepayment: (
      req: pb.ReverseRepaymentRequest,
      ctx: CallContext,
    ): Promise<pb.ReverseRepaymentResponse> =>
      reverseRepayment(deps, ctx.principal(), req, deps.policy, (o) => ({
        repayment: pb.Repayment.fromPartial(o.repayment),
        loan: loanOf(o.loan),
        adjustments: o.adjustments,
      })),
    recordRateChange: (
      req: pb.RecordRateChangeRequest,
      ctx: CallContext,
    ): Promise<pb.RecordRateChangeResponse> => recordRateChange(deps, ctx.principal(), req),
    publishLpr: (req: pb.PublishLprRequest, ctx: CallContext): Promise<pb.PublishLprResponse> =>
      publishLpr(deps, ctx.principal(), req),
    runEndOfDay: async (
      req: pb.RunEndOfDayRequest,
      ctx: CallContext,
    ): Promise<pb.RunEndOfDayResponse> =>
      closedDayMessage(await runEndOfDay(deps.pool, ctx.principal(), req, eod)),
    getBusinessDate: async (
      _req: pb.GetBusinessDateRequest,
      ctx: CallContext,
    ): Promise<pb.GetBusinessDateResponse> => {
      ctx.principal();
      const view = await getBusinessDate(deps.pool, calendar);
      return {
        ...view,
        activeSimulation: view.activeSimulation && simulationMessage(view.activeSimulation),
        simulations: view.simulations.map(simulationMessage),
      };
    },
    startBusinessDateSimulation: async (
      req: pb.StartBusinessDateSimulationRequest,
      ctx: CallContext,
    ): Promise<pb.StartBusinessDateSimulationResponse> => ({
      simulation: simulationMessage(
        await startBusinessDateSimulation(deps.pool, ctx.principal(), req, calendar),
      ),
    }),
    getStatement: (
      req: pb.GetStatementRequest,
      ctx: CallContext,
    ): Promise<pb.GetStatementResponse> => getStatement(deps, ctx.principal(), req),
    getTrialBalance: (
      req: pb.GetTrialBalanceRequest,
      ctx: CallContext,
    ): Promise<pb.GetTrialBalanceResponse> => getTrialBalance(deps, ctx.principal(), req),
    reconcileLoans: (
      req: pb.ReconcileLoansRequest,
      ctx: CallContext,
    ): Promise<pb.ReconcileLoansResponse> => reconcileLoans(deps, ctx.principal(), req),
    requestClassification: async (
      req: pb.RequestClassificationRequest,
      ctx: CallContext,
    ): Promise<pb.RequestClassificationResponse> => ({
      change: changeMessage(await requestClassification(deps, ctx.principal(), req, deps.policy)),
    }),
    decideClassification: async (
      req: pb.DecideClassificationRequest,
      ctx: CallContext,
    ): Promise<pb.DecideClassificationResponse> => {
      const o = await decideClassification(deps, ctx.principal(), req, deps.policy);
      return { change: changeMessage(o.change), loan: loanOf(o.loan) };
    },
    writeOffLoan: (
      req: pb.WriteOffLoanRequest,
      ctx: CallContext,
    ): Promise<pb.WriteOffLoanResponse> =>
      writeOffLoan(deps, ctx.principal(), req, (o) => ({
        loan: loanOf(o.loan),
        amountWrittenOff: o.amountWrittenOff,
      })),
    refundCredit: (
      req: pb.RefundCreditRequest,
      ctx: CallContext,
    ): Promise<pb.RefundCreditResponse> =>
      refundCredit(deps, ctx.principal(), req, (o) => ({
        loan: loanOf(o.loan),
        refunded: o.refunded,
      })),
    recordRecovery: (
      req: pb.RecordRecoveryRequest,
      ctx: CallContext,
    ): Promise<pb.RecordRecoveryResponse> =>
      recordRecovery(deps, ctx.principal(), req, (o) => ({
        loan: loanOf(o.loan),
        recoveredTotal: o.recoveredTotal,
      })),
  };
  return {
    name: SERVICE,
    definition: pb.AccountingServiceService,
    implementation: implement(SERVICE, handlers, opts),
  };
}
