-- Loan contracts signed by every party (documents' contract.signed): a loan of an application is
-- paid out only under its signed contract, and within its terms.
CREATE TABLE signed_contracts (
  application_id uuid PRIMARY KEY,
  contract_id uuid NOT NULL,
  contract_number text NOT NULL,
  sha256 text NOT NULL,
  amount numeric(20, 2) NOT NULL,
  annual_rate numeric(20, 10) NOT NULL,
  term_months integer NOT NULL,
  repayment_method text NOT NULL,
  signed_at timestamptz NOT NULL
);
ALTER TABLE loans ADD COLUMN contract_number text;
