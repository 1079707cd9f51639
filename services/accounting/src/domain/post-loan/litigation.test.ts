import { describe, expect, it } from '@jest/globals';
import {
  checkFiling,
  checkStatusChange,
  LITIGATION_STATUSES,
  litigationTransition,
  NEXT_STATUSES,
  type FilingInput,
  type LitigationState,
  type StatusChangeInput,
} from './litigation';

describe('checkFiling', () => {
  const ctx = { loanOpenedOn: '2024-03-01', today: '2025-06-30' };
  const good: FilingInput = {
    requestId: 'l1',
    court: '上海市浦东新区人民法院',
    caseNumber: '',
    filedOn: '2025-06-10',
    legalCosts: '',
    notes: '',
  };
  const fields = (input: Partial<FilingInput>) => {
    const r = checkFiling({ ...good, ...input }, ctx);
    return r.ok ? [] : r.violations;
  };

  it('takes a filing without a case number yet and without costs', () => {
    expect(checkFiling(good, ctx)).toEqual({ ok: true, value: { ...good, legalCosts: undefined } });
  });

  it('takes legal costs of zero and normalizes them', () => {
    const r = checkFiling({ ...good, legalCosts: '0' }, ctx);
    expect(r.ok && r.value.legalCosts).toBe('0.00');
    const s = checkFiling({ ...good, legalCosts: '12800.5' }, ctx);
    expect(s.ok && s.value.legalCosts).toBe('12800.50');
  });

  it('refuses a missing court, a bad date and bad costs, each under its field', () => {
    expect(fields({ court: ' ', filedOn: '2025-02-30', legalCosts: '-1' })).toEqual([
      { field: 'court', reason: 'is required' },
      { field: 'filedOn', reason: '2025-02-30 is not a real calendar date' },
      { field: 'legalCosts', reason: 'must not be negative' },
    ]);
    expect(fields({ filedOn: '2024-02-29' })).toEqual([
      { field: 'filedOn', reason: 'must not be before the day the loan was opened (2024-03-01)' },
    ]);
    expect(fields({ filedOn: '2025-07-01', legalCosts: '1.005' })).toEqual([
      { field: 'filedOn', reason: 'must not be in the future (today is 2025-06-30)' },
      { field: 'legalCosts', reason: 'must have at most 2 decimal places' },
    ]);
    expect(fields({ caseNumber: 'x'.repeat(101) })).toEqual([
      { field: 'caseNumber', reason: 'must be at most 100 characters' },
    ]);
  });
});

describe('litigationTransition', () => {
  it('follows the procedure forward and closes from anywhere open', () => {
    expect(litigationTransition('filed', 'accepted')).toBe('apply');
    expect(litigationTransition('accepted', 'in_trial')).toBe('apply');
    expect(litigationTransition('accepted', 'judged')).toBe('apply');
    expect(litigationTransition('in_trial', 'judged')).toBe('apply');
    expect(litigationTransition('judged', 'enforcing')).toBe('apply');
    for (const s of ['filed', 'accepted', 'in_trial', 'judged', 'enforcing'] as const)
      expect(litigationTransition(s, 'closed')).toBe('apply');
  });

  it('never goes back, never skips acceptance, and a closed suit stays closed', () => {
    expect(litigationTransition('judged', 'in_trial')).toEqual({
      refused: 'the lawsuit is judged; it can become enforcing or closed, not in_trial',
    });
    expect(litigationTransition('filed', 'judged')).toEqual({
      refused: 'the lawsuit is filed; it can become accepted or closed, not judged',
    });
    expect(litigationTransition('closed', 'enforcing')).toEqual({
      refused: 'the lawsuit is closed; its status no longer changes',
    });
  });

  it('repeating the current status changes nothing', () => {
    for (const s of LITIGATION_STATUSES) expect(litigationTransition(s, s)).toBe('unchanged');
  });

  it('every status reaches closed, and no path returns to where it was', () => {
    const reachesClosed = (s: (typeof LITIGATION_STATUSES)[number], seen: string[]): boolean => {
      expect(seen).not.toContain(s);
      return s === 'closed' || NEXT_STATUSES[s].some((n) => reachesClosed(n, [...seen, s]));
    };
    for (const s of LITIGATION_STATUSES) expect(reachesClosed(s, [])).toBe(true);
  });
});

describe('checkStatusChange', () => {
  const today = '2025-12-31';
  const accepted: LitigationState = {
    status: 'accepted',
    filedOn: '2025-06-10',
    lastChangedOn: '2025-06-20',
    caseNumber: '(2025)沪0115民初12345号',
  };
  const blank: StatusChangeInput = {
    status: '',
    changedOn: '',
    judgementAmount: '',
    judgementDate: '',
    legalCosts: '',
    caseNumber: '',
    notes: '',
  };
  const change = (input: Partial<StatusChangeInput>, state = accepted) =>
    checkStatusChange({ ...blank, ...input }, state, today);

  it('records a judgement with its amount and date', () => {
    expect(
      change({
        status: 'judged',
        changedOn: '2025-11-05',
        judgementAmount: '186500',
        judgementDate: '2025-11-03',
        legalCosts: '8200.00',
      }),
    ).toEqual({
      kind: 'apply',
      change: {
        status: 'judged',
        changedOn: '2025-11-05',
        judgementAmount: '186500.00',
        judgementDate: '2025-11-03',
        legalCosts: '8200.00',
        caseNumber: undefined,
        notes: '',
      },
    });
  });

  it('needs the judgement amount and date when judged', () => {
    expect(change({ status: 'judged', changedOn: '2025-11-05' })).toEqual({
      kind: 'invalid',
      violations: [
        { field: 'judgementAmount', reason: 'is required' },
        { field: 'judgementDate', reason: 'is required' },
      ],
    });
    expect(
      change({
        status: 'judged',
        changedOn: '2025-11-05',
        judgementAmount: '0',
        judgementDate: '2025-11-06',
      }),
    ).toEqual({
      kind: 'invalid',
      violations: [
        { field: 'judgementAmount', reason: 'must be greater than 0' },
        { field: 'judgementDate', reason: 'must not be after the change of status (2025-11-05)' },
      ],
    });
    expect(
      change({
        status: 'judged',
        changedOn: '2025-11-05',
        judgementAmount: '100',
        judgementDate: '2025-06-09',
      }),
    ).toEqual({
      kind: 'invalid',
      violations: [
        { field: 'judgementDate', reason: 'must not be before the filing date (2025-06-10)' },
      ],
    });
  });

  it('refuses a judgement amount or date with any other status', () => {
    expect(
      change({
        status: 'in_trial',
        changedOn: '2025-08-01',
        judgementAmount: '1000.00',
        judgementDate: '2025-08-01',
      }),
    ).toEqual({
      kind: 'invalid',
      violations: [
        { field: 'judgementAmount', reason: 'is given only when the status becomes judged' },
        { field: 'judgementDate', reason: 'is given only when the status becomes judged' },
      ],
    });
  });

  it('dates a change no earlier than the last one and not in the future', () => {
    expect(change({ status: 'in_trial', changedOn: '2025-06-19' })).toEqual({
      kind: 'invalid',
      violations: [
        {
          field: 'changedOn',
          reason: 'must not be before the last change of status (2025-06-20)',
        },
      ],
    });
    expect(change({ status: 'in_trial', changedOn: '2026-01-01' })).toEqual({
      kind: 'invalid',
      violations: [
        { field: 'changedOn', reason: 'must not be in the future (today is 2025-12-31)' },
      ],
    });
    expect(change({ status: 'in_trial', changedOn: '2025-06-20' }).kind).toBe('apply');
  });

  it('needs a case number for acceptance, given now or at filing', () => {
    const filed: LitigationState = { ...accepted, status: 'filed', caseNumber: '' };
    expect(change({ status: 'accepted', changedOn: '2025-07-01' }, filed)).toEqual({
      kind: 'invalid',
      violations: [{ field: 'caseNumber', reason: 'is required when the court accepts the case' }],
    });
    const withNumber = change(
      { status: 'accepted', changedOn: '2025-07-01', caseNumber: ' (2025)沪0115民初1号 ' },
      filed,
    );
    expect(withNumber.kind === 'apply' && withNumber.change.caseNumber).toBe('(2025)沪0115民初1号');
    const numberedAtFiling = change(
      { status: 'accepted', changedOn: '2025-07-01' },
      { ...filed, caseNumber: '(2025)沪0115民初2号' },
    );
    expect(numberedAtFiling.kind).toBe('apply');
  });

  it('does not overwrite a recorded case number with another', () => {
    expect(change({ status: 'in_trial', changedOn: '2025-08-01', caseNumber: 'other' })).toEqual({
      kind: 'invalid',
      violations: [
        { field: 'caseNumber', reason: 'is already recorded as (2025)沪0115民初12345号' },
      ],
    });
    const same = change({
      status: 'in_trial',
      changedOn: '2025-08-01',
      caseNumber: accepted.caseNumber,
    });
    expect(same.kind === 'apply' && same.change.caseNumber).toBeUndefined();
  });

  it('the same status again is a retry that changes nothing; a move back is refused', () => {
    expect(change({ status: 'accepted', changedOn: 'whatever' })).toEqual({ kind: 'unchanged' });
    expect(change({ status: 'filed', changedOn: '2025-08-01' })).toEqual({
      kind: 'refused',
      reason: 'the lawsuit is accepted; it can become in_trial or judged or closed, not filed',
    });
  });

  it('refuses an unknown status before anything else', () => {
    expect(change({ status: 'appealed', changedOn: 'x' })).toEqual({
      kind: 'invalid',
      violations: [
        {
          field: 'status',
          reason: 'must be one of filed, accepted, in_trial, judged, enforcing, closed',
        },
      ],
    });
  });

  it('checks legal costs when given', () => {
    expect(change({ status: 'closed', changedOn: '2025-09-01', legalCosts: '12.345' })).toEqual({
      kind: 'invalid',
      violations: [{ field: 'legalCosts', reason: 'must have at most 2 decimal places' }],
    });
  });
});
