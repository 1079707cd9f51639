-- 统计报表: read models built from every service's events only (never another schema), shaped
-- for the reports, with pre-aggregations where a report would otherwise scan millions of rows;
-- and the stream outbox and jobs of the Kafka report streams. Amounts are numeric yuan.

-- The branch tree and names (identity.branch.created); HQ is the root and always known.
CREATE TABLE branches (
  code text PRIMARY KEY,
  parent_code text,
  name text NOT NULL DEFAULT ''
);
INSERT INTO branches (code, parent_code, name) VALUES ('HQ', NULL, '总行');

-- One row per application: where it stands, and the facts of its way there.
CREATE TABLE applications (
  application_id uuid PRIMARY KEY,
  customer_id uuid,
  customer_type text,
  branch_id text NOT NULL,
  product_code text NOT NULL DEFAULT '',
  product_category text NOT NULL DEFAULT '',
  amount numeric(20, 2),
  term_months integer,
  repayment_method text,
  -- draft | submitted | declined | withdrawn | expired | approved | rejected | contracted | disbursed
  status text NOT NULL,
  score integer,
  initial_opinion text,
  created_by text,
  created_at timestamptz,
  submitted_by text,
  submitted_at timestamptz,
  -- The open step(s) of its approval process (task steps), for "by current step".
  current_step text,
  process_instance_id text,
  process_started_at timestamptz,
  -- approved | rejected | terminated, when the process ended; working days submit → decision.
  decision text,
  decided_at timestamptz,
  decision_working_days numeric(10, 4),
  approved_amount numeric(20, 2),
  approved_rate_percent numeric(12, 6),
  approved_term_months integer,
  -- pre_assessment (knockout rules) | approval (a step's reject) | withdrawn | expired
  decline_source text,
  decline_step text,
  decline_codes text[] NOT NULL DEFAULT '{}',
  decline_reason text,
  contract_id uuid,
  contract_number text,
  contracted_at timestamptz,
  loan_id uuid,
  disbursed_amount numeric(20, 2) NOT NULL DEFAULT 0,
  disbursed_on date,
  send_backs integer NOT NULL DEFAULT 0,
  -- The decision_histogram row this application is counted in (month, branch, product, decision,
  -- bucket), so that a fact arriving late (the branch after the decision) moves the count.
  counted_month date,
  counted_branch text,
  counted_product text,
  counted_decision text,
  counted_bucket integer,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX applications_branch_status ON applications (branch_id, status);
CREATE INDEX applications_decided ON applications (decided_at) WHERE decided_at IS NOT NULL;
CREATE INDEX applications_submitted ON applications (submitted_at) WHERE submitted_at IS NOT NULL;

-- One row per task (a step of an application's approval): cycle time, outcome, who.
CREATE TABLE tasks (
  task_id text PRIMARY KEY,
  instance_id text,
  application_id uuid,
  step text NOT NULL DEFAULT '',
  name text NOT NULL DEFAULT '',
  branch_id text NOT NULL DEFAULT '',
  product_code text NOT NULL DEFAULT '',
  amount numeric(20, 2),
  -- open | completed | cancelled | sent_back
  state text NOT NULL,
  assignee text,
  candidate_groups text[] NOT NULL DEFAULT '{}',
  created_at timestamptz,
  due_at timestamptz,
  ended_at timestamptz,
  ended_by text,
  outcome text,
  opinion text,
  working_days numeric(10, 4),
  overdue boolean NOT NULL DEFAULT false,
  urged integer NOT NULL DEFAULT 0,
  sent_back boolean NOT NULL DEFAULT false,
  sent_back_to text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tasks_application ON tasks (application_id);
CREATE INDEX tasks_assignee_state ON tasks (assignee, state);
CREATE INDEX tasks_ended ON tasks (ended_at) WHERE ended_at IS NOT NULL;

-- Pre-aggregated decisions: per month of decision (China time), branch, product and decision, a histogram of
-- working days (bucket = working days × 4 rounded up, i.e. quarter days, capped at 400 = 100 days:
-- bucket <= 12 is exactly "within 3 working days"), so the
-- percentiles of a year over a million applications read a few thousand rows.
CREATE TABLE decision_histogram (
  month date NOT NULL,
  branch_id text NOT NULL,
  product_code text NOT NULL,
  decision text NOT NULL,
  bucket integer NOT NULL,
  applications integer NOT NULL,
  PRIMARY KEY (month, branch_id, product_code, decision, bucket)
);

-- One row per loan: its latest state (loans.state stream), as the last event said.
CREATE TABLE loans (
  loan_id uuid PRIMARY KEY,
  loan_number text,
  application_id uuid,
  contract_id uuid,
  customer_id uuid,
  branch_id text NOT NULL DEFAULT '',
  product_code text NOT NULL DEFAULT '',
  -- active | closed | written_off
  status text NOT NULL,
  disbursed_amount numeric(20, 2) NOT NULL DEFAULT 0,
  value_date date,
  maturity_date date,
  annual_rate_percent numeric(12, 6),
  classification text NOT NULL DEFAULT 'normal',
  days_past_due integer NOT NULL DEFAULT 0,
  outstanding_principal numeric(20, 2) NOT NULL DEFAULT 0,
  last_business_date date,
  -- Classification at the end of the previous month (the migration matrix's "from").
  month_start_classification text,
  closed_on date,
  version integer NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX loans_branch ON loans (branch_id, status);

-- One row per active loan per closed business date (loans.day-closed): the loans.daily stream and
-- the portfolio as of any date.
CREATE TABLE loan_days (
  business_date date NOT NULL,
  loan_id uuid NOT NULL,
  loan_number text,
  branch_id text NOT NULL,
  product_code text NOT NULL,
  customer_id uuid,
  classification text NOT NULL,
  days_past_due integer NOT NULL,
  annual_rate_percent numeric(12, 6),
  outstanding_principal numeric(20, 2) NOT NULL,
  overdue_principal numeric(20, 2) NOT NULL,
  due_interest numeric(20, 2) NOT NULL,
  overdue_interest numeric(20, 2) NOT NULL,
  accrued_interest numeric(20, 2) NOT NULL,
  penalty_interest numeric(20, 2) NOT NULL,
  compound_interest numeric(20, 2) NOT NULL,
  accrued_today_normal numeric(20, 2) NOT NULL,
  accrued_today_penalty numeric(20, 2) NOT NULL,
  accrued_today_compound numeric(20, 2) NOT NULL,
  next_due_date date,
  maturity_date date,
  PRIMARY KEY (business_date, loan_id)
);

-- Pre-aggregated portfolio per business date: what the five-tier table, the NPL ratio and the
-- overdue buckets read. dpd_bucket: 0 (current), 1 (1–30), 2 (31–60), 3 (61–90), 4 (91–180),
-- 5 (181–360), 6 (>360).
CREATE TABLE portfolio_days (
  business_date date NOT NULL,
  branch_id text NOT NULL,
  product_code text NOT NULL,
  classification text NOT NULL,
  dpd_bucket smallint NOT NULL,
  loans integer NOT NULL,
  outstanding_principal numeric(20, 2) NOT NULL,
  overdue_principal numeric(20, 2) NOT NULL,
  overdue_interest numeric(20, 2) NOT NULL,
  accrued_interest numeric(20, 2) NOT NULL,
  interest_today numeric(20, 2) NOT NULL,
  PRIMARY KEY (business_date, branch_id, product_code, classification, dpd_bucket)
);

-- Month-over-month migration between tiers: loans active at the end of `month` by their tier at the
-- end of the previous month ('new' when they had none) and at the end of `month`.
CREATE TABLE tier_migrations (
  month date NOT NULL,
  branch_id text NOT NULL,
  product_code text NOT NULL,
  from_classification text NOT NULL,
  to_classification text NOT NULL,
  loans integer NOT NULL,
  outstanding_principal numeric(20, 2) NOT NULL,
  PRIMARY KEY (month, branch_id, product_code, from_classification, to_classification)
);

-- Closed business dates (accrual.completed) with the book's totals of the night.
CREATE TABLE business_days (
  business_date date PRIMARY KEY,
  loans_accrued integer NOT NULL,
  normal_interest numeric(20, 2) NOT NULL,
  penalty_interest numeric(20, 2) NOT NULL,
  compound_interest numeric(20, 2) NOT NULL,
  closed_by text,
  closed_at timestamptz NOT NULL
);

-- Money movements of loans: disbursement, repayment, reversal, write_off, recovery.
CREATE TABLE loan_movements (
  movement_id text PRIMARY KEY,
  loan_id uuid NOT NULL,
  branch_id text NOT NULL,
  product_code text NOT NULL,
  kind text NOT NULL,
  business_date date NOT NULL,
  amount numeric(20, 2) NOT NULL,
  principal numeric(20, 2),
  interest numeric(20, 2),
  detail jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX loan_movements_date ON loan_movements (business_date, kind);
CREATE INDEX loan_movements_loan ON loan_movements (loan_id);

-- Pre-aggregated movements per month.
CREATE TABLE movement_months (
  month date NOT NULL,
  branch_id text NOT NULL,
  product_code text NOT NULL,
  kind text NOT NULL,
  movements integer NOT NULL,
  amount numeric(20, 2) NOT NULL,
  principal numeric(20, 2) NOT NULL,
  interest numeric(20, 2) NOT NULL,
  PRIMARY KEY (month, branch_id, product_code, kind)
);

-- Journal entries as booked (ledger.entry-posted).
CREATE TABLE ledger_entries (
  entry_id bigint PRIMARY KEY,
  business_date date NOT NULL,
  kind text NOT NULL,
  loan_id uuid,
  reference text,
  description text NOT NULL DEFAULT '',
  lines jsonb NOT NULL,
  total numeric(20, 2) NOT NULL
);
CREATE INDEX ledger_entries_date ON ledger_entries (business_date, entry_id);

-- Interest income per month, branch and account (from the ledger's income lines).
CREATE TABLE income_months (
  month date NOT NULL,
  branch_id text NOT NULL,
  account_code text NOT NULL,
  amount numeric(20, 2) NOT NULL,
  PRIMARY KEY (month, branch_id, account_code)
);

-- Deliveries of the notifications service (no address, no text).
CREATE TABLE notifications (
  delivery_id uuid PRIMARY KEY,
  rule_id text,
  event_type text,
  recipient_kind text,
  channel text NOT NULL,
  category text,
  template_code text,
  status text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  segments integer NOT NULL DEFAULT 0,
  created_at timestamptz,
  at timestamptz NOT NULL
);
CREATE INDEX notifications_at ON notifications (at);

-- Post-loan management.
CREATE TABLE collection_cases (
  case_id uuid PRIMARY KEY,
  loan_id uuid NOT NULL,
  branch_id text NOT NULL,
  customer_id uuid,
  officer text,
  opened_on date NOT NULL,
  days_past_due_at_open integer,
  -- open | closed
  status text NOT NULL,
  closed_on date,
  outcome text
);
CREATE TABLE payment_promises (
  promise_id uuid PRIMARY KEY,
  case_id uuid NOT NULL,
  loan_id uuid NOT NULL,
  branch_id text NOT NULL,
  amount numeric(20, 2) NOT NULL,
  promised_date date NOT NULL,
  -- made | kept | broken
  status text NOT NULL,
  resolved_on date
);
CREATE TABLE litigations (
  litigation_id uuid PRIMARY KEY,
  loan_id uuid NOT NULL,
  branch_id text NOT NULL,
  status text NOT NULL,
  case_number text,
  judgement_amount numeric(20, 2),
  changed_on date
);
CREATE TABLE repossessed_assets (
  asset_id uuid PRIMARY KEY,
  loan_id uuid NOT NULL,
  branch_id text NOT NULL,
  kind text,
  status text NOT NULL,
  booked_value numeric(20, 2),
  proceeds numeric(20, 2),
  changed_on date
);

-- Where the read models stand (one row): the last event applied, the rebuild generation (part of
-- the durable consumers' names: a rebuild starts new consumers from the first event).
CREATE TABLE read_model_state (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  generation integer NOT NULL DEFAULT 1,
  last_event_at timestamptz,
  rebuilding boolean NOT NULL DEFAULT false
);
INSERT INTO read_model_state DEFAULT VALUES;

-- Report stream records waiting for the sink (Kafka or files), written in the transaction that
-- applied their event; the relay produces them in order and deletes them once acknowledged. A
-- crash between the two produces a record again with the same ce_id.
CREATE TABLE stream_outbox (
  seq bigserial PRIMARY KEY,
  topic text NOT NULL,
  key text NOT NULL,
  ce_id uuid NOT NULL,
  ce_type text NOT NULL,
  ce_subject text NOT NULL,
  ce_time timestamptz NOT NULL,
  traceparent text,
  value jsonb NOT NULL
);

-- Snapshots (loans.daily after accrual.completed) and replays, with progress.
CREATE TABLE stream_jobs (
  id uuid PRIMARY KEY,
  request_id text UNIQUE,
  kind text NOT NULL CHECK (kind IN ('snapshot', 'replay')),
  topic text NOT NULL,
  from_date date,
  to_date date,
  status text NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
  records_total bigint NOT NULL DEFAULT 0,
  records_done bigint NOT NULL DEFAULT 0,
  -- Where a resumed job continues (the last key produced).
  resume_after text,
  lease_until timestamptz,
  requested_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  error text
);
CREATE UNIQUE INDEX stream_jobs_one_snapshot ON stream_jobs (topic, from_date) WHERE kind = 'snapshot';
