import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import {
  isRepaymentMethod,
  lumpSumAtMaturity,
  monthlyInstallment,
  REPAYMENT_METHODS,
  repaymentSchedule,
  type RepaymentMethod,
} from './schedule';

const d = (value: string | number) => new Decimal(value);
const sum = (values: Decimal[]) => values.reduce((a, b) => a.plus(b), d(0));
const text = (rows: ReturnType<typeof repaymentSchedule>) =>
  rows.map((r) => [r.month, r.principal, r.interest, r.payment, r.remainingPrincipal].join(' '));

// Figures below were computed by hand or with Python's decimal module, not with this code.
describe('monthlyInstallment', () => {
  it.each<[string, string, number, RepaymentMethod, string]>([
    // 100,000 yuan for a year at the old 1-year benchmark rate of 4.35%.
    ['100000', '4.35', 12, 'equal_installments', '8530.99'],
    ['100000', '4.35', 12, 'equal_principal', '8695.83'], // 8333.33 + 362.50
    ['100000', '4.35', 12, 'interest_only', '362.50'],
    // Interest paid quarterly still costs its monthly share.
    ['100000', '4.35', 12, 'interest_only_quarterly', '362.50'],
    ['100000', '4.35', 12, 'bullet', '0.00'],
    // Flat (等本等息): 8333.33 of principal + interest on the whole 100,000.
    ['100000', '4.35', 12, 'flat', '8695.83'],
    // The textbook mortgage: 1,000,000 over 30 years at 4.9%.
    ['1000000', '4.9', 360, 'equal_installments', '5307.27'],
    ['1000000', '4.9', 360, 'equal_principal', '6861.11'], // 2777.78 + 4083.33
    ['1000000', '3.1', 360, 'equal_installments', '4270.16'],
    ['500000', '3.5', 240, 'equal_installments', '2899.80'],
    ['500000', '4.35', 60, 'equal_installments', '9287.44'],
    ['10000', '18', 6, 'equal_installments', '1755.25'],
    // 1200 at 1% a month for 2 months: 12 × 1.0201 / 0.0201 = 609.0149…
    ['1200', '12', 2, 'equal_installments', '609.01'],
    ['1200', '12', 2, 'equal_principal', '612.00'],
    ['2000000', '3.6', 12, 'interest_only', '6000.00'],
    // Without interest the installment is the principal spread evenly.
    ['120000', '0', 12, 'equal_installments', '10000.00'],
    ['100000', '0', 3, 'equal_installments', '33333.33'],
    ['100000', '0', 3, 'equal_principal', '33333.33'],
    ['100000', '0', 3, 'interest_only', '0.00'],
    ['100000', '0', 3, 'flat', '33333.33'],
    ['5000', '6', 1, 'equal_installments', '5025.00'],
  ])('%s at %s%% for %i months, %s: %s', (principal, rate, term, method, expected) => {
    expect(monthlyInstallment(d(principal), d(rate), term, method).toFixed(2)).toBe(expected);
  });

  it('rounds interest half up to 分: 1000 at 4.35% is 3.625 → 3.63 a month', () => {
    expect(monthlyInstallment(d(1000), d('4.35'), 12, 'interest_only').toFixed(2)).toBe('3.63');
  });

  it('refuses an impossible term or a negative amount', () => {
    expect(() => monthlyInstallment(d(1000), d(4), 0, 'equal_installments')).toThrow(RangeError);
    expect(() => monthlyInstallment(d(1000), d(4), 1.5, 'equal_installments')).toThrow(RangeError);
    expect(() => monthlyInstallment(d(-1), d(4), 12, 'equal_installments')).toThrow(RangeError);
    expect(() => monthlyInstallment(d(1000), d(-4), 12, 'equal_installments')).toThrow(RangeError);
  });

  it('is not thrown off by a global Decimal precision set elsewhere', () => {
    const saved = { precision: Decimal.precision, rounding: Decimal.rounding };
    Decimal.set({ precision: 5, rounding: Decimal.ROUND_DOWN });
    try {
      expect(monthlyInstallment(d('1000000'), d('4.9'), 360, 'equal_installments').toFixed(2)).toBe(
        '5307.27',
      );
      expect(lumpSumAtMaturity(d('1234567.89'), d('3.65'), 12).toFixed(2)).toBe('1279629.62');
    } finally {
      Decimal.set(saved);
    }
  });
});

describe('lumpSumAtMaturity', () => {
  it.each([
    ['100000', '4.35', 12, '104350.00'],
    ['1200', '12', 2, '1224.00'],
    ['1234567.89', '3.65', 12, '1279629.62'], // 1234567.89 × 1.0365 = 1279629.617…
    ['500000', '0', 24, '500000.00'],
  ])('%s at %s%% for %i months repays %s', (principal, rate, term, expected) => {
    expect(lumpSumAtMaturity(d(principal), d(rate), term).toFixed(2)).toBe(expected);
  });
});

describe('repaymentSchedule', () => {
  it('amortises 1200 at 12% over 2 months, by hand', () => {
    expect(text(repaymentSchedule(d(1200), d(12), 2, 'equal_installments'))).toEqual([
      '1 597.01 12 609.01 602.99',
      '2 602.99 6.03 609.02 0',
    ]);
    expect(text(repaymentSchedule(d(1200), d(12), 2, 'equal_principal'))).toEqual([
      '1 600 12 612 600',
      '2 600 6 606 0',
    ]);
    expect(text(repaymentSchedule(d(1200), d(12), 2, 'interest_only'))).toEqual([
      '1 0 12 12 1200',
      '2 1200 12 1212 0',
    ]);
    expect(text(repaymentSchedule(d(1200), d(12), 2, 'bullet'))).toEqual(['2 1200 24 1224 0']);
  });

  it('charges flat interest on the original principal, by hand', () => {
    expect(text(repaymentSchedule(d(1200), d(12), 3, 'flat'))).toEqual([
      '1 400 12 412 800',
      '2 400 12 412 400',
      '3 400 12 412 0',
    ]);
  });

  it('pays quarterly interest every third month and at maturity, by hand', () => {
    // 1200 at 12%: 12 a month; 7 months → months 3 and 6 carry 36, month 7 the last 12.
    expect(text(repaymentSchedule(d(1200), d(12), 7, 'interest_only_quarterly'))).toEqual([
      '3 0 36 36 1200',
      '6 0 36 36 1200',
      '7 1200 12 1212 0',
    ]);
  });

  it('for 100000 at 4.35% over 12 months, ends with 8531.01 and 2371.90 of interest', () => {
    const rows = repaymentSchedule(d(100000), d('4.35'), 12, 'equal_installments');
    expect(rows).toHaveLength(12);
    expect(text(rows.slice(0, 1))).toEqual(['1 8168.49 362.5 8530.99 91831.51']);
    expect(text(rows.slice(-1))).toEqual(['12 8500.2 30.81 8531.01 0']);
    expect(sum(rows.map((r) => r.interest)).toFixed(2)).toBe('2371.90');
    expect(rows.slice(0, 11).every((r) => r.payment.toFixed(2) === '8530.99')).toBe(true);
  });

  const fen = fc.integer({ min: 100, max: 1_000_000_000_00 }).map((n) => d(n).div(100));
  const ratePercent = fc.integer({ min: 0, max: 359_999 }).map((n) => d(n).div(10_000));
  const term = fc.integer({ min: 1, max: 360 });
  const method = fc.constantFrom(...REPAYMENT_METHODS);

  it('repays exactly the principal, in 分, and ends owing nothing', () => {
    fc.assert(
      fc.property(fen, ratePercent, term, method, (p, r, n, m) => {
        const rows = repaymentSchedule(p, r, n, m);
        expect(sum(rows.map((row) => row.principal)).equals(p)).toBe(true);
        expect(rows[rows.length - 1].remainingPrincipal.isZero()).toBe(true);
        const badRows = rows.filter(
          (row) =>
            row.principal.isNegative() ||
            row.interest.isNegative() ||
            !row.payment.equals(row.principal.plus(row.interest)) ||
            row.payment.decimalPlaces() > 2,
        );
        expect(badRows).toEqual([]);
      }),
    );
  });

  it('starts with the monthly installment for annuity and equal-principal loans', () => {
    fc.assert(
      fc.property(
        fen,
        ratePercent,
        term,
        fc.constantFrom<RepaymentMethod>('equal_installments', 'equal_principal'),
        (p, r, n, m) => {
          const first = repaymentSchedule(p, r, n, m)[0];
          expect(first.payment.equals(monthlyInstallment(p, r, n, m))).toBe(true);
        },
      ),
    );
  });

  it('charges interest on the outstanding principal each month, rounded half up', () => {
    fc.assert(
      fc.property(fen, ratePercent, fc.integer({ min: 1, max: 60 }), method, (p, r, n, m) => {
        // Bullet and quarterly rows gather several months; flat charges on the original principal.
        fc.pre(m !== 'bullet' && m !== 'interest_only_quarterly' && m !== 'flat');
        let owed = p;
        const wrong = repaymentSchedule(p, r, n, m).filter((row) => {
          const expected = owed.times(r).div(1200).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
          owed = owed.minus(row.principal);
          return !row.interest.equals(expected);
        });
        expect(wrong).toEqual([]);
      }),
    );
  });

  it('keeps the last annuity payment close to the level one (the formula amortises)', () => {
    // Each month can be off by at most 1 分 (level payment and interest each rounded by half a
    // 分), and an error carried forward grows at the loan rate.
    fc.assert(
      fc.property(fen, ratePercent, term, (p, r, n) => {
        const rows = repaymentSchedule(p, r, n, 'equal_installments');
        const level = monthlyInstallment(p, r, n, 'equal_installments');
        const monthly = r.div(1200);
        const carried = monthly.isZero() ? d(n) : monthly.plus(1).pow(n).minus(1).div(monthly);
        const drift = rows[rows.length - 1].payment.minus(level).abs();
        expect(drift.lessThanOrEqualTo(carried.times('0.01').plus('0.01'))).toBe(true);
      }),
    );
  });

  it('gives an interest-only loan level interest and the principal at the end', () => {
    fc.assert(
      fc.property(fen, ratePercent, fc.integer({ min: 2, max: 60 }), (p, r, n) => {
        const rows = repaymentSchedule(p, r, n, 'interest_only');
        const interest = monthlyInstallment(p, r, n, 'interest_only');
        expect(rows.every((row) => row.interest.equals(interest))).toBe(true);
        expect(rows[n - 1].payment.equals(interest.plus(p))).toBe(true);
      }),
    );
  });

  it('charges a quarterly interest-only loan three months of interest a quarter', () => {
    fc.assert(
      fc.property(fen, ratePercent, fc.integer({ min: 1, max: 60 }), (p, r, n) => {
        const rows = repaymentSchedule(p, r, n, 'interest_only_quarterly');
        const monthly = monthlyInstallment(p, r, n, 'interest_only_quarterly');
        const months = rows.map((row, i) => row.month - (i === 0 ? 0 : rows[i - 1].month));
        expect(rows.map((row) => row.month)).toEqual(
          [...Array(Math.ceil(n / 3)).keys()].map((q) => Math.min(3 * (q + 1), n)),
        );
        const wrong = rows.filter((row, i) => !row.interest.equals(monthly.times(months[i])));
        expect(wrong).toEqual([]);
        expect(sum(rows.map((row) => row.interest)).equals(monthly.times(n))).toBe(true);
      }),
    );
  });

  it('keeps the interest of a flat loan level, on the original principal', () => {
    fc.assert(
      fc.property(fen, ratePercent, term, (p, r, n) => {
        const rows = repaymentSchedule(p, r, n, 'flat');
        const interest = p.times(r).div(1200).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
        expect(rows.filter((row) => !row.interest.equals(interest))).toEqual([]);
        expect(rows[0].payment.equals(monthlyInstallment(p, r, n, 'flat'))).toBe(true);
      }),
    );
  });

  it('makes a bullet loan one payment at maturity', () => {
    fc.assert(
      fc.property(fen, ratePercent, term, (p, r, n) => {
        const rows = repaymentSchedule(p, r, n, 'bullet');
        expect(rows).toHaveLength(1);
        expect(rows[0].month).toBe(n);
        expect(rows[0].payment.equals(lumpSumAtMaturity(p, r, n))).toBe(true);
      }),
    );
  });
});

describe('installment properties', () => {
  const principal = fc.integer({ min: 100_000, max: 10_000_000 }).map((n) => d(n));
  const positiveRate = fc.integer({ min: 1, max: 359_999 }).map((n) => d(n).div(10_000));

  it('an annuity repays the principal, less at most half a 分 a month of rounding', () => {
    fc.assert(
      fc.property(
        principal,
        fc.integer({ min: 0, max: 359_999 }),
        fc.integer({ min: 1, max: 360 }),
        (p, rate, n) => {
          const total = monthlyInstallment(p, d(rate).div(10_000), n, 'equal_installments').times(
            n,
          );
          expect(total.greaterThanOrEqualTo(p.minus(d(n).times('0.005')))).toBe(true);
        },
      ),
    );
  });

  it('an annuity repays more than the principal once there is real interest', () => {
    // From 0.1% a year the interest is at least several yuan, far above the rounding.
    const rate = fc.integer({ min: 1_000, max: 359_999 }).map((n) => d(n).div(10_000));
    fc.assert(
      fc.property(principal, rate, fc.integer({ min: 1, max: 360 }), (p, r, n) => {
        const total = monthlyInstallment(p, r, n, 'equal_installments').times(n);
        expect(total.greaterThan(p)).toBe(true);
      }),
    );
  });

  it('a longer term lowers the annuity payment', () => {
    fc.assert(
      fc.property(principal, positiveRate, fc.integer({ min: 1, max: 120 }), (p, r, n) => {
        const shorter = monthlyInstallment(p, r, n, 'equal_installments');
        const longer = monthlyInstallment(p, r, n + 1, 'equal_installments');
        expect(longer.lessThan(shorter)).toBe(true);
      }),
    );
  });

  it('a higher rate raises the annuity payment', () => {
    fc.assert(
      fc.property(principal, positiveRate, fc.integer({ min: 1, max: 360 }), (p, r, n) => {
        const lower = monthlyInstallment(p, r, n, 'equal_installments');
        const higher = monthlyInstallment(p, r.plus(1), n, 'equal_installments');
        expect(higher.greaterThan(lower)).toBe(true);
      }),
    );
  });

  it('equal principal starts above the annuity once the rate is material', () => {
    fc.assert(
      fc.property(
        principal,
        fc.integer({ min: 100, max: 2400 }),
        fc.integer({ min: 2, max: 360 }),
        (p, bp, n) => {
          const r = new Decimal(bp).div(100);
          expect(
            monthlyInstallment(p, r, n, 'equal_principal').greaterThan(
              monthlyInstallment(p, r, n, 'equal_installments'),
            ),
          ).toBe(true);
        },
      ),
    );
  });

  it('equal principal starts at or above the annuity, which starts above monthly interest', () => {
    // At tiny rates the two first payments differ by less than a fen and round to the same
    // amount (e.g. 100000 at 0.0001% over 2 months), so only "not below" holds after rounding.
    fc.assert(
      fc.property(principal, positiveRate, fc.integer({ min: 2, max: 360 }), (p, r, n) => {
        const annuity = monthlyInstallment(p, r, n, 'equal_installments');
        expect(monthlyInstallment(p, r, n, 'equal_principal').greaterThanOrEqualTo(annuity)).toBe(
          true,
        );
        expect(annuity.greaterThan(monthlyInstallment(p, r, n, 'interest_only'))).toBe(true);
      }),
    );
  });

  it('an annuity costs more interest in total than equal principal', () => {
    // Away from tiny rates, so the difference is well above rounding noise.
    const largeLoan = fc.integer({ min: 1_000_000, max: 10_000_000 }).map((n) => d(n));
    const rate = fc.integer({ min: 30_000, max: 359_999 }).map((n) => d(n).div(10_000));
    fc.assert(
      fc.property(largeLoan, rate, fc.integer({ min: 2, max: 360 }), (p, r, n) => {
        const interest = (m: RepaymentMethod) =>
          sum(repaymentSchedule(p, r, n, m).map((row) => row.interest));
        expect(interest('equal_installments').greaterThan(interest('equal_principal'))).toBe(true);
      }),
      { numRuns: 50 },
    );
  });
});

describe('REPAYMENT_METHODS', () => {
  // That they are the words of the proto enum is checked where proto meets domain (infra).
  it('are the six methods of the one vocabulary, and only them', () => {
    expect(REPAYMENT_METHODS).toEqual([
      'equal_installments',
      'equal_principal',
      'interest_only',
      'interest_only_quarterly',
      'bullet',
      'flat',
    ]);
    expect(REPAYMENT_METHODS.every(isRepaymentMethod)).toBe(true);
    // The words applications used before the one vocabulary are not methods any more.
    expect(isRepaymentMethod('interest_only_bullet')).toBe(false);
    expect(isRepaymentMethod('lump_sum')).toBe(false);
    expect(isRepaymentMethod('balloon')).toBe(false);
    expect(isRepaymentMethod('')).toBe(false);
  });
});
