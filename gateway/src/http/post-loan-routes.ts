// 贷后管理 over REST: inspections, collection cases, lawsuits and repossessed assets (the
// accounting service's PostLoanService). The service checks every rule again, with branch scope.
import type { Role } from '@loanflow/platform';
import { postLoanV1 as pb } from '@loanflow/proto';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { requireRole } from './middleware';
import type { RouteDeps } from './routes';
import { route, upstreamCall } from './upstream';
import { money, parseInput } from './validation';

const WRITERS: Role[] = ['post_loan_officer', 'admin'];
const READERS: Role[] = [...WRITERS, 'auditor', 'risk_manager', 'account_manager'];

/**
 * A proto enum as the lower-case words of the REST API (INSPECTION_KIND_ON_SITE ↔ on_site), both
 * ways; the words are taken from the generated enum, so the contract has one source.
 */
function words<E extends string>(values: Record<string, E>, prefix: string) {
  const list = Object.values(values)
    .filter((v) => v.startsWith(prefix) && !v.endsWith('_UNSPECIFIED'))
    .map((v) => v.slice(prefix.length).toLowerCase()) as [string, ...string[]];
  return {
    list,
    schema: z.enum(list, { error: `must be one of ${list.join(', ')}` }),
    toPb: (word: string | undefined): E => `${prefix}${(word ?? 'unspecified').toUpperCase()}` as E,
    fromPb: (value: E): string | null =>
      value.startsWith(prefix) && !value.endsWith('_UNSPECIFIED')
        ? value.slice(prefix.length).toLowerCase()
        : null,
  };
}
const inspectionKind = words(pb.InspectionKind, 'INSPECTION_KIND_');
const inspectionResult = words(pb.InspectionResult, 'INSPECTION_RESULT_');
const caseStatus = words(pb.CollectionCaseStatus, 'COLLECTION_CASE_STATUS_');
const actionKind = words(pb.CollectionActionKind, 'COLLECTION_ACTION_KIND_');
const outcome = words(pb.CollectionOutcome, 'COLLECTION_OUTCOME_');
const closeReason = words(pb.CaseCloseReason, 'CASE_CLOSE_REASON_');
const promiseStatus = words(pb.PaymentPromiseStatus, 'PAYMENT_PROMISE_STATUS_');
const litigationStatus = words(pb.LitigationStatus, 'LITIGATION_STATUS_');
const assetType = words(pb.RepossessedAssetType, 'REPOSSESSED_ASSET_TYPE_');
const disposalMethod = words(pb.DisposalMethod, 'DISPOSAL_METHOD_');

const text = (max: number) =>
  z.string({ error: 'must be a string' }).max(max, `must be at most ${max} characters`);
const date = z.string({ error: 'must be a date string such as "2025-06-30"' }).max(32);
const requestId = text(128).optional();
const days = z
  .number({ error: 'must be a whole number of days' })
  .int('must be a whole number of days');
const pageSize = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be between 1 and 100')
  .max(100, 'must be between 1 and 100')
  .optional();

const planBody = z.strictObject({ frequencyDays: days, firstAfterDays: days });
const inspectionBody = z.strictObject({
  requestId,
  inspectedOn: date,
  inspector: text(100).optional(),
  kind: inspectionKind.schema,
  findings: text(4000),
  riskSignals: z
    .array(text(200), { error: 'must be a list of strings' })
    .max(20, 'must list at most 20 signals')
    .optional(),
  result: inspectionResult.schema,
});
const dueQuery = z.strictObject({
  date: date.optional(),
  branchId: text(32).optional(),
  pageSize,
  pageToken: text(512).optional(),
});
const caseBody = z.strictObject({
  requestId,
  openedOn: date,
  officer: text(100).optional(),
  reason: text(1000).optional(),
});
const caseQuery = z.strictObject({
  branchId: text(32).optional(),
  status: caseStatus.schema.optional(),
  pageSize,
  pageToken: text(512).optional(),
});
const actionBody = z.strictObject({
  requestId,
  kind: actionKind.schema,
  actionOn: date,
  officer: text(100).optional(),
  contactPerson: text(200),
  notes: text(4000).optional(),
  outcome: outcome.schema,
});
const promiseBody = z.strictObject({
  requestId,
  amount: money,
  promisedDate: date,
  notes: text(4000).optional(),
});
const promisePatch = z.strictObject({
  status: z.enum(['kept', 'broken'], { error: 'must be kept or broken' }),
  resolvedOn: date,
  notes: text(4000).optional(),
});
const closeBody = z.strictObject({
  reason: closeReason.schema,
  closedOn: date,
  notes: text(4000).optional(),
});
const litigationBody = z.strictObject({
  requestId,
  court: text(200),
  caseNumber: text(100).optional(),
  filedOn: date,
  legalCosts: money.optional(),
  notes: text(4000).optional(),
});
const statusBody = z.strictObject({
  status: litigationStatus.schema,
  changedOn: date,
  judgementAmount: money.optional(),
  judgementDate: date.optional(),
  legalCosts: money.optional(),
  caseNumber: text(100).optional(),
  notes: text(4000).optional(),
});
const assetBody = z.strictObject({
  requestId,
  assetType: assetType.schema,
  description: text(2000),
  valuationAmount: money,
  valuationDate: date,
  acquiredOn: date,
  settledAmount: money,
  bookValue: money,
  notes: text(4000).optional(),
});
const disposalBody = z.strictObject({
  disposedOn: date,
  proceeds: money,
  method: disposalMethod.schema,
  notes: text(4000).optional(),
});

const orNull = (s: string): string | null => (s === '' ? null : s);

const loanJson = (l: pb.PostLoanLoanRef | undefined) => l ?? null;

const planJson = (p: pb.InspectionPlan) => p;

const inspectionJson = (i: pb.Inspection) => ({
  ...i,
  kind: inspectionKind.fromPb(i.kind),
  result: inspectionResult.fromPb(i.result),
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
  kind: actionKind.fromPb(a.kind),
  outcome: outcome.fromPb(a.outcome),
});

const promiseJson = (p: pb.PaymentPromise) => ({
  ...p,
  status: promiseStatus.fromPb(p.status),
  resolvedOn: orNull(p.resolvedOn),
  resolutionNotes: orNull(p.resolutionNotes),
  resolvedBy: orNull(p.resolvedBy),
});

const caseJson = (c: pb.CollectionCase, detail: boolean) => ({
  id: c.id,
  requestId: c.requestId,
  loan: loanJson(c.loan),
  status: caseStatus.fromPb(c.status),
  openedOn: c.openedOn,
  officer: c.officer,
  reason: c.reason,
  daysPastDueAtOpen: c.daysPastDueAtOpen,
  openedBy: c.openedBy,
  closedOn: orNull(c.closedOn),
  closeReason: closeReason.fromPb(c.closeReason),
  closeNotes: orNull(c.closeNotes),
  closedBy: orNull(c.closedBy),
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
  ...(detail ? { actions: c.actions.map(actionJson), promises: c.promises.map(promiseJson) } : {}),
});

const litigationJson = (s: pb.Litigation) => ({
  id: s.id,
  requestId: s.requestId,
  loan: loanJson(s.loan),
  court: s.court,
  caseNumber: orNull(s.caseNumber),
  filedOn: s.filedOn,
  status: litigationStatus.fromPb(s.status),
  judgementAmount: orNull(s.judgementAmount),
  judgementDate: orNull(s.judgementDate),
  legalCosts: orNull(s.legalCosts),
  notes: s.notes,
  filedBy: s.filedBy,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
  history: s.history.map((h) => ({
    fromStatus: litigationStatus.fromPb(h.fromStatus),
    toStatus: litigationStatus.fromPb(h.toStatus),
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
  assetType: assetType.fromPb(a.assetType),
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
  disposal: a.disposal ? { ...a.disposal, method: disposalMethod.fromPb(a.disposal.method) } : null,
});

/**
 * The client's id of a create: `requestId` in the body, else the Idempotency-Key header, else
 * this request's id (a create the client cannot retry safely, but still a create).
 */
const requestIdOf = (req: Request, res: Response, given: string | undefined): string =>
  given ?? req.get('idempotency-key') ?? (res.locals.requestId as string);

const param = (req: Request, name: string): string => req.params[name] as string;

export function postLoanRoutes(deps: RouteDeps): Router {
  const r = Router();
  const call = (res: Response) => upstreamCall(res, deps.rpcTimeoutMs);
  const read = requireRole(...READERS);
  const write = requireRole(...WRITERS);

  // ---- Inspection plans and inspections ----

  r.get('/inspection-plans', read, async (_req, res) => {
    route(res, '/inspection-plans');
    const out = await deps.postLoan.listInspectionPlans({}, call(res));
    res.json({ items: out.plans.map(planJson) });
  });
  r.put('/inspection-plans/:productCode', requireRole('admin'), async (req, res) => {
    route(res, '/inspection-plans/:productCode');
    const b = parseInput(planBody, req.body);
    const out = await deps.postLoan.setInspectionPlan(
      { productCode: param(req, 'productCode'), ...b },
      call(res),
    );
    res.json(planJson(out.plan!));
  });

  r.post('/loans/:loanId/inspections', write, async (req, res) => {
    route(res, '/loans/:loanId/inspections');
    const b = parseInput(inspectionBody, req.body);
    const out = await deps.postLoan.recordInspection(
      {
        requestId: requestIdOf(req, res, b.requestId),
        loanId: param(req, 'loanId'),
        inspectedOn: b.inspectedOn,
        inspector: b.inspector ?? '',
        kind: inspectionKind.toPb(b.kind),
        findings: b.findings,
        riskSignals: b.riskSignals ?? [],
        result: inspectionResult.toPb(b.result),
      },
      call(res),
    );
    res.status(201).json({
      inspection: inspectionJson(out.inspection!),
      nextDueOn: orNull(out.nextDueOn),
    });
  });
  r.get('/loans/:loanId/inspections', read, async (req, res) => {
    route(res, '/loans/:loanId/inspections');
    const out = await deps.postLoan.listInspections({ loanId: param(req, 'loanId') }, call(res));
    res.json({
      items: out.inspections.map(inspectionJson),
      plan: out.plan ?? null,
      nextDueOn: orNull(out.nextDueOn),
    });
  });
  // AIP-136 custom method: the colon is part of the path.
  r.get('/inspections\\:due', read, async (req, res) => {
    route(res, '/inspections:due');
    const q = parseInput(dueQuery, req.query);
    const out = await deps.postLoan.listDueInspections(
      {
        dueOnOrBefore: q.date ?? '',
        branchId: q.branchId ?? '',
        pageSize: q.pageSize ?? 0,
        pageToken: q.pageToken ?? '',
      },
      call(res),
    );
    res.json({ items: out.due.map(dueJson), nextPageToken: orNull(out.nextPageToken) });
  });

  // ---- Collection ----

  r.post('/loans/:loanId/collection-cases', write, async (req, res) => {
    route(res, '/loans/:loanId/collection-cases');
    const b = parseInput(caseBody, req.body);
    const out = await deps.postLoan.openCollectionCase(
      {
        requestId: requestIdOf(req, res, b.requestId),
        loanId: param(req, 'loanId'),
        openedOn: b.openedOn,
        officer: b.officer ?? '',
        reason: b.reason ?? '',
      },
      call(res),
    );
    const c = out.collectionCase!;
    res.status(201).location(`/api/v1/collection-cases/${c.id}`).json(caseJson(c, true));
  });
  const listCases = async (res: Response, q: z.infer<typeof caseQuery>, loanId: string) => {
    const out = await deps.postLoan.listCollectionCases(
      {
        branchId: q.branchId ?? '',
        status: caseStatus.toPb(q.status),
        loanId,
        pageSize: q.pageSize ?? 0,
        pageToken: q.pageToken ?? '',
      },
      call(res),
    );
    res.json({
      items: out.collectionCases.map((c) => caseJson(c, false)),
      nextPageToken: orNull(out.nextPageToken),
    });
  };
  r.get('/loans/:loanId/collection-cases', read, async (req, res) => {
    route(res, '/loans/:loanId/collection-cases');
    await listCases(res, parseInput(caseQuery, req.query), param(req, 'loanId'));
  });
  r.get('/collection-cases', read, async (req, res) => {
    route(res, '/collection-cases');
    await listCases(res, parseInput(caseQuery, req.query), '');
  });
  r.get('/collection-cases/:id', read, async (req, res) => {
    route(res, '/collection-cases/:id');
    const out = await deps.postLoan.getCollectionCase({ id: param(req, 'id') }, call(res));
    res.json(caseJson(out.collectionCase!, true));
  });
  r.post('/collection-cases/:id\\:close', write, async (req, res) => {
    route(res, '/collection-cases/:id:close');
    const b = parseInput(closeBody, req.body);
    const out = await deps.postLoan.closeCollectionCase(
      {
        id: param(req, 'id'),
        reason: closeReason.toPb(b.reason),
        closedOn: b.closedOn,
        notes: b.notes ?? '',
      },
      call(res),
    );
    res.json(caseJson(out.collectionCase!, true));
  });
  r.post('/collection-cases/:id/actions', write, async (req, res) => {
    route(res, '/collection-cases/:id/actions');
    const b = parseInput(actionBody, req.body);
    const out = await deps.postLoan.recordCollectionAction(
      {
        requestId: requestIdOf(req, res, b.requestId),
        caseId: param(req, 'id'),
        kind: actionKind.toPb(b.kind),
        actionOn: b.actionOn,
        officer: b.officer ?? '',
        contactPerson: b.contactPerson,
        notes: b.notes ?? '',
        outcome: outcome.toPb(b.outcome),
      },
      call(res),
    );
    res.status(201).json(actionJson(out.action!));
  });
  r.post('/collection-cases/:id/promises', write, async (req, res) => {
    route(res, '/collection-cases/:id/promises');
    const b = parseInput(promiseBody, req.body);
    const out = await deps.postLoan.recordPaymentPromise(
      {
        requestId: requestIdOf(req, res, b.requestId),
        caseId: param(req, 'id'),
        amount: b.amount,
        promisedDate: b.promisedDate,
        notes: b.notes ?? '',
      },
      call(res),
    );
    res.status(201).json(promiseJson(out.promise!));
  });
  r.patch('/promises/:id', write, async (req, res) => {
    route(res, '/promises/:id');
    const b = parseInput(promisePatch, req.body);
    const out = await deps.postLoan.resolvePaymentPromise(
      {
        id: param(req, 'id'),
        status: promiseStatus.toPb(b.status),
        resolvedOn: b.resolvedOn,
        notes: b.notes ?? '',
      },
      call(res),
    );
    res.json(promiseJson(out.promise!));
  });

  // ---- Litigation ----

  r.post('/loans/:loanId/litigations', write, async (req, res) => {
    route(res, '/loans/:loanId/litigations');
    const b = parseInput(litigationBody, req.body);
    const out = await deps.postLoan.fileLitigation(
      {
        requestId: requestIdOf(req, res, b.requestId),
        loanId: param(req, 'loanId'),
        court: b.court,
        caseNumber: b.caseNumber ?? '',
        filedOn: b.filedOn,
        legalCosts: b.legalCosts ?? '',
        notes: b.notes ?? '',
      },
      call(res),
    );
    const s = out.litigation!;
    res.status(201).location(`/api/v1/litigations/${s.id}`).json(litigationJson(s));
  });
  r.get('/loans/:loanId/litigations', read, async (req, res) => {
    route(res, '/loans/:loanId/litigations');
    const out = await deps.postLoan.listLitigations({ loanId: param(req, 'loanId') }, call(res));
    res.json({ items: out.litigations.map(litigationJson) });
  });
  r.get('/litigations/:id', read, async (req, res) => {
    route(res, '/litigations/:id');
    const out = await deps.postLoan.getLitigation({ id: param(req, 'id') }, call(res));
    res.json(litigationJson(out.litigation!));
  });
  r.post('/litigations/:id/status', write, async (req, res) => {
    route(res, '/litigations/:id/status');
    const b = parseInput(statusBody, req.body);
    const out = await deps.postLoan.changeLitigationStatus(
      {
        id: param(req, 'id'),
        status: litigationStatus.toPb(b.status),
        changedOn: b.changedOn,
        judgementAmount: b.judgementAmount ?? '',
        judgementDate: b.judgementDate ?? '',
        legalCosts: b.legalCosts ?? '',
        caseNumber: b.caseNumber ?? '',
        notes: b.notes ?? '',
      },
      call(res),
    );
    res.json(litigationJson(out.litigation!));
  });

  // ---- Repossessed assets ----

  r.post('/loans/:loanId/repossessed-assets', write, async (req, res) => {
    route(res, '/loans/:loanId/repossessed-assets');
    const b = parseInput(assetBody, req.body);
    const out = await deps.postLoan.registerRepossessedAsset(
      {
        ...b,
        requestId: requestIdOf(req, res, b.requestId),
        loanId: param(req, 'loanId'),
        assetType: assetType.toPb(b.assetType),
        notes: b.notes ?? '',
      },
      call(res),
    );
    const a = out.asset!;
    res.status(201).location(`/api/v1/repossessed-assets/${a.id}`).json(assetJson(a));
  });
  r.get('/loans/:loanId/repossessed-assets', read, async (req, res) => {
    route(res, '/loans/:loanId/repossessed-assets');
    const out = await deps.postLoan.listRepossessedAssets(
      { loanId: param(req, 'loanId') },
      call(res),
    );
    res.json({ items: out.assets.map(assetJson) });
  });
  r.get('/repossessed-assets/:id', read, async (req, res) => {
    route(res, '/repossessed-assets/:id');
    const out = await deps.postLoan.getRepossessedAsset({ id: param(req, 'id') }, call(res));
    res.json(assetJson(out.asset!));
  });
  r.post('/repossessed-assets/:id/disposal', write, async (req, res) => {
    route(res, '/repossessed-assets/:id/disposal');
    const b = parseInput(disposalBody, req.body);
    const out = await deps.postLoan.recordAssetDisposal(
      {
        id: param(req, 'id'),
        disposedOn: b.disposedOn,
        proceeds: b.proceeds,
        method: disposalMethod.toPb(b.method),
        notes: b.notes ?? '',
      },
      call(res),
    );
    res.json(assetJson(out.asset!));
  });
  return r;
}

/** The enum words of the REST API, for the OpenAPI document. */
export const POST_LOAN_WORDS = {
  inspectionKind: inspectionKind.list,
  inspectionResult: inspectionResult.list,
  caseStatus: caseStatus.list,
  actionKind: actionKind.list,
  outcome: outcome.list,
  closeReason: closeReason.list,
  promiseStatus: promiseStatus.list,
  litigationStatus: litigationStatus.list,
  assetType: assetType.list,
  disposalMethod: disposalMethod.list,
};
