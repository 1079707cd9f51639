-- Every disclosure of a customer's identity number in full (for printing a loan contract): who,
-- when, for which application and why. Append-only; the auditors read it.
CREATE TABLE pii_disclosures (
  id uuid PRIMARY KEY,
  customer_id uuid NOT NULL REFERENCES customers (id),
  application_id uuid NOT NULL,
  purpose text NOT NULL,
  disclosed_to text NOT NULL,
  disclosed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pii_disclosures_customer ON pii_disclosures (customer_id, disclosed_at);
