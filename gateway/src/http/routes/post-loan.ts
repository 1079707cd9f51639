/**
 * 贷后管理 over REST: inspections, collection cases, lawsuits and repossessed assets (the
 * accounting service's PostLoanService). The service checks every rule again, with branch scope.
 * A create's request id is the command id of the write (ctx.commandId): only an Idempotency-Key
 * bound to the caller, the method, the path and the body makes a retry find the first record.
 */
import type { Role } from '@loanflow/platform';
import { postLoanV1 as pb } from '@loanflow/proto';
import { z } from 'zod';
import { created, defineRoute, ok, type RouteSpec } from '../api/route';
import { idParams, uuid } from '../api/schemas';
import {
  ActionRequest,
  AssetRequest,
  CaseQuery,
  CaseRequest,
  CloseRequest,
  CollectionAction,
  CollectionCase,
  CollectionCaseSummary,
  DisposalRequest,
  DueInspection,
  DueQuery,
  Inspection,
  InspectionPlan,
  InspectionPlanParams,
  InspectionPlanRequest,
  InspectionRequest,
  itemsOf,
  Litigation,
  LitigationRequest,
  LitigationStatusRequest,
  pageOf,
  PaymentPromise,
  PromiseRequest,
  PromiseResolution,
  RepossessedAsset,
} from '../api/post-loan-schemas';
import {
  actionKindWords,
  assetTypeWords,
  caseStatusWords,
  closeReasonWords,
  disposalMethodWords,
  inspectionKindWords,
  inspectionResultWords,
  litigationStatusWords,
  outcomeWords,
  promiseStatusWords,
  valueOf,
  wordOf,
} from '../api/post-loan-words';
import type { RouteDeps } from './deps';

const WRITERS: Role[] = ['post_loan_officer', 'admin'];
const READERS: Role[] = [...WRITERS, 'auditor', 'risk_manager', 'account_manager'];
const TAG = 'Post-loan';
const grpc = (method: string) => `loanflow.accounting.v1.PostLoanService/${method}`;

const loanParams = z.strictObject({ loanId: uuid });

// ---- Representations: proto → the words of the API ----

const orNull = (s: string): string | null => (s === '' ? null : s);
const loanJson = (l: pb.PostLoanLoanRef | undefined) => l ?? null;

const inspectionJson = (i: pb.Inspection) => ({
  ...i,
  kind: wordOf(inspectionKindWords, i.kind),
  result: wordOf(inspectionResultWords, i.result),
});

const dueJson = (d: pb.DueInspection) => ({
  loan: loanJson(d.loan),
  openedOn: d.openedOn,
  lastInspectedOn: orNull(d.lastInspectedOn),
  dueOn: d.dueOn,
  daysOverdue: d.daysOverdue,
  plan: d.plan ?? null,
});

const actionJson = (a: pb.CollectionAction) => ({
  ...a,
  kind: wordOf(actionKindWords, a.kind),
  outcome: wordOf(outcomeWords, a.outcome),
});

const promiseJson = (p: pb.PaymentPromise) => ({
  ...p,
  status: wordOf(promiseStatusWords, p.status),
  resolvedOn: orNull(p.resolvedOn),
  resolutionNotes: orNull(p.resolutionNotes),
  resolvedBy: orNull(p.resolvedBy),
});

const caseSummaryJson = (c: pb.CollectionCase) => ({
  id: c.id,
  requestId: c.requestId,
  loan: loanJson(c.loan),
  status: wordOf(caseStatusWords, c.status),
  openedOn: c.openedOn,
  officer: c.officer,
  reason: c.reason,
  daysPastDueAtOpen: c.daysPastDueAtOpen,
  openedBy: c.openedBy,
  closedOn: orNull(c.closedOn),
  closeReason: wordOf(closeReasonWords, c.closeReason),
  closeNotes: orNull(c.closeNotes),
  closedBy: orNull(c.closedBy),
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
});
const caseJson = (c: pb.CollectionCase) => ({
  ...caseSummaryJson(c),
  actions: c.actions.map(actionJson),
  promises: c.promises.map(promiseJson),
});

const litigationJson = (s: pb.Litigation) => ({
  id: s.id,
  requestId: s.requestId,
  loan: loanJson(s.loan),
  court: s.court,
  caseNumber: orNull(s.caseNumber),
  filedOn: s.filedOn,
  status: wordOf(litigationStatusWords, s.status),
  judgementAmount: orNull(s.judgementAmount),
  judgementDate: orNull(s.judgementDate),
  legalCosts: orNull(s.legalCosts),
  notes: s.notes,
  filedBy: s.filedBy,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
  history: s.history.map((h) => ({
    fromStatus: wordOf(litigationStatusWords, h.fromStatus),
    toStatus: wordOf(litigationStatusWords, h.toStatus),
    changedOn: h.changedOn,
    changedBy: h.changedBy,
    notes: h.notes,
    createdAt: h.createdAt,
  })),
});

const assetJson = (a: pb.RepossessedAsset) => ({
  id: a.id,
  requestId: a.requestId,
  loan: loanJson(a.loan),
  assetType: wordOf(assetTypeWords, a.assetType),
  description: a.description,
  valuationAmount: a.valuationAmount,
  valuationDate: a.valuationDate,
  acquiredOn: a.acquiredOn,
  settledAmount: a.settledAmount,
  bookValue: a.bookValue,
  notes: a.notes,
  registeredBy: a.registeredBy,
  createdAt: a.createdAt,
  updatedAt: a.updatedAt,
  disposal: a.disposal
    ? { ...a.disposal, method: wordOf(disposalMethodWords, a.disposal.method) }
    : null,
});

const notFound = { description: 'No such record (or loan)' };
const conflict = { description: 'Not allowed in the current state (e.g. a closed case or loan)' };
const location = {
  Location: { description: 'The record made', schema: z.string() },
};

/** The post-loan registers. */
export function postLoanRoutes(deps: RouteDeps): RouteSpec[] {
  const svc = deps.postLoan;

  const listCases = async (
    q: z.output<typeof CaseQuery>,
    loanId: string,
    call: { metadata: import('@grpc/grpc-js').Metadata; timeoutMs: number },
  ) => {
    const out = await svc.listCollectionCases(
      {
        branchId: q.branchId ?? '',
        status:
          q.status === undefined
            ? pb.CollectionCaseStatus.COLLECTION_CASE_STATUS_UNSPECIFIED
            : valueOf(caseStatusWords, q.status),
        loanId,
        pageSize: q.pageSize ?? 0,
        pageToken: q.pageToken ?? '',
      },
      call,
    );
    return ok({
      items: out.collectionCases.map(caseSummaryJson),
      nextPageToken: orNull(out.nextPageToken),
    });
  };

  return [
    // ---- Inspection plans and inspections ----
    defineRoute({
      operationId: 'listInspectionPlans',
      method: 'get',
      path: '/inspection-plans',
      tag: TAG,
      summary: '贷后检查 plans: per product, the first inspection and the cycle in days',
      access: { roles: READERS },
      grpc: grpc('ListInspectionPlans'),
      responses: { 200: { description: 'The plans', schema: itemsOf(InspectionPlan) } },
      async handle({ call }) {
        const out = await svc.listInspectionPlans({}, call);
        return ok({ items: out.plans });
      },
    }),
    defineRoute({
      operationId: 'setInspectionPlan',
      method: 'put',
      path: '/inspection-plans/{productCode}',
      tag: TAG,
      summary: 'Set the inspection plan of a product (administrators)',
      access: { roles: ['admin'] },
      grpc: grpc('SetInspectionPlan'),
      request: { params: InspectionPlanParams, body: InspectionPlanRequest },
      responses: { 200: { description: 'The plan', schema: InspectionPlan } },
      async handle({ params, body, call }) {
        const out = await svc.setInspectionPlan({ productCode: params.productCode, ...body }, call);
        return ok(out.plan);
      },
    }),
    defineRoute({
      operationId: 'recordInspection',
      method: 'post',
      path: '/loans/{loanId}/inspections',
      tag: TAG,
      summary: 'Record a post-loan inspection (moves the next due date)',
      access: { roles: WRITERS },
      grpc: grpc('RecordInspection'),
      idempotent: true,
      request: { params: loanParams, body: InspectionRequest },
      responses: {
        201: {
          description: 'Recorded',
          schema: z.object({ inspection: Inspection, nextDueOn: z.string().nullable() }),
        },
        404: notFound,
        409: conflict,
      },
      async handle({ params, body, call, commandId }) {
        const out = await svc.recordInspection(
          {
            requestId: commandId,
            loanId: params.loanId,
            inspectedOn: body.inspectedOn,
            inspector: body.inspector ?? '',
            kind: valueOf(inspectionKindWords, body.kind),
            findings: body.findings,
            riskSignals: body.riskSignals ?? [],
            result: valueOf(inspectionResultWords, body.result),
          },
          call,
        );
        return created({
          inspection: inspectionJson(out.inspection!),
          nextDueOn: orNull(out.nextDueOn),
        });
      },
    }),
    defineRoute({
      operationId: 'listInspections',
      method: 'get',
      path: '/loans/{loanId}/inspections',
      tag: TAG,
      summary: "A loan's inspections (newest first), its plan and next due date",
      access: { roles: READERS },
      grpc: grpc('ListInspections'),
      request: { params: loanParams },
      responses: {
        200: {
          description: 'The inspections',
          schema: z.object({
            items: z.array(Inspection),
            plan: InspectionPlan.nullable(),
            nextDueOn: z.string().nullable(),
          }),
        },
        404: notFound,
      },
      async handle({ params, call }) {
        const out = await svc.listInspections({ loanId: params.loanId }, call);
        return ok({
          items: out.inspections.map(inspectionJson),
          plan: out.plan ?? null,
          nextDueOn: orNull(out.nextDueOn),
        });
      },
    }),
    defineRoute({
      operationId: 'listDueInspections',
      method: 'get',
      path: '/inspections:due',
      tag: TAG,
      summary: 'Active loans whose next inspection is due on or before a date (earliest first)',
      access: { roles: READERS },
      grpc: grpc('ListDueInspections'),
      request: { query: DueQuery },
      responses: { 200: { description: 'Due inspections', schema: pageOf(DueInspection) } },
      async handle({ query, call }) {
        const out = await svc.listDueInspections(
          {
            dueOnOrBefore: query.date ?? '',
            branchId: query.branchId ?? '',
            pageSize: query.pageSize ?? 0,
            pageToken: query.pageToken ?? '',
          },
          call,
        );
        return ok({ items: out.due.map(dueJson), nextPageToken: orNull(out.nextPageToken) });
      },
    }),

    // ---- Collection ----
    defineRoute({
      operationId: 'openCollectionCase',
      method: 'post',
      path: '/loans/{loanId}/collection-cases',
      tag: TAG,
      summary: 'Open a collection case (催收); one open case per loan at a time',
      access: { roles: WRITERS },
      grpc: grpc('OpenCollectionCase'),
      idempotent: true,
      request: { params: loanParams, body: CaseRequest },
      responses: {
        201: { description: 'Opened', schema: CollectionCase, headers: location },
        404: notFound,
        409: { description: 'The loan already has an open case, or is closed' },
      },
      async handle({ params, body, call, commandId }) {
        const out = await svc.openCollectionCase(
          {
            requestId: commandId,
            loanId: params.loanId,
            openedOn: body.openedOn,
            officer: body.officer ?? '',
            reason: body.reason ?? '',
          },
          call,
        );
        const c = out.collectionCase!;
        return created(caseJson(c), { Location: `/api/v1/collection-cases/${c.id}` });
      },
    }),
    defineRoute({
      operationId: 'listLoanCollectionCases',
      method: 'get',
      path: '/loans/{loanId}/collection-cases',
      tag: TAG,
      summary: "A loan's collection cases, newest first",
      access: { roles: READERS },
      grpc: grpc('ListCollectionCases'),
      request: { params: loanParams, query: CaseQuery },
      responses: { 200: { description: 'Cases', schema: pageOf(CollectionCaseSummary) } },
      handle: ({ params, query, call }) => listCases(query, params.loanId, call),
    }),
    defineRoute({
      operationId: 'listCollectionCases',
      method: 'get',
      path: '/collection-cases',
      tag: TAG,
      summary: 'Collection cases by branch and status, newest first',
      access: { roles: READERS },
      grpc: grpc('ListCollectionCases'),
      request: { query: CaseQuery },
      responses: { 200: { description: 'Cases', schema: pageOf(CollectionCaseSummary) } },
      handle: ({ query, call }) => listCases(query, '', call),
    }),
    defineRoute({
      operationId: 'getCollectionCase',
      method: 'get',
      path: '/collection-cases/{id}',
      tag: TAG,
      summary: 'A collection case with its actions and promises to pay',
      access: { roles: READERS },
      grpc: grpc('GetCollectionCase'),
      request: { params: idParams },
      responses: { 200: { description: 'The case', schema: CollectionCase }, 404: notFound },
      async handle({ params, call }) {
        const out = await svc.getCollectionCase({ id: params.id }, call);
        return ok(caseJson(out.collectionCase!));
      },
    }),
    defineRoute({
      operationId: 'closeCollectionCase',
      method: 'post',
      path: '/collection-cases/{id}:close',
      tag: TAG,
      summary: 'Close a collection case (its promises must be marked kept or broken first)',
      access: { roles: WRITERS },
      grpc: grpc('CloseCollectionCase'),
      request: { params: idParams, body: CloseRequest },
      responses: {
        200: { description: 'Closed', schema: CollectionCase },
        404: notFound,
        409: { description: 'Promises still pending, or already closed otherwise' },
      },
      async handle({ params, body, call }) {
        const out = await svc.closeCollectionCase(
          {
            id: params.id,
            reason: valueOf(closeReasonWords, body.reason),
            closedOn: body.closedOn,
            notes: body.notes ?? '',
          },
          call,
        );
        return ok(caseJson(out.collectionCase!));
      },
    }),
    defineRoute({
      operationId: 'recordCollectionAction',
      method: 'post',
      path: '/collection-cases/{id}/actions',
      tag: TAG,
      summary: 'Record a collection action: call, visit, letter, SMS or legal notice',
      access: { roles: WRITERS },
      grpc: grpc('RecordCollectionAction'),
      idempotent: true,
      request: { params: idParams, body: ActionRequest },
      responses: {
        201: { description: 'Recorded', schema: CollectionAction },
        404: notFound,
        409: conflict,
      },
      async handle({ params, body, call, commandId }) {
        const out = await svc.recordCollectionAction(
          {
            requestId: commandId,
            caseId: params.id,
            kind: valueOf(actionKindWords, body.kind),
            actionOn: body.actionOn,
            officer: body.officer ?? '',
            contactPerson: body.contactPerson,
            notes: body.notes ?? '',
            outcome: valueOf(outcomeWords, body.outcome),
          },
          call,
        );
        return created(actionJson(out.action!));
      },
    }),
    defineRoute({
      operationId: 'recordPaymentPromise',
      method: 'post',
      path: '/collection-cases/{id}/promises',
      tag: TAG,
      summary: 'Record a promise to pay',
      access: { roles: WRITERS },
      grpc: grpc('RecordPaymentPromise'),
      idempotent: true,
      request: { params: idParams, body: PromiseRequest },
      responses: {
        201: { description: 'Recorded', schema: PaymentPromise },
        404: notFound,
        409: conflict,
      },
      async handle({ params, body, call, commandId }) {
        const out = await svc.recordPaymentPromise(
          {
            requestId: commandId,
            caseId: params.id,
            amount: body.amount,
            promisedDate: body.promisedDate,
            notes: body.notes ?? '',
          },
          call,
        );
        return created(promiseJson(out.promise!));
      },
    }),
    defineRoute({
      operationId: 'resolvePaymentPromise',
      method: 'patch',
      path: '/promises/{id}',
      tag: TAG,
      summary:
        'Mark a promise to pay kept or broken (broken only after its date; emits accounting.collection.promise-broken)',
      access: { roles: WRITERS },
      grpc: grpc('ResolvePaymentPromise'),
      request: { params: idParams, body: PromiseResolution },
      responses: {
        200: { description: 'Resolved', schema: PaymentPromise },
        404: notFound,
        409: { description: 'Already marked the other way' },
      },
      async handle({ params, body, call }) {
        const out = await svc.resolvePaymentPromise(
          {
            id: params.id,
            status: valueOf(promiseStatusWords, body.status),
            resolvedOn: body.resolvedOn,
            notes: body.notes ?? '',
          },
          call,
        );
        return ok(promiseJson(out.promise!));
      },
    }),

    // ---- Litigation ----
    defineRoute({
      operationId: 'fileLitigation',
      method: 'post',
      path: '/loans/{loanId}/litigations',
      tag: TAG,
      summary: 'Record a lawsuit (起诉) over a loan, status filed',
      access: { roles: WRITERS },
      grpc: grpc('FileLitigation'),
      idempotent: true,
      request: { params: loanParams, body: LitigationRequest },
      responses: {
        201: { description: 'Filed', schema: Litigation, headers: location },
        404: notFound,
        409: { description: 'The loan is closed, or the case number is already recorded' },
      },
      async handle({ params, body, call, commandId }) {
        const out = await svc.fileLitigation(
          {
            requestId: commandId,
            loanId: params.loanId,
            court: body.court,
            caseNumber: body.caseNumber ?? '',
            filedOn: body.filedOn,
            legalCosts: body.legalCosts ?? '',
            notes: body.notes ?? '',
          },
          call,
        );
        const s = out.litigation!;
        return created(litigationJson(s), { Location: `/api/v1/litigations/${s.id}` });
      },
    }),
    defineRoute({
      operationId: 'listLitigations',
      method: 'get',
      path: '/loans/{loanId}/litigations',
      tag: TAG,
      summary: "A loan's lawsuits with their status history",
      access: { roles: READERS },
      grpc: grpc('ListLitigations'),
      request: { params: loanParams },
      responses: { 200: { description: 'Lawsuits', schema: itemsOf(Litigation) }, 404: notFound },
      async handle({ params, call }) {
        const out = await svc.listLitigations({ loanId: params.loanId }, call);
        return ok({ items: out.litigations.map(litigationJson) });
      },
    }),
    defineRoute({
      operationId: 'getLitigation',
      method: 'get',
      path: '/litigations/{id}',
      tag: TAG,
      summary: 'A lawsuit with its status history',
      access: { roles: READERS },
      grpc: grpc('GetLitigation'),
      request: { params: idParams },
      responses: { 200: { description: 'The lawsuit', schema: Litigation }, 404: notFound },
      async handle({ params, call }) {
        const out = await svc.getLitigation({ id: params.id }, call);
        return ok(litigationJson(out.litigation!));
      },
    }),
    defineRoute({
      operationId: 'changeLitigationStatus',
      method: 'post',
      path: '/litigations/{id}/status',
      tag: TAG,
      summary:
        'Move a lawsuit on: filed → accepted → in_trial → judged → enforcing → closed (emits accounting.litigation.status-changed)',
      access: { roles: WRITERS },
      grpc: grpc('ChangeLitigationStatus'),
      request: { params: idParams, body: LitigationStatusRequest },
      responses: {
        200: { description: 'The lawsuit after it', schema: Litigation },
        404: notFound,
        409: { description: 'The procedure does not allow this move' },
      },
      async handle({ params, body, call }) {
        const out = await svc.changeLitigationStatus(
          {
            id: params.id,
            status: valueOf(litigationStatusWords, body.status),
            changedOn: body.changedOn,
            judgementAmount: body.judgementAmount ?? '',
            judgementDate: body.judgementDate ?? '',
            legalCosts: body.legalCosts ?? '',
            caseNumber: body.caseNumber ?? '',
            notes: body.notes ?? '',
          },
          call,
        );
        return ok(litigationJson(out.litigation!));
      },
    }),

    // ---- Repossessed assets ----
    defineRoute({
      operationId: 'registerRepossessedAsset',
      method: 'post',
      path: '/loans/{loanId}/repossessed-assets',
      tag: TAG,
      summary: 'Register a repossessed asset (抵债资产) taken in settlement of a loan',
      access: { roles: WRITERS },
      grpc: grpc('RegisterRepossessedAsset'),
      idempotent: true,
      request: { params: loanParams, body: AssetRequest },
      responses: {
        201: { description: 'Registered', schema: RepossessedAsset, headers: location },
        404: notFound,
        409: conflict,
      },
      async handle({ params, body, call, commandId }) {
        const out = await svc.registerRepossessedAsset(
          {
            ...body,
            requestId: commandId,
            loanId: params.loanId,
            assetType: valueOf(assetTypeWords, body.assetType),
            notes: body.notes ?? '',
          },
          call,
        );
        const a = out.asset!;
        return created(assetJson(a), { Location: `/api/v1/repossessed-assets/${a.id}` });
      },
    }),
    defineRoute({
      operationId: 'listRepossessedAssets',
      method: 'get',
      path: '/loans/{loanId}/repossessed-assets',
      tag: TAG,
      summary: "A loan's repossessed assets",
      access: { roles: READERS },
      grpc: grpc('ListRepossessedAssets'),
      request: { params: loanParams },
      responses: {
        200: { description: 'Assets', schema: itemsOf(RepossessedAsset) },
        404: notFound,
      },
      async handle({ params, call }) {
        const out = await svc.listRepossessedAssets({ loanId: params.loanId }, call);
        return ok({ items: out.assets.map(assetJson) });
      },
    }),
    defineRoute({
      operationId: 'getRepossessedAsset',
      method: 'get',
      path: '/repossessed-assets/{id}',
      tag: TAG,
      summary: 'A repossessed asset',
      access: { roles: READERS },
      grpc: grpc('GetRepossessedAsset'),
      request: { params: idParams },
      responses: { 200: { description: 'The asset', schema: RepossessedAsset }, 404: notFound },
      async handle({ params, call }) {
        const out = await svc.getRepossessedAsset({ id: params.id }, call);
        return ok(assetJson(out.asset!));
      },
    }),
    defineRoute({
      operationId: 'recordAssetDisposal',
      method: 'post',
      path: '/repossessed-assets/{id}/disposal',
      tag: TAG,
      summary: 'Record the disposal of a repossessed asset (once; on or after its acquisition)',
      access: { roles: WRITERS },
      grpc: grpc('RecordAssetDisposal'),
      request: { params: idParams, body: DisposalRequest },
      responses: {
        200: { description: 'The asset with its disposal', schema: RepossessedAsset },
        404: notFound,
        409: { description: 'Already disposed of otherwise' },
      },
      async handle({ params, body, call }) {
        const out = await svc.recordAssetDisposal(
          {
            id: params.id,
            disposedOn: body.disposedOn,
            proceeds: body.proceeds,
            method: valueOf(disposalMethodWords, body.method),
            notes: body.notes ?? '',
          },
          call,
        );
        return ok(assetJson(out.asset!));
      },
    }),
  ];
}
