import type pg from 'pg';

/**
 * Rows of a table in a harness's schema (its pool's search path), optionally filtered; `where`
 * uses $1…: for "nothing was written" and "written once" checks in component tests.
 */
export async function countRows(
  h: { db: pg.Pool },
  table: string,
  where = 'true',
  params: unknown[] = [],
): Promise<number> {
  const { rows } = await h.db.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${table} WHERE ${where}`,
    params,
  );
  return Number(rows[0]!.n);
}
