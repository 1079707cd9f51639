-- The borrower's name is kept with the loan from its opening (the signed contract's, or the
-- import's), so a statement prints the same name tomorrow without asking another service.
ALTER TABLE loans ADD COLUMN borrower_name text;
UPDATE loans SET borrower_name = c.borrower_name
  FROM signed_contracts c
 WHERE loans.contract_id = c.contract_id AND loans.borrower_name IS NULL;
