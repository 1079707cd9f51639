-- The staff directory as this service knows it: a copy kept from identity.user.* and
-- identity.branch.* events (it never reads the identity schema). `version` keeps the newest.
CREATE TABLE recipients (
  user_id uuid PRIMARY KEY,
  username text NOT NULL,
  display_name text NOT NULL,
  roles text[] NOT NULL,
  branch_id text NOT NULL,
  email text NOT NULL DEFAULT '',
  mobile text NOT NULL DEFAULT '',
  language text NOT NULL DEFAULT 'zh-CN',
  active boolean NOT NULL,
  version integer NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX recipients_roles ON recipients USING gin (roles);

CREATE TABLE branches (
  code text PRIMARY KEY,
  parent_code text
);
INSERT INTO branches (code, parent_code) VALUES ('HQ', NULL);

-- What the rules need of applications and loans to find the account manager and the borrower,
-- kept from applications.application.* and accounting.loan.disbursed.
CREATE TABLE applications (
  application_id uuid PRIMARY KEY,
  customer_id uuid NOT NULL,
  branch_id text NOT NULL,
  product_code text NOT NULL,
  account_manager_id text NOT NULL,
  customer_name text NOT NULL DEFAULT ''
);

CREATE TABLE loans (
  loan_id uuid PRIMARY KEY,
  loan_number text NOT NULL,
  application_id uuid,
  customer_id uuid NOT NULL,
  branch_id text NOT NULL
);

-- Message templates: one row per version of (code, channel, locale); the highest version is in use.
CREATE TABLE templates (
  code text NOT NULL,
  channel text NOT NULL CHECK (channel IN ('in_app', 'email', 'sms')),
  locale text NOT NULL CHECK (locale IN ('zh-CN', 'en')),
  version integer NOT NULL CHECK (version > 0),
  event_type text NOT NULL,
  subject text NOT NULL DEFAULT '',
  body text NOT NULL,
  html text NOT NULL DEFAULT '',
  provider_template_code text NOT NULL DEFAULT '',
  variables text[] NOT NULL DEFAULT '{}',
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (code, channel, locale, version)
);

-- Rules: event type → recipients → channels → template, one row per version; the highest
-- version of a rule id is in force (an inactive one sends nothing).
CREATE TABLE rules (
  id text NOT NULL,
  version integer NOT NULL CHECK (version > 0),
  event_type text NOT NULL,
  conditions jsonb NOT NULL DEFAULT '[]',
  recipients jsonb NOT NULL,
  channels text[] NOT NULL,
  template_code text NOT NULL,
  category text NOT NULL,
  mandatory boolean NOT NULL DEFAULT false,
  active boolean NOT NULL DEFAULT true,
  description text NOT NULL DEFAULT '',
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, version)
);

-- A user's choices per category and channel (absent: the default, on).
CREATE TABLE preferences (
  user_id uuid NOT NULL,
  category text NOT NULL,
  channel text NOT NULL CHECK (channel IN ('in_app', 'email', 'sms')),
  enabled boolean NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, category, channel)
);

CREATE TABLE user_settings (
  user_id uuid PRIMARY KEY,
  email_digest text NOT NULL DEFAULT 'auto' CHECK (email_digest IN ('auto', 'always', 'never')),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The in-app inbox (站内信). `seq` numbers each recipient's messages 1, 2, 3 ... in commit
-- order (taken from inbox_counters under its row lock), so a client that resumes after a seq
-- misses nothing and sees nothing twice. `batch_id` names the messages one transaction stored
-- (the NOTIFY payload the live streams load them by).
CREATE TABLE inbox_counters (
  user_id uuid PRIMARY KEY,
  last_seq bigint NOT NULL
);

CREATE TABLE messages (
  id uuid PRIMARY KEY,
  recipient_id uuid NOT NULL,
  seq bigint NOT NULL,
  category text NOT NULL,
  title text NOT NULL,
  body text NOT NULL,
  event_type text NOT NULL,
  event_id uuid NOT NULL,
  subject_kind text NOT NULL DEFAULT '',
  subject_id text NOT NULL DEFAULT '',
  mandatory boolean NOT NULL DEFAULT false,
  batch_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  read_at timestamptz,
  UNIQUE (recipient_id, seq)
);
CREATE INDEX messages_unread ON messages (recipient_id, seq) WHERE read_at IS NULL;
CREATE INDEX messages_batch ON messages (batch_id);

-- The delivery log: one row per (rule, event, recipient, channel) — `dedupe_key` makes a
-- redelivered event send nothing twice. Addresses are kept encrypted (AES-GCM) beside their
-- masked form; rendered text is kept for retries and resends.
CREATE TABLE deliveries (
  id uuid PRIMARY KEY,
  dedupe_key text NOT NULL UNIQUE,
  rule_id text NOT NULL,
  rule_version integer NOT NULL,
  event_id uuid NOT NULL,
  event_type text NOT NULL,
  recipient_kind text NOT NULL CHECK (recipient_kind IN ('user', 'borrower')),
  recipient_id text NOT NULL,
  recipient_name text NOT NULL DEFAULT '',
  channel text NOT NULL CHECK (channel IN ('in_app', 'email', 'sms')),
  address_enc text,
  address_masked text NOT NULL DEFAULT '',
  locale text NOT NULL,
  template_code text NOT NULL,
  template_version integer NOT NULL,
  category text NOT NULL,
  mandatory boolean NOT NULL DEFAULT false,
  subject text NOT NULL DEFAULT '',
  body text NOT NULL DEFAULT '',
  html text NOT NULL DEFAULT '',
  provider_template_code text NOT NULL DEFAULT '',
  template_params jsonb NOT NULL DEFAULT '{}',
  segments integer NOT NULL DEFAULT 0,
  one_time_code boolean NOT NULL DEFAULT false,
  status text NOT NULL CHECK (status IN ('pending', 'held', 'digest', 'sent', 'failed', 'dead', 'skipped')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  last_error text NOT NULL DEFAULT '',
  provider_id text NOT NULL DEFAULT '',
  message_id uuid,
  digest_id uuid,
  resent_by text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status IN ('pending', 'held');
CREATE INDEX deliveries_digest ON deliveries (recipient_id) WHERE status = 'digest';
CREATE INDEX deliveries_created ON deliveries (created_at DESC, id DESC);
CREATE INDEX deliveries_recipient_sent ON deliveries (recipient_id, channel, sent_at)
  WHERE status = 'sent';
