// 贷后检查: each product has an inspection plan (the first inspection some days after the loan
// is opened, then one every so many days); an inspection records what was found.
import { addDays, daysBetween } from '@loanflow/platform';
import { Violations, type Validated } from './fields';

export interface InspectionPlan {
  productCode: string;
  /** Days from one completed inspection to the next. */
  frequencyDays: number;
  /** Days from the loan's opening (disbursement) to its first inspection. */
  firstAfterDays: number;
}

export const INSPECTION_KINDS = ['on_site', 'off_site'] as const;
export type InspectionKind = (typeof INSPECTION_KINDS)[number];

export const INSPECTION_RESULTS = ['normal', 'attention', 'risk'] as const;
export type InspectionResult = (typeof INSPECTION_RESULTS)[number];

/** Ten years: a longer cycle is a typing mistake, not a plan. */
export const MAX_PLAN_DAYS = 3660;
export const MAX_RISK_SIGNALS = 20;

/**
 * When a loan's next inspection falls due: `firstAfterDays` after it was opened until one has
 * been done, then `frequencyDays` after the latest one done. (The due-inspections query of the
 * repository computes the same in SQL to filter the loan book; keep the two alike.)
 */
export function nextInspectionDue(
  openedOn: string,
  plan: Pick<InspectionPlan, 'frequencyDays' | 'firstAfterDays'>,
  lastInspectedOn?: string,
): string {
  return lastInspectedOn
    ? addDays(lastInspectedOn, plan.frequencyDays)
    : addDays(openedOn, plan.firstAfterDays);
}

/** Days past the due date on `asOf`: 0 on the due date itself, negative before it. */
export const daysOverdue = (dueOn: string, asOf: string): number => daysBetween(dueOn, asOf);

export const isInspectionDue = (dueOn: string, asOf: string): boolean => dueOn <= asOf;

export interface InspectionPlanInput {
  productCode: string;
  frequencyDays: number;
  firstAfterDays: number;
}

const PRODUCT_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

export function checkInspectionPlan(input: InspectionPlanInput): Validated<InspectionPlan> {
  const v = new Violations();
  if (!PRODUCT_CODE.test(input.productCode))
    v.add('productCode', 'must be a product code such as PERSONAL_CONSUMER');
  const days = (field: string, n: number, min: number) => {
    if (!Number.isInteger(n) || n < min || n > MAX_PLAN_DAYS)
      v.add(field, `must be a whole number of days from ${min} to ${MAX_PLAN_DAYS}`);
  };
  days('frequencyDays', input.frequencyDays, 1);
  days('firstAfterDays', input.firstAfterDays, 0);
  return v.result(() => ({ ...input }));
}

/** An inspection as entered; strings as they came over the wire. */
export interface InspectionInput {
  requestId: string;
  inspectedOn: string;
  /** Who inspected; the recording officer when left empty. */
  inspector: string;
  kind: string;
  findings: string;
  riskSignals: string[];
  result: string;
}

export interface NewInspection {
  requestId: string;
  inspectedOn: string;
  inspector: string;
  kind: InspectionKind;
  findings: string;
  riskSignals: string[];
  result: InspectionResult;
}

/**
 * Checks an inspection of a loan opened on `openedOn`. It cannot predate the loan or lie in the
 * future; a finding of risk must name at least one risk signal, and findings are always written.
 */
export function checkInspection(
  input: InspectionInput,
  ctx: { openedOn: string; today: string; recordedBy: string },
): Validated<NewInspection> {
  const v = new Violations();
  const requestId = v.requestId('requestId', input.requestId);
  const inspectedOn = v.dateBetween(
    'inspectedOn',
    input.inspectedOn,
    { date: ctx.openedOn, what: 'the day the loan was opened' },
    ctx.today,
  );
  const inspector = v.text('inspector', input.inspector, { max: 100 }) || ctx.recordedBy;
  const kind = v.oneOf('kind', input.kind, INSPECTION_KINDS);
  const findings = v.text('findings', input.findings, { required: true, max: 4000 });
  const result = v.oneOf('result', input.result, INSPECTION_RESULTS);

  const riskSignals: string[] = [];
  if (input.riskSignals.length > MAX_RISK_SIGNALS)
    v.add('riskSignals', `must list at most ${MAX_RISK_SIGNALS} signals`);
  input.riskSignals.forEach((raw, i) => {
    const signal = v.text(`riskSignals.${i}`, raw, { required: true, max: 200 });
    if (!signal) return;
    if (riskSignals.includes(signal)) v.add(`riskSignals.${i}`, 'repeats an earlier signal');
    else riskSignals.push(signal);
  });
  if (result === 'risk' && input.riskSignals.length === 0)
    v.add('riskSignals', 'name at least one risk signal when the result is risk');

  return v.result(() => ({
    requestId,
    inspectedOn: inspectedOn!,
    inspector,
    kind: kind!,
    findings,
    riskSignals,
    result: result!,
  }));
}
