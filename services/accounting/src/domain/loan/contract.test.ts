import { describe, expect, it } from '@jest/globals';
import { previewSchedule } from '../schedule';
import {
  contractedLoan,
  differencesFromContract,
  scheduleDeparture,
  scheduleRequestOfContract,
  type LoanTerms,
  type OpeningRequest,
  type SignedContract,
} from './contract';

/** Terms as the edge maps them from documents' message: absent fields are its defaults. */
const termsOf = (t: Partial<LoanTerms>): LoanTerms => ({
  amount: '',
  annualRatePercent: '',
  rateBasis: 'RATE_BASIS_UNSPECIFIED',
  spreadBp: 0,
  repricing: '',
  termMonths: 0,
  repaymentMethod: 'REPAYMENT_METHOD_UNSPECIFIED',
  repaymentDay: '',
  disbursementDate: '',
  firstDueDate: '',
  maturityDate: '',
  penaltyMarkupPercent: '',
  schedule: [],
  ...t,
});

/** The demo case of issue 9: disbursed on 2025-12-07, due on the 7th, 36 months. */
function contract(overrides: Partial<LoanTerms> = {}): SignedContract {
  const base = {
    amount: '350000.00',
    annualRatePercent: '4.2000',
    rateBasis: 'RATE_BASIS_FIXED',
    termMonths: 36,
    repaymentMethod: 'REPAYMENT_METHOD_EQUAL_INSTALLMENTS',
    repaymentDay: '7',
    disbursementDate: '2025-12-07',
    penaltyMarkupPercent: '50.00',
    ...overrides,
  } as Partial<LoanTerms>;
  const preview = previewSchedule(scheduleRequestOfContract(termsOf(base)));
  if (!preview.ok) throw new Error(JSON.stringify(preview.errors));
  const schedule = preview.value.installments;
  return {
    contractId: '0190a0a0-0000-7000-8000-0000000000c1',
    contractNumber: 'HT202500000001',
    applicationId: '0190a0a0-0000-7000-8000-0000000000a1',
    customerId: '0190a0a0-0000-7000-8000-0000000000b1',
    borrowerName: '陈静',
    branchId: 'SH001',
    productCode: 'SMALL_BUSINESS',
    terms: termsOf({
      ...base,
      firstDueDate: schedule[0]!.dueDate,
      maturityDate: schedule[schedule.length - 1]!.dueDate,
      schedule,
    }),
  };
}

const empty: OpeningRequest = {
  customerId: '',
  branchId: '',
  productCode: '',
  approvedAmount: '',
  rateType: '',
  lprTerm: '',
  spreadBp: 0,
  repricing: '',
  penaltyMarkupPercent: '',
  schedule: undefined,
};

describe('a loan under its contract', () => {
  it('takes every term from the contract: due on the contract’s day, maturing on its date', () => {
    const c = contract();
    expect(c.terms.maturityDate).toBe('2028-12-07');
    expect(c.terms.schedule.every((i) => i.dueDate.endsWith('-07'))).toBe(true);
    expect(contractedLoan(c)).toEqual({
      customerId: c.customerId,
      branchId: 'SH001',
      productCode: 'SMALL_BUSINESS',
      approvedAmount: '350000.00',
      schedule: {
        principal: '350000.00',
        annualRatePercent: '4.2000',
        term: 36,
        termUnit: 'month',
        repaymentMethod: 'equal_installments',
        disbursementDate: '2025-12-07',
        repaymentDay: 7,
      },
      rateType: 'fixed',
      lprTerm: undefined,
      spreadBp: 0,
      repricing: undefined,
      penaltyMarkupPercent: '50.00',
    });
    expect(scheduleDeparture(c)).toBeUndefined();
  });

  it('reads an LPR basis as a floating loan with its spread and repricing rule', () => {
    const loan = contractedLoan(contract({ rateBasis: 'RATE_BASIS_UNSPECIFIED', spreadBp: 0 }));
    expect(loan.rateType).toBe('fixed');
    const floating = contractedLoan(
      contract({
        rateBasis: 'RATE_BASIS_LPR_5Y',
        spreadBp: -30,
        repricing: 'anniversary',
      }),
    );
    expect(floating).toMatchObject({
      rateType: 'floating',
      lprTerm: '5Y',
      spreadBp: -30,
      repricing: 'anniversary',
    });
  });

  it('accepts a request that names nothing, or only the contract’s own values', () => {
    const c = contract();
    expect(differencesFromContract(c, empty)).toEqual([]);
    expect(
      differencesFromContract(c, {
        ...empty,
        customerId: c.customerId.toUpperCase(),
        branchId: 'SH001',
        productCode: 'SMALL_BUSINESS',
        approvedAmount: '350000',
        rateType: 'fixed',
        penaltyMarkupPercent: '50',
        schedule: { annualRatePercent: '4.2', repaymentDay: 7, disbursementDate: '2025-12-07' },
      }),
    ).toEqual([]);
  });

  it('refuses every value that differs from the contract, naming the field', () => {
    const c = contract();
    const fields = differencesFromContract(c, {
      customerId: '0190a0a0-0000-7000-8000-000000000999',
      branchId: 'ZZ999',
      productCode: 'NO_SUCH_PRODUCT',
      approvedAmount: '400000.00',
      rateType: 'floating',
      lprTerm: '1Y',
      spreadBp: 25,
      repricing: 'january_first',
      penaltyMarkupPercent: '30',
      schedule: { repaymentDay: 21, disbursementDate: '2025-12-21', dayCount: 'ACT/365' },
    });
    expect(fields.map((f) => f.field)).toEqual([
      'customerId',
      'branchId',
      'productCode',
      'approvedAmount',
      'rateType',
      'lprTerm',
      'spreadBp',
      'repricing',
      'penaltyMarkupPercent',
      'schedule.repaymentDay',
      'schedule.disbursementDate',
      'schedule.dayCount',
    ]);
    expect(fields[9]!.reason).toBe('must be 7, as contract HT202500000001 fixes it');
    expect(fields[11]!.reason).toBe(
      "is not a term of contract HT202500000001; the loan takes the contract's schedule",
    );
  });

  it('notices a contract whose printed schedule the terms no longer produce', () => {
    const c = contract();
    const tampered = {
      ...c,
      terms: {
        ...c.terms,
        schedule: c.terms.schedule.map((i, n) => (n === 2 ? { ...i, interest: '1.00' } : i)),
      },
    };
    expect(scheduleDeparture(tampered)).toBe('installment 3 differs from the one printed');
    const shorter = { ...c, terms: { ...c.terms, schedule: c.terms.schedule.slice(1) } };
    expect(scheduleDeparture(shorter)).toBe('36 installments instead of the 35 printed');
  });
});
