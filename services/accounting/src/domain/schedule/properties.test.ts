import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { parseIsoDate, isMonthEnd } from './calendar';
import { previewSchedule } from './index';
import { AMORTISING_METHODS, REPAYMENT_METHODS, type RepaymentMethod } from './terms';

const isoDate = fc
  .date({
    min: new Date('2000-01-01T00:00:00Z'),
    max: new Date('2040-12-31T00:00:00Z'),
    noInvalidDate: true,
  })
  .map((d) => d.toISOString().slice(0, 10));

/** Valid requests across every method, unit, basis, day count and rounding option. */
const request = fc
  .record({
    method: fc.constantFrom(...REPAYMENT_METHODS),
    decimals: fc.integer({ min: 0, max: 4 }),
    minorUnits: fc.bigInt({ min: 1n, max: 10_000_000_000n }),
    // 0: interest-free and subsidised (贴息) loans are booked too.
    rateBasisPoints: fc.integer({ min: 0, max: 3599 }),
    termUnit: fc.constantFrom('month', 'week', 'day'),
    repayEvery: fc.integer({ min: 1, max: 3 }),
    periods: fc.integer({ min: 1, max: 48 }),
    disbursementDate: isoDate,
    repaymentDay: fc.option(
      fc.oneof(fc.integer({ min: 1, max: 28 }), fc.constant('month_end' as const)),
    ),
    interestBasis: fc.constantFrom('period', 'daily'),
    dayCount: fc.constantFrom('ACT/360', 'ACT/365', 'ACT/ACT', '30/360'),
    roundingMode: fc.constantFrom('half_up', 'half_even'),
    multiple: fc.option(fc.constantFrom('1', '10', '0.5')),
    gracePrincipal: fc.nat({ max: 6 }),
    graceInterest: fc.nat({ max: 6 }),
  })
  .map((r) => {
    const method: RepaymentMethod = r.method;
    const termUnit = method === 'interest_only_quarterly' ? 'month' : r.termUnit;
    const repayEvery =
      method === 'interest_only_quarterly' ? 3 : method === 'bullet' ? 1 : r.repayEvery;
    const amortising = AMORTISING_METHODS.includes(method);
    const gracePrincipal = amortising ? Math.min(r.gracePrincipal, r.periods - 1) : 0;
    const graceInterest = Math.min(r.graceInterest, gracePrincipal);
    const principal = new Decimal(r.minorUnits.toString())
      .div(10 ** r.decimals)
      .toFixed(r.decimals);
    const multiple =
      amortising && r.multiple && !(r.multiple === '0.5' && r.decimals === 0) ? r.multiple : null;
    return {
      principal,
      annualRatePercent: new Decimal(r.rateBasisPoints).div(100).toFixed(2),
      term: r.periods * repayEvery,
      termUnit,
      ...(method !== 'bullet' && { repayEvery }),
      repaymentMethod: method,
      disbursementDate: r.disbursementDate,
      ...(termUnit === 'month' &&
        method !== 'bullet' &&
        r.repaymentDay !== null && { repaymentDay: r.repaymentDay }),
      interestBasis: r.interestBasis,
      dayCount: r.dayCount,
      roundingMode: r.roundingMode,
      decimals: r.decimals,
      ...(multiple && { installmentMultiple: multiple }),
      graceOnPrincipalPeriods: gracePrincipal,
      graceOnInterestPeriods: graceInterest,
    };
  });

function build(req: Record<string, unknown>) {
  const preview = previewSchedule(req);
  if (!preview.ok)
    throw new Error(`refused ${JSON.stringify(req)}: ${JSON.stringify(preview.errors)}`);
  return preview.value;
}

const sum = (values: string[]) => values.reduce((a, v) => a.plus(v), new Decimal(0));

describe('schedule properties', () => {
  it('principal parts sum exactly to the principal, for every method and rounding', () => {
    fc.assert(
      fc.property(request, (req) => {
        expect(sum(build(req).installments.map((l) => l.principal)).equals(req.principal)).toBe(
          true,
        );
      }),
      { numRuns: 400 },
    );
  });

  it('no amount is negative, balances never rise and end at zero', () => {
    fc.assert(
      fc.property(request, (req) => {
        const { installments } = build(req);
        let previous = new Decimal(req.principal);
        for (const line of installments) {
          for (const amount of [line.principal, line.interest, line.total, line.balance]) {
            expect(new Decimal(amount).isNegative()).toBe(false);
          }
          const balance = new Decimal(line.balance);
          expect(balance.lte(previous)).toBe(true);
          expect(previous.minus(line.principal).equals(balance)).toBe(true);
          previous = balance;
        }
        expect(previous.isZero()).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('balances strictly decrease once amortisation starts, on amortising methods without multiples', () => {
    fc.assert(
      fc.property(
        request.filter(
          (r) => AMORTISING_METHODS.includes(r.repaymentMethod) && !('installmentMultiple' in r),
        ),
        (req) => {
          const lines = build(req).installments.slice(req.graceOnPrincipalPeriods);
          const balances = [
            new Decimal(req.principal),
            ...lines.map((l) => new Decimal(l.balance)),
          ];
          // Rounding moves each line's principal by up to half a minor unit, so over n lines the
          // installments can run ahead by n/2 units and pay the loan off a line early (leaving a
          // zero-principal line) unless each line's share, principal/n, exceeds that: the loan
          // must be more than n²/2 minor units (28 units over 11 lines at 0 decimals is not).
          const n = lines.length;
          const tiny = new Decimal(req.principal).lte(
            new Decimal(n * n)
              .div(2)
              .plus(n)
              .div(10 ** req.decimals),
          );
          if (!tiny)
            for (let i = 1; i < balances.length; i++)
              expect(balances[i].lt(balances[i - 1])).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('each total is principal + interest, and the schedule totals are the sums of the lines', () => {
    fc.assert(
      fc.property(request, (req) => {
        const schedule = build(req);
        for (const line of schedule.installments) {
          expect(new Decimal(line.principal).plus(line.interest).equals(line.total)).toBe(true);
        }
        expect(
          sum(schedule.installments.map((l) => l.interest)).equals(schedule.totalInterest),
        ).toBe(true);
        expect(sum(schedule.installments.map((l) => l.total)).equals(schedule.totalPayment)).toBe(
          true,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('every amount has exactly `decimals` places', () => {
    fc.assert(
      fc.property(request, (req) => {
        const schedule = build(req);
        const shape = req.decimals === 0 ? /^\d+$/ : new RegExp(`^\\d+\\.\\d{${req.decimals}}$`);
        const amounts = schedule.installments.flatMap((l) => [
          l.principal,
          l.interest,
          l.total,
          l.balance,
        ]);
        for (const amount of [...amounts, schedule.totalInterest, schedule.totalPayment]) {
          expect(amount).toMatch(shape);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('due dates strictly increase after disbursement and respect the repayment day', () => {
    fc.assert(
      fc.property(request, (req) => {
        const { installments } = build(req);
        let previous = parseIsoDate(req.disbursementDate) ?? Number.NaN;
        expect(installments.map((l) => l.period)).toEqual(installments.map((_, i) => i + 1));
        for (const line of installments) {
          const due = parseIsoDate(line.dueDate);
          expect(due).toBeDefined();
          expect(due as number).toBeGreaterThan(previous);
          previous = due as number;
          if (req.repaymentDay === 'month_end') expect(isMonthEnd(due as number)).toBe(true);
          else if (typeof req.repaymentDay === 'number')
            expect(Number(line.dueDate.slice(8))).toBe(req.repaymentDay);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('without grace, equal installments are level except the last one', () => {
    fc.assert(
      fc.property(
        request.filter(
          (r) =>
            r.repaymentMethod === 'equal_installments' &&
            r.interestBasis === 'period' &&
            !('installmentMultiple' in r) &&
            // A loan of a few minor units runs out before the end once its level is rounded.
            new Decimal(r.principal).times(10 ** r.decimals).gte(1000 * r.term) &&
            r.graceOnPrincipalPeriods === 0 &&
            r.term / (r.repayEvery ?? 1) > 2,
        ),
        (req) => {
          const totals = build(req)
            .installments.slice(1, -1)
            .map((l) => l.total);
          expect(new Set(totals).size).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('an installment multiple makes every level installment a multiple (the last settles the rest)', () => {
    fc.assert(
      fc.property(
        request.filter(
          (r) =>
            (r.repaymentMethod === 'equal_installments' || r.repaymentMethod === 'flat') &&
            'installmentMultiple' in r &&
            !('repaymentDay' in r) &&
            r.graceOnInterestPeriods === 0 &&
            // Each principal part must be worth at least a multiple, or the level runs out early.
            new Decimal(r.principal)
              .div(r.term / (r.repayEvery ?? 1) - r.graceOnPrincipalPeriods)
              .gte(new Decimal(r.installmentMultiple!).times(4)),
        ),
        (req) => {
          const lines = build(req).installments;
          const multiple = new Decimal(req.installmentMultiple!);
          const amortising = lines.slice(req.graceOnPrincipalPeriods, -1);
          for (const line of amortising) {
            if (new Decimal(line.balance).isZero()) continue;
            expect(new Decimal(line.total).mod(multiple).isZero()).toBe(true);
          }
          expect(sum(lines.map((l) => l.principal)).equals(req.principal)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a 0 % loan bears no interest and its installments repay exactly the principal', () => {
    fc.assert(
      fc.property(
        request.map((r) => ({ ...r, annualRatePercent: '0.00' })),
        (req) => {
          const schedule = build(req);
          expect(new Decimal(schedule.totalInterest).isZero()).toBe(true);
          expect(schedule.installments.every((l) => new Decimal(l.interest).isZero())).toBe(true);
          expect(new Decimal(schedule.totalPayment).equals(req.principal)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});
