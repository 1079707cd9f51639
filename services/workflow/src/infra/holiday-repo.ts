import type { Queryable } from '@loanflow/platform';
import type { HolidayYear } from '../domain/calendar';

/** A year of public holidays as published by an administrator. */
export interface PublishedHolidayYear extends HolidayYear {
  publishedBy: string;
  publishedAt: string;
}

interface Row {
  year: number;
  notice: string;
  holidays: HolidayYear['holidays'];
  published_by: string;
  published_at: Date;
}

export async function publishedHolidayYears(db: Queryable): Promise<PublishedHolidayYear[]> {
  const { rows } = await db.query<Row>('SELECT * FROM holiday_years ORDER BY year');
  return rows.map((r) => ({
    year: r.year,
    notice: r.notice,
    holidays: r.holidays,
    publishedBy: r.published_by,
    publishedAt: r.published_at.toISOString(),
  }));
}

/** Publishes a year, replacing an earlier publication of the same year. */
export async function saveHolidayYear(
  db: Queryable,
  year: HolidayYear,
  publishedBy: string,
): Promise<void> {
  await db.query(
    `INSERT INTO holiday_years (year, notice, holidays, published_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT (year) DO UPDATE SET notice = excluded.notice, holidays = excluded.holidays,
       published_by = excluded.published_by, published_at = now()`,
    [year.year, year.notice, JSON.stringify(year.holidays), publishedBy],
  );
}
