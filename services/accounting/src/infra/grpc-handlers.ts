import {
  implement,
  invalidArgument,
  type CallContext,
  type Logger,
  type ServiceBinding,
} from '@loanflow/platform';
import { accountingV1 as pb } from '@loanflow/proto';
import type { ClassificationPolicy } from '../domain/loan/classification';
import { previewSchedule } from '../domain/schedule';
import { runEndOfDay, type EndOfDayOptions } from '../app/end-of-day';
import { getStatement, getTrialBalance, reconcileLoans } from '../app/ledger';
import {
  disburseTranche,
  getLoan,
  listLoans,
  postRepayment,
  publishLpr,
  recordRateChange,
  recordRecovery,
  refundCredit,
  writeOffLoan,
} from '../app/loans';
import {
  decideLoanImport,
  getLoanImport,
  openLoan,
  requestLoanImport,
  type OpeningDeps,
} from '../app/opening';
import { decideClassification, requestClassification, reverseRepayment } from '../app/servicing';
import { getBusinessDate, startBusinessDateSimulation } from '../app/business-day';

const SERVICE = 'loanflow.accounting.v1.AccountingService';

export function accountingService(
  deps: OpeningDeps & {
    policy: ClassificationPolicy;
    endOfDay: Omit<EndOfDayOptions, 'policy' | 'log'>;
  },
  opts: { log: Logger; jwtPublicKey: string },
): ServiceBinding {
  const eod: EndOfDayOptions = { ...deps.endOfDay, policy: deps.policy, log: opts.log };
  const handlers = {
    /** Any signed-in member of staff may preview a schedule; nothing is saved. */
    previewSchedule: async (
      req: pb.PreviewScheduleRequest,
      ctx: CallContext,
    ): Promise<pb.PreviewScheduleResponse> => {
      ctx.principal();
      const result = previewSchedule(req.request ?? {});
      if (!result.ok) throw invalidArgument(result.errors);
      return result.value;
    },
    openLoan: (req: pb.OpenLoanRequest, ctx: CallContext) => openLoan(deps, ctx, req),
    requestLoanImport: (req: pb.RequestLoanImportRequest, ctx: CallContext) =>
      requestLoanImport(deps, ctx.principal(), req),
    decideLoanImport: (req: pb.DecideLoanImportRequest, ctx: CallContext) =>
      decideLoanImport(deps, ctx.principal(), req),
    getLoanImport: (req: pb.GetLoanImportRequest, ctx: CallContext) =>
      getLoanImport(deps, ctx.principal(), req),
    disburseTranche: (req: pb.DisburseTrancheRequest, ctx: CallContext) =>
      disburseTranche(deps, ctx.principal(), req),
    getLoan: (req: pb.GetLoanRequest, ctx: CallContext) => getLoan(deps, ctx.principal(), req),
    listLoans: (req: pb.ListLoansRequest, ctx: CallContext) =>
      listLoans(deps, ctx.principal(), req),
    postRepayment: (req: pb.PostRepaymentRequest, ctx: CallContext) =>
      postRepayment(deps, ctx.principal(), req),
    reverseRepayment: (req: pb.ReverseRepaymentRequest, ctx: CallContext) =>
      reverseRepayment(deps, ctx.principal(), req, deps.policy),
    recordRateChange: (req: pb.RecordRateChangeRequest, ctx: CallContext) =>
      recordRateChange(deps, ctx.principal(), req),
    publishLpr: (req: pb.PublishLprRequest, ctx: CallContext) =>
      publishLpr(deps, ctx.principal(), req),
    runEndOfDay: (req: pb.RunEndOfDayRequest, ctx: CallContext) =>
      runEndOfDay(deps.pool, ctx.principal(), req, eod),
    getBusinessDate: async (_req: pb.GetBusinessDateRequest, ctx: CallContext) => {
      ctx.principal();
      return getBusinessDate(deps.pool, deps.endOfDay.calendar);
    },
    startBusinessDateSimulation: (req: pb.StartBusinessDateSimulationRequest, ctx: CallContext) =>
      startBusinessDateSimulation(deps.pool, ctx.principal(), req, deps.endOfDay.calendar),
    getStatement: (req: pb.GetStatementRequest, ctx: CallContext) =>
      getStatement(deps, ctx.principal(), req),
    getTrialBalance: (req: pb.GetTrialBalanceRequest, ctx: CallContext) =>
      getTrialBalance(deps, ctx.principal(), req),
    reconcileLoans: (req: pb.ReconcileLoansRequest, ctx: CallContext) =>
      reconcileLoans(deps, ctx.principal(), req),
    requestClassification: (req: pb.RequestClassificationRequest, ctx: CallContext) =>
      requestClassification(deps, ctx.principal(), req, deps.policy),
    decideClassification: (req: pb.DecideClassificationRequest, ctx: CallContext) =>
      decideClassification(deps, ctx.principal(), req, deps.policy),
    writeOffLoan: (req: pb.WriteOffLoanRequest, ctx: CallContext) =>
      writeOffLoan(deps, ctx.principal(), req),
    refundCredit: (req: pb.RefundCreditRequest, ctx: CallContext) =>
      refundCredit(deps, ctx.principal(), req),
    recordRecovery: (req: pb.RecordRecoveryRequest, ctx: CallContext) =>
      recordRecovery(deps, ctx.principal(), req),
  };
  return {
    name: SERVICE,
    definition: pb.AccountingServiceService,
    implementation: implement(SERVICE, handlers, opts),
  };
}
