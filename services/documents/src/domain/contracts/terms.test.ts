import { describe, expect, it } from '@jest/globals';
import {
  defaultRepaymentDay,
  penaltyRatePercent,
  RATE_BASES,
  REPAYMENT_METHODS,
  scheduleRequestOf,
  validateContractTerms,
  type ContractTermsInput,
} from './terms';

const input: ContractTermsInput = {
  amount: '700000',
  annualRatePercent: '4.2',
  rateBasis: '',
  spreadBp: 0,
  repricing: '',
  termMonths: 36,
  repaymentMethod: 'equal_installments',
  repaymentDay: '',
  disbursementDate: '2025-12-07',
};

describe('contract terms', () => {
  it('speaks the vocabulary’s words (the proto mapping checks them against the enums)', () => {
    expect(RATE_BASES).toEqual(['fixed', 'lpr_1y', 'lpr_5y']);
    expect(REPAYMENT_METHODS).toEqual([
      'equal_installments',
      'equal_principal',
      'interest_only',
      'interest_only_quarterly',
      'bullet',
      'flat',
    ]);
  });

  it('puts amounts and rates in canonical form and the repayment day on the disbursement day', () => {
    const r = validateContractTerms(input);
    expect(r).toEqual({
      ok: true,
      terms: {
        amount: '700000.00',
        annualRatePercent: '4.2000',
        rateBasis: 'fixed',
        spreadBp: 0,
        repricing: '',
        termMonths: 36,
        repaymentMethod: 'equal_installments',
        repaymentDay: '7',
        disbursementDate: '2025-12-07',
        penaltyMarkupPercent: '50.00',
      },
    });
    if (!r.ok) return;
    expect(scheduleRequestOf(r.terms)).toEqual({
      principal: '700000.00',
      annualRatePercent: '4.2000',
      term: 36,
      termUnit: 'month',
      repaymentMethod: 'equal_installments',
      disbursementDate: '2025-12-07',
      repaymentDay: 7,
    });
    expect(penaltyRatePercent(r.terms)).toBe('6.3000');
  });

  it('falls back to the month end after the 28th; a bullet loan has no repayment day', () => {
    expect(defaultRepaymentDay('2025-01-31')).toBe('month_end');
    expect(defaultRepaymentDay('2025-01-28')).toBe('28');
    const bullet = validateContractTerms({ ...input, repaymentMethod: 'bullet' });
    expect(bullet.ok && bullet.terms.repaymentDay).toBe('');
    expect(bullet.ok && scheduleRequestOf(bullet.terms)).not.toHaveProperty('repaymentDay');
  });

  it('keeps the spread and repricing of an LPR basis, and refuses them on a fixed rate', () => {
    const lpr = validateContractTerms({ ...input, rateBasis: 'lpr_1y', spreadBp: 85 });
    expect(lpr.ok && [lpr.terms.rateBasis, lpr.terms.spreadBp, lpr.terms.repricing]).toEqual([
      'lpr_1y',
      85,
      'january_first',
    ]);
    const fixed = validateContractTerms({ ...input, spreadBp: 85, repricing: 'anniversary' });
    expect(!fixed.ok && fixed.problems.map((p) => p.field)).toEqual(['spreadBp', 'repricing']);
  });

  it('names every bad field at once', () => {
    const r = validateContractTerms({
      amount: '0',
      annualRatePercent: '4.12345',
      rateBasis: 'lpr_10y',
      spreadBp: 0,
      repricing: '',
      termMonths: 0,
      repaymentMethod: 'interest_only_bullet',
      repaymentDay: '29',
      disbursementDate: '2025-02-30',
    });
    expect(!r.ok && r.problems.map((p) => p.field)).toEqual([
      'amount',
      'annualRatePercent',
      'rateBasis',
      'termMonths',
      'repaymentMethod',
      'disbursementDate',
      'repaymentDay',
    ]);
  });
});
