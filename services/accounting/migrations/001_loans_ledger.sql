-- Loan accounts, their schedules and interest segments, the business-day calendar of the
-- end-of-day batch, and the double-entry ledger. Money is numeric(20, 2) (yuan and fen), rates are
-- percent a year as numeric(20, 10) (a penalty rate is the contract rate × 1.5, which needs more
-- places than the contract rate has).

-- The bank's business dates. Exactly one is open; the end-of-day batch closes it and opens the
-- next, so a date is never accrued twice and never skipped.
CREATE TABLE business_days (
  business_date date PRIMARY KEY,
  status text NOT NULL CHECK (status IN ('open', 'closing', 'closed')),
  opened_at timestamptz NOT NULL DEFAULT now(),
  closing_started_at timestamptz,
  closed_at timestamptz,
  -- Totals of the day, written when it closes (the accrual.completed event carries them).
  loans_accrued integer,
  normal_interest numeric(20, 2),
  penalty_interest numeric(20, 2),
  compound_interest numeric(20, 2)
);
CREATE UNIQUE INDEX business_days_one_open ON business_days ((true)) WHERE status <> 'closed';

-- Chart of accounts (a small slice of a Chinese bank's: 1301 loans, 1132 interest receivable,
-- 6011 interest income, 2011 deposits as the settlement account, ...).
CREATE TABLE gl_accounts (
  code text PRIMARY KEY,
  name text NOT NULL,
  name_zh text NOT NULL,
  category text NOT NULL CHECK (category IN ('asset', 'liability', 'income', 'expense')),
  -- Loan-level (sub-ledger) accounts carry a loan id on every line.
  per_loan boolean NOT NULL
);
INSERT INTO gl_accounts (code, name, name_zh, category, per_loan) VALUES
  ('130101', 'Loans - principal not overdue', '贷款-正常本金', 'asset', true),
  ('130102', 'Loans - overdue principal', '贷款-逾期本金', 'asset', true),
  ('113201', 'Interest receivable - accrued, not billed', '应收利息-应计未结', 'asset', true),
  ('113202', 'Interest receivable - billed', '应收利息-已结未收', 'asset', true),
  ('113203', 'Penalty interest receivable', '应收罚息', 'asset', true),
  ('113204', 'Compound interest receivable', '应收复利', 'asset', true),
  ('130401', 'Loan loss allowance', '贷款损失准备', 'asset', false),
  ('144101', 'Repossessed assets', '抵债资产', 'asset', true),
  ('201101', 'Customer settlement accounts', '吸收存款-结算户', 'liability', false),
  ('224101', 'Repayments received in advance', '其他应付款-预收还款', 'liability', true),
  ('601101', 'Interest income - loans', '利息收入-贷款利息', 'income', false),
  ('601102', 'Interest income - penalty interest', '利息收入-罚息', 'income', false),
  ('601103', 'Interest income - compound interest', '利息收入-复利', 'income', false);

CREATE TABLE loans (
  id uuid PRIMARY KEY,
  loan_number text NOT NULL UNIQUE,
  application_id uuid UNIQUE,
  customer_id uuid NOT NULL,
  branch_id text NOT NULL,
  product_code text NOT NULL,
  currency char(3) NOT NULL DEFAULT 'CNY',
  approved_amount numeric(20, 2) NOT NULL CHECK (approved_amount > 0),
  status text NOT NULL CHECK (status IN ('active', 'closed', 'written_off')),
  opened_on date NOT NULL,
  maturity_date date NOT NULL,
  -- The schedule terms as validated (method, term, unit, repayment day, basis, day count, ...).
  terms jsonb NOT NULL,
  rate_type text NOT NULL CHECK (rate_type IN ('fixed', 'floating')),
  lpr_term text CHECK (lpr_term IN ('1Y', '5Y')),
  spread_bp integer,
  repricing text CHECK (repricing IN ('january_first', 'anniversary')),
  next_repricing_date date,
  annual_rate numeric(20, 10) NOT NULL CHECK (annual_rate >= 0),
  penalty_markup_percent numeric(9, 4) NOT NULL,
  grace_days integer NOT NULL CHECK (grace_days >= 0),
  allocation_order text[] NOT NULL,
  -- Balances. principal: not yet billed; due_*: billed, within grace; overdue_*: past grace.
  principal numeric(20, 2) NOT NULL,
  due_principal numeric(20, 2) NOT NULL DEFAULT 0,
  due_interest numeric(20, 2) NOT NULL DEFAULT 0,
  due_since date,
  overdue_principal numeric(20, 2) NOT NULL DEFAULT 0,
  overdue_interest numeric(20, 2) NOT NULL DEFAULT 0,
  credit_balance numeric(20, 2) NOT NULL DEFAULT 0,
  oldest_unpaid_due date,
  days_past_due integer NOT NULL DEFAULT 0,
  -- How normal interest accrues: 'daily' (annual / year days) or 'monthly_period' (a period's
  -- interest is annual × months / 12, spread over its actual days).
  basis_kind text NOT NULL CHECK (basis_kind IN ('daily', 'monthly_period')),
  basis_year_days integer NOT NULL,
  basis_repay_every integer NOT NULL,
  -- Flat loans (等本等息) bear interest on the original principal.
  interest_on_original numeric(20, 2),
  period_start date NOT NULL,
  -- A long first period on the monthly basis switches from the daily rate to a regular month.
  n_switch_on date,
  n_switch_denominator integer,
  -- The next installment to bill.
  next_period integer,
  next_due_date date,
  next_principal numeric(20, 2),
  -- Open interest segments: normal (on principal not yet billed), penalty (on overdue principal)
  -- and compound (on overdue interest). Interest of a segment through day d is
  -- round(base × rate/100 × days / denominator), so what was accrued day by day adds up to the
  -- segment's interest exactly; what the open segments accrued so far is in loan_accruals.
  n_start date NOT NULL,
  n_base numeric(20, 2) NOT NULL,
  n_rate numeric(20, 10) NOT NULL,
  n_denominator integer NOT NULL,
  p_start date NOT NULL,
  p_base numeric(20, 2) NOT NULL DEFAULT 0,
  p_rate numeric(20, 10) NOT NULL,
  p_denominator integer NOT NULL,
  c_start date NOT NULL,
  c_base numeric(20, 2) NOT NULL DEFAULT 0,
  c_rate numeric(20, 10) NOT NULL,
  c_denominator integer NOT NULL,
  classification text NOT NULL DEFAULT 'normal'
    CHECK (classification IN ('normal', 'special_mention', 'substandard', 'doubtful', 'loss')),
  classified_on date,
  closed_on date,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
)
;
CREATE INDEX loans_customer ON loans (customer_id);

-- What the end of day changes on most nights for most loans, apart from the rest of the loan so
-- that the nightly update writes ~100-byte rows, not the whole loan. The fill factor leaves room
-- on each page for that update to stay heap-only (no index touched).
CREATE TABLE loan_accruals (
  loan_id uuid PRIMARY KEY REFERENCES loans (id),
  -- The last business date accrued (the end-of-day batch takes loans at the day before).
  accrued_through date NOT NULL,
  -- Interest of the current period accrued, not yet billed; unpaid penalty and compound interest.
  accrued_interest numeric(20, 2) NOT NULL DEFAULT 0,
  penalty_interest numeric(20, 2) NOT NULL DEFAULT 0,
  compound_interest numeric(20, 2) NOT NULL DEFAULT 0,
  -- Accrued so far in each open segment.
  n_accrued numeric(20, 2) NOT NULL DEFAULT 0,
  p_accrued numeric(20, 2) NOT NULL DEFAULT 0,
  c_accrued numeric(20, 2) NOT NULL DEFAULT 0
) WITH (fillfactor = 70);
CREATE INDEX loans_branch_status ON loans (branch_id, status);
CREATE SEQUENCE loan_numbers;

CREATE TABLE disbursements (
  id uuid PRIMARY KEY,
  loan_id uuid NOT NULL REFERENCES loans (id),
  tranche integer NOT NULL,
  amount numeric(20, 2) NOT NULL CHECK (amount > 0),
  value_date date NOT NULL,
  -- 受托支付 (entrusted: paid to a named counterparty) or 自主支付 (self-payment).
  payment_method text NOT NULL CHECK (payment_method IN ('entrusted', 'self')),
  counterparty_name text,
  counterparty_account text,
  counterparty_bank text,
  disbursed_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (loan_id, tranche)
);

CREATE TABLE installments (
  loan_id uuid NOT NULL REFERENCES loans (id),
  period integer NOT NULL,
  due_date date NOT NULL,
  principal numeric(20, 2) NOT NULL,
  -- The schedule's interest; the billed interest is what was accrued over the period.
  scheduled_interest numeric(20, 2) NOT NULL,
  billed_interest numeric(20, 2),
  principal_paid numeric(20, 2) NOT NULL DEFAULT 0,
  interest_paid numeric(20, 2) NOT NULL DEFAULT 0,
  status text NOT NULL CHECK (status IN ('scheduled', 'due', 'overdue', 'paid')),
  paid_on date,
  PRIMARY KEY (loan_id, period)
);

-- Closed interest segments; the open ones live on the loan row.
CREATE TABLE interest_segments (
  loan_id uuid NOT NULL REFERENCES loans (id),
  kind text NOT NULL CHECK (kind IN ('normal', 'penalty', 'compound')),
  start_date date NOT NULL,
  end_date date NOT NULL CHECK (end_date > start_date), -- exclusive
  base numeric(20, 2) NOT NULL,
  rate numeric(20, 10) NOT NULL,
  denominator integer NOT NULL,
  interest numeric(20, 2) NOT NULL,
  PRIMARY KEY (loan_id, kind, start_date)
);

CREATE TABLE repayments (
  id uuid PRIMARY KEY,
  loan_id uuid NOT NULL REFERENCES loans (id),
  value_date date NOT NULL,
  amount numeric(20, 2) NOT NULL CHECK (amount > 0),
  kind text NOT NULL CHECK (kind IN ('regular', 'prepayment', 'payoff')),
  prepayment_option text CHECK (prepayment_option IN ('shorten_term', 'lower_installment')),
  -- How the amount went: { compound, penalty, overdueInterest, overduePrincipal, dueInterest,
  -- duePrincipal, accruedInterest, principal, credit }.
  allocation jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('posted', 'reversed')),
  reference text,
  posted_by text NOT NULL,
  reversed_at timestamptz,
  reversed_by text,
  reversal_reason text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX repayments_loan ON repayments (loan_id, value_date);

-- Loan prime rates as published (the 20th of each month by the NIFC).
CREATE TABLE lpr_rates (
  term text NOT NULL CHECK (term IN ('1Y', '5Y')),
  effective_date date NOT NULL,
  rate numeric(20, 10) NOT NULL CHECK (rate > 0 AND rate < 100),
  published_by text NOT NULL,
  published_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (term, effective_date)
);

-- Every change of a loan's contract rate: by LPR repricing or by a recorded agreement.
CREATE TABLE rate_changes (
  id uuid PRIMARY KEY,
  loan_id uuid NOT NULL REFERENCES loans (id),
  effective_date date NOT NULL,
  old_rate numeric(20, 10),
  new_rate numeric(20, 10) NOT NULL CHECK (new_rate >= 0 AND new_rate < 100),
  source text NOT NULL CHECK (source IN ('agreement', 'lpr')),
  reference text,
  recorded_by text NOT NULL,
  applied boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (loan_id, effective_date, source)
);

CREATE SEQUENCE journal_entry_ids;
CREATE TABLE journal_entries (
  id bigint PRIMARY KEY,
  business_date date NOT NULL,
  kind text NOT NULL,
  -- Set when every line of the entry is about one loan.
  loan_id uuid,
  reference text,
  description text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX journal_entries_date ON journal_entries (business_date, kind);

-- The hottest table of the book (a line per loan per night). No foreign keys: lines are written
-- only with their entry, in its transaction, from typed postings that balance; the trial balance
-- and loan reconciliation check the result.
CREATE TABLE journal_lines (
  entry_id bigint NOT NULL,
  account_code text NOT NULL,
  loan_id uuid,
  debit numeric(20, 2) NOT NULL DEFAULT 0 CHECK (debit >= 0),
  credit numeric(20, 2) NOT NULL DEFAULT 0 CHECK (credit >= 0),
  CHECK ((debit = 0) <> (credit = 0))
);
CREATE INDEX journal_lines_loan ON journal_lines (loan_id, account_code);

-- What each committed chunk of an end-of-day run accrued; the day's totals are their sum, so a
-- run resumed after a crash still reports the whole day.
CREATE TABLE end_of_day_chunks (
  business_date date NOT NULL,
  first_loan_id uuid NOT NULL,
  loans integer NOT NULL,
  normal_interest numeric(20, 2) NOT NULL,
  penalty_interest numeric(20, 2) NOT NULL,
  compound_interest numeric(20, 2) NOT NULL,
  PRIMARY KEY (business_date, first_loan_id)
);

-- Five-tier classification: the floor from days past due moves a loan down by itself; a manual
-- change needs a reason and a second person's approval.
CREATE TABLE classification_changes (
  id uuid PRIMARY KEY,
  loan_id uuid NOT NULL REFERENCES loans (id),
  from_class text NOT NULL,
  to_class text NOT NULL,
  cause text NOT NULL CHECK (cause IN ('days_past_due', 'manual')),
  reason text,
  status text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
  requested_by text NOT NULL,
  requested_at timestamptz NOT NULL DEFAULT now(),
  decided_by text,
  decided_at timestamptz,
  business_date date NOT NULL
);
CREATE INDEX classification_changes_loan ON classification_changes (loan_id, requested_at);
CREATE UNIQUE INDEX classification_one_pending
  ON classification_changes (loan_id) WHERE status = 'pending';

-- Idempotency of commands: a retried command returns what the first one answered.
CREATE TABLE command_results (
  command_id text PRIMARY KEY,
  command text NOT NULL,
  principal_id text NOT NULL,
  result jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- 核销: the balances written off against the loss allowance, and what is recovered later.
CREATE TABLE write_offs (
  loan_id uuid PRIMARY KEY REFERENCES loans (id),
  business_date date NOT NULL,
  principal numeric(20, 2) NOT NULL,
  interest numeric(20, 2) NOT NULL,
  total numeric(20, 2) NOT NULL,
  reason text NOT NULL,
  written_off_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE recoveries (
  id uuid PRIMARY KEY,
  loan_id uuid NOT NULL REFERENCES write_offs (loan_id),
  business_date date NOT NULL,
  amount numeric(20, 2) NOT NULL CHECK (amount > 0),
  reference text,
  recorded_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
