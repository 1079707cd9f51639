-- Contracts fix the terms that govern the loan (issue 9 items 4, 6, 13): templates name the
-- parties that must sign; a contract records whose it is (customer, branch, product, borrower)
-- and, once disbursed, the loan opened under it. The disbursement review (集中审查放款) has a
-- checklist of its own: the contract, and for a corporate loan the guarantee agreement.
ALTER TABLE contract_templates ADD COLUMN required_parties text[] NOT NULL DEFAULT '{lender,borrower}';
ALTER TABLE contracts ADD COLUMN customer_id uuid;
ALTER TABLE contracts ADD COLUMN branch_id text;
ALTER TABLE contracts ADD COLUMN product_code text;
ALTER TABLE contracts ADD COLUMN borrower_name text;
ALTER TABLE contracts ADD COLUMN loan_id uuid;

INSERT INTO document_types (code, name, name_zh, max_bytes, media_types, retention_years) VALUES
  ('guarantee_agreement', 'Guarantee agreement', '保证合同', 52428800, '{image/jpeg,image/png,image/tiff,application/pdf}', 30)
ON CONFLICT (code) DO NOTHING;

INSERT INTO checklist_items (product_code, stage, document_type) VALUES
  ('PERSONAL_CONSUMER', 'disbursement', 'loan_contract'),
  ('SMALL_BUSINESS', 'disbursement', 'loan_contract'),
  ('CORP_WORKING_CAPITAL', 'disbursement', 'loan_contract'),
  ('CORP_WORKING_CAPITAL', 'disbursement', 'guarantee_agreement'),
  ('MORTGAGE', 'disbursement', 'loan_contract'),
  ('MORTGAGE', 'disbursement', 'collateral_papers')
ON CONFLICT DO NOTHING;
