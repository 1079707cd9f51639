// The repayment schedule library of issue 4 §1: pure functions, no I/O.
import { buildSchedule, type Schedule } from './build';
import { validateScheduleRequest, type FieldError } from './terms';

export { buildSchedule, type Schedule, type ScheduleInstallment } from './build';
export {
  validateScheduleRequest,
  REPAYMENT_METHODS,
  type FieldError,
  type InterestBasis,
  type RepaymentMethod,
  type ScheduleTerms,
  type Validated,
} from './terms';
export { DAY_COUNTS, yearFraction, type DayCount, type RepaymentDay } from './calendar';
export type { TermUnit } from './periods';
export type { RoundingMode } from './decimal';

export type SchedulePreview = { ok: true; value: Schedule } | { ok: false; errors: FieldError[] };

/**
 * Answers `POST /api/v1/schedules:preview`: validates the raw request body and builds the
 * schedule, or lists every field that is wrong and why. Nothing is saved.
 */
export function previewSchedule(input: unknown): SchedulePreview {
  const terms = validateScheduleRequest(input);
  return terms.ok ? { ok: true, value: buildSchedule(terms.value) } : terms;
}
