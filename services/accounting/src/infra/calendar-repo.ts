// The business calendar in PostgreSQL: the open business date and the recorded simulations.
import type { Queryable } from '@loanflow/platform';
import type { DayNumber } from '../domain/schedule/calendar';
import { toDay, toIso } from './loan-repo';

export interface BusinessDayRow {
  date: DayNumber;
  iso: string;
  status: 'open' | 'closing';
}

/** A recorded simulation (模拟/补跑), with the dates it closed ahead of the calendar. */
export interface Simulation {
  id: string;
  throughDate: string;
  startedOn: string;
  fromBusinessDate: string;
  reason: string;
  startedBy: string;
  startedAt: Date;
  datesClosed: string[];
}

/** Opens the first business date of a new book (once; later starts find it there). */
export async function ensureBusinessCalendar(db: Queryable, firstDate: string): Promise<void> {
  await db.query(
    `INSERT INTO business_days (business_date, status)
     SELECT $1, 'open' WHERE NOT EXISTS (SELECT 1 FROM business_days)
     ON CONFLICT DO NOTHING`,
    [firstDate],
  );
}

/**
 * The business date not yet closed, if any. `lock`: 'share' for a posting (the batch takes the
 * row exclusively to start closing), 'update' for the batch itself.
 */
export async function unclosedBusinessDay(
  db: Queryable,
  lock: 'share' | 'update' | 'none' = 'none',
): Promise<BusinessDayRow | undefined> {
  const locking = lock === 'share' ? 'FOR SHARE' : lock === 'update' ? 'FOR UPDATE' : '';
  const { rows } = await db.query<{ business_date: string; status: 'open' | 'closing' }>(
    `SELECT business_date, status FROM business_days WHERE status <> 'closed' ${locking}`,
  );
  const r = rows[0];
  return r && { date: toDay(r.business_date), iso: r.business_date, status: r.status };
}

export async function lastClosedDate(db: Queryable): Promise<string | undefined> {
  const { rows } = await db.query<{ d: string | null }>(
    `SELECT max(business_date)::text AS d FROM business_days WHERE status = 'closed'`,
  );
  return rows[0]?.d ?? undefined;
}

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

const simulationOf = (r: SimulationRow): Simulation => ({
  id: r.id,
  throughDate: r.through_date,
  startedOn: r.started_on,
  fromBusinessDate: r.from_business_date,
  reason: r.reason,
  startedBy: r.started_by,
  startedAt: r.started_at,
  datesClosed: r.dates_closed ?? [],
});

/** The latest simulation reaching `day` from a business date at or before it. */
export async function simulationCovering(
  db: Queryable,
  day: DayNumber,
): Promise<Simulation | undefined> {
  const { rows } = await db.query<SimulationRow>(
    `SELECT ${SIMULATION_COLUMNS} FROM business_date_simulations s
      WHERE s.through_date >= $1 AND s.from_business_date <= $1
      ORDER BY s.started_at DESC LIMIT 1`,
    [toIso(day)],
  );
  return rows[0] && simulationOf(rows[0]);
}

export async function recentSimulations(db: Queryable, limit: number): Promise<Simulation[]> {
  const { rows } = await db.query<SimulationRow>(
    `SELECT ${SIMULATION_COLUMNS} FROM business_date_simulations s ORDER BY s.started_at DESC LIMIT $1`,
    [limit],
  );
  return rows.map(simulationOf);
}

export async function insertSimulation(
  db: Queryable,
  s: {
    id: string;
    throughDate: string;
    startedOn: string;
    fromBusinessDate: string;
    reason: string;
    startedBy: string;
  },
): Promise<Simulation> {
  await db.query(
    `INSERT INTO business_date_simulations (id, through_date, started_on, from_business_date, reason, started_by)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [s.id, s.throughDate, s.startedOn, s.fromBusinessDate, s.reason, s.startedBy],
  );
  const { rows } = await db.query<SimulationRow>(
    `SELECT ${SIMULATION_COLUMNS} FROM business_date_simulations s WHERE s.id = $1`,
    [s.id],
  );
  return simulationOf(rows[0]!);
}
