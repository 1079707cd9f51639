import {
  failedPrecondition,
  invalidArgument,
  requireRole,
  uuidv7,
  withTransaction,
  type Pool,
  type Principal,
  type Queryable,
} from '@loanflow/platform';
import type { accountingV1 as pb } from '@loanflow/proto';
import { parseIsoDate, type DayNumber } from '../domain/schedule/calendar';
import { toDay, toIso } from '../infra/loan-repo';
import { Fields } from './input';

export interface OpenDay {
  date: DayNumber;
  status: 'open' | 'closing';
}

/** Opens the first business date of a new book (once; later starts find it there). */
export async function ensureBusinessCalendar(pool: Pool, firstDate: string): Promise<void> {
  await pool.query(
    `INSERT INTO business_days (business_date, status)
     SELECT $1, 'open' WHERE NOT EXISTS (SELECT 1 FROM business_days)
     ON CONFLICT DO NOTHING`,
    [firstDate],
  );
}

export async function openBusinessDay(tx: Queryable): Promise<OpenDay> {
  const { rows } = await tx.query<{ business_date: string; status: 'open' | 'closing' }>(
    `SELECT business_date, status FROM business_days WHERE status <> 'closed'`,
  );
  if (!rows[0]) throw failedPrecondition('no business date is open');
  return { date: toDay(rows[0].business_date), status: rows[0].status };
}

/**
 * The open business date for a posting. Postings wait for no batch: while the end of day runs
 * they are refused, and the client retries on the next date.
 */
export async function postingDate(tx: Queryable): Promise<DayNumber> {
  // A shared lock on the open day row: the batch takes it exclusively to start closing.
  const { rows } = await tx.query<{ business_date: string; status: string }>(
    `SELECT business_date, status FROM business_days WHERE status <> 'closed' FOR SHARE`,
  );
  const day = rows[0];
  if (!day) throw failedPrecondition('no business date is open');
  if (day.status !== 'open') {
    throw failedPrecondition(
      `the end of day of ${day.business_date} is running; retry when it has closed`,
    );
  }
  return toDay(day.business_date);
}

export const isoDay = toIso;

/** The bank's calendar: today's date in its time zone, from an injected clock. */
export interface BankCalendar {
  timeZone: string;
  /** Today as YYYY-MM-DD in `timeZone`. */
  today(): string;
}

export function bankCalendar(timeZone: string, now: () => Date = () => new Date()): BankCalendar {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  return { timeZone, today: () => format.format(now()) };
}

/** How far ahead of the calendar a simulation may run: ten years (the same date ten years on). */
const horizonOf = (today: string) => `${Number(today.slice(0, 4)) + 10}${today.slice(4)}`;

interface SimulationRow {
  id: string;
  through_date: string;
  started_on: string;
  from_business_date: string;
  reason: string;
  started_by: string;
  started_at: Date;
  dates_closed: string[] | null;
}

const SIMULATION_COLUMNS = `s.id, s.through_date::text, s.started_on::text, s.from_business_date::text,
  s.reason, s.started_by, s.started_at,
  (SELECT array_agg(d.business_date::text ORDER BY d.business_date) FROM business_days d
    WHERE d.simulation_id = s.id) AS dates_closed`;

const simulationMessage = (r: SimulationRow): pb.BusinessDateSimulation => ({
  id: r.id,
  throughDate: r.through_date,
  startedOn: r.started_on,
  fromBusinessDate: r.from_business_date,
  reason: r.reason,
  startedBy: r.started_by,
  startedAt: r.started_at.toISOString(),
  datesClosed: r.dates_closed ?? [],
});

/**
 * The simulation that allows closing `day` ahead of the calendar: the latest one reaching it.
 * Undefined when there is none (then the date may not close before the calendar reaches it).
 */
export async function simulationCovering(
  tx: Queryable,
  day: DayNumber,
): Promise<pb.BusinessDateSimulation | undefined> {
  const { rows } = await tx.query<SimulationRow>(
    `SELECT ${SIMULATION_COLUMNS} FROM business_date_simulations s
      WHERE s.through_date >= $1 AND s.from_business_date <= $1
      ORDER BY s.started_at DESC LIMIT 1`,
    [toIso(day)],
  );
  return rows[0] && simulationMessage(rows[0]);
}

/** The open business date beside the calendar's, and the simulations recorded. */
export async function getBusinessDate(
  pool: Pool,
  calendar: BankCalendar,
): Promise<pb.GetBusinessDateResponse> {
  const open = await openBusinessDay(pool);
  const { rows } = await pool.query<{ d: string | null }>(
    `SELECT max(business_date)::text AS d FROM business_days WHERE status = 'closed'`,
  );
  const { rows: sims } = await pool.query<SimulationRow>(
    `SELECT ${SIMULATION_COLUMNS} FROM business_date_simulations s ORDER BY s.started_at DESC LIMIT 50`,
  );
  const today = calendar.today();
  const openIso = toIso(open.date);
  const lastClosed = rows[0]!.d ?? '';
  const active = openIso > today ? await simulationCovering(pool, open.date) : undefined;
  return {
    openBusinessDate: openIso,
    lastClosedDate: lastClosed,
    calendarDate: today,
    timeZone: calendar.timeZone,
    // The book has closed a date the calendar has not reached (only a simulation does that).
    aheadOfCalendar: lastClosed > today,
    activeSimulation: active,
    simulations: sims.map(simulationMessage),
  };
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
  req: pb.StartBusinessDateSimulationRequest,
  calendar: BankCalendar,
): Promise<pb.StartBusinessDateSimulationResponse> {
  requireRole(p, ['admin'], 'running business dates ahead of the calendar');
  const f = new Fields();
  const through = f.date('throughDate', req.throughDate);
  const reason = f.text('reason', req.reason, { required: true, max: 1000 });
  const today = calendar.today();
  const todayDay = parseIsoDate(today)!;
  if (through !== undefined && through <= todayDay)
    f.fail(
      'throughDate',
      `must be after today's date ${today} (${calendar.timeZone}); dates up to today close without a simulation`,
    );
  else if (through !== undefined && toIso(through) > horizonOf(today))
    f.fail('throughDate', `must be at most ten years after today's date ${today}`);
  f.done();
  return withTransaction(pool, async (tx) => {
    const open = await openBusinessDay(tx);
    if (through! < open.date)
      throw invalidArgument([
        {
          field: 'throughDate',
          reason: `must not be before the open business date ${toIso(open.date)}`,
        },
      ]);
    const id = uuidv7();
    await tx.query(
      `INSERT INTO business_date_simulations (id, through_date, started_on, from_business_date, reason, started_by)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [id, toIso(through!), today, toIso(open.date), reason, p.userId],
    );
    const { rows } = await tx.query<SimulationRow>(
      `SELECT ${SIMULATION_COLUMNS} FROM business_date_simulations s WHERE s.id = $1`,
      [id],
    );
    return { simulation: simulationMessage(rows[0]!) };
  });
}
