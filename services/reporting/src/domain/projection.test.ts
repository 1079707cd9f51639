import fc from 'fast-check';
import {
  advanceStatus,
  APPLICATION_STATUS_ORDER,
  bankDateOf,
  dpdBucket,
  enumWord,
  incomeOf,
  isInterestIncomeAccount,
  isMonthEnd,
  isRejectOutcome,
  MAX_WORKING_DAY_BUCKET,
  monthOf,
  previousMonthEnd,
  statusRank,
  workingDayBucket,
} from './projection';

describe('days past due buckets', () => {
  it.each([
    [-3, 0],
    [0, 0],
    [1, 1],
    [30, 1],
    [31, 2],
    [60, 2],
    [61, 3],
    [90, 3],
    [91, 4],
    [180, 4],
    [181, 5],
    [360, 5],
    [361, 6],
    [5000, 6],
  ])('%i days past due is bucket %i', (days, bucket) => {
    expect(dpdBucket(days)).toBe(bucket);
  });

  it('never falls as days past due grow', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10, max: 2000 }), fc.nat(400), (d, more) => {
        expect(dpdBucket(d + more)).toBeGreaterThanOrEqual(dpdBucket(d));
      }),
    );
  });
});

describe('working-day buckets of the decision histogram', () => {
  it.each([
    ['0', 0],
    ['0.01', 1],
    ['0.25', 1],
    ['0.26', 2],
    ['2.9', 12],
    ['3', 12],
    ['3.0001', 13],
    ['7', 28],
    ['100', 400],
    ['250.5', 400],
  ])('%s working days is bucket %i', (wd, bucket) => {
    expect(workingDayBucket(wd)).toBe(bucket);
  });

  it('counts a decision within N days in the buckets up to 4N exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 1, max: 99 }), (h, n) => {
        const wd = (h / 100).toFixed(2);
        expect(workingDayBucket(wd) <= 4 * n).toBe(Number(wd) <= n);
        expect(workingDayBucket(wd)).toBeLessThanOrEqual(MAX_WORKING_DAY_BUCKET);
      }),
    );
  });
});

describe('months and month ends', () => {
  it.each([
    ['2026-01-31', true],
    ['2026-02-28', true],
    ['2028-02-28', false],
    ['2028-02-29', true],
    ['2026-04-30', true],
    ['2026-04-29', false],
    ['2026-12-31', true],
    ['2026-12-01', false],
  ])('%s is a month end: %s', (date, end) => {
    expect(isMonthEnd(date)).toBe(end);
  });

  it('names the month and the previous month end', () => {
    expect(monthOf('2026-03-17')).toBe('2026-03-01');
    expect(previousMonthEnd('2026-03-31')).toBe('2026-02-28');
    expect(previousMonthEnd('2028-03-31')).toBe('2028-02-29');
    expect(previousMonthEnd('2026-01-31')).toBe('2025-12-31');
  });

  it('refuses what is not a date', () => {
    expect(() => monthOf('2026-3-1')).toThrow('not a date');
  });

  it('dates an instant in China time', () => {
    expect(bankDateOf('2026-12-31T16:30:00Z')).toBe('2027-01-01');
    expect(bankDateOf('2026-12-31T15:59:59Z')).toBe('2026-12-31');
  });
});

describe('application status order', () => {
  it('keeps the later status whatever order the events come in', () => {
    expect(advanceStatus('disbursed', 'submitted')).toBe('disbursed');
    expect(advanceStatus('submitted', 'approved')).toBe('approved');
    expect(advanceStatus('approved', 'expired')).toBe('expired');
    expect(advanceStatus('expired', 'approved')).toBe('expired');
    expect(advanceStatus(undefined, 'contracted')).toBe('contracted');
    expect(advanceStatus('draft', 'draft')).toBe('draft');
  });

  it('ends with the latest status of a life, applied in any order', () => {
    const life = ['draft', 'submitted', 'approved', 'contracted', 'disbursed'];
    fc.assert(
      fc.property(fc.shuffledSubarray(life, { minLength: life.length }), (order) => {
        expect(order.reduce<string | undefined>(advanceStatus, undefined)).toBe('disbursed');
      }),
    );
  });

  it('ranks every status it knows, and nothing else', () => {
    for (const s of APPLICATION_STATUS_ORDER) expect(statusRank(s)).toBeGreaterThanOrEqual(0);
    expect(statusRank('bogus')).toBe(-1);
  });
});

describe('small words', () => {
  it('sees reject outcomes', () => {
    expect(isRejectOutcome('reject')).toBe(true);
    expect(isRejectOutcome('declined')).toBe(true);
    expect(isRejectOutcome('approve')).toBe(false);
    expect(isRejectOutcome('')).toBe(false);
  });

  it('knows the interest income accounts', () => {
    expect(isInterestIncomeAccount('601101')).toBe(true);
    expect(isInterestIncomeAccount('6011')).toBe(true);
    expect(isInterestIncomeAccount('130101')).toBe(false);
    expect(isInterestIncomeAccount('60110x')).toBe(false);
  });

  it('counts income as credit minus debit, to the fen', () => {
    expect(incomeOf({ credit: '10.10', debit: '0.03' })).toBe('10.07');
    expect(incomeOf({ debit: '1.5' })).toBe('-1.50');
    expect(incomeOf({})).toBe('0.00');
  });

  it('turns proto enum names into words', () => {
    expect(enumWord('CUSTOMER_TYPE_INDIVIDUAL', 'CUSTOMER_TYPE_')).toBe('individual');
    expect(enumWord('CUSTOMER_TYPE_UNSPECIFIED', 'CUSTOMER_TYPE_')).toBe('');
    expect(enumWord('UNRECOGNIZED', 'X_')).toBe('');
    expect(enumWord('', 'X_')).toBe('');
  });
});
