import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { formatIsoDate } from './calendar';
import {
  assess,
  DEFAULT_RULESET,
  knockouts,
  parseRuleSet,
  ruleSetInEffect,
  type AssessmentInput,
  type Outcome,
  type RuleSet,
} from './preassessment';
import { CUSTOMER_TYPES, PRODUCT_CATEGORIES } from './products';
import { REPAYMENT_METHODS } from './schedule';

const d = (value: string | number) => new Decimal(value);

// 100,000 over 12 months at 4.35%, equal installments: 8530.99 a month (see schedule.test.ts).
const consumerLoan: AssessmentInput = {
  asOf: '2026-03-01',
  customerType: 'individual',
  productCategory: 'consumer',
  amount: d(100000),
  termMonths: 12,
  repaymentMethod: 'equal_installments',
  ratePercent: d('4.35'),
  applicant: {
    birthDate: '1990-03-07',
    monthlyIncome: d(30000),
    existingMonthlyDebtPayments: d(2000),
  },
  blacklistHit: false,
  otherPendingApplications: 0,
};

const workingCapitalLoan: AssessmentInput = {
  asOf: '2026-03-01',
  customerType: 'corporate',
  productCategory: 'working_capital',
  amount: d(9000000),
  termMonths: 12,
  repaymentMethod: 'interest_only',
  ratePercent: d('3.6'),
  applicant: { annualRevenue: d(40000000), registeredCapital: d(5000000) },
  blacklistHit: false,
  otherPendingApplications: 0,
};

function withApplicant(
  input: AssessmentInput,
  applicant: Partial<AssessmentInput['applicant']>,
): AssessmentInput {
  return { ...input, applicant: { ...input.applicant, ...applicant } };
}

function resultOf(input: AssessmentInput, ruleId: string, ruleSet: RuleSet = DEFAULT_RULESET) {
  const result = assess(input, ruleSet).results.find((r) => r.ruleId === ruleId);
  if (!result) throw new Error(`rule ${ruleId} did not run`);
  return { outcome: result.outcome, reason: result.reason };
}

describe('assess with the default rule set', () => {
  it('recommends a sound consumer loan with a full score and says why each rule passed', () => {
    expect(assess(consumerLoan, DEFAULT_RULESET)).toEqual({
      ruleSetVersion: '2026.1',
      score: 100,
      opinion: 'recommend',
      results: [
        { ruleId: 'blacklist', outcome: 'pass', reason: 'applicant is not on the blacklist' },
        {
          ruleId: 'age_at_maturity',
          outcome: 'pass',
          reason: 'applicant is 35 now and will be 36 at maturity on 2027-03-01 (allowed 18 to 65)',
        },
        {
          ruleId: 'debt_to_income',
          outcome: 'pass',
          // (8530.99 + 2000) / 30000 = 35.1033%
          reason:
            'debt-to-income 35.10% is within 45% (new installment 8530.99 + existing 2000.00, monthly income 30000.00)',
        },
        {
          ruleId: 'amount_to_income',
          outcome: 'pass',
          reason: 'amount 100000.00 is 3.33 times monthly income 30000.00, within 20',
        },
        {
          ruleId: 'pending_application',
          outcome: 'pass',
          reason: 'no other applications are in progress',
        },
      ],
    });
  });

  describe('debt-to-income', () => {
    it('fails above 55%, with the figures', () => {
      // (8530.99 + 3709.01) / 20000 = 61.20%
      const input = withApplicant(consumerLoan, {
        monthlyIncome: d(20000),
        existingMonthlyDebtPayments: d('3709.01'),
      });
      expect(resultOf(input, 'debt_to_income')).toEqual({
        outcome: 'fail',
        reason:
          'debt-to-income 61.20% exceeds 55% (new installment 8530.99 + existing 3709.01, monthly income 20000.00)',
      });
      const assessment = assess(input, DEFAULT_RULESET);
      expect([assessment.score, assessment.opinion]).toEqual([60, 'decline']);
    });

    it('warns above 45% and cautions', () => {
      // 8530.99 / 18000 = 47.3944%
      const input = withApplicant(consumerLoan, {
        monthlyIncome: d(18000),
        existingMonthlyDebtPayments: d(0),
      });
      expect(resultOf(input, 'debt_to_income').outcome).toBe('warn');
      expect(resultOf(input, 'debt_to_income').reason).toMatch(
        /^debt-to-income 47\.39% exceeds 45% /,
      );
      const assessment = assess(input, DEFAULT_RULESET);
      expect([assessment.score, assessment.opinion]).toEqual([85, 'caution']);
    });

    it('treats the thresholds as limits: exactly 45.00% passes, exactly 55.00% only warns', () => {
      const at = (existing: string) =>
        resultOf(
          withApplicant(consumerLoan, {
            monthlyIncome: d(20000),
            existingMonthlyDebtPayments: d(existing),
          }),
          'debt_to_income',
        ).outcome;
      expect(at('469.01')).toBe('pass'); // 9000.00 / 20000
      expect(at('469.02')).toBe('pass'); // 45.00005% shows as 45.00%
      expect(at('470.01')).toBe('warn'); // 45.005% shows as 45.01%
      expect(at('2469.01')).toBe('warn'); // 11000.00 / 20000
      expect(at('2471.01')).toBe('fail'); // 55.01%
    });

    it('uses the first, largest installment of an equal-principal loan', () => {
      // 8333.33 + 362.50 = 8695.83; / 20000 = 43.479%
      const input = {
        ...withApplicant(consumerLoan, {
          monthlyIncome: d(20000),
          existingMonthlyDebtPayments: d(0),
        }),
        repaymentMethod: 'equal_principal' as const,
      };
      expect(resultOf(input, 'debt_to_income').reason).toMatch(
        /^debt-to-income 43\.48% is within 45% \(new installment 8695\.83 /,
      );
    });

    it('counts only the interest of a bullet loan and nothing of a lump-sum loan', () => {
      const business: AssessmentInput = {
        ...consumerLoan,
        productCategory: 'business',
        amount: d(1000000),
        ratePercent: d('3.6'),
        repaymentMethod: 'interest_only',
        applicant: {
          ...consumerLoan.applicant,
          monthlyIncome: d(10000),
          existingMonthlyDebtPayments: d(0),
        },
      };
      expect(resultOf(business, 'debt_to_income').reason).toMatch(
        /^debt-to-income 30\.00% .*new installment 3000\.00 /,
      );
      const lumpSum = withApplicant(
        { ...business, repaymentMethod: 'bullet' },
        { existingMonthlyDebtPayments: d(1000) },
      );
      expect(resultOf(lumpSum, 'debt_to_income').reason).toMatch(
        /^debt-to-income 10\.00% .*new installment 0\.00 \+ existing 1000\.00/,
      );
    });

    it('warns, rather than crashing, when the monthly income is missing', () => {
      const input = withApplicant(consumerLoan, { monthlyIncome: undefined });
      expect(resultOf(input, 'debt_to_income')).toEqual({
        outcome: 'warn',
        reason: 'monthly income is missing, so debt-to-income cannot be checked',
      });
    });

    it('assumes no existing debt when it is not given, and says so with a warning', () => {
      const input = withApplicant(consumerLoan, { existingMonthlyDebtPayments: undefined });
      expect(resultOf(input, 'debt_to_income')).toEqual({
        outcome: 'warn',
        reason:
          'debt-to-income 28.44% is within 45% (new installment 8530.99 + existing not given, monthly income 30000.00); existing debt payments were not given and count as 0.00',
      });
    });

    it('still fails when the new installment alone is too much, even without existing debt', () => {
      // 8530.99 / 15000 = 56.87%
      const input = withApplicant(consumerLoan, {
        monthlyIncome: d(15000),
        existingMonthlyDebtPayments: undefined,
      });
      expect(resultOf(input, 'debt_to_income').outcome).toBe('fail');
      expect(resultOf(input, 'debt_to_income').reason).toMatch(
        /^debt-to-income 56\.87% exceeds 55% /,
      );
    });

    it('fails when there is no income at all', () => {
      const input = withApplicant(consumerLoan, { monthlyIncome: d(0) });
      expect(resultOf(input, 'debt_to_income')).toEqual({
        outcome: 'fail',
        reason: 'monthly income is 0.00, so monthly debt payments of 10530.99 cannot be serviced',
      });
    });
  });

  describe('age at maturity', () => {
    it('fails a minor and passes someone who turned 18 today', () => {
      expect(
        resultOf(withApplicant(consumerLoan, { birthDate: '2008-03-02' }), 'age_at_maturity'),
      ).toEqual({ outcome: 'fail', reason: 'applicant is 17, below the minimum age of 18' });
      expect(
        resultOf(withApplicant(consumerLoan, { birthDate: '2008-03-01' }), 'age_at_maturity')
          .outcome,
      ).toBe('pass');
    });

    it('fails when the applicant would be past 65 at maturity, counting the term', () => {
      const fiveYears = { ...consumerLoan, termMonths: 60 }; // matures 2031-03-01
      expect(
        resultOf(withApplicant(fiveYears, { birthDate: '1965-06-15' }), 'age_at_maturity'),
      ).toEqual({
        outcome: 'pass',
        reason: 'applicant is 60 now and will be 65 at maturity on 2031-03-01 (allowed 18 to 65)',
      });
      expect(
        resultOf(withApplicant(fiveYears, { birthDate: '1965-03-01' }), 'age_at_maturity'),
      ).toEqual({
        outcome: 'fail',
        reason: 'applicant will be 66 at maturity on 2031-03-01, above the maximum of 65',
      });
    });

    it('lets a mortgage run to 70 under its own rule', () => {
      const mortgage: AssessmentInput = {
        ...consumerLoan,
        productCategory: 'mortgage',
        amount: d(1000000),
        termMonths: 360, // matures 2056-03-01
        applicant: { ...consumerLoan.applicant, birthDate: '1986-01-01' },
      };
      const ids = assess(mortgage, DEFAULT_RULESET).results.map((r) => r.ruleId);
      expect(ids).toContain('age_at_maturity_mortgage');
      expect(ids).not.toContain('age_at_maturity');
      expect(resultOf(mortgage, 'age_at_maturity_mortgage')).toEqual({
        outcome: 'pass',
        reason: 'applicant is 40 now and will be 70 at maturity on 2056-03-01 (allowed 18 to 70)',
      });
      expect(
        resultOf(withApplicant(mortgage, { birthDate: '1985-03-02' }), 'age_at_maturity_mortgage')
          .outcome,
      ).toBe('pass');
      expect(
        resultOf(withApplicant(mortgage, { birthDate: '1985-03-01' }), 'age_at_maturity_mortgage'),
      ).toEqual({
        outcome: 'fail',
        reason: 'applicant will be 71 at maturity on 2056-03-01, above the maximum of 70',
      });
    });

    it.each([
      [undefined, 'birth date is missing, so age cannot be checked'],
      [
        '1990-02-30',
        'birth date is unusable (1990-02-30 is not a real calendar date), so age cannot be checked',
      ],
      ['2026-03-02', 'birth date 2026-03-02 is after 2026-03-01'],
    ])('warns when the birth date is %p', (birthDate, reason) => {
      expect(resultOf(withApplicant(consumerLoan, { birthDate }), 'age_at_maturity')).toEqual({
        outcome: 'warn',
        reason,
      });
    });
  });

  describe('amount to income', () => {
    it('fails above 20 times monthly income', () => {
      const input = {
        ...withApplicant(consumerLoan, { monthlyIncome: d(20000) }),
        amount: d(500000),
      };
      expect(resultOf(input, 'amount_to_income')).toEqual({
        outcome: 'fail',
        reason: 'amount 500000.00 is 25.00 times monthly income 20000.00, above the limit of 20',
      });
    });

    it('passes at exactly 20 times', () => {
      const input = {
        ...withApplicant(consumerLoan, { monthlyIncome: d(25000) }),
        amount: d(500000),
      };
      expect(resultOf(input, 'amount_to_income').outcome).toBe('pass');
    });

    it('applies to consumer loans only', () => {
      const business = { ...consumerLoan, productCategory: 'business' as const };
      expect(assess(business, DEFAULT_RULESET).results.map((r) => r.ruleId)).not.toContain(
        'amount_to_income',
      );
    });

    it('warns when the income is missing', () => {
      expect(
        resultOf(withApplicant(consumerLoan, { monthlyIncome: undefined }), 'amount_to_income'),
      ).toEqual({
        outcome: 'warn',
        reason: 'monthly income is missing, so amount-to-income cannot be checked',
      });
    });
  });

  describe('corporate customers', () => {
    it('runs only the corporate rules and recommends a sound company', () => {
      const assessment = assess(workingCapitalLoan, DEFAULT_RULESET);
      expect(assessment.results.map((r) => [r.ruleId, r.outcome])).toEqual([
        ['blacklist', 'pass'],
        ['amount_to_revenue', 'pass'],
        ['registered_capital_min', 'pass'],
        ['pending_application', 'pass'],
      ]);
      expect([assessment.score, assessment.opinion]).toEqual([100, 'recommend']);
      expect(resultOf(workingCapitalLoan, 'amount_to_revenue').reason).toBe(
        'amount 9000000.00 is 22.50% of annual revenue 40000000.00, within 30%',
      );
    });

    it('fails a loan above 30% of annual revenue and passes exactly 30%', () => {
      expect(resultOf({ ...workingCapitalLoan, amount: d(15000000) }, 'amount_to_revenue')).toEqual(
        {
          outcome: 'fail',
          reason: 'amount 15000000.00 is 37.50% of annual revenue 40000000.00, above 30%',
        },
      );
      expect(
        resultOf({ ...workingCapitalLoan, amount: d(12000000) }, 'amount_to_revenue').outcome,
      ).toBe('pass');
    });

    it('only warns about registered capital below 1,000,000', () => {
      const input = withApplicant(workingCapitalLoan, { registeredCapital: d(500000) });
      expect(resultOf(input, 'registered_capital_min')).toEqual({
        outcome: 'warn',
        reason: 'registered capital 500000.00 is below the minimum of 1000000.00',
      });
      expect([
        assess(input, DEFAULT_RULESET).score,
        assess(input, DEFAULT_RULESET).opinion,
      ]).toEqual([90, 'caution']);
    });

    it('warns about missing revenue and capital', () => {
      const input: AssessmentInput = { ...workingCapitalLoan, applicant: {} };
      expect(resultOf(input, 'amount_to_revenue')).toEqual({
        outcome: 'warn',
        reason: 'annual revenue is missing, so amount-to-revenue cannot be checked',
      });
      expect(resultOf(input, 'registered_capital_min')).toEqual({
        outcome: 'warn',
        reason: 'registered capital is missing, so it cannot be checked',
      });
    });

    it('fails a company with no revenue', () => {
      const input = withApplicant(workingCapitalLoan, { annualRevenue: d(0) });
      expect(resultOf(input, 'amount_to_revenue')).toEqual({
        outcome: 'fail',
        reason: 'annual revenue is 0.00',
      });
    });
  });

  it('declines a blacklisted applicant with a score of 0', () => {
    const assessment = assess({ ...consumerLoan, blacklistHit: true }, DEFAULT_RULESET);
    expect(assessment.results[0]).toEqual({
      ruleId: 'blacklist',
      outcome: 'fail',
      reason: 'applicant is on the blacklist',
    });
    expect([assessment.score, assessment.opinion]).toEqual([0, 'decline']);
  });

  it('warns about other applications in progress', () => {
    expect(
      resultOf({ ...consumerLoan, otherPendingApplications: 1 }, 'pending_application'),
    ).toEqual({
      outcome: 'warn',
      reason: '1 other application is in progress, more than the 0 allowed',
    });
    expect(
      resultOf({ ...consumerLoan, otherPendingApplications: 2 }, 'pending_application').reason,
    ).toBe('2 other applications are in progress, more than the 0 allowed');
  });

  it('names what the other applications in progress ask for', () => {
    expect(
      resultOf(
        { ...consumerLoan, otherPendingApplications: 2, otherPendingAmount: d('350000.5') },
        'pending_application',
      ).reason,
    ).toBe('2 other applications are in progress (350000.50 yuan), more than the 0 allowed');
    expect(
      resultOf({ ...consumerLoan, otherPendingAmount: d(0) }, 'pending_application').reason,
    ).toBe('no other applications are in progress');
  });

  it("adds the customer's payments to this bank to debt-to-income", () => {
    // 8530.99 + 2000.00 + 3469.01 = 14000.00 of 30000.00 = 46.67 %: above the warning line.
    expect(
      resultOf({ ...consumerLoan, bankMonthlyDebtPayments: d('3469.01') }, 'debt_to_income'),
    ).toEqual({
      outcome: 'warn',
      reason:
        'debt-to-income 46.67% exceeds 45% (new installment 8530.99 + existing 2000.00 + ' +
        "this bank's loans and applications 3469.01, monthly income 30000.00)",
    });
    // Nothing at this bank reads as before.
    expect(resultOf({ ...consumerLoan, bankMonthlyDebtPayments: d(0) }, 'debt_to_income')).toEqual(
      resultOf(consumerLoan, 'debt_to_income'),
    );
  });

  it('names a blacklist hit as the knockout that declines at submission, and nothing else', () => {
    const hit = assess({ ...consumerLoan, blacklistHit: true }, DEFAULT_RULESET);
    expect(knockouts(hit, DEFAULT_RULESET)).toEqual([
      { code: 'blacklist', reason: 'applicant is on the blacklist' },
    ]);
    // A failed rule that is not a knockout leaves the decision to the bankers.
    const tooMuchDebt = assess(
      withApplicant(consumerLoan, { existingMonthlyDebtPayments: d(20000) }),
      DEFAULT_RULESET,
    );
    expect(tooMuchDebt.results.some((r) => r.outcome === 'fail')).toBe(true);
    expect(knockouts(tooMuchDebt, DEFAULT_RULESET)).toEqual([]);
  });

  it('declines on score when warnings pile up, even without a failure', () => {
    // Missing income (15 + 10), missing birth date (10), another application (10): 100 - 45 = 55.
    const input: AssessmentInput = {
      ...consumerLoan,
      applicant: {},
      otherPendingApplications: 1,
    };
    const assessment = assess(input, DEFAULT_RULESET);
    expect(assessment.results.every((r) => r.outcome !== 'fail')).toBe(true);
    expect([assessment.score, assessment.opinion]).toEqual([55, 'caution']);
    const strict = { ...DEFAULT_RULESET, opinion: { recommendMinScore: 90, cautionMinScore: 60 } };
    expect([assess(input, strict).score, assess(input, strict).opinion]).toEqual([55, 'decline']);
  });

  it('never lets the score go below 0', () => {
    const input = {
      ...withApplicant(consumerLoan, { monthlyIncome: d(1000) }),
      blacklistHit: true,
    };
    expect(assess(input, DEFAULT_RULESET).score).toBe(0);
  });

  it('refuses a malformed asOf as a programming error', () => {
    expect(() => assess({ ...consumerLoan, asOf: '2026-13-01' }, DEFAULT_RULESET)).toThrow(
      RangeError,
    );
  });
});

describe('assess properties', () => {
  const amount = fc.integer({ min: 1_000_00, max: 50_000_000_00 }).map((n) => d(n).div(100));
  const optionalMoney = fc.option(
    fc.integer({ min: 0, max: 100_000_000_00 }).map((n) => d(n).div(100)),
    { nil: undefined },
  );
  const birthDate = fc.option(
    fc
      .record({
        year: fc.integer({ min: 1940, max: 2015 }),
        month: fc.integer({ min: 1, max: 12 }),
        day: fc.integer({ min: 1, max: 28 }),
      })
      .map(formatIsoDate),
    { nil: undefined },
  );
  const input: fc.Arbitrary<AssessmentInput> = fc.record({
    asOf: fc.constant('2026-03-01'),
    customerType: fc.constantFrom(...CUSTOMER_TYPES),
    productCategory: fc.constantFrom(...PRODUCT_CATEGORIES),
    amount,
    termMonths: fc.integer({ min: 1, max: 360 }),
    repaymentMethod: fc.constantFrom(...REPAYMENT_METHODS),
    ratePercent: fc.integer({ min: 1, max: 359_999 }).map((n) => d(n).div(10_000)),
    applicant: fc.record({
      birthDate,
      monthlyIncome: optionalMoney,
      existingMonthlyDebtPayments: optionalMoney,
      annualRevenue: optionalMoney,
      registeredCapital: optionalMoney,
    }),
    blacklistHit: fc.boolean(),
    otherPendingApplications: fc.integer({ min: 0, max: 3 }),
  });

  it('scores 100 minus the penalties, clamped, and forms the opinion from outcomes and score', () => {
    fc.assert(
      fc.property(input, (application) => {
        const { score, opinion, results } = assess(application, DEFAULT_RULESET);
        const penalties = results.reduce((total, r) => {
          const rule = DEFAULT_RULESET.rules.find((x) => x.id === r.ruleId);
          return total + (r.outcome === 'pass' || !rule ? 0 : rule.penalty[r.outcome]);
        }, 0);
        expect(score).toBe(Math.max(0, 100 - penalties));
        expect(Number.isInteger(score)).toBe(true);

        const outcomes = new Set(results.map((r) => r.outcome));
        if (outcomes.has('fail') || score < 50) expect(opinion).toBe('decline');
        else if (outcomes.has('warn') || score < 80) expect(opinion).toBe('caution');
        else expect(opinion).toBe('recommend');
        if (application.blacklistHit) expect(opinion).toBe('decline');
      }),
    );
  });

  it('gives every rule a reason, and only runs rules that apply', () => {
    fc.assert(
      fc.property(input, (application) => {
        const { results } = assess(application, DEFAULT_RULESET);
        for (const r of results) {
          const rule = DEFAULT_RULESET.rules.find((x) => x.id === r.ruleId);
          expect(rule?.appliesTo?.includes(application.customerType) ?? true).toBe(true);
          expect(rule?.categories?.includes(application.productCategory) ?? true).toBe(true);
          expect(r.reason.length).toBeGreaterThan(10);
        }
      }),
    );
  });

  it('never judges debt-to-income worse for a higher income', () => {
    const rank: Record<Outcome, number> = { pass: 0, warn: 1, fail: 2 };
    fc.assert(
      fc.property(
        input,
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (application, income, raise) => {
          const individual = { ...application, customerType: 'individual' as const };
          const lower = resultOf(
            withApplicant(individual, { monthlyIncome: d(income) }),
            'debt_to_income',
          );
          const higher = resultOf(
            withApplicant(individual, { monthlyIncome: d(income + raise) }),
            'debt_to_income',
          );
          expect(rank[higher.outcome]).toBeLessThanOrEqual(rank[lower.outcome]);
        },
      ),
    );
  });

  it('gives the same answer from a rule set read back from JSON', () => {
    const parsed = parseRuleSet(JSON.parse(JSON.stringify(DEFAULT_RULESET)));
    if (!parsed.ok) throw new Error(parsed.reason);
    fc.assert(
      fc.property(input, (application) => {
        expect(assess(application, parsed.value)).toEqual(assess(application, DEFAULT_RULESET));
      }),
    );
  });
});

describe('parseRuleSet', () => {
  // The stored JSON, loosely typed so that tests can damage it.
  type StoredRuleSet = Record<string, unknown> & {
    rules: Record<string, unknown>[];
    opinion: Record<string, unknown>;
  };
  const stored = (): StoredRuleSet => JSON.parse(JSON.stringify(DEFAULT_RULESET));

  it('reads back the default rule set unchanged from JSON', () => {
    expect(parseRuleSet(stored())).toStrictEqual({ ok: true, value: DEFAULT_RULESET });
  });

  it('copies rather than trusting the stored object', () => {
    const json = stored();
    const parsed = parseRuleSet(json);
    expect(parsed.ok && parsed.value).not.toBe(json);
  });

  const broken = (mutate: (ruleSet: StoredRuleSet) => void): unknown => {
    const json = stored();
    mutate(json);
    return json;
  };

  it.each<[string, unknown, string]>([
    ['null', null, 'ruleSet must be an object'],
    ['an array', [], 'ruleSet must be an object'],
    ['no version', broken((r) => delete r.version), 'ruleSet.version must be a non-empty string'],
    [
      'an empty version',
      broken((r) => (r.version = ' ')),
      'ruleSet.version must be a non-empty string',
    ],
    [
      'an impossible effectiveFrom',
      broken((r) => (r.effectiveFrom = '2026-02-30')),
      'ruleSet.effectiveFrom is not valid: 2026-02-30 is not a real calendar date',
    ],
    ['no rules', broken((r) => (r.rules = [])), 'ruleSet.rules must be a non-empty array'],
    [
      'an unknown top-level field',
      broken((r) => (r.weights = {})),
      'ruleSet.weights is not a known field',
    ],
    [
      'an unknown kind',
      broken((r) => (r.rules[0].kind = 'credit_score')),
      'ruleSet.rules[0].kind must be one of age_at_maturity, debt_to_income, amount_to_income, amount_to_revenue, registered_capital_min, blacklist, pending_application',
    ],
    [
      'a misspelt field',
      broken((r) => {
        r.rules[3].warnAbovePercnt = r.rules[3].warnAbovePercent;
        delete r.rules[3].warnAbovePercent;
      }),
      'ruleSet.rules[3].warnAbovePercnt is not a known field',
    ],
    [
      'a percentage as a number',
      broken((r) => (r.rules[3].failAbovePercent = 55)),
      'ruleSet.rules[3].failAbovePercent must be a positive decimal string such as "45"',
    ],
    [
      'a percentage with a sign',
      broken((r) => (r.rules[3].failAbovePercent = '55%')),
      'ruleSet.rules[3].failAbovePercent must be a positive decimal string such as "45"',
    ],
    [
      'warn above fail',
      broken((r) => (r.rules[3].warnAbovePercent = '60')),
      'ruleSet.rules[3].warnAbovePercent must not be above failAbovePercent',
    ],
    [
      'min age above max',
      broken((r) => (r.rules[1].min = 70)),
      'ruleSet.rules[1].min must be below max',
    ],
    [
      'a fractional age',
      broken((r) => (r.rules[1].max = 65.5)),
      'ruleSet.rules[1].max must be a whole number from 0 to 120',
    ],
    [
      'a zero multiple',
      broken((r) => (r.rules[4].maxMultiple = 0)),
      'ruleSet.rules[4].maxMultiple must be a positive number',
    ],
    [
      'an unknown severity',
      broken((r) => (r.rules[4].severity = 'block')),
      'ruleSet.rules[4].severity must be one of warn, fail',
    ],
    [
      'an unknown customer type',
      broken((r) => (r.rules[1].appliesTo = ['individual', 'government'])),
      'ruleSet.rules[1].appliesTo[1] must be one of individual, corporate',
    ],
    [
      'an empty category list',
      broken((r) => (r.rules[1].categories = [])),
      'ruleSet.rules[1].categories must be a non-empty array when given',
    ],
    [
      'a penalty above 100',
      broken((r) => (r.rules[0].penalty = { warn: 0, fail: 101 })),
      'ruleSet.rules[0].penalty.fail must be a whole number from 0 to 100',
    ],
    [
      'no penalty',
      broken((r) => delete r.rules[0].penalty),
      'ruleSet.rules[0].penalty must be an object',
    ],
    [
      'a repeated id',
      broken((r) => (r.rules[2].id = 'age_at_maturity')),
      'ruleSet.rules[2].id repeats "age_at_maturity"',
    ],
    [
      'a negative pending limit',
      broken((r) => (r.rules[7].maxOthers = -1)),
      'ruleSet.rules[7].maxOthers must be a whole number from 0 to 1000',
    ],
    [
      'caution threshold above recommend',
      broken((r) => (r.opinion.cautionMinScore = 90)),
      'ruleSet.opinion.cautionMinScore must not be above recommendMinScore',
    ],
  ])('refuses %s', (_, json, reason) => {
    expect(parseRuleSet(json)).toEqual({ ok: false, reason });
  });
});

describe('ruleSetInEffect', () => {
  const version = (v: string, effectiveFrom: string): RuleSet => ({
    ...DEFAULT_RULESET,
    version: v,
    effectiveFrom,
  });
  const sets = [
    version('2026.1', '2026-01-01'),
    version('2026.2', '2026-07-01'),
    version('2025.1', '2025-01-01'),
  ];

  it('picks the latest rule set already in force', () => {
    expect(ruleSetInEffect(sets, '2026-06-30')?.version).toBe('2026.1');
    expect(ruleSetInEffect(sets, '2026-07-01')?.version).toBe('2026.2');
    expect(ruleSetInEffect(sets, '2025-12-31')?.version).toBe('2025.1');
  });

  it('finds none before the first one takes effect', () => {
    expect(ruleSetInEffect(sets, '2024-12-31')).toBeUndefined();
    expect(ruleSetInEffect([], '2026-01-01')).toBeUndefined();
  });
});
