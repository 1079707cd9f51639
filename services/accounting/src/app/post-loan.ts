// 贷后管理 use cases: inspections, collection cases, lawsuits and repossessed assets of a loan.
// Each write checks the role, finds the loan in the caller's branch, checks the input against
// the loan's dates, then writes once per client request id, with its event in the same transaction.
import {
  branchFilter,
  alreadyExists,
  appendToOutbox,
  failedPrecondition,
  invalidArgument,
  isUniqueViolation,
  isUuid,
  notFound,
  requireBranch,
  requireRole,
  uuidv7,
  withTransaction,
  businessDateInChina,
  type FieldViolation,
  type NewEvent,
  type Principal,
  type Role,
} from '@loanflow/platform';
import { accountingEventsV1 as events, type postLoanV1 as pb } from '@loanflow/proto';
import {
  CASE_STATUSES,
  checkAction,
  checkCloseCase,
  checkOpenCase,
  checkPromise,
  checkPromiseResolution,
  promiseTransition,
  type ActionInput,
  type CaseStatus,
  type CloseCaseInput,
  type OpenCaseInput,
  type PromiseInput,
  type PromiseResolutionInput,
} from '../domain/post-loan/collections';
import { readDate, type Validated } from '../domain/post-loan/fields';
import {
  checkInspection,
  checkInspectionPlan,
  daysOverdue,
  nextInspectionDue,
  type InspectionInput,
  type InspectionPlanInput,
} from '../domain/post-loan/inspections';
import {
  checkFiling,
  checkStatusChange,
  type FilingInput,
  type StatusChangeInput,
} from '../domain/post-loan/litigation';
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
import {
  checkAsset,
  checkDisposal,
  sameDisposal,
  type AssetInput,
  type DisposalInput,
} from '../domain/post-loan/repossessed-assets';
import * as repo from '../infra/post-loan-repo';
import { payoffAmount } from '../domain/loan/repayment';
import { formatMoney, parseMoney } from '../domain/money';
import type { Db as Queryable, Pool } from '../infra/db';
import { findLoan } from '../infra/loan-views';
import { SOURCE } from './deps';

/** Who keeps the post-loan records (贷后/催收岗), and who may read them. */
export const POST_LOAN_WRITERS: Role[] = ['post_loan_officer', 'admin'];
export const POST_LOAN_READERS: Role[] = [
  ...POST_LOAN_WRITERS,
  'auditor',
  'risk_manager',
  'account_manager',
];

export interface PostLoanDeps {
  pool: Pool;
  /** Today's date in the bank's time zone; injectable for tests. */
  today?: () => string;
  /** The bank's calendar date (the service's injected clock); China Standard Time by default. */
  calendarToday?: () => string;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

const valid = <T>(r: Validated<T>): T => {
  if (!r.ok) throw invalidArgument(r.violations);
  return r.value;
};

const requireUuid = (field: string, value: string, what: string): void => {
  if (!isUuid(value)) throw invalidArgument([{ field, reason: `must be the UUID of ${what}` }]);
};

/** Today in China (the bank's calendar) by the system clock, where no clock is injected. */
const calendarToday = (): string => businessDateInChina(new Date());

/**
 * The latest date a record may carry: today, or the loan book's open business date when that is
 * ahead (a book run on simulated dates must still take records of its own days).
 */
async function today(deps: PostLoanDeps, q: Queryable): Promise<string> {
  if (deps.today) return deps.today();
  const calendar = (deps.calendarToday ?? calendarToday)();
  const business = await repo.openBusinessDate(q);
  return business !== undefined && business > calendar ? business : calendar;
}

/**
 * Bounds that keep post-loan amounts to what the loan can bear (issue 9 item 14), each refused
 * with the field: a promise to pay at most what the loan owes (its payoff amount today); legal
 * costs at most the amount disbursed or 100,000.00, whichever is more; a judgement at most twice
 * the amount disbursed (principal, interest, penalties and costs rarely come near it).
 */
export const LEGAL_COSTS_FLOOR = 10_000_000n;
async function loanFigures(q: Queryable, loanId: string) {
  const rec = await findLoan(q, loanId);
  if (!rec) throw notFound(`loan ${loanId}`);
  return {
    payoff: rec.state.status === 'active' ? payoffAmount(rec.state) : 0n,
    disbursed: parseMoney(rec.meta.disbursedAmount)!,
  };
}

function boundLitigationAmounts(
  figures: { disbursed: bigint },
  amounts: { legalCosts?: string; judgementAmount?: string },
): void {
  const problems: FieldViolation[] = [];
  const costsCap = figures.disbursed > LEGAL_COSTS_FLOOR ? figures.disbursed : LEGAL_COSTS_FLOOR;
  if (amounts.legalCosts && parseMoney(amounts.legalCosts)! > costsCap)
    problems.push({
      field: 'legalCosts',
      reason: `must not exceed ${formatMoney(costsCap)} (the amount disbursed, or 100000.00 if more)`,
    });
  if (amounts.judgementAmount && parseMoney(amounts.judgementAmount)! > 2n * figures.disbursed)
    problems.push({
      field: 'judgementAmount',
      reason: `must not exceed ${formatMoney(2n * figures.disbursed)} (twice the amount disbursed)`,
    });
  if (problems.length) throw invalidArgument(problems);
}

/** The loan, when the caller may see its branch. */
async function visibleLoan(q: Queryable, actor: Principal, loanId: string): Promise<LoanRef> {
  requireUuid('loanId', loanId, 'a loan');
  const loan = await repo.loanById(q, loanId);
  if (!loan) throw notFound(`loan ${loanId}`);
  requireBranch(actor, loan.branchId, `loan ${loan.loanNumber}`);
  return loan;
}

function requireNotClosed(loan: LoanRef, action: string): void {
  if (loan.status === 'closed')
    throw failedPrecondition(
      `loan ${loan.loanNumber} is closed; ${action} is for loans still owed`,
    );
}

/**
 * A create retried with its request id gets the record made the first time, provided it was
 * made for the same parent; a request id reused for something else is refused.
 */
function sameRequest<T>(existing: T, parentMatches: boolean, what: string): T {
  if (!parentMatches)
    throw invalidArgument([
      { field: 'requestId', reason: `was already used for another ${what}; choose a new one` },
    ]);
  return existing;
}

// ---- Paging ----

function pageSize(requested: number): number {
  if (!requested) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(requested) || requested < 1 || requested > MAX_PAGE_SIZE)
    throw invalidArgument([
      { field: 'pageSize', reason: `must be between 1 and ${MAX_PAGE_SIZE}` },
    ]);
  return requested;
}

const encodeCursor = (key: string[]): string =>
  Buffer.from(JSON.stringify(key)).toString('base64url');

function decodeCursor(token: string, arity: number): string[] | undefined {
  if (!token) return undefined;
  try {
    const key = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length === arity && key.every((k) => typeof k === 'string'))
      return key as string[];
  } catch {
    // reported below
  }
  throw invalidArgument([{ field: 'pageToken', reason: 'is not a token this service issued' }]);
}

/** The branches a list covers: the one asked for within the caller's subtree, else all of it. */
const branchScope = (actor: Principal, requested: string): string[] | undefined =>
  branchFilter(actor, requested) ?? undefined;

// ---- Inspection plans ----

export async function listInspectionPlans(
  deps: PostLoanDeps,
  actor: Principal,
): Promise<PlanRecord[]> {
  requireRole(actor, POST_LOAN_READERS, 'reading inspection plans');
  return repo.listPlans(deps.pool);
}

export async function setInspectionPlan(
  deps: PostLoanDeps,
  actor: Principal,
  input: InspectionPlanInput,
): Promise<PlanRecord> {
  requireRole(actor, ['admin'], 'changing an inspection plan');
  const plan = valid(checkInspectionPlan(input));
  return repo.upsertPlan(deps.pool, plan, actor.userId);
}

// ---- Inspections ----

export async function recordInspection(
  deps: PostLoanDeps,
  actor: Principal,
  input: InspectionInput & { loanId: string },
): Promise<{ inspection: InspectionRecord; nextDueOn?: string }> {
  requireRole(actor, POST_LOAN_WRITERS, 'recording a post-loan inspection');
  return withTransaction(deps.pool, async (tx) => {
    const loan = await visibleLoan(tx, actor, input.loanId);
    const checked = valid(
      checkInspection(input, {
        openedOn: loan.openedOn,
        today: await today(deps, tx),
        recordedBy: actor.userId,
      }),
    );
    await repo.lockRequestId(tx, checked.requestId);
    let inspection = await repo.inspectionByRequestId(tx, checked.requestId);
    if (inspection) sameRequest(inspection, inspection.loanId === loan.loanId, 'inspection');
    else {
      requireNotClosed(loan, 'an inspection');
      inspection = await repo.insertInspection(tx, {
        ...checked,
        id: uuidv7(),
        loanId: loan.loanId,
        recordedBy: actor.userId,
      });
    }
    return { inspection, nextDueOn: await nextDue(tx, loan) };
  });
}

async function nextDue(q: Queryable, loan: LoanRef): Promise<string | undefined> {
  if (loan.status !== 'active') return undefined;
  const plan = await repo.planFor(q, loan.productCode);
  if (!plan) return undefined;
  return nextInspectionDue(loan.openedOn, plan, await repo.lastInspectedOn(q, loan.loanId));
}

export async function listInspections(
  deps: PostLoanDeps,
  actor: Principal,
  loanId: string,
): Promise<{ inspections: InspectionRecord[]; nextDueOn?: string; plan?: PlanRecord }> {
  requireRole(actor, POST_LOAN_READERS, 'reading post-loan inspections');
  const loan = await visibleLoan(deps.pool, actor, loanId);
  return {
    inspections: await repo.inspectionsOfLoan(deps.pool, loan.loanId),
    nextDueOn: await nextDue(deps.pool, loan),
    plan: await repo.planFor(deps.pool, loan.productCode),
  };
}

export async function listDueInspections(
  deps: PostLoanDeps,
  actor: Principal,
  q: { dueOnOrBefore: string; branchId: string; pageSize: number; pageToken: string },
): Promise<{ due: DueInspectionRecord[]; nextPageToken: string }> {
  requireRole(actor, POST_LOAN_READERS, 'reading the inspections due');
  let asOf: string;
  if (q.dueOnOrBefore.trim() === '') asOf = await today(deps, deps.pool);
  else {
    const read = readDate(q.dueOnOrBefore);
    if (!read.ok) throw invalidArgument([{ field: 'dueOnOrBefore', reason: read.reason }]);
    asOf = read.value;
  }
  const size = pageSize(q.pageSize);
  const after = decodeCursor(q.pageToken, 2) as [string, string] | undefined;
  if (after && (readDate(after[0]).ok === false || !isUuid(after[1])))
    throw invalidArgument([{ field: 'pageToken', reason: 'is not a token this service issued' }]);
  const branchIds = branchScope(actor, q.branchId.trim());
  const rows = await repo.dueInspections(deps.pool, { asOf, branchIds }, { size, after });
  const page = rows.slice(0, size).map((r): DueInspectionRecord => {
    // The rule itself, not only the SQL that filtered by it.
    const dueOn = nextInspectionDue(r.loan.openedOn, r.plan, r.lastInspectedOn);
    return { ...r, dueOn, daysOverdue: daysOverdue(dueOn, asOf) };
  });
  const last = page[page.length - 1];
  return {
    due: page,
    nextPageToken: rows.length > size && last ? encodeCursor([last.dueOn, last.loan.loanId]) : '',
  };
}

// ---- Collection cases ----

/** The case the caller may see, locked for a change when `lock`. */
async function visibleCase(
  q: Queryable,
  actor: Principal,
  id: string,
  field: string,
  lock = false,
): Promise<CaseRecord> {
  requireUuid(field, id, 'a collection case');
  const found = await repo.caseById(q, id, lock);
  if (!found) throw notFound(`collection case ${id}`);
  requireBranch(actor, found.loan.branchId, `collection case of loan ${found.loan.loanNumber}`);
  return found;
}

export async function openCollectionCase(
  deps: PostLoanDeps,
  actor: Principal,
  input: OpenCaseInput & { loanId: string },
): Promise<CaseRecord> {
  requireRole(actor, POST_LOAN_WRITERS, 'opening a collection case');
  return withTransaction(deps.pool, async (tx) => {
    const loan = await visibleLoan(tx, actor, input.loanId);
    const checked = valid(
      checkOpenCase(input, {
        loanOpenedOn: loan.openedOn,
        today: await today(deps, tx),
        actor: actor.userId,
      }),
    );
    await repo.lockRequestId(tx, checked.requestId);
    const existing = await repo.caseByRequestId(tx, checked.requestId);
    if (existing)
      return sameRequest(existing, existing.loan.loanId === loan.loanId, 'collection case');
    requireNotClosed(loan, 'collection');
    const open = await repo.openCaseOfLoan(tx, loan.loanId);
    if (open)
      throw alreadyExists(`loan ${loan.loanNumber} already has an open collection case ${open}`);
    const id = uuidv7();
    try {
      await repo.insertCase(tx, {
        ...checked,
        id,
        loanId: loan.loanId,
        daysPastDueAtOpen: loan.daysPastDue,
        openedBy: actor.userId,
      });
    } catch (err) {
      // Another officer opened one between our look and our insert.
      if (isUniqueViolation(err, repo.ONE_OPEN_CASE))
        throw alreadyExists(`loan ${loan.loanNumber} already has an open collection case`);
      throw err;
    }
    await appendToOutbox(tx, SOURCE, {
      type: 'accounting.collection.case-opened',
      subjectId: id,
      data: events.CollectionCaseOpened.toJSON({
        caseId: id,
        loanId: loan.loanId,
        loanNumber: loan.loanNumber,
        branchId: loan.branchId,
        customerId: loan.customerId,
        openedOn: checked.openedOn,
        officer: checked.officer,
        daysPastDue: loan.daysPastDue,
        openedBy: actor.userId,
      }),
    });
    return (await repo.caseById(tx, id))!;
  });
}

export async function getCollectionCase(
  deps: PostLoanDeps,
  actor: Principal,
  id: string,
): Promise<CaseRecord> {
  requireRole(actor, POST_LOAN_READERS, 'reading a collection case');
  const found = await visibleCase(deps.pool, actor, id, 'id');
  found.actions = await repo.actionsOfCase(deps.pool, found.id);
  found.promises = await repo.promisesOfCase(deps.pool, found.id);
  return found;
}

export async function listCollectionCases(
  deps: PostLoanDeps,
  actor: Principal,
  q: { branchId: string; status: string; loanId: string; pageSize: number; pageToken: string },
): Promise<{ cases: CaseRecord[]; nextPageToken: string }> {
  requireRole(actor, POST_LOAN_READERS, 'reading collection cases');
  const violations: FieldViolation[] = [];
  if (q.status && !(CASE_STATUSES as readonly string[]).includes(q.status))
    violations.push({ field: 'status', reason: `must be one of ${CASE_STATUSES.join(', ')}` });
  if (q.loanId && !isUuid(q.loanId))
    violations.push({ field: 'loanId', reason: 'must be the UUID of a loan' });
  if (violations.length > 0) throw invalidArgument(violations);
  const size = pageSize(q.pageSize);
  const before = decodeCursor(q.pageToken, 1)?.[0];
  if (before !== undefined && !isUuid(before))
    throw invalidArgument([{ field: 'pageToken', reason: 'is not a token this service issued' }]);
  const branchIds = branchScope(actor, q.branchId.trim());
  // The cases of one loan: the loan must be one the caller may see, not merely an empty list.
  if (q.loanId) await visibleLoan(deps.pool, actor, q.loanId);
  const rows = await repo.listCases(
    deps.pool,
    {
      branchIds,
      status: (q.status || undefined) as CaseStatus | undefined,
      loanId: q.loanId || undefined,
    },
    { size, before },
  );
  const page = rows.slice(0, size);
  const last = page[page.length - 1];
  return {
    cases: page,
    nextPageToken: rows.length > size && last ? encodeCursor([last.id]) : '',
  };
}

function requireOpen(c: CaseRecord, action: string): void {
  if (c.status !== 'open')
    throw failedPrecondition(`collection case ${c.id} is closed; ${action} needs an open case`);
}

export async function recordCollectionAction(
  deps: PostLoanDeps,
  actor: Principal,
  input: ActionInput & { caseId: string },
): Promise<ActionRecord> {
  requireRole(actor, POST_LOAN_WRITERS, 'recording a collection action');
  return withTransaction(deps.pool, async (tx) => {
    const c = await visibleCase(tx, actor, input.caseId, 'caseId', true);
    const checked = valid(
      checkAction(input, {
        caseOpenedOn: c.openedOn,
        today: await today(deps, tx),
        actor: actor.userId,
      }),
    );
    await repo.lockRequestId(tx, checked.requestId);
    const existing = await repo.actionByRequestId(tx, checked.requestId);
    if (existing) return sameRequest(existing, existing.caseId === c.id, 'collection action');
    requireOpen(c, 'an action');
    return repo.insertAction(tx, {
      ...checked,
      id: uuidv7(),
      caseId: c.id,
      recordedBy: actor.userId,
    });
  });
}

export async function recordPaymentPromise(
  deps: PostLoanDeps,
  actor: Principal,
  input: PromiseInput & { caseId: string },
): Promise<PromiseRecord> {
  requireRole(actor, POST_LOAN_WRITERS, 'recording a promise to pay');
  return withTransaction(deps.pool, async (tx) => {
    const c = await visibleCase(tx, actor, input.caseId, 'caseId', true);
    const checked = valid(
      checkPromise(input, { caseOpenedOn: c.openedOn, today: await today(deps, tx) }),
    );
    const { payoff } = await loanFigures(tx, c.loan.loanId);
    if (parseMoney(checked.amount)! > payoff)
      throw invalidArgument([
        {
          field: 'amount',
          reason: `must not exceed what the loan owes (payoff amount ${formatMoney(payoff)})`,
        },
      ]);
    await repo.lockRequestId(tx, checked.requestId);
    const existing = await repo.promiseByRequestId(tx, checked.requestId);
    if (existing) return sameRequest(existing, existing.caseId === c.id, 'promise to pay');
    requireOpen(c, 'a promise to pay');
    const made = await repo.insertPromise(tx, {
      ...checked,
      id: uuidv7(),
      caseId: c.id,
      recordedBy: actor.userId,
    });
    await appendToOutbox(tx, SOURCE, promiseChanged(c, made, 'made', actor.userId));
    return made;
  });
}

/** Marks a promise kept or broken; marking it again the same way changes nothing. */
export async function resolvePaymentPromise(
  deps: PostLoanDeps,
  actor: Principal,
  input: PromiseResolutionInput & { id: string },
): Promise<PromiseRecord> {
  requireRole(actor, POST_LOAN_WRITERS, 'marking a promise to pay');
  return withTransaction(deps.pool, async (tx) => {
    requireUuid('id', input.id, 'a promise to pay');
    const promise = await repo.promiseById(tx, input.id, true);
    if (!promise) throw notFound(`promise to pay ${input.id}`);
    const c = await visibleCase(tx, actor, promise.caseId, 'id');
    const checked = valid(
      checkPromiseResolution(
        input,
        { promisedDate: promise.promisedDate, caseOpenedOn: c.openedOn },
        await today(deps, tx),
      ),
    );
    const move = promiseTransition(promise.status, checked.status);
    if (move === 'unchanged') return promise;
    if (move !== 'apply') throw failedPrecondition(move.refused);
    const resolved = await repo.resolvePromise(tx, promise.id, {
      ...checked,
      resolvedBy: actor.userId,
    });
    if (resolved.status === 'kept')
      await appendToOutbox(tx, SOURCE, promiseChanged(c, resolved, 'kept', actor.userId));
    if (resolved.status === 'broken') {
      await appendToOutbox(tx, SOURCE, {
        type: 'accounting.collection.promise-broken',
        subjectId: c.id,
        data: events.PaymentPromiseBroken.toJSON({
          promiseId: resolved.id,
          caseId: c.id,
          loanId: c.loan.loanId,
          branchId: c.loan.branchId,
          customerId: c.loan.customerId,
          amount: resolved.amount,
          promisedDate: resolved.promisedDate,
          resolvedOn: checked.resolvedOn,
          markedBy: actor.userId,
        }),
      });
    }
    return resolved;
  });
}

/** Closes a case once its promises are settled; closing it again the same way changes nothing. */
export async function closeCollectionCase(
  deps: PostLoanDeps,
  actor: Principal,
  input: CloseCaseInput & { id: string },
): Promise<CaseRecord> {
  requireRole(actor, POST_LOAN_WRITERS, 'closing a collection case');
  return withTransaction(deps.pool, async (tx) => {
    const c = await visibleCase(tx, actor, input.id, 'id', true);
    const checked = valid(
      checkCloseCase(input, { caseOpenedOn: c.openedOn, today: await today(deps, tx) }),
    );
    if (c.status === 'closed') {
      if (c.closeReason === checked.reason && c.closedOn === checked.closedOn) return c;
      throw failedPrecondition(
        `collection case ${c.id} was already closed on ${c.closedOn} (${c.closeReason})`,
      );
    }
    const pending = (await repo.promisesOfCase(tx, c.id)).filter((p) => p.status === 'pending');
    if (pending.length > 0)
      throw failedPrecondition(
        `mark the ${pending.length} pending promise(s) to pay kept or broken before closing the case`,
      );
    await repo.closeCase(tx, c.id, { ...checked, closedBy: actor.userId });
    await appendToOutbox(tx, SOURCE, {
      type: 'accounting.collection.case-closed',
      subjectId: c.id,
      data: events.CollectionCaseClosed.toJSON({
        caseId: c.id,
        loanId: c.loan.loanId,
        branchId: c.loan.branchId,
        customerId: c.loan.customerId,
        closedOn: checked.closedOn,
        outcome: checked.reason,
        closedBy: actor.userId,
      }),
    });
    return (await repo.caseById(tx, c.id))!;
  });
}

// ---- Litigation ----

async function visibleLitigation(
  q: Queryable,
  actor: Principal,
  id: string,
  lock = false,
): Promise<LitigationRecord> {
  requireUuid('id', id, 'a lawsuit');
  const found = await repo.litigationById(q, id, lock);
  if (!found) throw notFound(`lawsuit ${id}`);
  requireBranch(actor, found.loan.branchId, `lawsuit over loan ${found.loan.loanNumber}`);
  return found;
}

const caseNumberTaken = (court: string, caseNumber: string) =>
  alreadyExists(`a lawsuit numbered ${caseNumber} at ${court} is already recorded`);

export async function fileLitigation(
  deps: PostLoanDeps,
  actor: Principal,
  input: FilingInput & { loanId: string },
): Promise<LitigationRecord> {
  requireRole(actor, POST_LOAN_WRITERS, 'recording a lawsuit');
  return withTransaction(deps.pool, async (tx) => {
    const loan = await visibleLoan(tx, actor, input.loanId);
    const checked = valid(
      checkFiling(input, { loanOpenedOn: loan.openedOn, today: await today(deps, tx) }),
    );
    boundLitigationAmounts(await loanFigures(tx, loan.loanId), checked);
    await repo.lockRequestId(tx, checked.requestId);
    const existing = await repo.litigationByRequestId(tx, checked.requestId);
    if (existing) return sameRequest(existing, existing.loan.loanId === loan.loanId, 'lawsuit');
    requireNotClosed(loan, 'a lawsuit');
    const id = uuidv7();
    try {
      await repo.insertLitigation(tx, {
        ...checked,
        id,
        loanId: loan.loanId,
        filedBy: actor.userId,
      });
    } catch (err) {
      if (isUniqueViolation(err, repo.CASE_NUMBER_TAKEN))
        throw caseNumberTaken(checked.court, checked.caseNumber);
      throw err;
    }
    const filed = (await repo.litigationById(tx, id))!;
    // A new lawsuit is a status change from nothing (unspecified) to filed.
    await appendToOutbox(tx, SOURCE, {
      type: 'accounting.litigation.status-changed',
      subjectId: id,
      data: events.LitigationStatusChanged.toJSON({
        litigationId: id,
        loanId: loan.loanId,
        branchId: loan.branchId,
        customerId: loan.customerId,
        fromStatus: litigationStatusToPb('unspecified'),
        toStatus: litigationStatusToPb(filed.status),
        changedOn: filed.filedOn,
        caseNumber: filed.caseNumber,
        judgementAmount: '',
        changedBy: actor.userId,
      }),
    });
    return filed;
  });
}

export async function getLitigation(
  deps: PostLoanDeps,
  actor: Principal,
  id: string,
): Promise<LitigationRecord> {
  requireRole(actor, POST_LOAN_READERS, 'reading a lawsuit');
  return visibleLitigation(deps.pool, actor, id);
}

export async function listLitigations(
  deps: PostLoanDeps,
  actor: Principal,
  loanId: string,
): Promise<LitigationRecord[]> {
  requireRole(actor, POST_LOAN_READERS, 'reading lawsuits');
  const loan = await visibleLoan(deps.pool, actor, loanId);
  return repo.litigationsOfLoan(deps.pool, loan.loanId);
}

/**
 * Moves a lawsuit on (with the date, kept in its history) and tells the bus; asking for the
 * status it already has changes nothing and tells nobody.
 */
export async function changeLitigationStatus(
  deps: PostLoanDeps,
  actor: Principal,
  input: StatusChangeInput & { id: string },
): Promise<LitigationRecord> {
  requireRole(actor, POST_LOAN_WRITERS, 'changing the status of a lawsuit');
  return withTransaction(deps.pool, async (tx) => {
    const suit = await visibleLitigation(tx, actor, input.id, true);
    const lastChangedOn = suit.history.reduce(
      (latest, h) => (h.changedOn > latest ? h.changedOn : latest),
      suit.filedOn,
    );
    const check = checkStatusChange(
      input,
      { status: suit.status, filedOn: suit.filedOn, lastChangedOn, caseNumber: suit.caseNumber },
      await today(deps, tx),
    );
    if (check.kind === 'unchanged') return suit;
    if (check.kind === 'refused') throw failedPrecondition(check.reason);
    if (check.kind === 'invalid') throw invalidArgument(check.violations);
    const change = check.change;
    boundLitigationAmounts(await loanFigures(tx, suit.loan.loanId), change);
    try {
      await repo.changeLitigationStatus(tx, suit.id, suit.status, {
        ...change,
        changedBy: actor.userId,
      });
    } catch (err) {
      if (isUniqueViolation(err, repo.CASE_NUMBER_TAKEN))
        throw caseNumberTaken(suit.court, change.caseNumber ?? '');
      throw err;
    }
    const changed = (await repo.litigationById(tx, suit.id))!;
    await appendToOutbox(tx, SOURCE, {
      type: 'accounting.litigation.status-changed',
      subjectId: suit.id,
      data: events.LitigationStatusChanged.toJSON({
        litigationId: suit.id,
        loanId: suit.loan.loanId,
        branchId: suit.loan.branchId,
        customerId: suit.loan.customerId,
        fromStatus: litigationStatusToPb(suit.status),
        toStatus: litigationStatusToPb(change.status),
        changedOn: change.changedOn,
        caseNumber: changed.caseNumber,
        judgementAmount: change.judgementAmount ?? '',
        changedBy: actor.userId,
      }),
    });
    return changed;
  });
}

/** filed → LITIGATION_STATUS_FILED: the proto enum names are the statuses in capitals. */
export const litigationStatusToPb = (s: string): pb.LitigationStatus =>
  `LITIGATION_STATUS_${s.toUpperCase()}` as pb.LitigationStatus;

// ---- Repossessed assets ----

async function visibleAsset(
  q: Queryable,
  actor: Principal,
  id: string,
  lock = false,
): Promise<AssetRecord> {
  requireUuid('id', id, 'a repossessed asset');
  const found = await repo.assetById(q, id, lock);
  if (!found) throw notFound(`repossessed asset ${id}`);
  requireBranch(actor, found.loan.branchId, `repossessed asset of loan ${found.loan.loanNumber}`);
  return found;
}

export async function registerRepossessedAsset(
  deps: PostLoanDeps,
  actor: Principal,
  input: AssetInput & { loanId: string },
): Promise<AssetRecord> {
  requireRole(actor, POST_LOAN_WRITERS, 'registering a repossessed asset');
  return withTransaction(deps.pool, async (tx) => {
    const loan = await visibleLoan(tx, actor, input.loanId);
    const checked = valid(
      checkAsset(input, { loanOpenedOn: loan.openedOn, today: await today(deps, tx) }),
    );
    await repo.lockRequestId(tx, checked.requestId);
    const existing = await repo.assetByRequestId(tx, checked.requestId);
    if (existing)
      return sameRequest(existing, existing.loan.loanId === loan.loanId, 'repossessed asset');
    // A closed loan is fine: taking the asset may be what settled it.
    const id = uuidv7();
    await repo.insertAsset(tx, { ...checked, id, loanId: loan.loanId, registeredBy: actor.userId });
    const asset = (await repo.assetById(tx, id))!;
    await appendToOutbox(
      tx,
      SOURCE,
      assetChanged(asset, { from: '', to: 'held', on: asset.acquiredOn, by: actor.userId }),
    );
    return asset;
  });
}

export async function getRepossessedAsset(
  deps: PostLoanDeps,
  actor: Principal,
  id: string,
): Promise<AssetRecord> {
  requireRole(actor, POST_LOAN_READERS, 'reading a repossessed asset');
  return visibleAsset(deps.pool, actor, id);
}

export async function listRepossessedAssets(
  deps: PostLoanDeps,
  actor: Principal,
  loanId: string,
): Promise<AssetRecord[]> {
  requireRole(actor, POST_LOAN_READERS, 'reading repossessed assets');
  const loan = await visibleLoan(deps.pool, actor, loanId);
  return repo.assetsOfLoan(deps.pool, loan.loanId);
}

/** Records how an asset went; the same disposal again changes nothing, another is refused. */
export async function recordAssetDisposal(
  deps: PostLoanDeps,
  actor: Principal,
  input: DisposalInput & { id: string },
): Promise<AssetRecord> {
  requireRole(actor, POST_LOAN_WRITERS, 'recording the disposal of a repossessed asset');
  return withTransaction(deps.pool, async (tx) => {
    const asset = await visibleAsset(tx, actor, input.id, true);
    const checked = valid(checkDisposal(input, asset, await today(deps, tx)));
    if (asset.disposal) {
      if (sameDisposal(asset.disposal, checked)) return asset;
      throw failedPrecondition(
        `the asset was already disposed of on ${asset.disposal.disposedOn} (${asset.disposal.method})`,
      );
    }
    await repo.recordDisposal(tx, asset.id, { ...checked, disposedBy: actor.userId });
    const disposed = (await repo.assetById(tx, asset.id))!;
    await appendToOutbox(
      tx,
      SOURCE,
      assetChanged(disposed, {
        from: 'held',
        to: 'disposed',
        on: disposed.disposal!.disposedOn,
        by: actor.userId,
      }),
    );
    return disposed;
  });
}

/** accounting.collection.promise-made / promise-kept (a broken one has its own event). */
function promiseChanged(
  c: CaseRecord,
  promise: PromiseRecord,
  status: 'made' | 'kept',
  by: string,
): NewEvent<unknown> {
  return {
    type: `accounting.collection.promise-${status}`,
    subjectId: c.id,
    data: events.PaymentPromiseChanged.toJSON({
      promiseId: promise.id,
      caseId: c.id,
      loanId: c.loan.loanId,
      branchId: c.loan.branchId,
      customerId: c.loan.customerId,
      amount: promise.amount,
      promisedDate: promise.promisedDate,
      status,
      resolvedOn: promise.resolvedOn ?? '',
      by,
    }),
  };
}

/** accounting.asset.status-changed: taken in (from nothing to held) or disposed of. */
function assetChanged(
  a: AssetRecord,
  move: { from: '' | 'held'; to: 'held' | 'disposed'; on: string; by: string },
): NewEvent<unknown> {
  return {
    type: 'accounting.asset.status-changed',
    subjectId: a.id,
    data: events.RepossessedAssetChanged.toJSON({
      assetId: a.id,
      loanId: a.loan.loanId,
      branchId: a.loan.branchId,
      customerId: a.loan.customerId,
      kind: a.assetType,
      fromStatus: move.from,
      toStatus: move.to,
      bookedValue: a.bookValue,
      proceeds: a.disposal?.proceeds ?? '',
      changedOn: move.on,
      changedBy: move.by,
    }),
  };
}
