import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { parseAmount, parseRatePercent } from './money';
import {
  checkDraftAgainstProduct,
  DOCUMENT_TYPES,
  findProduct,
  SEED_PRODUCTS,
  validityOf,
  type LoanDraft,
  type LoanProduct,
} from './products';
import { REPAYMENT_METHODS } from './schedule';

const d = (value: string | number) => new Decimal(value);

function product(code: string): LoanProduct {
  const found = findProduct(code);
  if (!found) throw new Error(`no seed product ${code}`);
  return found;
}

const consumer = product('PERSONAL_CONSUMER');
const goodDraft: LoanDraft = {
  customerType: 'individual',
  amount: d(100000),
  termMonths: 12,
  repaymentMethod: 'equal_installments',
  ratePercent: d('4.35'),
};

describe('SEED_PRODUCTS', () => {
  it('offers the four products with the agreed customer types, amounts and terms', () => {
    expect(
      SEED_PRODUCTS.map((p) => [
        p.code,
        p.nameZh,
        p.customerType,
        p.category,
        p.minAmount,
        p.maxAmount,
        p.minTermMonths,
        p.maxTermMonths,
      ]),
    ).toEqual([
      [
        'PERSONAL_CONSUMER',
        '个人消费贷款',
        'individual',
        'consumer',
        '10000.00',
        '500000.00',
        6,
        60,
      ],
      [
        'SMALL_BUSINESS',
        '小微企业经营贷款',
        'individual',
        'business',
        '50000.00',
        '3000000.00',
        12,
        36,
      ],
      [
        'CORP_WORKING_CAPITAL',
        '流动资金贷款',
        'corporate',
        'working_capital',
        '500000.00',
        '50000000.00',
        6,
        36,
      ],
      ['MORTGAGE', '个人住房贷款', 'individual', 'mortgage', '100000.00', '10000000.00', 60, 360],
    ]);
  });

  it.each(SEED_PRODUCTS.map((p) => [p.code, p] as const))('%s is internally consistent', (_, p) => {
    const min = parseAmount(p.minAmount);
    const max = parseAmount(p.maxAmount);
    expect(min.ok && max.ok && min.value.lessThan(max.value)).toBe(true);
    expect(Number.isInteger(p.minTermMonths) && p.minTermMonths >= 1).toBe(true);
    expect(p.minTermMonths).toBeLessThan(p.maxTermMonths);

    const [minRate, maxRate, reference] = [
      parseRatePercent(p.minRatePercent),
      parseRatePercent(p.maxRatePercent),
      parseRatePercent(p.referenceRatePercent),
    ];
    if (!minRate.ok || !maxRate.ok || !reference.ok) throw new Error('seed rate does not parse');
    expect(minRate.value.lessThan(maxRate.value)).toBe(true);
    expect(reference.value.greaterThanOrEqualTo(minRate.value)).toBe(true);
    expect(reference.value.lessThanOrEqualTo(maxRate.value)).toBe(true);

    expect(p.repaymentMethods.length).toBeGreaterThan(0);
    expect(p.repaymentMethods.every((m) => REPAYMENT_METHODS.includes(m))).toBe(true);
    expect(new Set(p.repaymentMethods).size).toBe(p.repaymentMethods.length);
    expect(
      p.requiredDocuments.every((doc) => (DOCUMENT_TYPES as readonly string[]).includes(doc)),
    ).toBe(true);
    expect(p.requiredDocuments).toContain('credit_report');
  });

  it('asks every borrower for both sides of an ID card and companies for a business license', () => {
    for (const p of SEED_PRODUCTS) {
      expect(p.requiredDocuments).toEqual(
        expect.arrayContaining(['id_card_front', 'id_card_back']),
      );
      if (p.customerType === 'corporate') expect(p.requiredDocuments).toContain('business_license');
      expect(p.requiredDocuments).toContain('investigation_report');
    }
    expect(product('MORTGAGE').requiredDocuments).toContain('purchase_contract');
    expect(product('CORP_WORKING_CAPITAL').requiredDocuments).toContain('financial_statements');
  });

  it('has unique codes', () => {
    expect(new Set(SEED_PRODUCTS.map((p) => p.code)).size).toBe(SEED_PRODUCTS.length);
  });

  it('survives a JSON round trip unchanged (products are stored as data)', () => {
    expect(JSON.parse(JSON.stringify(SEED_PRODUCTS))).toEqual(SEED_PRODUCTS);
  });
});

describe('validityOf', () => {
  it('takes the product’s validities, and the defaults for a product stored without them', () => {
    expect(validityOf(product('PERSONAL_CONSUMER'))).toEqual({
      decisionDays: 30,
      approvalDays: 90,
    });
    const { decisionValidityDays: _d, approvalValidityDays: _a, ...old } = product('MORTGAGE');
    expect(validityOf(old)).toEqual({ decisionDays: 90, approvalDays: 180 });
  });
});

describe('findProduct', () => {
  it('finds by code and returns undefined for an unknown one', () => {
    expect(findProduct('MORTGAGE')?.nameZh).toBe('个人住房贷款');
    expect(findProduct('mortgage')).toBeUndefined();
  });
});

describe('checkDraftAgainstProduct', () => {
  it('finds nothing wrong with a draft inside every limit', () => {
    expect(checkDraftAgainstProduct(goodDraft, consumer)).toEqual([]);
  });

  it('accepts the limits themselves', () => {
    for (const [amount, termMonths, rate] of [
      ['10000', 6, '3.00'],
      ['500000.00', 60, '18'],
    ] as const) {
      const draft = { ...goodDraft, amount: d(amount), termMonths, ratePercent: d(rate) };
      expect(checkDraftAgainstProduct(draft, consumer)).toEqual([]);
    }
  });

  it('names the amount range when the amount is outside it', () => {
    expect(checkDraftAgainstProduct({ ...goodDraft, amount: d('9999.99') }, consumer)).toEqual([
      {
        field: 'amount',
        reason:
          'must be between 10000.00 and 500000.00 yuan for Personal consumer loan (PERSONAL_CONSUMER) (got 9999.99)',
      },
    ]);
    expect(
      checkDraftAgainstProduct({ ...goodDraft, amount: d('500000.01') }, consumer).map(
        (v) => v.field,
      ),
    ).toEqual(['amount']);
  });

  it('names the term range when the term is outside it or not whole', () => {
    expect(checkDraftAgainstProduct({ ...goodDraft, termMonths: 61 }, consumer)).toEqual([
      {
        field: 'termMonths',
        reason:
          'must be a whole number of months between 6 and 60 for Personal consumer loan (PERSONAL_CONSUMER) (got 61)',
      },
    ]);
    for (const termMonths of [5, 0, -12, 12.5, Number.NaN]) {
      const violations = checkDraftAgainstProduct({ ...goodDraft, termMonths }, consumer);
      expect(violations.map((v) => v.field)).toEqual(['termMonths']);
    }
  });

  it('names the allowed methods when the method is not offered', () => {
    expect(checkDraftAgainstProduct({ ...goodDraft, repaymentMethod: 'bullet' }, consumer)).toEqual(
      [
        {
          field: 'repaymentMethod',
          reason:
            'bullet is not offered for Personal consumer loan (PERSONAL_CONSUMER); allowed: equal_installments, equal_principal',
        },
      ],
    );
    const unknown = checkDraftAgainstProduct(
      { ...goodDraft, repaymentMethod: 'balloon' },
      consumer,
    );
    expect(unknown.map((v) => v.field)).toEqual(['repaymentMethod']);
  });

  it('reports a customer of the wrong type against customerId', () => {
    const corporate = product('CORP_WORKING_CAPITAL');
    expect(
      checkDraftAgainstProduct(
        {
          ...goodDraft,
          amount: d(1000000),
          repaymentMethod: 'interest_only',
          ratePercent: d(4),
        },
        corporate,
      ),
    ).toEqual([
      {
        field: 'customerId',
        reason:
          'Working capital loan (CORP_WORKING_CAPITAL) is for corporate customers, not individual customers',
      },
    ]);
  });

  it('reports a rate outside the product range and skips the check without a rate', () => {
    expect(checkDraftAgainstProduct({ ...goodDraft, ratePercent: d('18.0001') }, consumer)).toEqual(
      [
        {
          field: 'ratePercent',
          reason:
            'must be between 3.00% and 18.00% for Personal consumer loan (PERSONAL_CONSUMER) (got 18.0001%)',
        },
      ],
    );
    expect(
      checkDraftAgainstProduct({ ...goodDraft, ratePercent: d('2.99') }, consumer).map(
        (v) => v.field,
      ),
    ).toEqual(['ratePercent']);
    const { ratePercent: _omitted, ...withoutRate } = goodDraft;
    expect(checkDraftAgainstProduct(withoutRate, consumer)).toEqual([]);
  });

  it('reports every problem at once, in form order', () => {
    const draft: LoanDraft = {
      customerType: 'corporate',
      amount: d(1),
      termMonths: 400,
      repaymentMethod: 'bullet',
      ratePercent: d(30),
    };
    expect(checkDraftAgainstProduct(draft, product('MORTGAGE')).map((v) => v.field)).toEqual([
      'customerId',
      'amount',
      'termMonths',
      'repaymentMethod',
      'ratePercent',
    ]);
  });

  it('flags the amount exactly when it lies outside [min, max]', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SEED_PRODUCTS),
        fc.bigInt({ min: 1n, max: 10n ** 11n }),
        (p, fen) => {
          const amount = d(fen.toString()).div(100);
          const draft: LoanDraft = {
            customerType: p.customerType,
            amount,
            termMonths: p.minTermMonths,
            repaymentMethod: p.repaymentMethods[0],
          };
          const outside = amount.lessThan(p.minAmount) || amount.greaterThan(p.maxAmount);
          const fields = checkDraftAgainstProduct(draft, p).map((v) => v.field);
          expect(fields).toEqual(outside ? ['amount'] : []);
        },
      ),
    );
  });

  it('flags the term exactly when it lies outside [min, max]', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SEED_PRODUCTS),
        fc.integer({ min: -5, max: 400 }),
        (p, termMonths) => {
          const draft: LoanDraft = {
            customerType: p.customerType,
            amount: d(p.minAmount),
            termMonths,
            repaymentMethod: p.repaymentMethods[0],
          };
          const outside = termMonths < p.minTermMonths || termMonths > p.maxTermMonths;
          expect(checkDraftAgainstProduct(draft, p).map((v) => v.field)).toEqual(
            outside ? ['termMonths'] : [],
          );
        },
      ),
    );
  });
});
