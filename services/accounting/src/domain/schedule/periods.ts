import {
  dateInMonth,
  monthIndex,
  calendarDate,
  type DayNumber,
  type RepaymentDay,
} from './calendar';

export type TermUnit = 'month' | 'week' | 'day';

/** What fixes the due dates: the unit and length of a period and where the first one falls. */
export interface DueDateRule {
  termUnit: TermUnit;
  /** Units per period (months, weeks or days). */
  repayEvery: number;
  disbursementDate: DayNumber;
  firstRepaymentDate?: DayNumber;
  repaymentDay?: RepaymentDay;
}

/**
 * Due dates on a grid. For months, every date is taken from the rule (repayment day, else the
 * day of the first repayment date, else the day of disbursement), so a due date on the 31st
 * rolls 31 Jan → 28/29 Feb → 31 Mar and never drifts.
 */
export interface DueDateGrid {
  /** The due date `offset` periods after the first one (negative offsets go back). */
  dueDate(offset: number): DayNumber;
}

function dayOfMonthRule(rule: DueDateRule): RepaymentDay {
  if (rule.repaymentDay !== undefined) return rule.repaymentDay;
  return calendarDate(rule.firstRepaymentDate ?? rule.disbursementDate).day;
}

export function dueDateGrid(rule: DueDateRule): DueDateGrid {
  const every = rule.repayEvery;
  if (rule.termUnit === 'month') {
    const day = dayOfMonthRule(rule);
    // Without a first repayment date the first due date is the repayment day in the month
    // `repayEvery` months after the disbursement month (the mainland 放款次月 rule).
    const firstMonth =
      rule.firstRepaymentDate !== undefined
        ? monthIndex(rule.firstRepaymentDate)
        : monthIndex(rule.disbursementDate) + every;
    return { dueDate: (offset) => dateInMonth(firstMonth + offset * every, day) };
  }
  const length = every * (rule.termUnit === 'week' ? 7 : 1);
  const first = rule.firstRepaymentDate ?? rule.disbursementDate + length;
  return { dueDate: (offset) => first + offset * length };
}

/** Where the first period stands against a regular one ending on the first due date. */
export type FirstPeriod =
  | { kind: 'regular' }
  /** Longer: one regular period plus `extraFrom`..`extraTo` before it. */
  | { kind: 'long'; extraFrom: DayNumber; extraTo: DayNumber }
  /** Shorter than a regular period. */
  | { kind: 'short' };

export function firstPeriodKind(grid: DueDateGrid, disbursementDate: DayNumber): FirstPeriod {
  const regularStart = grid.dueDate(-1);
  if (regularStart === disbursementDate) return { kind: 'regular' };
  if (regularStart > disbursementDate) {
    return { kind: 'long', extraFrom: disbursementDate, extraTo: regularStart };
  }
  return { kind: 'short' };
}
