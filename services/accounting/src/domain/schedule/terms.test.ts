import { previewSchedule } from './index';

const valid = {
  principal: '100000.00',
  annualRatePercent: '4.35',
  term: 12,
  termUnit: 'month',
  repaymentMethod: 'equal_installments',
  disbursementDate: '2025-01-31',
};

function errorsOf(request: unknown) {
  const preview = previewSchedule(request);
  if (preview.ok) throw new Error('expected the request to be refused');
  return preview.errors;
}

describe('schedule request validation', () => {
  it('accepts the example request of the contract', () => {
    expect(previewSchedule(valid).ok).toBe(true);
  });

  it.each([null, [], 'text', 42])('refuses a body that is not an object: %p', (body) => {
    expect(errorsOf(body)).toEqual([{ field: 'body', reason: 'must be a JSON object' }]);
  });

  it('names every missing required field', () => {
    expect(
      errorsOf({})
        .map((e) => e.field)
        .sort(),
    ).toEqual(
      [
        'annualRatePercent',
        'disbursementDate',
        'principal',
        'repaymentMethod',
        'term',
        'termUnit',
      ].sort(),
    );
  });

  it('refuses unknown fields by name', () => {
    expect(errorsOf({ ...valid, rate: '4.35', fees: [] })).toEqual([
      { field: 'rate', reason: 'is not a known field' },
      { field: 'fees', reason: 'is not a known field' },
    ]);
  });

  it.each<[string, unknown, string]>([
    ['principal', '-100.00', 'must be a decimal string such as "100000.00"'],
    ['principal', '0.00', 'must be greater than 0'],
    ['principal', 100000, 'must be a decimal string such as "100000.00"'],
    ['principal', '100.001', 'must have at most 2 decimal places'],
    ['principal', '1e5', 'must be a decimal string such as "100000.00"'],
    ['annualRatePercent', '36', 'must be below 36% a year'],
    ['annualRatePercent', '-1', 'must be a decimal string such as "4.35"'],
    ['term', 0, 'must be between 1 and 600'],
    ['term', 1.5, 'must be a whole number'],
    ['termUnit', 'year', 'must be one of month, week, day'],
    ['repaymentMethod', 'balloon', expect.stringContaining('must be one of equal_installments')],
    ['disbursementDate', '2025-02-30', 'must be a real calendar date as YYYY-MM-DD'],
    ['disbursementDate', '31/01/2025', 'must be a real calendar date as YYYY-MM-DD'],
    ['firstRepaymentDate', '2025-01-31', 'must be after the disbursement date'],
    ['firstRepaymentDate', '2025-01-15', 'must be after the disbursement date'],
    [
      'firstRepaymentDate',
      '2025-04-30',
      'must make a first period shorter than two regular periods',
    ],
    ['repaymentDay', 29, 'must be a day of the month from 1 to 28, or "month_end"'],
    ['interestBasis', 'yearly', 'must be one of period, daily'],
    ['dayCount', '30E/360', 'must be one of ACT/360, ACT/365, ACT/ACT, 30/360'],
    ['roundingMode', 'down', 'must be one of half_up, half_even'],
    ['decimals', 7, 'must be between 0 and 6'],
    ['installmentMultiple', '0', 'must be greater than 0'],
    ['repayEvery', 5, 'the term of 12 must be a whole number of periods of 5'],
    ['graceOnPrincipalPeriods', 12, 'must leave at least one of the 12 periods to repay principal'],
    ['graceOnPrincipalPeriods', -1, 'must be between 0 and 3000'],
  ])('refuses %s = %p', (field, value, reason) => {
    expect(errorsOf({ ...valid, [field]: value })).toEqual([{ field, reason }]);
  });

  it('refuses unsupported combinations with the field and the reason', () => {
    expect(errorsOf({ ...valid, termUnit: 'week', repaymentDay: 5 })).toEqual([
      { field: 'repaymentDay', reason: 'applies only when termUnit is month' },
    ]);
    expect(errorsOf({ ...valid, repaymentMethod: 'interest_only_quarterly', term: 10 })).toEqual([
      { field: 'term', reason: 'the term of 10 must be a whole number of periods of 3' },
    ]);
    expect(
      errorsOf({ ...valid, repaymentMethod: 'interest_only_quarterly', termUnit: 'week' })[0].field,
    ).toBe('termUnit');
    expect(
      errorsOf({ ...valid, repaymentMethod: 'bullet', firstRepaymentDate: '2025-02-28' })[0].field,
    ).toBe('firstRepaymentDate');
    expect(
      errorsOf({ ...valid, repaymentMethod: 'interest_only', installmentMultiple: '1' })[0].field,
    ).toBe('installmentMultiple');
    expect(
      errorsOf({ ...valid, repaymentMethod: 'bullet', graceOnPrincipalPeriods: 1 })[0].field,
    ).toBe('graceOnPrincipalPeriods');
    expect(
      errorsOf({ ...valid, graceOnPrincipalPeriods: 1, graceOnInterestPeriods: 2 })[0].field,
    ).toBe('graceOnInterestPeriods');
    expect(
      errorsOf({ ...valid, repaymentDay: 'month_end', firstRepaymentDate: '2025-02-27' }),
    ).toEqual([
      { field: 'firstRepaymentDate', reason: 'must fall on the repayment day (month_end)' },
    ]);
    expect(errorsOf({ ...valid, decimals: 0 })).toEqual([
      { field: 'principal', reason: 'must have at most 0 decimal places' },
    ]);
  });

  it('reports several wrong fields at once', () => {
    expect(
      errorsOf({ ...valid, principal: '0', annualRatePercent: '40', extra: 1 }).map((e) => e.field),
    ).toEqual(['extra', 'principal', 'annualRatePercent']);
  });
});
