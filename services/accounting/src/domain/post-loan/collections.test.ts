import { describe, expect, it } from '@jest/globals';
import {
  ACTION_KINDS,
  ACTION_OUTCOMES,
  checkAction,
  checkCloseCase,
  checkOpenCase,
  checkPromise,
  checkPromiseResolution,
  OUTCOMES_BY_KIND,
  promiseTransition,
  type ActionInput,
  type PromiseInput,
} from './collections';
import type { FieldViolation } from '@loanflow/platform';

const violations = (r: { ok: true } | { ok: false; violations: FieldViolation[] }) =>
  r.ok ? [] : r.violations;

describe('checkOpenCase', () => {
  const ctx = { loanOpenedOn: '2025-01-15', today: '2025-06-30', actor: 'collector-1' };

  it('takes a case, the opening officer in charge when none is named', () => {
    expect(
      checkOpenCase(
        { requestId: 'r1', openedOn: '2025-06-01', officer: '', reason: ' 35 DPD ' },
        ctx,
      ),
    ).toEqual({
      ok: true,
      value: { requestId: 'r1', openedOn: '2025-06-01', officer: 'collector-1', reason: '35 DPD' },
    });
  });

  it('refuses a date before the loan or in the future, and an overlong reason', () => {
    expect(
      violations(
        checkOpenCase(
          { requestId: 'r1', openedOn: '2024-12-31', officer: '', reason: 'x'.repeat(1001) },
          ctx,
        ),
      ),
    ).toEqual([
      { field: 'openedOn', reason: 'must not be before the day the loan was opened (2025-01-15)' },
      { field: 'reason', reason: 'must be at most 1000 characters' },
    ]);
    expect(
      violations(
        checkOpenCase({ requestId: '', openedOn: '2025-07-01', officer: '', reason: '' }, ctx),
      ).map((v) => v.field),
    ).toEqual(['requestId', 'openedOn']);
  });
});

describe('checkAction', () => {
  const ctx = { caseOpenedOn: '2025-06-01', today: '2025-06-30', actor: 'collector-1' };
  const call: ActionInput = {
    requestId: 'a1',
    kind: 'call',
    actionOn: '2025-06-02',
    officer: '',
    contactPerson: 'Borrower Chen Jing',
    notes: '',
    outcome: 'promised_to_pay',
  };
  const fields = (input: Partial<ActionInput>) =>
    violations(checkAction({ ...call, ...input }, ctx));

  it('takes a call that ended in a promise', () => {
    expect(checkAction(call, ctx)).toEqual({
      ok: true,
      value: { ...call, officer: 'collector-1' },
    });
  });

  it('takes each outcome its kind allows and refuses the others', () => {
    for (const kind of ACTION_KINDS) {
      for (const outcome of ACTION_OUTCOMES) {
        const got = fields({ kind, outcome, notes: 'details' });
        if (OUTCOMES_BY_KIND[kind].includes(outcome)) expect(got).toEqual([]);
        else
          expect(got).toEqual([
            {
              field: 'outcome',
              reason: `a ${kind} can end ${OUTCOMES_BY_KIND[kind].join(', ')}, not ${outcome}`,
            },
          ]);
      }
    }
  });

  it('a letter is delivered or not; it does not reach anyone on the phone', () => {
    expect(fields({ kind: 'letter', outcome: 'not_reached' })).toEqual([
      {
        field: 'outcome',
        reason: 'a letter can end delivered, undeliverable, other, not not_reached',
      },
    ]);
    expect(fields({ kind: 'legal_notice', outcome: 'delivered' })).toEqual([]);
  });

  it('refuses unknown kinds and outcomes', () => {
    expect(fields({ kind: 'email', outcome: 'maybe' })).toEqual([
      { field: 'kind', reason: 'must be one of call, visit, letter, sms, legal_notice' },
      {
        field: 'outcome',
        reason:
          'must be one of reached, not_reached, promised_to_pay, refused_to_pay, disputed, delivered, undeliverable, other',
      },
    ]);
  });

  it('needs the person contacted, and notes when the outcome is other', () => {
    expect(fields({ contactPerson: '  ' })).toEqual([
      { field: 'contactPerson', reason: 'is required' },
    ]);
    expect(fields({ outcome: 'other' })).toEqual([
      { field: 'notes', reason: 'say what happened when the outcome is other' },
    ]);
  });

  it('dates the action within the case: not before it opened, not in the future', () => {
    expect(fields({ actionOn: '2025-05-31' })).toEqual([
      { field: 'actionOn', reason: 'must not be before the day the case was opened (2025-06-01)' },
    ]);
    expect(fields({ actionOn: '2025-07-01' })).toEqual([
      { field: 'actionOn', reason: 'must not be in the future (today is 2025-06-30)' },
    ]);
    expect(fields({ actionOn: '2025-06-31' })).toEqual([
      { field: 'actionOn', reason: '2025-06-31 is not a real calendar date' },
    ]);
  });
});

describe('checkPromise', () => {
  const ctx = { caseOpenedOn: '2025-06-01', today: '2025-06-30' };
  const good: PromiseInput = {
    requestId: 'p1',
    amount: '3500.5',
    promisedDate: '2025-07-10',
    notes: '',
  };
  const fields = (input: Partial<PromiseInput>) =>
    violations(checkPromise({ ...good, ...input }, ctx));

  it('takes a promise and normalizes its amount to 2 places', () => {
    expect(checkPromise(good, ctx)).toEqual({ ok: true, value: { ...good, amount: '3500.50' } });
  });

  it.each([
    ['0', 'must be greater than 0'],
    ['-100', 'must not be negative'],
    ['100.001', 'must have at most 2 decimal places'],
    ['1e3', 'must be a decimal string of yuan such as "1500.00"'],
    ['', 'is required'],
  ])('refuses the amount %j', (amount, reason) => {
    expect(fields({ amount })).toEqual([{ field: 'amount', reason }]);
  });

  it('takes a promised date in the past (entered late) but not before the case', () => {
    expect(fields({ promisedDate: '2025-06-01' })).toEqual([]);
    expect(fields({ promisedDate: '2025-05-31' })).toEqual([
      {
        field: 'promisedDate',
        reason: 'must not be before the day the case was opened (2025-06-01)',
      },
    ]);
  });

  it('refuses a promised date more than a year ahead', () => {
    expect(fields({ promisedDate: '2026-06-30' })).toEqual([]);
    expect(fields({ promisedDate: '2026-07-01' })).toEqual([
      { field: 'promisedDate', reason: 'must be within a year from today' },
    ]);
  });
});

describe('promise resolution', () => {
  it('a pending promise becomes kept or broken; after that it stays', () => {
    expect(promiseTransition('pending', 'kept')).toBe('apply');
    expect(promiseTransition('pending', 'broken')).toBe('apply');
    expect(promiseTransition('kept', 'kept')).toBe('unchanged');
    expect(promiseTransition('broken', 'broken')).toBe('unchanged');
    expect(promiseTransition('kept', 'broken')).toEqual({
      refused: 'the promise was already marked kept; it cannot become broken',
    });
    expect(promiseTransition('broken', 'kept')).toEqual({
      refused: 'the promise was already marked broken; it cannot become kept',
    });
  });

  const promise = { promisedDate: '2025-06-15', caseOpenedOn: '2025-06-01' };
  const today = '2025-06-30';

  it('is broken only after the promised date has passed', () => {
    expect(
      violations(
        checkPromiseResolution(
          { status: 'broken', resolvedOn: '2025-06-15', notes: '' },
          promise,
          today,
        ),
      ),
    ).toEqual([
      {
        field: 'resolvedOn',
        reason: 'a promise is broken only after its date has passed: after 2025-06-15',
      },
    ]);
    expect(
      checkPromiseResolution(
        { status: 'broken', resolvedOn: '2025-06-16', notes: ' no payment ' },
        promise,
        today,
      ),
    ).toEqual({
      ok: true,
      value: { status: 'broken', resolvedOn: '2025-06-16', notes: 'no payment' },
    });
  });

  it('may be kept early, but not before the case or in the future', () => {
    expect(
      violations(
        checkPromiseResolution(
          { status: 'kept', resolvedOn: '2025-06-10', notes: '' },
          promise,
          today,
        ),
      ),
    ).toEqual([]);
    expect(
      violations(
        checkPromiseResolution(
          { status: 'kept', resolvedOn: '2025-07-01', notes: '' },
          promise,
          today,
        ),
      ),
    ).toEqual([{ field: 'resolvedOn', reason: 'must not be in the future (today is 2025-06-30)' }]);
    expect(
      violations(
        checkPromiseResolution(
          { status: 'kept', resolvedOn: '2025-05-01', notes: '' },
          promise,
          today,
        ),
      ),
    ).toEqual([
      {
        field: 'resolvedOn',
        reason: 'must not be before the day the case was opened (2025-06-01)',
      },
    ]);
  });

  it('becomes only kept or broken', () => {
    expect(
      violations(
        checkPromiseResolution(
          { status: 'pending', resolvedOn: '2025-06-20', notes: '' },
          promise,
          today,
        ),
      ),
    ).toEqual([{ field: 'status', reason: 'must be one of kept, broken' }]);
  });
});

describe('checkCloseCase', () => {
  const ctx = { caseOpenedOn: '2025-06-01', today: '2025-06-30' };

  it('takes a closing', () => {
    expect(checkCloseCase({ reason: 'repaid', closedOn: '2025-06-20', notes: '' }, ctx)).toEqual({
      ok: true,
      value: { reason: 'repaid', closedOn: '2025-06-20', notes: '' },
    });
  });

  it('refuses an unknown reason, a date before the case, and other without notes', () => {
    expect(
      violations(checkCloseCase({ reason: 'bored', closedOn: '2025-05-31', notes: '' }, ctx)),
    ).toEqual([
      {
        field: 'reason',
        reason: 'must be one of repaid, restructured, litigation, written_off, other',
      },
      { field: 'closedOn', reason: 'must not be before the day the case was opened (2025-06-01)' },
    ]);
    expect(
      violations(checkCloseCase({ reason: 'other', closedOn: '2025-06-30', notes: '' }, ctx)),
    ).toEqual([{ field: 'notes', reason: 'say why the case is closed when the reason is other' }]);
  });
});
