import type { Queryable } from '@loanflow/platform';

/** 委托: `userId` is away from `fromDate` to `toDate` (inclusive) and `proxyUserId` stands in. */
export interface Absence {
  userId: string;
  proxyUserId: string;
  fromDate: string;
  toDate: string;
  createdBy: string;
}

/** Keeps an absence; one starting the same day for the same user replaces it. */
export async function saveAbsence(db: Queryable, a: Absence): Promise<void> {
  await db.query(
    `INSERT INTO proxies (user_id, proxy_user_id, from_date, to_date, created_by) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (user_id, from_date) DO UPDATE SET proxy_user_id = excluded.proxy_user_id, to_date = excluded.to_date`,
    [a.userId, a.proxyUserId, a.fromDate, a.toDate, a.createdBy],
  );
}

/** The proxy of each of `userIds` who is away on `date` (YYYY-MM-DD), by user id. */
export async function proxiesOn(
  db: Queryable,
  userIds: string[],
  date: string,
): Promise<Map<string, string>> {
  const { rows } = await db.query<{ user_id: string; proxy_user_id: string }>(
    'SELECT user_id, proxy_user_id FROM proxies WHERE user_id = ANY($1) AND from_date <= $2 AND to_date >= $2',
    [userIds, date],
  );
  return new Map(rows.map((r) => [r.user_id, r.proxy_user_id]));
}

/** Absences ending on or after `from` (in force or to come), of `userId` as absent or proxy (all when absent), earliest first. */
export async function absencesFrom(
  db: Queryable,
  from: string,
  userId?: string,
): Promise<(Absence & { createdAt: Date })[]> {
  const { rows } = await db.query<{
    user_id: string;
    proxy_user_id: string;
    from_date: string;
    to_date: string;
    created_by: string;
    created_at: Date;
  }>(
    `SELECT user_id, proxy_user_id, to_char(from_date, 'YYYY-MM-DD') AS from_date,
            to_char(to_date, 'YYYY-MM-DD') AS to_date, created_by, created_at
       FROM proxies
      WHERE to_date >= $1::date AND ($2::text IS NULL OR user_id = $2 OR proxy_user_id = $2)
      ORDER BY from_date, user_id LIMIT 500`,
    [from, userId ?? null],
  );
  return rows.map((r) => ({
    userId: r.user_id,
    proxyUserId: r.proxy_user_id,
    fromDate: r.from_date,
    toDate: r.to_date,
    createdBy: r.created_by,
    createdAt: r.created_at,
  }));
}
