// The business date (营业日) of the book beside the bank's calendar, and simulations that let the
// book close dates ahead of the calendar for a recorded reason.
import {
  failedPrecondition,
  invalidArgument,
  isoDateOf,
  requireRole,
  uuidv7,
  withTransaction,
  type BankCalendar,
  type Principal,
} from '@loanflow/platform';
import type { DayNumber } from '../domain/schedule/calendar';
import * as calendarRepo from '../infra/calendar-repo';
import type { Simulation } from '../infra/calendar-repo';
import type { Db, Pool } from '../infra/db';
import { Fields } from './input';

export type { BankCalendar } from '@loanflow/platform';

export interface OpenDay {
  date: DayNumber;
  status: 'open' | 'closing';
}

export async function openBusinessDay(db: Db): Promise<OpenDay> {
  const day = await calendarRepo.unclosedBusinessDay(db);
  if (!day) throw failedPrecondition('no business date is open');
  return { date: day.date, status: day.status };
}

/**
 * The open business date for a posting. Postings wait for no batch: while the end of day runs
 * they are refused, and the client retries on the next date.
 */
export async function postingDate(tx: Db): Promise<DayNumber> {
  const day = await calendarRepo.unclosedBusinessDay(tx, 'share');
  if (!day) throw failedPrecondition('no business date is open');
  if (day.status !== 'open') {
    throw failedPrecondition(`the end of day of ${day.iso} is running; retry when it has closed`);
  }
  return day.date;
}

/** How far ahead of the calendar a simulation may run: ten years (the same date ten years on). */
const horizonOf = (today: string) => `${Number(today.slice(0, 4)) + 10}${today.slice(4)}`;

export interface BusinessDateView {
  openBusinessDate: string;
  lastClosedDate: string;
  calendarDate: string;
  timeZone: string;
  /** The book has closed a date the calendar has not reached (only a simulation does that). */
  aheadOfCalendar: boolean;
  activeSimulation: Simulation | undefined;
  simulations: Simulation[];
}

/** The open business date beside the calendar's, and the simulations recorded. */
export async function getBusinessDate(
  pool: Pool,
  calendar: BankCalendar,
): Promise<BusinessDateView> {
  const open = await openBusinessDay(pool);
  const lastClosed = (await calendarRepo.lastClosedDate(pool)) ?? '';
  const today = calendar.today();
  const openIso = isoDateOf(open.date);
  return {
    openBusinessDate: openIso,
    lastClosedDate: lastClosed,
    calendarDate: today,
    timeZone: calendar.timeZone,
    aheadOfCalendar: lastClosed > today,
    activeSimulation:
      openIso > today ? await calendarRepo.simulationCovering(pool, open.date) : undefined,
    simulations: await calendarRepo.recentSimulations(pool, 50),
  };
}

export interface SimulationRequest {
  throughDate: string;
  reason: string;
}

/**
 * 模拟/补跑: an administrator allows the book to close business dates later than today's
 * calendar date, up to `throughDate`, and says why. Recorded (who, when, from which open date,
 * through which date); every date it closes ahead of the calendar points back to it. Dates up to
 * today (catching up a book that fell behind) need none.
 */
export async function startBusinessDateSimulation(
  pool: Pool,
  p: Principal,
  req: SimulationRequest,
  calendar: BankCalendar,
): Promise<Simulation> {
  requireRole(p, ['admin'], 'running business dates ahead of the calendar');
  const f = new Fields();
  const through = f.date('throughDate', req.throughDate);
  const reason = f.text('reason', req.reason, { required: true, max: 1000 });
  const today = calendar.today();
  if (through !== undefined && isoDateOf(through) <= today)
    f.fail(
      'throughDate',
      `must be after today's date ${today} (${calendar.timeZone}); dates up to today close without a simulation`,
    );
  else if (through !== undefined && isoDateOf(through) > horizonOf(today))
    f.fail('throughDate', `must be at most ten years after today's date ${today}`);
  f.done();
  return withTransaction(pool, async (tx) => {
    const open = await openBusinessDay(tx);
    if (through! < open.date)
      throw invalidArgument([
        {
          field: 'throughDate',
          reason: `must not be before the open business date ${isoDateOf(open.date)}`,
        },
      ]);
    return calendarRepo.insertSimulation(tx, {
      id: uuidv7(),
      throughDate: isoDateOf(through!),
      startedOn: today,
      fromBusinessDate: isoDateOf(open.date),
      reason: reason!,
      startedBy: p.userId,
    });
  });
}
