import { implement, type CallContext, type Logger, type ServiceBinding } from '@loanflow/platform';
import { postLoanV1 as pb } from '@loanflow/proto';
import * as postLoan from '../app/post-loan';
import type {
  ActionRecord,
  AssetRecord,
  CaseRecord,
  DueInspectionRecord,
  InspectionRecord,
  LitigationRecord,
  LoanRef,
  PlanRecord,
  PromiseRecord,
} from '../domain/post-loan/records';

const SERVICE = 'loanflow.accounting.v1.PostLoanService';

/**
 * The proto enums are the domain's values in capitals behind a prefix (on_site ↔
 * INSPECTION_KIND_ON_SITE). UNSPECIFIED and unknown values read as '' so that the use case
 * reports the field as missing.
 */
function enumOf<E extends string>(prefix: string) {
  return {
    toPb: (value: string): E => `${prefix}_${value.toUpperCase()}` as E,
    fromPb: (value: E): string =>
      value.startsWith(`${prefix}_`) && value !== `${prefix}_UNSPECIFIED`
        ? value.slice(prefix.length + 1).toLowerCase()
        : '',
  };
}
const kindEnum = enumOf<pb.InspectionKind>('INSPECTION_KIND');
const resultEnum = enumOf<pb.InspectionResult>('INSPECTION_RESULT');
const caseStatusEnum = enumOf<pb.CollectionCaseStatus>('COLLECTION_CASE_STATUS');
const actionKindEnum = enumOf<pb.CollectionActionKind>('COLLECTION_ACTION_KIND');
const outcomeEnum = enumOf<pb.CollectionOutcome>('COLLECTION_OUTCOME');
const closeReasonEnum = enumOf<pb.CaseCloseReason>('CASE_CLOSE_REASON');
const promiseStatusEnum = enumOf<pb.PaymentPromiseStatus>('PAYMENT_PROMISE_STATUS');
const litigationStatusEnum = enumOf<pb.LitigationStatus>('LITIGATION_STATUS');
const assetTypeEnum = enumOf<pb.RepossessedAssetType>('REPOSSESSED_ASSET_TYPE');
const disposalMethodEnum = enumOf<pb.DisposalMethod>('DISPOSAL_METHOD');

const loanToPb = (l: LoanRef): pb.PostLoanLoanRef => ({
  loanId: l.loanId,
  loanNumber: l.loanNumber,
  branchId: l.branchId,
  customerId: l.customerId,
  productCode: l.productCode,
});

const planToPb = (p: PlanRecord): pb.InspectionPlan => ({
  productCode: p.productCode,
  frequencyDays: p.frequencyDays,
  firstAfterDays: p.firstAfterDays,
  updatedBy: p.updatedBy,
  updatedAt: p.updatedAt,
});

const inspectionToPb = (i: InspectionRecord): pb.Inspection => ({
  ...i,
  kind: kindEnum.toPb(i.kind),
  result: resultEnum.toPb(i.result),
});

const dueToPb = (d: DueInspectionRecord): pb.DueInspection => ({
  loan: loanToPb(d.loan),
  openedOn: d.loan.openedOn,
  lastInspectedOn: d.lastInspectedOn ?? '',
  dueOn: d.dueOn,
  daysOverdue: d.daysOverdue,
  plan: planToPb(d.plan),
});

const actionToPb = (a: ActionRecord): pb.CollectionAction => ({
  ...a,
  kind: actionKindEnum.toPb(a.kind),
  outcome: outcomeEnum.toPb(a.outcome),
});

const promiseToPb = (p: PromiseRecord): pb.PaymentPromise => ({
  ...p,
  status: promiseStatusEnum.toPb(p.status),
  resolvedOn: p.resolvedOn ?? '',
  resolutionNotes: p.resolutionNotes ?? '',
  resolvedBy: p.resolvedBy ?? '',
});

const caseToPb = (c: CaseRecord): pb.CollectionCase => ({
  ...c,
  loan: loanToPb(c.loan),
  status: caseStatusEnum.toPb(c.status),
  closedOn: c.closedOn ?? '',
  closeReason: c.closeReason
    ? closeReasonEnum.toPb(c.closeReason)
    : pb.CaseCloseReason.CASE_CLOSE_REASON_UNSPECIFIED,
  closeNotes: c.closeNotes ?? '',
  closedBy: c.closedBy ?? '',
  actions: c.actions.map(actionToPb),
  promises: c.promises.map(promiseToPb),
});

const litigationToPb = (s: LitigationRecord): pb.Litigation => ({
  ...s,
  loan: loanToPb(s.loan),
  status: litigationStatusEnum.toPb(s.status),
  judgementAmount: s.judgementAmount ?? '',
  judgementDate: s.judgementDate ?? '',
  legalCosts: s.legalCosts ?? '',
  history: s.history.map((h) => ({
    ...h,
    fromStatus: h.fromStatus
      ? litigationStatusEnum.toPb(h.fromStatus)
      : pb.LitigationStatus.LITIGATION_STATUS_UNSPECIFIED,
    toStatus: litigationStatusEnum.toPb(h.toStatus),
  })),
});

const assetToPb = (a: AssetRecord): pb.RepossessedAsset => ({
  ...a,
  loan: loanToPb(a.loan),
  assetType: assetTypeEnum.toPb(a.assetType),
  disposal: a.disposal && { ...a.disposal, method: disposalMethodEnum.toPb(a.disposal.method) },
});

export function postLoanService(
  deps: postLoan.PostLoanDeps,
  opts: { log: Logger; jwtPublicKey: string },
): ServiceBinding {
  const who = (ctx: CallContext) => ctx.principal();
  const handlers = {
    listInspectionPlans: async (
      _req: pb.ListInspectionPlansRequest,
      ctx: CallContext,
    ): Promise<pb.ListInspectionPlansResponse> => ({
      plans: (await postLoan.listInspectionPlans(deps, who(ctx))).map(planToPb),
    }),
    setInspectionPlan: async (
      req: pb.SetInspectionPlanRequest,
      ctx: CallContext,
    ): Promise<pb.SetInspectionPlanResponse> => ({
      plan: planToPb(await postLoan.setInspectionPlan(deps, who(ctx), req)),
    }),
    recordInspection: async (
      req: pb.RecordInspectionRequest,
      ctx: CallContext,
    ): Promise<pb.RecordInspectionResponse> => {
      const out = await postLoan.recordInspection(deps, who(ctx), {
        ...req,
        kind: kindEnum.fromPb(req.kind),
        result: resultEnum.fromPb(req.result),
      });
      return { inspection: inspectionToPb(out.inspection), nextDueOn: out.nextDueOn ?? '' };
    },
    listInspections: async (
      req: pb.ListInspectionsRequest,
      ctx: CallContext,
    ): Promise<pb.ListInspectionsResponse> => {
      const out = await postLoan.listInspections(deps, who(ctx), req.loanId);
      return {
        inspections: out.inspections.map(inspectionToPb),
        nextDueOn: out.nextDueOn ?? '',
        plan: out.plan && planToPb(out.plan),
      };
    },
    listDueInspections: async (
      req: pb.ListDueInspectionsRequest,
      ctx: CallContext,
    ): Promise<pb.ListDueInspectionsResponse> => {
      const out = await postLoan.listDueInspections(deps, who(ctx), {
        dueOnOrBefore: req.dueOnOrBefore,
        branchId: req.branchId,
        pageSize: req.pageSize,
        pageToken: req.pageToken,
      });
      return { due: out.due.map(dueToPb), nextPageToken: out.nextPageToken };
    },

    openCollectionCase: async (
      req: pb.OpenCollectionCaseRequest,
      ctx: CallContext,
    ): Promise<pb.OpenCollectionCaseResponse> => ({
      collectionCase: caseToPb(await postLoan.openCollectionCase(deps, who(ctx), req)),
    }),
    getCollectionCase: async (
      req: pb.GetCollectionCaseRequest,
      ctx: CallContext,
    ): Promise<pb.GetCollectionCaseResponse> => ({
      collectionCase: caseToPb(await postLoan.getCollectionCase(deps, who(ctx), req.id)),
    }),
    listCollectionCases: async (
      req: pb.ListCollectionCasesRequest,
      ctx: CallContext,
    ): Promise<pb.ListCollectionCasesResponse> => {
      const status =
        req.status === pb.CollectionCaseStatus.COLLECTION_CASE_STATUS_UNSPECIFIED
          ? ''
          : caseStatusEnum.fromPb(req.status) || req.status;
      const out = await postLoan.listCollectionCases(deps, who(ctx), { ...req, status });
      return { collectionCases: out.cases.map(caseToPb), nextPageToken: out.nextPageToken };
    },
    recordCollectionAction: async (
      req: pb.RecordCollectionActionRequest,
      ctx: CallContext,
    ): Promise<pb.RecordCollectionActionResponse> => ({
      action: actionToPb(
        await postLoan.recordCollectionAction(deps, who(ctx), {
          ...req,
          kind: actionKindEnum.fromPb(req.kind),
          outcome: outcomeEnum.fromPb(req.outcome),
        }),
      ),
    }),
    recordPaymentPromise: async (
      req: pb.RecordPaymentPromiseRequest,
      ctx: CallContext,
    ): Promise<pb.RecordPaymentPromiseResponse> => ({
      promise: promiseToPb(await postLoan.recordPaymentPromise(deps, who(ctx), req)),
    }),
    resolvePaymentPromise: async (
      req: pb.ResolvePaymentPromiseRequest,
      ctx: CallContext,
    ): Promise<pb.ResolvePaymentPromiseResponse> => ({
      promise: promiseToPb(
        await postLoan.resolvePaymentPromise(deps, who(ctx), {
          id: req.id,
          status: promiseStatusEnum.fromPb(req.status),
          resolvedOn: req.resolvedOn,
          notes: req.notes,
        }),
      ),
    }),
    closeCollectionCase: async (
      req: pb.CloseCollectionCaseRequest,
      ctx: CallContext,
    ): Promise<pb.CloseCollectionCaseResponse> => ({
      collectionCase: caseToPb(
        await postLoan.closeCollectionCase(deps, who(ctx), {
          id: req.id,
          reason: closeReasonEnum.fromPb(req.reason),
          closedOn: req.closedOn,
          notes: req.notes,
        }),
      ),
    }),

    fileLitigation: async (
      req: pb.FileLitigationRequest,
      ctx: CallContext,
    ): Promise<pb.FileLitigationResponse> => ({
      litigation: litigationToPb(await postLoan.fileLitigation(deps, who(ctx), req)),
    }),
    getLitigation: async (
      req: pb.GetLitigationRequest,
      ctx: CallContext,
    ): Promise<pb.GetLitigationResponse> => ({
      litigation: litigationToPb(await postLoan.getLitigation(deps, who(ctx), req.id)),
    }),
    listLitigations: async (
      req: pb.ListLitigationsRequest,
      ctx: CallContext,
    ): Promise<pb.ListLitigationsResponse> => ({
      litigations: (await postLoan.listLitigations(deps, who(ctx), req.loanId)).map(litigationToPb),
    }),
    changeLitigationStatus: async (
      req: pb.ChangeLitigationStatusRequest,
      ctx: CallContext,
    ): Promise<pb.ChangeLitigationStatusResponse> => ({
      litigation: litigationToPb(
        await postLoan.changeLitigationStatus(deps, who(ctx), {
          ...req,
          status: litigationStatusEnum.fromPb(req.status),
        }),
      ),
    }),

    registerRepossessedAsset: async (
      req: pb.RegisterRepossessedAssetRequest,
      ctx: CallContext,
    ): Promise<pb.RegisterRepossessedAssetResponse> => ({
      asset: assetToPb(
        await postLoan.registerRepossessedAsset(deps, who(ctx), {
          ...req,
          assetType: assetTypeEnum.fromPb(req.assetType),
        }),
      ),
    }),
    getRepossessedAsset: async (
      req: pb.GetRepossessedAssetRequest,
      ctx: CallContext,
    ): Promise<pb.GetRepossessedAssetResponse> => ({
      asset: assetToPb(await postLoan.getRepossessedAsset(deps, who(ctx), req.id)),
    }),
    listRepossessedAssets: async (
      req: pb.ListRepossessedAssetsRequest,
      ctx: CallContext,
    ): Promise<pb.ListRepossessedAssetsResponse> => ({
      assets: (await postLoan.listRepossessedAssets(deps, who(ctx), req.loanId)).map(assetToPb),
    }),
    recordAssetDisposal: async (
      req: pb.RecordAssetDisposalRequest,
      ctx: CallContext,
    ): Promise<pb.RecordAssetDisposalResponse> => ({
      asset: assetToPb(
        await postLoan.recordAssetDisposal(deps, who(ctx), {
          ...req,
          method: disposalMethodEnum.fromPb(req.method),
        }),
      ),
    }),
  };
  return {
    name: SERVICE,
    definition: pb.PostLoanServiceService,
    implementation: implement(SERVICE, handlers, opts),
  };
}
