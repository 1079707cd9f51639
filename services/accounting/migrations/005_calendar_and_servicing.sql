-- Issue 9: the business date may not run ahead of the calendar unless an administrator runs a
-- recorded simulation; prepayments settle interest accrued to date (per product); each closed
-- day says who closed it and whether it was ahead of the calendar.
CREATE TABLE business_date_simulations (
  id uuid PRIMARY KEY,
  -- Dates later than the calendar's today may be closed up to and including this one.
  through_date date NOT NULL,
  -- The calendar date (bank time zone) when it was started, and the open business date then.
  started_on date NOT NULL,
  from_business_date date NOT NULL,
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
  started_by text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  CHECK (through_date >= from_business_date)
);

ALTER TABLE business_days
  ADD COLUMN closed_by text,
  -- Closed on a calendar day before the business date itself (under a simulation).
  ADD COLUMN ahead_of_calendar boolean NOT NULL DEFAULT false,
  ADD COLUMN simulation_id uuid REFERENCES business_date_simulations (id),
  ADD CONSTRAINT business_days_ahead_needs_simulation
    CHECK (NOT ahead_of_calendar OR simulation_id IS NOT NULL);

-- Whether a prepayment settled the interest accrued to its day first (the product's rule when it
-- was posted); a replay after a reversal applies it again. Repayments before this were not.
ALTER TABLE repayments ADD COLUMN accrued_interest_first boolean NOT NULL DEFAULT false;
