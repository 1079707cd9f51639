-- Repayments in kind (以物抵债) and refunds of overpayments held as credit.
ALTER TABLE repayments ADD COLUMN source text NOT NULL DEFAULT 'cash'
  CHECK (source IN ('cash', 'repossessed_asset'));

CREATE TABLE credit_refunds (
  id uuid PRIMARY KEY,
  loan_id uuid NOT NULL REFERENCES loans (id),
  business_date date NOT NULL,
  amount numeric(20, 2) NOT NULL CHECK (amount > 0),
  reference text,
  refunded_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
