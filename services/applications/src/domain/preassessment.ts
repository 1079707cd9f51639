import { Decimal } from 'decimal.js';
import { addMonths, ageOn, parseIsoDate } from './calendar';
import { accepted, refused, type Check } from './field';
import { Exact, formatAmount, MONEY_ROUNDING } from './money';
import {
  CUSTOMER_TYPES,
  PRODUCT_CATEGORIES,
  type CustomerType,
  type ProductCategory,
} from './products';
import { monthlyInstallment, type RepaymentMethod } from './schedule';

export type Outcome = 'pass' | 'warn' | 'fail';
export type Opinion = 'recommend' | 'caution' | 'decline';
/** What breaching a single-threshold rule means for the application. */
export type Severity = 'warn' | 'fail';

/** Points taken off the score of 100 when the rule warns or fails. */
export interface Penalty {
  warn: number;
  fail: number;
}

interface RuleBase {
  /** Unique within the rule set; shown to the credit officer next to the outcome. */
  id: string;
  /** Customer types the rule applies to; all when absent. */
  appliesTo?: CustomerType[];
  /** Product categories the rule applies to; all when absent. */
  categories?: ProductCategory[];
  penalty: Penalty;
}

/** At least `min` years old on application, at most `max` at maturity. */
export interface AgeAtMaturityRule extends RuleBase {
  kind: 'age_at_maturity';
  min: number;
  max: number;
}

/** All monthly debt payments, the new loan's first installment included, against monthly income. */
export interface DebtToIncomeRule extends RuleBase {
  kind: 'debt_to_income';
  warnAbovePercent: string;
  failAbovePercent: string;
}

/** Loan amount as a multiple of monthly income. */
export interface AmountToIncomeRule extends RuleBase {
  kind: 'amount_to_income';
  maxMultiple: number;
  severity: Severity;
}

/** Loan amount as a percentage of the company's annual revenue. */
export interface AmountToRevenueRule extends RuleBase {
  kind: 'amount_to_revenue';
  maxPercent: string;
  severity: Severity;
}

/** Minimum registered capital of a corporate borrower, in yuan. */
export interface RegisteredCapitalMinRule extends RuleBase {
  kind: 'registered_capital_min';
  minAmount: string;
  severity: Severity;
}

/** A blacklist hit always fails, and declines the application at submission (a knockout). */
export interface BlacklistRule extends RuleBase {
  kind: 'blacklist';
}

/** How many other applications of the same customer may be in progress. */
export interface PendingApplicationRule extends RuleBase {
  kind: 'pending_application';
  maxOthers: number;
  severity: Severity;
}

export type RuleDef =
  | AgeAtMaturityRule
  | DebtToIncomeRule
  | AmountToIncomeRule
  | AmountToRevenueRule
  | RegisteredCapitalMinRule
  | BlacklistRule
  | PendingApplicationRule;
export type RuleKind = RuleDef['kind'];

/** A versioned set of pre-assessment rules; plain JSON so it can be stored and audited. */
export interface RuleSet {
  version: string;
  /** YYYY-MM-DD: the first business day the rule set is used. */
  effectiveFrom: string;
  rules: RuleDef[];
  /** Score bands; a failed rule declines and a warning cautions whatever the score. */
  opinion: { recommendMinScore: number; cautionMinScore: number };
}

export interface AssessmentInput {
  /** YYYY-MM-DD */
  asOf: string;
  customerType: CustomerType;
  productCategory: ProductCategory;
  amount: Decimal;
  termMonths: number;
  repaymentMethod: RepaymentMethod;
  ratePercent: Decimal;
  applicant: {
    birthDate?: string;
    monthlyIncome?: Decimal;
    existingMonthlyDebtPayments?: Decimal;
    annualRevenue?: Decimal;
    registeredCapital?: Decimal;
  };
  blacklistHit: boolean;
  /** The customer's other applications under way here: submitted, approved or contracted. */
  otherPendingApplications: number;
  /** What those applications ask for (approved figures once approved), yuan. */
  otherPendingAmount?: Decimal;
  /**
   * The customer's monthly payments to this bank: the first installments of those applications
   * and the next installments of the loans it has booked (from the accounting books). Added to
   * the payments the applicant states (debts elsewhere) in debt-to-income.
   */
  bankMonthlyDebtPayments?: Decimal;
}

export interface RuleResult {
  ruleId: string;
  outcome: Outcome;
  reason: string;
}

export interface Assessment {
  ruleSetVersion: string;
  /** Integer 0-100. */
  score: number;
  opinion: Opinion;
  /** One per rule that applies to the customer type and product category, in rule-set order. */
  results: RuleResult[];
}

export const DEFAULT_RULESET: RuleSet = {
  version: '2026.1',
  effectiveFrom: '2026-01-01',
  rules: [
    { id: 'blacklist', kind: 'blacklist', penalty: { warn: 0, fail: 100 } },
    {
      id: 'age_at_maturity',
      kind: 'age_at_maturity',
      min: 18,
      max: 65,
      appliesTo: ['individual'],
      categories: ['consumer', 'business'],
      penalty: { warn: 10, fail: 40 },
    },
    {
      // Housing loans run longer, so banks allow a later maturity.
      id: 'age_at_maturity_mortgage',
      kind: 'age_at_maturity',
      min: 18,
      max: 70,
      appliesTo: ['individual'],
      categories: ['mortgage'],
      penalty: { warn: 10, fail: 40 },
    },
    {
      id: 'debt_to_income',
      kind: 'debt_to_income',
      warnAbovePercent: '45',
      failAbovePercent: '55',
      appliesTo: ['individual'],
      penalty: { warn: 15, fail: 40 },
    },
    {
      id: 'amount_to_income',
      kind: 'amount_to_income',
      maxMultiple: 20,
      severity: 'fail',
      appliesTo: ['individual'],
      categories: ['consumer'],
      penalty: { warn: 10, fail: 30 },
    },
    {
      id: 'amount_to_revenue',
      kind: 'amount_to_revenue',
      maxPercent: '30',
      severity: 'fail',
      appliesTo: ['corporate'],
      penalty: { warn: 10, fail: 40 },
    },
    {
      // Capital is subscribed, not necessarily paid in, so a shortfall is a signal, not a bar.
      id: 'registered_capital_min',
      kind: 'registered_capital_min',
      minAmount: '1000000.00',
      severity: 'warn',
      appliesTo: ['corporate'],
      penalty: { warn: 10, fail: 30 },
    },
    {
      id: 'pending_application',
      kind: 'pending_application',
      maxOthers: 0,
      severity: 'warn',
      penalty: { warn: 10, fail: 30 },
    },
  ],
  opinion: { recommendMinScore: 80, cautionMinScore: 50 },
};

type Verdict = { outcome: Outcome; reason: string };

const pass = (reason: string): Verdict => ({ outcome: 'pass', reason });
const warn = (reason: string): Verdict => ({ outcome: 'warn', reason });
const fail = (reason: string): Verdict => ({ outcome: 'fail', reason });
const breach = (severity: Severity, reason: string): Verdict => ({ outcome: severity, reason });

/** A ratio rounded half up to 2 places; rules compare this shown figure so reasons never contradict. */
function ratio(numerator: Decimal, denominator: Decimal, scale: number): Decimal {
  return new Exact(numerator).times(scale).div(denominator).toDecimalPlaces(2, MONEY_ROUNDING);
}

const percentText = (d: Decimal) => `${d.toFixed(2)}%`;
const limitText = (text: string) => new Decimal(text).toString();

function applies(rule: RuleDef, input: AssessmentInput): boolean {
  return (
    (rule.appliesTo === undefined || rule.appliesTo.includes(input.customerType)) &&
    (rule.categories === undefined || rule.categories.includes(input.productCategory))
  );
}

function checkAgeAtMaturity(rule: AgeAtMaturityRule, input: AssessmentInput): Verdict {
  const birthDate = input.applicant.birthDate;
  if (birthDate === undefined) return warn('birth date is missing, so age cannot be checked');
  const parsed = parseIsoDate(birthDate);
  if (!parsed.ok)
    return warn(`birth date is unusable (${parsed.reason}), so age cannot be checked`);
  if (birthDate > input.asOf) return warn(`birth date ${birthDate} is after ${input.asOf}`);
  const maturity = addMonths(input.asOf, input.termMonths);
  const ageNow = ageOn(birthDate, input.asOf);
  const ageAtMaturity = ageOn(birthDate, maturity);
  if (ageNow < rule.min) {
    return fail(`applicant is ${ageNow}, below the minimum age of ${rule.min}`);
  }
  if (ageAtMaturity > rule.max) {
    return fail(
      `applicant will be ${ageAtMaturity} at maturity on ${maturity}, above the maximum of ${rule.max}`,
    );
  }
  return pass(
    `applicant is ${ageNow} now and will be ${ageAtMaturity} at maturity on ${maturity} ` +
      `(allowed ${rule.min} to ${rule.max})`,
  );
}

function checkDebtToIncome(rule: DebtToIncomeRule, input: AssessmentInput): Verdict {
  const income = input.applicant.monthlyIncome;
  if (income === undefined) {
    return warn('monthly income is missing, so debt-to-income cannot be checked');
  }
  const installment = monthlyInstallment(
    input.amount,
    input.ratePercent,
    input.termMonths,
    input.repaymentMethod,
  );
  const existing = input.applicant.existingMonthlyDebtPayments;
  const bank = input.bankMonthlyDebtPayments;
  const debt = new Exact(installment).plus(existing ?? 0).plus(bank ?? 0);
  if (!income.greaterThan(0)) {
    return fail(
      `monthly income is ${formatAmount(income)}, so monthly debt payments of ` +
        `${formatAmount(debt)} cannot be serviced`,
    );
  }
  const dti = ratio(debt, income, 100);
  const figures =
    `(new installment ${formatAmount(installment)} + existing ` +
    `${existing === undefined ? 'not given' : formatAmount(existing)}` +
    (bank !== undefined && bank.greaterThan(0)
      ? ` + this bank's loans and applications ${formatAmount(bank)}`
      : '') +
    `, monthly income ${formatAmount(income)})`;
  const failAbove = new Decimal(rule.failAbovePercent);
  const warnAbove = new Decimal(rule.warnAbovePercent);
  const assumed =
    existing === undefined ? '; existing debt payments were not given and count as 0.00' : '';
  if (dti.greaterThan(failAbove)) {
    return fail(
      `debt-to-income ${percentText(dti)} exceeds ${limitText(rule.failAbovePercent)}% ${figures}`,
    );
  }
  if (dti.greaterThan(warnAbove)) {
    return warn(
      `debt-to-income ${percentText(dti)} exceeds ${limitText(rule.warnAbovePercent)}% ${figures}${assumed}`,
    );
  }
  const within = `debt-to-income ${percentText(dti)} is within ${limitText(rule.warnAbovePercent)}% ${figures}`;
  return existing === undefined ? warn(within + assumed) : pass(within);
}

function checkAmountToIncome(rule: AmountToIncomeRule, input: AssessmentInput): Verdict {
  const income = input.applicant.monthlyIncome;
  if (income === undefined) {
    return warn('monthly income is missing, so amount-to-income cannot be checked');
  }
  if (!income.greaterThan(0)) {
    return breach(rule.severity, `monthly income is ${formatAmount(income)}`);
  }
  const multiple = ratio(input.amount, income, 1);
  const figures =
    `amount ${formatAmount(input.amount)} is ${multiple.toFixed(2)} times ` +
    `monthly income ${formatAmount(income)}`;
  if (multiple.greaterThan(rule.maxMultiple)) {
    return breach(rule.severity, `${figures}, above the limit of ${rule.maxMultiple}`);
  }
  return pass(`${figures}, within ${rule.maxMultiple}`);
}

function checkAmountToRevenue(rule: AmountToRevenueRule, input: AssessmentInput): Verdict {
  const revenue = input.applicant.annualRevenue;
  if (revenue === undefined) {
    return warn('annual revenue is missing, so amount-to-revenue cannot be checked');
  }
  if (!revenue.greaterThan(0)) {
    return breach(rule.severity, `annual revenue is ${formatAmount(revenue)}`);
  }
  const share = ratio(input.amount, revenue, 100);
  const figures =
    `amount ${formatAmount(input.amount)} is ${percentText(share)} ` +
    `of annual revenue ${formatAmount(revenue)}`;
  const limit = `${limitText(rule.maxPercent)}%`;
  if (share.greaterThan(rule.maxPercent)) {
    return breach(rule.severity, `${figures}, above ${limit}`);
  }
  return pass(`${figures}, within ${limit}`);
}

function checkRegisteredCapital(rule: RegisteredCapitalMinRule, input: AssessmentInput): Verdict {
  const capital = input.applicant.registeredCapital;
  if (capital === undefined) {
    return warn('registered capital is missing, so it cannot be checked');
  }
  const minimum = formatAmount(new Decimal(rule.minAmount));
  if (capital.lessThan(rule.minAmount)) {
    return breach(
      rule.severity,
      `registered capital ${formatAmount(capital)} is below the minimum of ${minimum}`,
    );
  }
  return pass(`registered capital ${formatAmount(capital)} meets the minimum of ${minimum}`);
}

function checkPendingApplications(rule: PendingApplicationRule, input: AssessmentInput): Verdict {
  const others = input.otherPendingApplications;
  const amount =
    others > 0 && input.otherPendingAmount !== undefined
      ? ` (${formatAmount(input.otherPendingAmount)} yuan)`
      : '';
  const counted = `${others} other application${others === 1 ? ' is' : 's are'} in progress${amount}`;
  if (others > rule.maxOthers) {
    return breach(rule.severity, `${counted}, more than the ${rule.maxOthers} allowed`);
  }
  return pass(
    others === 0 ? 'no other applications are in progress' : `${counted}, within ${rule.maxOthers}`,
  );
}

function evaluate(rule: RuleDef, input: AssessmentInput): Verdict {
  switch (rule.kind) {
    case 'age_at_maturity':
      return checkAgeAtMaturity(rule, input);
    case 'debt_to_income':
      return checkDebtToIncome(rule, input);
    case 'amount_to_income':
      return checkAmountToIncome(rule, input);
    case 'amount_to_revenue':
      return checkAmountToRevenue(rule, input);
    case 'registered_capital_min':
      return checkRegisteredCapital(rule, input);
    case 'blacklist':
      return input.blacklistHit
        ? fail('applicant is on the blacklist')
        : pass('applicant is not on the blacklist');
    case 'pending_application':
      return checkPendingApplications(rule, input);
  }
}

const OPINION_SEVERITY: Record<Opinion, number> = { recommend: 0, caution: 1, decline: 2 };

/**
 * The knockout rules (a blacklist hit) that failed, by rule code with the reason: an application
 * with any is declined at submission, without an approval process.
 */
export function knockouts(
  assessment: Assessment,
  ruleSet: RuleSet,
): { code: string; reason: string }[] {
  const knockoutIds = new Set(ruleSet.rules.filter((r) => r.kind === 'blacklist').map((r) => r.id));
  return assessment.results
    .filter((r) => r.outcome === 'fail' && knockoutIds.has(r.ruleId))
    .map((r) => ({ code: r.ruleId, reason: r.reason }));
}

/** Runs every applicable rule of the rule set against the application and scores it. */
export function assess(input: AssessmentInput, ruleSet: RuleSet): Assessment {
  const asOf = parseIsoDate(input.asOf);
  if (!asOf.ok) throw new RangeError(`asOf: ${asOf.reason}`);

  const results: RuleResult[] = [];
  let penalty = 0;
  for (const rule of ruleSet.rules) {
    if (!applies(rule, input)) continue;
    const { outcome, reason } = evaluate(rule, input);
    if (outcome !== 'pass') penalty += rule.penalty[outcome];
    results.push({ ruleId: rule.id, outcome, reason });
  }
  const score = Math.max(0, Math.min(100, 100 - penalty));

  const byOutcome: Opinion = results.some((r) => r.outcome === 'fail')
    ? 'decline'
    : results.some((r) => r.outcome === 'warn')
      ? 'caution'
      : 'recommend';
  const { recommendMinScore, cautionMinScore } = ruleSet.opinion;
  const byScore: Opinion =
    score >= recommendMinScore ? 'recommend' : score >= cautionMinScore ? 'caution' : 'decline';
  const opinion = OPINION_SEVERITY[byScore] > OPINION_SEVERITY[byOutcome] ? byScore : byOutcome;

  return { ruleSetVersion: ruleSet.version, score, opinion, results };
}

/** The rule set in force on `asOf`: the latest one whose effectiveFrom is not after it. */
export function ruleSetInEffect(ruleSets: RuleSet[], asOf: string): RuleSet | undefined {
  return ruleSets
    .filter((set) => set.effectiveFrom <= asOf)
    .reduce<RuleSet | undefined>(
      (latest, set) =>
        latest === undefined || set.effectiveFrom > latest.effectiveFrom ? set : latest,
      undefined,
    );
}

// Reading a stored rule set: every field is checked, unknown keys are refused (they are typos).

class RuleSetShapeError extends Error {}

function shapeError(path: string, problem: string): never {
  throw new RuleSetShapeError(`${path} ${problem}`);
}

function readObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    shapeError(path, 'must be an object');
  }
  return value as Record<string, unknown>;
}

function refuseUnknownKeys(record: Record<string, unknown>, allowed: string[], path: string): void {
  const unknown = Object.keys(record).find((key) => !allowed.includes(key));
  if (unknown !== undefined) shapeError(`${path}.${unknown}`, 'is not a known field');
}

function readText(record: Record<string, unknown>, key: string, path: string): string {
  const value = record[key];
  if (typeof value !== 'string' || value.trim() === '') {
    shapeError(`${path}.${key}`, 'must be a non-empty string');
  }
  return value;
}

function readInteger(
  record: Record<string, unknown>,
  key: string,
  path: string,
  min: number,
  max: number,
): number {
  const value = record[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    shapeError(`${path}.${key}`, `must be a whole number from ${min} to ${max}`);
  }
  return value;
}

/** A positive decimal string; thresholds stay strings so no float ever touches them. */
function readPositiveDecimal(record: Record<string, unknown>, key: string, path: string): string {
  const value = record[key];
  if (typeof value !== 'string' || !/^\d+(\.\d+)?$/.test(value) || new Decimal(value).isZero()) {
    shapeError(`${path}.${key}`, 'must be a positive decimal string such as "45"');
  }
  return value;
}

function asChoice<T extends string>(value: unknown, path: string, choices: readonly T[]): T {
  const choice = choices.find((c) => c === value);
  if (choice === undefined) shapeError(path, `must be one of ${choices.join(', ')}`);
  return choice;
}

function readChoice<T extends string>(
  record: Record<string, unknown>,
  key: string,
  path: string,
  choices: readonly T[],
): T {
  return asChoice(record[key], `${path}.${key}`, choices);
}

function readOptionalChoices<T extends string>(
  record: Record<string, unknown>,
  key: string,
  path: string,
  choices: readonly T[],
): T[] | undefined {
  const value: unknown = record[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) {
    shapeError(`${path}.${key}`, 'must be a non-empty array when given');
  }
  return (value as unknown[]).map((item, i) => asChoice(item, `${path}.${key}[${i}]`, choices));
}

const KIND_FIELDS: Record<RuleKind, string[]> = {
  age_at_maturity: ['min', 'max'],
  debt_to_income: ['warnAbovePercent', 'failAbovePercent'],
  amount_to_income: ['maxMultiple', 'severity'],
  amount_to_revenue: ['maxPercent', 'severity'],
  registered_capital_min: ['minAmount', 'severity'],
  blacklist: [],
  pending_application: ['maxOthers', 'severity'],
};
const RULE_KINDS = Object.keys(KIND_FIELDS) as RuleKind[];
const SEVERITIES: readonly Severity[] = ['warn', 'fail'];

function readRule(value: unknown, path: string): RuleDef {
  const record = readObject(value, path);
  const kind = readChoice(record, 'kind', path, RULE_KINDS);
  refuseUnknownKeys(
    record,
    ['id', 'kind', 'appliesTo', 'categories', 'penalty', ...KIND_FIELDS[kind]],
    path,
  );
  const penaltyRecord = readObject(record.penalty, `${path}.penalty`);
  refuseUnknownKeys(penaltyRecord, ['warn', 'fail'], `${path}.penalty`);
  const base: RuleBase = {
    id: readText(record, 'id', path),
    penalty: {
      warn: readInteger(penaltyRecord, 'warn', `${path}.penalty`, 0, 100),
      fail: readInteger(penaltyRecord, 'fail', `${path}.penalty`, 0, 100),
    },
  };
  const appliesTo = readOptionalChoices(record, 'appliesTo', path, CUSTOMER_TYPES);
  if (appliesTo !== undefined) base.appliesTo = appliesTo;
  const categories = readOptionalChoices(record, 'categories', path, PRODUCT_CATEGORIES);
  if (categories !== undefined) base.categories = categories;

  switch (kind) {
    case 'age_at_maturity': {
      const min = readInteger(record, 'min', path, 0, 120);
      const max = readInteger(record, 'max', path, 0, 120);
      if (min >= max) shapeError(`${path}.min`, 'must be below max');
      return { ...base, kind, min, max };
    }
    case 'debt_to_income': {
      const warnAbovePercent = readPositiveDecimal(record, 'warnAbovePercent', path);
      const failAbovePercent = readPositiveDecimal(record, 'failAbovePercent', path);
      if (new Decimal(warnAbovePercent).greaterThan(failAbovePercent)) {
        shapeError(`${path}.warnAbovePercent`, 'must not be above failAbovePercent');
      }
      return { ...base, kind, warnAbovePercent, failAbovePercent };
    }
    case 'amount_to_income': {
      const maxMultiple = record.maxMultiple;
      if (typeof maxMultiple !== 'number' || !Number.isFinite(maxMultiple) || maxMultiple <= 0) {
        shapeError(`${path}.maxMultiple`, 'must be a positive number');
      }
      return {
        ...base,
        kind,
        maxMultiple,
        severity: readChoice(record, 'severity', path, SEVERITIES),
      };
    }
    case 'amount_to_revenue':
      return {
        ...base,
        kind,
        maxPercent: readPositiveDecimal(record, 'maxPercent', path),
        severity: readChoice(record, 'severity', path, SEVERITIES),
      };
    case 'registered_capital_min':
      return {
        ...base,
        kind,
        minAmount: readPositiveDecimal(record, 'minAmount', path),
        severity: readChoice(record, 'severity', path, SEVERITIES),
      };
    case 'blacklist':
      return { ...base, kind };
    case 'pending_application':
      return {
        ...base,
        kind,
        maxOthers: readInteger(record, 'maxOthers', path, 0, 1000),
        severity: readChoice(record, 'severity', path, SEVERITIES),
      };
  }
}

function readRuleSet(json: unknown): RuleSet {
  const record = readObject(json, 'ruleSet');
  refuseUnknownKeys(record, ['version', 'effectiveFrom', 'rules', 'opinion'], 'ruleSet');
  const version = readText(record, 'version', 'ruleSet');
  const effectiveFrom = readText(record, 'effectiveFrom', 'ruleSet');
  const date = parseIsoDate(effectiveFrom);
  if (!date.ok) shapeError('ruleSet.effectiveFrom', `is not valid: ${date.reason}`);

  const rawRules: unknown = record.rules;
  if (!Array.isArray(rawRules) || rawRules.length === 0) {
    shapeError('ruleSet.rules', 'must be a non-empty array');
  }
  const rules = (rawRules as unknown[]).map((rule, i) => readRule(rule, `ruleSet.rules[${i}]`));
  const seen = new Set<string>();
  rules.forEach((rule, i) => {
    if (seen.has(rule.id)) shapeError(`ruleSet.rules[${i}].id`, `repeats "${rule.id}"`);
    seen.add(rule.id);
  });

  const opinion = readObject(record.opinion, 'ruleSet.opinion');
  refuseUnknownKeys(opinion, ['recommendMinScore', 'cautionMinScore'], 'ruleSet.opinion');
  const recommendMinScore = readInteger(opinion, 'recommendMinScore', 'ruleSet.opinion', 0, 100);
  const cautionMinScore = readInteger(opinion, 'cautionMinScore', 'ruleSet.opinion', 0, 100);
  if (cautionMinScore > recommendMinScore) {
    shapeError('ruleSet.opinion.cautionMinScore', 'must not be above recommendMinScore');
  }
  return { version, effectiveFrom, rules, opinion: { recommendMinScore, cautionMinScore } };
}

/** Checks the shape of a rule set read from storage; the reason names the first bad field. */
export function parseRuleSet(json: unknown): Check<RuleSet> {
  try {
    return accepted(readRuleSet(json));
  } catch (error) {
    if (error instanceof RuleSetShapeError) return refused(error.message);
    throw error;
  }
}
