// 催收: a collection case per loan in arrears (one open at a time), the actions taken on it, the
// borrower's promises to pay and how they turned out, and the closing of the case.
import { Violations, type Validated } from './fields';

export const CASE_STATUSES = ['open', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const ACTION_KINDS = ['call', 'visit', 'letter', 'sms', 'legal_notice'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export const ACTION_OUTCOMES = [
  'reached',
  'not_reached',
  'promised_to_pay',
  'refused_to_pay',
  'disputed',
  'delivered',
  'undeliverable',
  'other',
] as const;
export type ActionOutcome = (typeof ACTION_OUTCOMES)[number];

/** What can come of each kind of action: a letter is delivered or not, a call reaches someone. */
export const OUTCOMES_BY_KIND: Record<ActionKind, readonly ActionOutcome[]> = {
  call: ['reached', 'not_reached', 'promised_to_pay', 'refused_to_pay', 'disputed', 'other'],
  visit: ['reached', 'not_reached', 'promised_to_pay', 'refused_to_pay', 'disputed', 'other'],
  letter: ['delivered', 'undeliverable', 'other'],
  sms: ['delivered', 'undeliverable', 'other'],
  legal_notice: ['delivered', 'undeliverable', 'other'],
};

export const CLOSE_REASONS = [
  'repaid',
  'restructured',
  'litigation',
  'written_off',
  'other',
] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

export const PROMISE_STATUSES = ['pending', 'kept', 'broken'] as const;
export type PromiseStatus = (typeof PROMISE_STATUSES)[number];

export interface OpenCaseInput {
  requestId: string;
  openedOn: string;
  /** The collection officer in charge; the opening officer when left empty. */
  officer: string;
  reason: string;
}

export interface NewCase {
  requestId: string;
  openedOn: string;
  officer: string;
  reason: string;
}

export function checkOpenCase(
  input: OpenCaseInput,
  ctx: { loanOpenedOn: string; today: string; actor: string },
): Validated<NewCase> {
  const v = new Violations();
  const requestId = v.requestId('requestId', input.requestId);
  const openedOn = v.dateBetween(
    'openedOn',
    input.openedOn,
    { date: ctx.loanOpenedOn, what: 'the day the loan was opened' },
    ctx.today,
  );
  const officer = v.text('officer', input.officer, { max: 100 }) || ctx.actor;
  const reason = v.text('reason', input.reason, { max: 1000 });
  return v.result(() => ({ requestId, openedOn: openedOn!, officer, reason }));
}

export interface ActionInput {
  requestId: string;
  kind: string;
  actionOn: string;
  officer: string;
  contactPerson: string;
  notes: string;
  outcome: string;
}

export interface NewAction {
  requestId: string;
  kind: ActionKind;
  actionOn: string;
  officer: string;
  contactPerson: string;
  notes: string;
  outcome: ActionOutcome;
}

/** An action taken on a case opened on `caseOpenedOn`: on or after that day, not in the future. */
export function checkAction(
  input: ActionInput,
  ctx: { caseOpenedOn: string; today: string; actor: string },
): Validated<NewAction> {
  const v = new Violations();
  const requestId = v.requestId('requestId', input.requestId);
  const kind = v.oneOf('kind', input.kind, ACTION_KINDS);
  const actionOn = v.dateBetween(
    'actionOn',
    input.actionOn,
    { date: ctx.caseOpenedOn, what: 'the day the case was opened' },
    ctx.today,
  );
  const officer = v.text('officer', input.officer, { max: 100 }) || ctx.actor;
  // Who was called, visited or written to: the borrower, a guarantor, a relative...
  const contactPerson = v.text('contactPerson', input.contactPerson, {
    required: true,
    max: 200,
  });
  const notes = v.text('notes', input.notes, { max: 4000 });
  const outcome = v.oneOf('outcome', input.outcome, ACTION_OUTCOMES);
  if (kind && outcome && !OUTCOMES_BY_KIND[kind].includes(outcome))
    v.add('outcome', `a ${kind} can end ${OUTCOMES_BY_KIND[kind].join(', ')}, not ${outcome}`);
  if (outcome === 'other' && !notes) v.add('notes', 'say what happened when the outcome is other');
  return v.result(() => ({
    requestId,
    kind: kind!,
    actionOn: actionOn!,
    officer,
    contactPerson,
    notes,
    outcome: outcome!,
  }));
}

export interface PromiseInput {
  requestId: string;
  amount: string;
  promisedDate: string;
  notes: string;
}

export interface NewPromise {
  requestId: string;
  amount: string;
  promisedDate: string;
  notes: string;
}

/**
 * A promise to pay `amount` by `promisedDate`. The date may be past (a promise entered late) but
 * not before the case was opened, and not more than a year ahead.
 */
export function checkPromise(
  input: PromiseInput,
  ctx: { caseOpenedOn: string; today: string },
): Validated<NewPromise> {
  const v = new Violations();
  const requestId = v.requestId('requestId', input.requestId);
  const amount = v.amount('amount', input.amount);
  const promisedDate = v.date('promisedDate', input.promisedDate);
  if (promisedDate !== undefined) {
    if (promisedDate < ctx.caseOpenedOn)
      v.add('promisedDate', `must not be before the day the case was opened (${ctx.caseOpenedOn})`);
    else if (promisedDate > oneYearAfter(ctx.today))
      v.add('promisedDate', 'must be within a year from today');
  }
  const notes = v.text('notes', input.notes, { max: 4000 });
  return v.result(() => ({ requestId, amount: amount!, promisedDate: promisedDate!, notes }));
}

const oneYearAfter = (date: string): string =>
  `${String(Number(date.slice(0, 4)) + 1).padStart(4, '0')}${date.slice(4)}`;

export interface PromiseResolutionInput {
  status: string;
  resolvedOn: string;
  notes: string;
}

export interface PromiseResolution {
  status: 'kept' | 'broken';
  resolvedOn: string;
  notes: string;
}

/** Whether a promise in `current` may become `target`: once kept or broken it stays so. */
export function promiseTransition(
  current: PromiseStatus,
  target: 'kept' | 'broken',
): 'apply' | 'unchanged' | { refused: string } {
  if (current === 'pending') return 'apply';
  if (current === target) return 'unchanged';
  return { refused: `the promise was already marked ${current}; it cannot become ${target}` };
}

/**
 * Marks a promise kept or broken. A promise is broken only once its date has passed without
 * payment (the day after `promisedDate` at the earliest); either way not before the case opened.
 */
export function checkPromiseResolution(
  input: PromiseResolutionInput,
  promise: { promisedDate: string; caseOpenedOn: string },
  today: string,
): Validated<PromiseResolution> {
  const v = new Violations();
  const status = v.oneOf('status', input.status, ['kept', 'broken'] as const);
  const resolvedOn = v.dateBetween(
    'resolvedOn',
    input.resolvedOn,
    { date: promise.caseOpenedOn, what: 'the day the case was opened' },
    today,
  );
  if (status === 'broken' && resolvedOn !== undefined && resolvedOn <= promise.promisedDate)
    v.add(
      'resolvedOn',
      `a promise is broken only after its date has passed: after ${promise.promisedDate}`,
    );
  const notes = v.text('notes', input.notes, { max: 4000 });
  return v.result(() => ({ status: status!, resolvedOn: resolvedOn!, notes }));
}

export interface CloseCaseInput {
  reason: string;
  closedOn: string;
  notes: string;
}

export interface CaseClosing {
  reason: CloseReason;
  closedOn: string;
  notes: string;
}

/** Closes a case opened on `caseOpenedOn`; "other" needs a word of explanation. */
export function checkCloseCase(
  input: CloseCaseInput,
  ctx: { caseOpenedOn: string; today: string },
): Validated<CaseClosing> {
  const v = new Violations();
  const reason = v.oneOf('reason', input.reason, CLOSE_REASONS);
  const closedOn = v.dateBetween(
    'closedOn',
    input.closedOn,
    { date: ctx.caseOpenedOn, what: 'the day the case was opened' },
    ctx.today,
  );
  const notes = v.text('notes', input.notes, { max: 4000 });
  if (reason === 'other' && !notes)
    v.add('notes', 'say why the case is closed when the reason is other');
  return v.result(() => ({ reason: reason!, closedOn: closedOn!, notes }));
}
