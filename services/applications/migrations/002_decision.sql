-- The approval decision, recorded from the workflow's process.completed event.
ALTER TABLE loan_applications DROP CONSTRAINT loan_applications_status_check;
ALTER TABLE loan_applications
  ADD CONSTRAINT loan_applications_status_check
  CHECK (status IN ('draft', 'submitted', 'withdrawn', 'approved', 'rejected'));
ALTER TABLE loan_applications
  ADD COLUMN decided_at timestamptz,
  ADD COLUMN approved_amount numeric(18, 2),
  ADD COLUMN approved_rate_percent numeric(8, 4),
  ADD COLUMN approved_term_months integer,
  ADD COLUMN process_instance_id text;
