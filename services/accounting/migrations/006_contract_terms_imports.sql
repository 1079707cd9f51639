-- A loan is opened only under the signed contract of an approved application, with every term
-- the contract fixes (documents' contract.signed, schema 2), or by an audited maker-checker
-- import of loans migrated from another system.
ALTER TABLE signed_contracts ADD COLUMN customer_id uuid;
ALTER TABLE signed_contracts ADD COLUMN branch_id text;
ALTER TABLE signed_contracts ADD COLUMN product_code text;
ALTER TABLE signed_contracts ADD COLUMN borrower_name text;
-- The LoanTerms message of the event (proto3 JSON), schedule included.
ALTER TABLE signed_contracts ADD COLUMN terms jsonb;

ALTER TABLE loans ADD COLUMN contract_id uuid;
ALTER TABLE loans ADD COLUMN origin text NOT NULL DEFAULT 'contract' CHECK (origin IN ('contract', 'import'));
ALTER TABLE loans ADD COLUMN import_id uuid;
CREATE UNIQUE INDEX loans_contract ON loans (contract_id) WHERE contract_id IS NOT NULL;

CREATE TABLE loan_imports (
  id uuid PRIMARY KEY,
  status text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
  source_system text NOT NULL,
  reason text NOT NULL,
  -- The ImportedLoan messages as requested (proto3 JSON).
  loans jsonb NOT NULL,
  requested_by text NOT NULL,
  requested_at timestamptz NOT NULL,
  decided_by text,
  decided_at timestamptz,
  decision_comment text,
  loan_ids uuid[] NOT NULL DEFAULT '{}',
  CHECK (decided_by IS NULL OR decided_by <> requested_by)
);
