-- Reminders to borrowers that an installment falls due soon (accounting.installment.due-soon,
-- from the end of day): one per loan, installment and notice, however often a day's batch or one
-- of its chunks runs again. The key is the guard; the row says which night sent it.
CREATE TABLE installment_notices (
  loan_id uuid NOT NULL,
  period integer NOT NULL,
  days_before integer NOT NULL CHECK (days_before > 0),
  business_date date NOT NULL,
  PRIMARY KEY (loan_id, period, days_before)
);
-- The batch looks up, chunk by chunk (a range of loan ids), the installments due on one date.
-- No status in the index: paying or billing an installment stays a HOT update.
CREATE INDEX installments_due_date ON installments (due_date, loan_id);
