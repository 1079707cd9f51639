// 起诉: a lawsuit over a loan, from filing through acceptance (立案), trial, judgement and
// enforcement (执行) to its close; every change of status is kept with its date.
import type { FieldViolation } from '@loanflow/platform';
import { Violations, type Validated } from './fields';

export const LITIGATION_STATUSES = [
  'filed',
  'accepted',
  'in_trial',
  'judged',
  'enforcing',
  'closed',
] as const;
export type LitigationStatus = (typeof LITIGATION_STATUSES)[number];

/**
 * Where a lawsuit can go from each status. A summary procedure may be judged without a separate
 * trial; a suit may close at any point (withdrawn, settled by mediation, paid, enforced).
 */
export const NEXT_STATUSES: Record<LitigationStatus, readonly LitigationStatus[]> = {
  filed: ['accepted', 'closed'],
  accepted: ['in_trial', 'judged', 'closed'],
  in_trial: ['judged', 'closed'],
  judged: ['enforcing', 'closed'],
  enforcing: ['closed'],
  closed: [],
};

export function litigationTransition(
  from: LitigationStatus,
  to: LitigationStatus,
): 'apply' | 'unchanged' | { refused: string } {
  if (from === to) return 'unchanged';
  if (NEXT_STATUSES[from].includes(to)) return 'apply';
  const next = NEXT_STATUSES[from];
  return {
    refused: next.length
      ? `the lawsuit is ${from}; it can become ${next.join(' or ')}, not ${to}`
      : `the lawsuit is ${from}; its status no longer changes`,
  };
}

export interface FilingInput {
  requestId: string;
  court: string;
  /** 案号, e.g. (2025)沪0115民初12345号; courts give it on acceptance, so it may come later. */
  caseNumber: string;
  filedOn: string;
  legalCosts: string;
  notes: string;
}

export interface NewLitigation {
  requestId: string;
  court: string;
  caseNumber: string;
  filedOn: string;
  legalCosts?: string;
  notes: string;
}

export function checkFiling(
  input: FilingInput,
  ctx: { loanOpenedOn: string; today: string },
): Validated<NewLitigation> {
  const v = new Violations();
  const requestId = v.requestId('requestId', input.requestId);
  const court = v.text('court', input.court, { required: true, max: 200 });
  const caseNumber = v.text('caseNumber', input.caseNumber, { max: 100 });
  const filedOn = v.dateBetween(
    'filedOn',
    input.filedOn,
    { date: ctx.loanOpenedOn, what: 'the day the loan was opened' },
    ctx.today,
  );
  const legalCosts = v.optionalAmount('legalCosts', input.legalCosts, { allowZero: true });
  const notes = v.text('notes', input.notes, { max: 4000 });
  return v.result(() => ({ requestId, court, caseNumber, filedOn: filedOn!, legalCosts, notes }));
}

export interface StatusChangeInput {
  status: string;
  changedOn: string;
  judgementAmount: string;
  judgementDate: string;
  /** The legal costs so far (replacing the figure recorded before), when given. */
  legalCosts: string;
  caseNumber: string;
  notes: string;
}

export interface StatusChange {
  status: LitigationStatus;
  changedOn: string;
  judgementAmount?: string;
  judgementDate?: string;
  legalCosts?: string;
  caseNumber?: string;
  notes: string;
}

export interface LitigationState {
  status: LitigationStatus;
  filedOn: string;
  /** Date of the latest status change (the filing date before any). */
  lastChangedOn: string;
  caseNumber: string;
}

export type StatusChangeCheck =
  | { kind: 'unchanged' }
  | { kind: 'refused'; reason: string }
  | { kind: 'invalid'; violations: FieldViolation[] }
  | { kind: 'apply'; change: StatusChange };

/**
 * Checks a change of status. Asking for the status the suit already has changes nothing (a
 * retried call); a move the procedure does not allow is refused. A judgement amount and date are
 * given exactly when the suit becomes judged; acceptance needs the case number.
 */
export function checkStatusChange(
  input: StatusChangeInput,
  current: LitigationState,
  today: string,
): StatusChangeCheck {
  const v = new Violations();
  const status = v.oneOf('status', input.status, LITIGATION_STATUSES);
  if (!status) return { kind: 'invalid', violations: v.list };
  const move = litigationTransition(current.status, status);
  if (move === 'unchanged') return { kind: 'unchanged' };
  if (move !== 'apply') return { kind: 'refused', reason: move.refused };

  const changedOn = v.dateBetween(
    'changedOn',
    input.changedOn,
    { date: current.lastChangedOn, what: 'the last change of status' },
    today,
  );
  let judgementAmount: string | undefined;
  let judgementDate: string | undefined;
  if (status === 'judged') {
    judgementAmount = v.amount('judgementAmount', input.judgementAmount);
    judgementDate = v.dateBetween(
      'judgementDate',
      input.judgementDate,
      { date: current.filedOn, what: 'the filing date' },
      today,
    );
    if (judgementDate && changedOn && judgementDate > changedOn)
      v.add('judgementDate', `must not be after the change of status (${changedOn})`);
  } else {
    if (input.judgementAmount.trim())
      v.add('judgementAmount', 'is given only when the status becomes judged');
    if (input.judgementDate.trim())
      v.add('judgementDate', 'is given only when the status becomes judged');
  }
  const legalCosts = v.optionalAmount('legalCosts', input.legalCosts, { allowZero: true });
  let caseNumber = v.text('caseNumber', input.caseNumber, { max: 100 }) || undefined;
  if (caseNumber && current.caseNumber && caseNumber !== current.caseNumber)
    v.add('caseNumber', `is already recorded as ${current.caseNumber}`);
  if (caseNumber === current.caseNumber) caseNumber = undefined;
  if (status === 'accepted' && !caseNumber && !current.caseNumber)
    v.add('caseNumber', 'is required when the court accepts the case');
  const notes = v.text('notes', input.notes, { max: 4000 });

  if (v.list.length > 0) return { kind: 'invalid', violations: v.list };
  return {
    kind: 'apply',
    change: {
      status,
      changedOn: changedOn!,
      judgementAmount,
      judgementDate,
      legalCosts,
      caseNumber,
      notes,
    },
  };
}
