import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { addDays, daysBetween } from '@loanflow/platform';
import {
  checkInspection,
  checkInspectionPlan,
  daysOverdue,
  isInspectionDue,
  nextInspectionDue,
  type InspectionInput,
} from './inspections';

const consumer = { frequencyDays: 180, firstAfterDays: 30 };
const corporate = { frequencyDays: 90, firstAfterDays: 30 };

describe('nextInspectionDue', () => {
  it('falls firstAfterDays after opening until an inspection is done', () => {
    expect(nextInspectionDue('2025-01-15', consumer)).toBe('2025-02-14');
    expect(nextInspectionDue('2025-01-31', corporate)).toBe('2025-03-02');
  });

  it('crosses the end of a leap February', () => {
    expect(nextInspectionDue('2024-01-31', corporate)).toBe('2024-03-01');
    expect(nextInspectionDue('2024-02-10', { frequencyDays: 90, firstAfterDays: 19 })).toBe(
      '2024-02-29',
    );
  });

  it('crosses the end of the year', () => {
    expect(nextInspectionDue('2025-12-15', corporate)).toBe('2026-01-14');
    expect(nextInspectionDue('2025-01-01', consumer, '2025-10-01')).toBe('2026-03-30');
    expect(nextInspectionDue('2024-06-01', corporate, '2024-12-31')).toBe('2025-03-31');
  });

  it('counts frequencyDays from the latest inspection once there is one', () => {
    expect(nextInspectionDue('2025-01-15', consumer, '2025-02-10')).toBe('2025-08-09');
    // An inspection before the first due date moves the cycle forward from that day.
    expect(nextInspectionDue('2025-01-15', corporate, '2025-01-20')).toBe('2025-04-20');
  });

  it('a first inspection on the day of opening when firstAfterDays is 0', () => {
    expect(nextInspectionDue('2025-07-31', { frequencyDays: 30, firstAfterDays: 0 })).toBe(
      '2025-07-31',
    );
  });

  it('is always frequencyDays after the last inspection, and later than it', () => {
    const day = fc.integer({ min: 0, max: 20000 }).map((n) => addDays('2000-01-01', n));
    fc.assert(
      fc.property(
        day,
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 1, max: 3660 }),
        fc.integer({ min: 0, max: 3660 }),
        (openedOn, gap, frequencyDays, firstAfterDays) => {
          const last = addDays(openedOn, gap);
          const due = nextInspectionDue(openedOn, { frequencyDays, firstAfterDays }, last);
          expect(daysBetween(last, due)).toBe(frequencyDays);
          expect(due > last).toBe(true);
          const first = nextInspectionDue(openedOn, { frequencyDays, firstAfterDays });
          expect(daysBetween(openedOn, first)).toBe(firstAfterDays);
        },
      ),
    );
  });
});

describe('due on a date', () => {
  it('is due on the due date and after, not before', () => {
    expect(isInspectionDue('2025-03-02', '2025-03-01')).toBe(false);
    expect(isInspectionDue('2025-03-02', '2025-03-02')).toBe(true);
    expect(isInspectionDue('2025-03-02', '2026-01-01')).toBe(true);
    expect(daysOverdue('2025-03-02', '2025-03-02')).toBe(0);
    expect(daysOverdue('2025-12-30', '2026-01-02')).toBe(3);
    expect(daysOverdue('2025-03-02', '2025-02-27')).toBe(-3);
  });
});

describe('checkInspectionPlan', () => {
  it('takes a plan', () => {
    expect(
      checkInspectionPlan({ productCode: 'MORTGAGE', frequencyDays: 365, firstAfterDays: 0 }),
    ).toEqual({
      ok: true,
      value: { productCode: 'MORTGAGE', frequencyDays: 365, firstAfterDays: 0 },
    });
  });

  it('refuses a bad code and days out of range, each under its field', () => {
    expect(
      checkInspectionPlan({ productCode: 'mortgage!', frequencyDays: 0, firstAfterDays: -1 }),
    ).toEqual({
      ok: false,
      violations: [
        { field: 'productCode', reason: 'must be a product code such as PERSONAL_CONSUMER' },
        { field: 'frequencyDays', reason: 'must be a whole number of days from 1 to 3660' },
        { field: 'firstAfterDays', reason: 'must be a whole number of days from 0 to 3660' },
      ],
    });
    const r = checkInspectionPlan({ productCode: 'X', frequencyDays: 1.5, firstAfterDays: 3661 });
    expect(r.ok ? [] : r.violations.map((v) => v.field)).toEqual([
      'frequencyDays',
      'firstAfterDays',
    ]);
  });
});

describe('checkInspection', () => {
  const ctx = { openedOn: '2025-01-15', today: '2025-06-30', recordedBy: 'officer-1' };
  const good: InspectionInput = {
    requestId: 'req-1',
    inspectedOn: '2025-02-14',
    inspector: '',
    kind: 'on_site',
    findings: 'Funds used for the declared renovation; invoices seen.',
    riskSignals: [],
    result: 'normal',
  };
  const fields = (input: Partial<InspectionInput>) => {
    const r = checkInspection({ ...good, ...input }, ctx);
    return r.ok ? [] : r.violations;
  };

  it('takes a good inspection, the recording officer as inspector when none is named', () => {
    expect(checkInspection(good, ctx)).toEqual({
      ok: true,
      value: { ...good, inspector: 'officer-1' },
    });
    const named = checkInspection({ ...good, inspector: ' 王芳 ' }, ctx);
    expect(named.ok && named.value.inspector).toBe('王芳');
  });

  it('trims risk signals and takes a risk result with them', () => {
    const r = checkInspection(
      { ...good, result: 'risk', riskSignals: [' business closed ', 'overdue at another bank'] },
      ctx,
    );
    expect(r.ok && r.value.riskSignals).toEqual(['business closed', 'overdue at another bank']);
  });

  it('refuses a date before the loan opened, in the future or not real', () => {
    expect(fields({ inspectedOn: '2025-01-14' })).toEqual([
      {
        field: 'inspectedOn',
        reason: 'must not be before the day the loan was opened (2025-01-15)',
      },
    ]);
    expect(fields({ inspectedOn: '2025-07-01' })).toEqual([
      { field: 'inspectedOn', reason: 'must not be in the future (today is 2025-06-30)' },
    ]);
    expect(fields({ inspectedOn: '2025-02-29' })).toEqual([
      { field: 'inspectedOn', reason: '2025-02-29 is not a real calendar date' },
    ]);
    expect(fields({ inspectedOn: '' })).toEqual([{ field: 'inspectedOn', reason: 'is required' }]);
  });

  it('takes the opening day and today themselves', () => {
    expect(fields({ inspectedOn: '2025-01-15' })).toEqual([]);
    expect(fields({ inspectedOn: '2025-06-30' })).toEqual([]);
  });

  it('refuses an unknown kind and result', () => {
    expect(fields({ kind: 'remote' })).toEqual([
      { field: 'kind', reason: 'must be one of on_site, off_site' },
    ]);
    expect(fields({ result: 'bad' })).toEqual([
      { field: 'result', reason: 'must be one of normal, attention, risk' },
    ]);
  });

  it('needs findings, within 4000 characters', () => {
    expect(fields({ findings: ' ' })).toEqual([{ field: 'findings', reason: 'is required' }]);
    expect(fields({ findings: 'x'.repeat(4001) })).toEqual([
      { field: 'findings', reason: 'must be at most 4000 characters' },
    ]);
  });

  it('needs a risk signal for a risk result, and refuses empty, long or repeated ones', () => {
    expect(fields({ result: 'risk' })).toEqual([
      { field: 'riskSignals', reason: 'name at least one risk signal when the result is risk' },
    ]);
    expect(fields({ riskSignals: ['a', ' ', 'x'.repeat(201), 'a'] })).toEqual([
      { field: 'riskSignals.1', reason: 'is required' },
      { field: 'riskSignals.2', reason: 'must be at most 200 characters' },
      { field: 'riskSignals.3', reason: 'repeats an earlier signal' },
    ]);
    expect(fields({ riskSignals: Array.from({ length: 21 }, (_, i) => `s${i}`) })).toEqual([
      { field: 'riskSignals', reason: 'must list at most 20 signals' },
    ]);
  });

  it('needs a request id and an inspector name within 100 characters', () => {
    expect(fields({ requestId: '', inspector: 'x'.repeat(101) })).toEqual([
      {
        field: 'requestId',
        reason: 'is required: 1 to 128 visible ASCII characters chosen by the client',
      },
      { field: 'inspector', reason: 'must be at most 100 characters' },
    ]);
  });

  it('reports every problem at once', () => {
    expect(
      fields({ inspectedOn: 'soon', kind: '', findings: '', result: '' }).map((v) => v.field),
    ).toEqual(['inspectedOn', 'kind', 'findings', 'result']);
  });
});
