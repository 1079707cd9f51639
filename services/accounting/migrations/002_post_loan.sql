-- Post-loan management records (贷后管理): inspections on each product's plan, collection cases
-- with their actions and promises to pay, lawsuits with their status history, and repossessed
-- assets. Records, not money: nothing here posts to the ledger. Every create carries the
-- client's request_id (unique), so a retried create finds the first one instead of adding another.

-- 贷后检查 plans: the first inspection first_after_days after the loan is opened, then one every
-- frequency_days after the latest inspection. A product without a plan has no inspections due.
CREATE TABLE inspection_plans (
  product_code text PRIMARY KEY,
  frequency_days integer NOT NULL CHECK (frequency_days BETWEEN 1 AND 3660),
  first_after_days integer NOT NULL CHECK (first_after_days BETWEEN 0 AND 3660),
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO inspection_plans (product_code, frequency_days, first_after_days, updated_by) VALUES
  ('PERSONAL_CONSUMER', 180, 30, 'migration'),
  ('SMALL_BUSINESS', 90, 30, 'migration'),
  ('CORP_WORKING_CAPITAL', 90, 30, 'migration'),
  ('MORTGAGE', 365, 90, 'migration');

CREATE TABLE inspections (
  id uuid PRIMARY KEY,
  request_id text NOT NULL UNIQUE,
  loan_id uuid NOT NULL REFERENCES loans (id),
  inspected_on date NOT NULL,
  inspector text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('on_site', 'off_site')),
  findings text NOT NULL,
  risk_signals text[] NOT NULL DEFAULT '{}',
  result text NOT NULL CHECK (result IN ('normal', 'attention', 'risk')),
  recorded_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (result <> 'risk' OR cardinality(risk_signals) > 0)
);
-- The latest inspection of a loan (the due query's lateral max) is an index lookup.
CREATE INDEX inspections_loan ON inspections (loan_id, inspected_on DESC);

-- 催收
CREATE TABLE collection_cases (
  id uuid PRIMARY KEY,
  request_id text NOT NULL UNIQUE,
  loan_id uuid NOT NULL REFERENCES loans (id),
  status text NOT NULL CHECK (status IN ('open', 'closed')),
  opened_on date NOT NULL,
  officer text NOT NULL,
  reason text NOT NULL DEFAULT '',
  days_past_due_at_open integer NOT NULL DEFAULT 0,
  opened_by text NOT NULL,
  closed_on date,
  close_reason text
    CHECK (close_reason IN ('repaid', 'restructured', 'litigation', 'written_off', 'other')),
  close_notes text,
  closed_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'closed') = (closed_on IS NOT NULL AND close_reason IS NOT NULL)),
  CHECK (closed_on IS NULL OR closed_on >= opened_on)
);
-- One open case per loan at a time.
CREATE UNIQUE INDEX collection_cases_one_open ON collection_cases (loan_id) WHERE status = 'open';
CREATE INDEX collection_cases_loan ON collection_cases (loan_id, id);
CREATE INDEX collection_cases_status ON collection_cases (status, id);

CREATE TABLE collection_actions (
  id uuid PRIMARY KEY,
  request_id text NOT NULL UNIQUE,
  case_id uuid NOT NULL REFERENCES collection_cases (id),
  kind text NOT NULL CHECK (kind IN ('call', 'visit', 'letter', 'sms', 'legal_notice')),
  action_on date NOT NULL,
  officer text NOT NULL,
  contact_person text NOT NULL,
  notes text NOT NULL DEFAULT '',
  outcome text NOT NULL CHECK (outcome IN ('reached', 'not_reached', 'promised_to_pay',
    'refused_to_pay', 'disputed', 'delivered', 'undeliverable', 'other')),
  recorded_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX collection_actions_case ON collection_actions (case_id, action_on, id);

CREATE TABLE payment_promises (
  id uuid PRIMARY KEY,
  request_id text NOT NULL UNIQUE,
  case_id uuid NOT NULL REFERENCES collection_cases (id),
  amount numeric(20, 2) NOT NULL CHECK (amount > 0),
  promised_date date NOT NULL,
  notes text NOT NULL DEFAULT '',
  status text NOT NULL CHECK (status IN ('pending', 'kept', 'broken')),
  resolved_on date,
  resolution_notes text,
  resolved_by text,
  recorded_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'pending') = (resolved_on IS NULL)),
  CHECK (status <> 'broken' OR resolved_on > promised_date)
);
CREATE INDEX payment_promises_case ON payment_promises (case_id, promised_date, id);

-- 起诉
CREATE TABLE litigations (
  id uuid PRIMARY KEY,
  request_id text NOT NULL UNIQUE,
  loan_id uuid NOT NULL REFERENCES loans (id),
  court text NOT NULL,
  -- 案号; courts give it on acceptance, so it may be empty until then.
  case_number text NOT NULL DEFAULT '',
  filed_on date NOT NULL,
  status text NOT NULL
    CHECK (status IN ('filed', 'accepted', 'in_trial', 'judged', 'enforcing', 'closed')),
  judgement_amount numeric(20, 2) CHECK (judgement_amount > 0),
  judgement_date date CHECK (judgement_date >= filed_on),
  legal_costs numeric(20, 2) CHECK (legal_costs >= 0),
  notes text NOT NULL DEFAULT '',
  filed_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- A judgement only once judged (it stays on record through enforcement and close).
  CHECK ((judgement_amount IS NULL) = (judgement_date IS NULL)),
  CHECK (judgement_amount IS NULL OR status IN ('judged', 'enforcing', 'closed')),
  CHECK (status NOT IN ('judged', 'enforcing') OR judgement_amount IS NOT NULL)
);
CREATE INDEX litigations_loan ON litigations (loan_id, id);
CREATE UNIQUE INDEX litigations_case_number ON litigations (court, case_number)
  WHERE case_number <> '';

-- Every status a lawsuit took, the filing first (from_status NULL).
CREATE TABLE litigation_status_changes (
  id bigserial PRIMARY KEY,
  litigation_id uuid NOT NULL REFERENCES litigations (id),
  from_status text,
  to_status text NOT NULL,
  changed_on date NOT NULL,
  changed_by text NOT NULL,
  notes text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX litigation_status_changes_litigation ON litigation_status_changes (litigation_id, id);

-- 抵债资产
CREATE TABLE repossessed_assets (
  id uuid PRIMARY KEY,
  request_id text NOT NULL UNIQUE,
  loan_id uuid NOT NULL REFERENCES loans (id),
  asset_type text NOT NULL
    CHECK (asset_type IN ('real_estate', 'vehicle', 'equipment', 'equity', 'other')),
  description text NOT NULL,
  valuation_amount numeric(20, 2) NOT NULL CHECK (valuation_amount > 0),
  valuation_date date NOT NULL,
  acquired_on date NOT NULL,
  settled_amount numeric(20, 2) NOT NULL CHECK (settled_amount > 0),
  book_value numeric(20, 2) NOT NULL CHECK (book_value > 0),
  notes text NOT NULL DEFAULT '',
  registered_by text NOT NULL,
  disposed_on date CHECK (disposed_on >= acquired_on),
  disposal_proceeds numeric(20, 2) CHECK (disposal_proceeds > 0),
  disposal_method text
    CHECK (disposal_method IN ('auction', 'negotiated_sale', 'transfer_to_own_use', 'other')),
  disposal_notes text,
  disposed_by text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((disposed_on IS NULL) = (disposal_proceeds IS NULL)
     AND (disposed_on IS NULL) = (disposal_method IS NULL)
     AND (disposed_on IS NULL) = (disposed_by IS NULL))
);
CREATE INDEX repossessed_assets_loan ON repossessed_assets (loan_id, id);
