import { Decimal } from 'decimal.js';
import { schedule } from './test-support';

const mortgage = {
  principal: '1000000.00',
  annualRatePercent: '4.9',
  term: 360,
  termUnit: 'month',
  disbursementDate: '2025-01-15',
};
const consumer = {
  principal: '100000.00',
  annualRatePercent: '4.35',
  term: 12,
  termUnit: 'month',
  disbursementDate: '2025-01-15',
};

const sum = (values: string[]) => values.reduce((a, v) => a.plus(v), new Decimal(0));

// Published mainland examples (bank calculators, e.g. 房贷计算器 at the 4.9% benchmark rate).
describe('equal installments (等额本息) against published examples', () => {
  it('1,000,000 at 4.9% over 30 years pays 5307.27 a month', () => {
    const { installments } = schedule({ ...mortgage, repaymentMethod: 'equal_installments' });
    expect(installments).toHaveLength(360);
    expect(installments.slice(0, 359).every((line) => line.total === '5307.27')).toBe(true);
    expect(installments[0]).toEqual({
      period: 1,
      dueDate: '2025-02-15',
      principal: '1223.94',
      interest: '4083.33',
      total: '5307.27',
      balance: '998776.06',
    });
    expect(installments[359].balance).toBe('0.00');
  });

  it('100,000 at 4.35% over 12 months pays 8530.99 a month, about 2371.88 of interest', () => {
    const result = schedule({ ...consumer, repaymentMethod: 'equal_installments' });
    expect(result.installments.slice(0, 11).map((line) => line.total)).toEqual(
      Array(11).fill('8530.99'),
    );
    expect(result.installments[0].interest).toBe('362.50');
    // Calculators print 8530.99 × 12 − 100000; the last line here absorbs the cents of rounding.
    expect(new Decimal(result.totalInterest).minus('2371.88').abs().lte('0.06')).toBe(true);
  });
});

describe('equal principal (等额本金) against published examples', () => {
  it('1,000,000 at 4.9% over 30 years: 6861.11 first, 11.34 less each month, 737,041.67 interest', () => {
    const result = schedule({ ...mortgage, repaymentMethod: 'equal_principal' });
    expect(result.installments[0].total).toBe('6861.11');
    expect(result.installments[0].principal).toBe('2777.78');
    expect(result.installments[1].total).toBe('6849.77');
    // The published total P × r × (n + 1) / 2 is unrounded; lines are rounded to the cent.
    expect(new Decimal(result.totalInterest).minus('737041.67').abs().lte('1.80')).toBe(true);
  });

  it('100,000 at 4.35% over 12 months: 8695.83 first month', () => {
    const result = schedule({ ...consumer, repaymentMethod: 'equal_principal' });
    expect(result.installments[0]).toMatchObject({
      principal: '8333.33',
      interest: '362.50',
      total: '8695.83',
    });
    expect(result.installments[11].principal).toBe('8333.37');
  });
});

describe('other methods', () => {
  it('flat (等本等息): 12,000 at 1% a month over 12 months pays 1000 + 120 each month', () => {
    const result = schedule({
      principal: '12000',
      annualRatePercent: '12',
      term: 12,
      termUnit: 'month',
      disbursementDate: '2025-03-10',
      repaymentMethod: 'flat',
    });
    expect(
      result.installments.every((l) => l.principal === '1000.00' && l.interest === '120.00'),
    ).toBe(true);
    expect(result.totalInterest).toBe('1440.00');
  });

  it('interest only (按月付息、到期还本): 362.50 a month, the principal with the last', () => {
    const result = schedule({ ...consumer, repaymentMethod: 'interest_only' });
    expect(result.installments.slice(0, 11).every((l) => l.total === '362.50')).toBe(true);
    expect(result.installments[11]).toMatchObject({
      principal: '100000.00',
      total: '100362.50',
      balance: '0.00',
    });
    expect(result.totalInterest).toBe('4350.00');
  });

  it('quarterly interest (按季付息): 1,000,000 at 4.8% pays 12,000 every 3 months', () => {
    const result = schedule({
      ...mortgage,
      annualRatePercent: '4.8',
      term: 12,
      disbursementDate: '2025-01-21',
      repaymentMethod: 'interest_only_quarterly',
      repaymentDay: 21,
    });
    expect(result.installments.map((l) => [l.dueDate, l.total])).toEqual([
      ['2025-04-21', '12000.00'],
      ['2025-07-21', '12000.00'],
      ['2025-10-21', '12000.00'],
      ['2026-01-21', '1012000.00'],
    ]);
  });

  it('bullet (一次性还本付息): 100,000 at 4.35% for 12 months repays 104,350.00 at maturity', () => {
    const result = schedule({ ...consumer, repaymentMethod: 'bullet' });
    expect(result.installments).toEqual([
      {
        period: 1,
        dueDate: '2026-01-15',
        principal: '100000.00',
        interest: '4350.00',
        total: '104350.00',
        balance: '0.00',
      },
    ]);
  });

  it('bullet on the daily basis: 365 days cost 4410.42 on ACT/360 and 4350.00 on ACT/365', () => {
    const daily = { ...consumer, repaymentMethod: 'bullet', interestBasis: 'daily' };
    expect(schedule({ ...daily, dayCount: 'ACT/360' }).totalInterest).toBe('4410.42');
    expect(schedule({ ...daily, dayCount: 'ACT/365' }).totalInterest).toBe('4350.00');
  });
});

describe('due dates and broken periods', () => {
  it('month_end rolls 31 Jan → 28 Feb → 31 Mar → 30 Apr', () => {
    const result = schedule({
      ...consumer,
      term: 4,
      disbursementDate: '2024-12-31',
      repaymentDay: 'month_end',
      repaymentMethod: 'equal_principal',
    });
    expect(result.installments.map((l) => l.dueDate)).toEqual([
      '2025-01-31',
      '2025-02-28',
      '2025-03-31',
      '2025-04-30',
    ]);
  });

  it('without a repayment day a loan disbursed on 31 Jan falls due on 28/29 Feb then 31 Mar', () => {
    const result = schedule({
      ...consumer,
      disbursementDate: '2024-01-31',
      repaymentMethod: 'equal_installments',
    });
    expect(result.installments.slice(0, 3).map((l) => l.dueDate)).toEqual([
      '2024-02-29',
      '2024-03-31',
      '2024-04-30',
    ]);
  });

  it('daily basis ACT/360: a 41-day first period (10 Jan → 20 Feb) costs 100,000 × 4.35% × 41 / 360', () => {
    const result = schedule({
      ...consumer,
      disbursementDate: '2025-01-10',
      repaymentDay: 20,
      interestBasis: 'daily',
      repaymentMethod: 'equal_principal',
    });
    expect(result.installments[0]).toMatchObject({ dueDate: '2025-02-20', interest: '495.42' });
    // 20 Feb → 20 Mar is 28 days on 91,666.67.
    expect(result.installments[1].interest).toBe('310.14');
  });

  it('period basis: a long first period adds the extra days at annual / 360 to one regular month', () => {
    const result = schedule({
      ...consumer,
      disbursementDate: '2025-01-10',
      repaymentDay: 20,
      repaymentMethod: 'equal_installments',
    });
    // 362.50 for the month 20 Jan → 20 Feb, plus 10 days × 100,000 × 4.35% / 360 = 120.83.
    expect(result.installments[0]).toMatchObject({
      principal: '8168.49',
      interest: '483.33',
      total: '8651.82',
    });
    expect(result.installments[1].total).toBe('8530.99');
  });

  it('period basis: a short first period is charged for its actual days', () => {
    const result = schedule({
      ...consumer,
      disbursementDate: '2025-01-25',
      repaymentDay: 5,
      repaymentMethod: 'interest_only',
    });
    // 25 Jan → 5 Feb is 11 days: 100,000 × 4.35% × 11 / 360 = 132.92.
    expect(result.installments[0]).toMatchObject({ dueDate: '2025-02-05', interest: '132.92' });
    expect(result.installments[1].interest).toBe('362.50');
  });

  it('an explicit first repayment date anchors the grid', () => {
    const result = schedule({
      ...consumer,
      term: 3,
      firstRepaymentDate: '2025-02-28',
      repaymentDay: 'month_end',
      repaymentMethod: 'interest_only',
    });
    expect(result.installments.map((l) => l.dueDate)).toEqual([
      '2025-02-28',
      '2025-03-31',
      '2025-04-30',
    ]);
  });

  it('weekly and daily terms step by 7 × repayEvery and repayEvery days', () => {
    const weekly = schedule({
      ...consumer,
      term: 4,
      termUnit: 'week',
      repayEvery: 2,
      repaymentMethod: 'equal_principal',
    });
    expect(weekly.installments.map((l) => l.dueDate)).toEqual(['2025-01-29', '2025-02-12']);
    // Period basis for weeks: annual / 52 per week, so two weeks of 100,000 at 4.35% = 167.31.
    expect(weekly.installments[0].interest).toBe('167.31');
    const daily = schedule({
      ...consumer,
      term: 30,
      termUnit: 'day',
      repayEvery: 10,
      repaymentMethod: 'interest_only',
    });
    expect(daily.installments.map((l) => l.dueDate)).toEqual([
      '2025-01-25',
      '2025-02-04',
      '2025-02-14',
    ]);
    // 10 days at annual / 360 = 120.83.
    expect(daily.installments[0].interest).toBe('120.83');
  });
});

describe('rounding', () => {
  it('rounds the level payment up to whole yuan and lets the last installment absorb the rest', () => {
    const result = schedule({
      ...consumer,
      repaymentMethod: 'equal_installments',
      installmentMultiple: '1',
    });
    expect(result.installments.slice(0, 11).every((l) => l.total === '8531.00')).toBe(true);
    expect(sum(result.installments.map((l) => l.principal)).toFixed(2)).toBe('100000.00');
    expect(result.installments[11].total).not.toBe('8531.00');
  });

  it('a flat loan with a multiple of 10 bills a multiple of 10 each month; the last settles the rest', () => {
    // 10,000 at 7 % over 6 months: flat interest 58.33 a month; 10,000 / 6 + 58.33 = 1,724.997
    // rounds to a level installment of 1,720.00, whose principal part is 1,661.67.
    const result = schedule({
      principal: '10000.00',
      annualRatePercent: '7',
      term: 6,
      termUnit: 'month',
      repaymentMethod: 'flat',
      disbursementDate: '2025-01-15',
      installmentMultiple: '10',
    });
    expect(result.installments.slice(0, 5).map((l) => [l.total, l.principal, l.interest])).toEqual(
      Array(5).fill(['1720.00', '1661.67', '58.33']),
    );
    expect(result.installments[5]).toMatchObject({
      principal: '1691.65',
      interest: '58.33',
      total: '1749.98',
      balance: '0.00',
    });
  });

  it('equal principal with a multiple keeps the principal part a multiple (interest falls each month)', () => {
    const result = schedule({
      ...consumer,
      repaymentMethod: 'equal_principal',
      installmentMultiple: '10',
    });
    // 100,000 / 12 = 8,333.33 → 8,330.00 a month; the last repays 8,370.00.
    expect(result.installments.slice(0, 11).every((l) => l.principal === '8330.00')).toBe(true);
    expect(result.installments[11].principal).toBe('8370.00');
    expect(result.installments[0].total).toBe('8692.50');
  });

  it('a 0 % annuity repays the principal in level parts with no interest', () => {
    const result = schedule({
      ...consumer,
      annualRatePercent: '0',
      repaymentMethod: 'equal_installments',
    });
    expect(result.installments.slice(0, 11).every((l) => l.total === '8333.33')).toBe(true);
    expect(result.installments[11]).toMatchObject({ total: '8333.37', interest: '0.00' });
    expect(result.totalInterest).toBe('0.00');
    expect(result.totalPayment).toBe('100000.00');
  });

  it('half_even rounds a tie to the even cent where half_up rounds it up', () => {
    // 1000 × 0.03% / 12 … use a rate whose monthly interest ends in exactly half a cent:
    // 1000.00 × 0.06% / 12 = 0.05; 1250.00 × 0.12% / 12 = 0.125.
    const request = {
      principal: '1250.00',
      annualRatePercent: '0.12',
      term: 2,
      termUnit: 'month',
      disbursementDate: '2025-01-15',
      repaymentMethod: 'interest_only',
    };
    expect(schedule({ ...request, roundingMode: 'half_up' }).installments[0].interest).toBe('0.13');
    expect(schedule({ ...request, roundingMode: 'half_even' }).installments[0].interest).toBe(
      '0.12',
    );
  });

  it('uses the requested number of decimals for every amount', () => {
    const result = schedule({
      ...consumer,
      principal: '100000',
      decimals: 0,
      repaymentMethod: 'equal_installments',
    });
    expect(result.installments[0]).toMatchObject({
      total: '8531',
      interest: '363',
      balance: '91832',
    });
    expect(result.totalPayment).toMatch(/^\d+$/);
  });
});

describe('grace periods', () => {
  it('principal grace pays interest only, then amortises over the remaining periods', () => {
    const result = schedule({
      ...consumer,
      repaymentMethod: 'equal_installments',
      graceOnPrincipalPeriods: 2,
    });
    expect(result.installments.slice(0, 2).map((l) => [l.principal, l.interest])).toEqual([
      ['0.00', '362.50'],
      ['0.00', '362.50'],
    ]);
    // 100,000 at 4.35% over the remaining 10 months.
    expect(result.installments[2].total).toBe('10200.46');
  });

  it('interest grace defers the interest, uncapitalised, to the first period after it', () => {
    const result = schedule({
      ...consumer,
      repaymentMethod: 'equal_principal',
      graceOnPrincipalPeriods: 2,
      graceOnInterestPeriods: 2,
    });
    expect(result.installments[0]).toMatchObject({ total: '0.00', balance: '100000.00' });
    expect(result.installments[1]).toMatchObject({ total: '0.00' });
    expect(result.installments[2]).toMatchObject({ principal: '10000.00', interest: '1087.50' });
  });
});
