-- Customers. Resident ID numbers and mobile numbers are personal data: stored encrypted
-- (AES-256-GCM, *_enc) and found through a keyed blind index (*_idx); only masks are in clear.
CREATE TABLE customers (
  id uuid PRIMARY KEY,
  type text NOT NULL CHECK (type IN ('individual', 'corporate')),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  branch_id text NOT NULL,
  resident_id_enc text,
  resident_id_idx text,
  resident_id_masked text,
  birth_date date,
  sex text CHECK (sex IN ('male', 'female')),
  mobile_enc text,
  mobile_idx text,
  mobile_masked text,
  address text,
  occupation text,
  employer text,
  monthly_income numeric(18, 2),
  credit_code text,
  legal_representative text,
  registered_capital numeric(20, 2),
  industry text,
  annual_revenue numeric(20, 2),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (type <> 'individual' OR (resident_id_idx IS NOT NULL AND birth_date IS NOT NULL)),
  CHECK (type <> 'corporate' OR credit_code IS NOT NULL)
);
CREATE UNIQUE INDEX customers_resident_id ON customers (resident_id_idx) WHERE resident_id_idx IS NOT NULL;
CREATE UNIQUE INDEX customers_credit_code ON customers (credit_code) WHERE credit_code IS NOT NULL;
CREATE INDEX customers_mobile ON customers (mobile_idx) WHERE mobile_idx IS NOT NULL;
CREATE INDEX customers_name_prefix ON customers (name text_pattern_ops, id);
CREATE INDEX customers_branch ON customers (branch_id, id);

-- The product catalogue, held as data so the back office can change it without a release.
CREATE TABLE products (
  code text PRIMARY KEY,
  definition jsonb NOT NULL,
  active boolean NOT NULL DEFAULT true,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Pre-assessment rule sets, versioned; an application records the version that assessed it.
CREATE TABLE rule_sets (
  version text PRIMARY KEY,
  effective_from date NOT NULL,
  definition jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Blacklisted parties, matched by the same blind index as the customer's identity number.
CREATE TABLE blacklist (
  id uuid PRIMARY KEY,
  identity_idx text NOT NULL UNIQUE,
  reason text NOT NULL,
  added_by text NOT NULL,
  added_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE loan_applications (
  id uuid PRIMARY KEY,
  customer_id uuid NOT NULL REFERENCES customers (id),
  customer_type text NOT NULL,
  product_code text NOT NULL REFERENCES products (code),
  branch_id text NOT NULL,
  amount numeric(18, 2) NOT NULL CHECK (amount > 0),
  term_months integer NOT NULL CHECK (term_months > 0),
  repayment_method text NOT NULL,
  rate_percent numeric(8, 4) NOT NULL,
  purpose text NOT NULL DEFAULT '',
  business_situation text NOT NULL DEFAULT '',
  monthly_income numeric(18, 2),
  existing_monthly_debt_payments numeric(18, 2),
  status text NOT NULL CHECK (status IN ('draft', 'submitted', 'withdrawn')),
  assessment jsonb,
  version integer NOT NULL DEFAULT 1,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  submitted_by text,
  submitted_at timestamptz,
  withdrawn_by text,
  withdrawn_at timestamptz,
  withdraw_reason text
);
CREATE INDEX loan_applications_branch ON loan_applications (branch_id, id DESC);
CREATE INDEX loan_applications_customer ON loan_applications (customer_id, status);
CREATE INDEX loan_applications_status ON loan_applications (status, id DESC);
