// A loan book made with SQL for the end-of-day benchmarks and tests: half on the daily basis, half
// on the monthly period basis, due dates spread over the month (one in 30 billing tonight), some
// loans overdue with days past due spread over 400 days and classified accordingly. Ids and
// customers are derived from the row number, so two schemas seeded alike hold the same book.

/** What the book is made of beyond the common recipe. */
export interface GeneratedBook {
  /** The open business date, YYYY-MM-DD: the loans are accrued through the day before. */
  day: string;
  loans: number;
  /** Every n-th loan is overdue. */
  overdueEvery: number;
  /** Row numbers also overdue (e.g. 89 and 269: reclassified tonight as they cross a floor). */
  alsoOverdue?: readonly number[];
  /** Loans are spread over this many branches (BR0, BR1, …). */
  branches: number;
}

interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

const generate = (book: GeneratedBook) => `
WITH g AS (
  SELECT n, $3::date AS d,
         round((10000 + (n::bigint * 7919 % 990000))::numeric, 2) AS p,
         (3 + (n % 300) / 100.0)::numeric(20, 10) AS r,
         (n % 2 = 0) AS daily,
         (n % ${book.overdueEvery} = 0 OR n = ANY($4::int[])) AS overdue,
         ($3::date + 1 + (n % 30)) AS due
    FROM generate_series($1::int, $2::int) AS n
), s AS (
  SELECT g.*, round(p / 12, 2) AS inst, (due - 30) AS start,
         360 AS den,
         CASE WHEN overdue THEN round(p / 12, 2) ELSE 0 END AS op,
         CASE WHEN overdue THEN round(p * r / 1200, 2) ELSE 0 END AS oi,
         CASE WHEN overdue THEN d - (1 + n % 400) ELSE NULL END AS oldest
    FROM g
), l AS (
  INSERT INTO loans (id, loan_number, customer_id, branch_id, product_code, approved_amount, status,
    opened_on, maturity_date, terms, rate_type, annual_rate, penalty_markup_percent, grace_days,
    allocation_order, principal, overdue_principal, overdue_interest,
    oldest_unpaid_due, days_past_due, basis_kind, basis_year_days, basis_repay_every, period_start,
    next_period, next_due_date, next_principal, n_start, n_base, n_rate, n_denominator,
    p_start, p_base, p_rate, p_denominator, c_start, c_base, c_rate, c_denominator, classification)
  SELECT md5('loan' || n)::uuid, 'B' || n, md5('customer' || n)::uuid, 'BR' || (n % ${book.branches}),
    'PERSONAL_CONSUMER', p, 'active',
    start - 300, start + 3000, '{}'::jsonb, 'fixed', r, 50, 0,
    '{compound,penalty,overdue_interest,overdue_principal,due_interest,due_principal}', p - op,
    op, oi, oldest, CASE WHEN overdue THEN d - oldest ELSE 0 END,
    CASE WHEN daily THEN 'daily' ELSE 'monthly_period' END, 360, 1, start,
    5, due, inst, start, p - op, r, den, start, op, r * 1.5, 360, start, oi, r * 1.5, 360,
    CASE WHEN NOT overdue THEN 'normal' WHEN d - oldest > 360 THEN 'loss' WHEN d - oldest > 270 THEN 'doubtful'
         WHEN d - oldest > 90 THEN 'substandard' ELSE 'special_mention' END
  FROM s
  RETURNING id, n_base, n_rate, n_denominator, n_start, p_base, p_rate, c_base, c_rate
)
INSERT INTO loan_accruals (loan_id, accrued_through, accrued_interest, n_accrued, p_accrued, c_accrued)
SELECT id, $3::date - 1, round(n_base * n_rate * ($3::date - n_start) / (n_denominator * 100), 2),
       round(n_base * n_rate * ($3::date - n_start) / (n_denominator * 100), 2),
       round(p_base * p_rate * ($3::date - n_start) / 36000, 2),
       round(c_base * c_rate * ($3::date - n_start) / 36000, 2)
  FROM l`;

/**
 * Opens `book.day` and writes the book into an accounting schema already migrated (the pool's
 * search path): loans, their accruals through yesterday, the installment after tonight's bill
 * and every loan's next one (so the due-soon reminders look up one date among them all).
 */
export async function seedGeneratedBook(db: Queryable, book: GeneratedBook): Promise<void> {
  await db.query(`INSERT INTO business_days (business_date, status) VALUES ($1, 'open')`, [
    book.day,
  ]);
  const sql = generate(book);
  const batch = 200_000;
  for (let from = 1; from <= book.loans; from += batch)
    await db.query(sql, [
      from,
      Math.min(book.loans, from + batch - 1),
      book.day,
      book.alsoOverdue ?? [],
    ]);
  await db.query(
    `INSERT INTO installments (loan_id, period, due_date, principal, scheduled_interest, status)
     SELECT id, next_period + 1, next_due_date + 30, next_principal, 0, 'scheduled' FROM loans WHERE next_due_date = $1::date + 1`,
    [book.day],
  );
  await db.query(
    `INSERT INTO installments (loan_id, period, due_date, principal, scheduled_interest, status)
     SELECT id, next_period, next_due_date, next_principal, round(n_base * n_rate / 1200, 2), 'scheduled' FROM loans`,
  );
  await db.query('VACUUM ANALYZE loans');
  await db.query('VACUUM ANALYZE loan_accruals');
  await db.query('ANALYZE installments');
}
