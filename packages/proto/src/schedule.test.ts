import { describe, expect, it } from '@jest/globals';
import { scheduleRequestFromJson, scheduleRequestToJson } from './schedule';

describe('the JSON form of a schedule request', () => {
  const json = {
    principal: '1000000.00',
    annualRatePercent: '4.9',
    term: 360,
    termUnit: 'month',
    repaymentMethod: 'equal_installments',
    disbursementDate: '2025-01-15',
    repaymentDay: 15,
    graceOnPrincipalPeriods: 0,
  };

  it('reads into the message and back to the same JSON, repayment day included', () => {
    const { request, problems } = scheduleRequestFromJson(json);
    expect(problems).toEqual([]);
    expect(request).toMatchObject({ term: 360, repaymentDayOfMonth: 15 });
    expect(scheduleRequestToJson(request)).toEqual(json);
    const monthEnd = scheduleRequestFromJson({ ...json, repaymentDay: 'month_end' });
    expect(monthEnd.request.repaymentDayMonthEnd).toBe(true);
    expect(scheduleRequestToJson(monthEnd.request).repaymentDay).toBe('month_end');
    expect(scheduleRequestToJson({})).toEqual({});
  });

  it('names each field of the wrong JSON type or unknown, and leaves it out', () => {
    const { request, problems } = scheduleRequestFromJson({
      ...json,
      principal: -5,
      term: 1e12,
      repayEvery: 1.5,
      termUnit: 3,
      disbursementDate: 20250115,
      repaymentDay: 'last',
      colour: 'red',
    });
    expect(problems).toEqual([
      { field: 'principal', reason: 'must be a decimal string such as "100000.00"' },
      { field: 'term', reason: 'must be a whole number' },
      { field: 'termUnit', reason: 'must be a string' },
      { field: 'disbursementDate', reason: 'must be a date as YYYY-MM-DD' },
      { field: 'repaymentDay', reason: 'must be a day of the month from 1 to 28, or "month_end"' },
      { field: 'repayEvery', reason: 'must be a whole number' },
      { field: 'colour', reason: 'is not a known field' },
    ]);
    expect(request).toEqual({
      annualRatePercent: '4.9',
      repaymentMethod: 'equal_installments',
      graceOnPrincipalPeriods: 0,
    });
    expect(scheduleRequestFromJson([1]).problems).toEqual([
      { field: 'body', reason: 'must be a JSON object' },
    ]);
  });
});
