-- Public holidays and make-up working days per year, entered by an administrator from the State
-- Council's notice (国务院办公厅关于<year>年部分节假日安排的通知, usually published in November for
-- the next year). A row takes the place of the arrangements built into the service for its year.
CREATE TABLE holiday_years (
  year integer PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
  notice text NOT NULL,
  holidays jsonb NOT NULL,
  published_by text NOT NULL,
  published_at timestamptz NOT NULL DEFAULT now()
);
