import {
  implement,
  invalidArgument,
  type CallContext,
  type Logger,
  type ServiceBinding,
} from '@loanflow/platform';
import { accountingV1 as pb, scheduleRequestToJson } from '@loanflow/proto';
import type { ClassificationPolicy } from '../domain/loan/classification';
import { previewSchedule } from '../domain/schedule';
import { getBusinessDate, startBusinessDateSimulation } from '../app/business-day';
import { runEndOfDay, type ClosedDay, type EndOfDayOptions } from '../app/end-of-day';
import { getStatement, getTrialBalance, reconcileLoans } from '../app/ledger';
import { getLoan, listLoans } from '../app/loan-queries';
import {
  decideLoanImport,
  getLoanImport,
  openLoan,
  requestLoanImport,
  type OpeningDeps,
} from '../app/opening';
import { publishLpr, recordRateChange } from '../app/rates';
import { postRepayment, refundCredit } from '../app/repayments';
import { decideClassification, requestClassification, reverseRepayment } from '../app/servicing';
import { disburseTranche } from '../app/tranches';
import { recordRecovery, writeOffLoan } from '../app/write-off';
import type { Simulation } from './calendar-repo';

const simulationMessage = (s: Simulation): pb.BusinessDateSimulation => ({
  ...s,
  startedAt: s.startedAt.toISOString(),
});

const closedDayMessage = (d: ClosedDay): pb.RunEndOfDayResponse => ({
  day: d.day,
  alreadyClosed: d.alreadyClosed,
  nextBusinessDate: d.nextBusinessDate,
});

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
      const result = previewSchedule(scheduleRequestToJson(req.request ?? {}));
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
    runEndOfDay: async (req: pb.RunEndOfDayRequest, ctx: CallContext) =>
      closedDayMessage(await runEndOfDay(deps.pool, ctx.principal(), req, eod)),
    getBusinessDate: async (
      _req: pb.GetBusinessDateRequest,
      ctx: CallContext,
    ): Promise<pb.GetBusinessDateResponse> => {
      ctx.principal();
      const view = await getBusinessDate(deps.pool, deps.endOfDay.calendar);
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
        await startBusinessDateSimulation(deps.pool, ctx.principal(), req, deps.endOfDay.calendar),
      ),
    }),
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
