-- Disclosures of a borrower's mobile number in full to the notifications service (purpose
-- "notification", disclosed to "service:notifications"). Such a notice may concern the customer
-- rather than one application, so the application is recorded when there is one.
ALTER TABLE pii_disclosures ALTER COLUMN application_id DROP NOT NULL;
