-- Process definitions: immutable versions per BPMN process id (key). The parsed model is kept
-- beside the XML so instances never re-parse; a running instance stays on its version.
CREATE TABLE process_definitions (
  id uuid PRIMARY KEY,
  key text NOT NULL,
  version integer NOT NULL,
  name text NOT NULL,
  xml text NOT NULL,
  model jsonb NOT NULL,
  checksum text NOT NULL,
  deployed_by text NOT NULL,
  deployed_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (key, version)
);

-- One row per instance; `state` is the engine's state (tokens, tasks, variables, history);
-- `revision` is the optimistic lock: one writer per instance.
CREATE TABLE process_instances (
  id uuid PRIMARY KEY,
  definition_id uuid NOT NULL REFERENCES process_definitions (id),
  business_key text NOT NULL,
  status text NOT NULL CHECK (status IN ('active', 'completed', 'terminated')),
  state jsonb NOT NULL,
  -- Business facts the task list shows and filters on (product, amount, branch, customer).
  context jsonb NOT NULL DEFAULT '{}'::jsonb,
  revision integer NOT NULL DEFAULT 1,
  started_at timestamptz NOT NULL DEFAULT now(),
  ended_at timestamptz
);
-- One credit-approval instance per application, however often application.submitted arrives.
CREATE UNIQUE INDEX process_instances_business_key ON process_instances (business_key);
CREATE INDEX process_instances_definition ON process_instances (definition_id) WHERE status = 'active';

-- Task list projection (我的业务): what the engine state says, indexed for the queries bankers run.
CREATE TABLE tasks (
  id text PRIMARY KEY,
  instance_id uuid NOT NULL REFERENCES process_instances (id),
  business_key text NOT NULL,
  element_id text NOT NULL,
  name text NOT NULL,
  step text NOT NULL,
  state text NOT NULL CHECK (state IN ('open', 'suspended', 'completed', 'cancelled')),
  assignee text,
  owner text,
  candidate_groups text[] NOT NULL DEFAULT '{}',
  candidate_users text[] NOT NULL DEFAULT '{}',
  product_code text,
  amount numeric(18, 2),
  branch_id text,
  customer_name text,
  created_at timestamptz NOT NULL,
  due_at timestamptz,
  claimed_at timestamptz,
  ended_at timestamptz,
  ended_by text,
  outcome text
);
CREATE INDEX tasks_assignee ON tasks (assignee, created_at, id) WHERE state = 'open';
CREATE INDEX tasks_candidate_groups ON tasks USING gin (candidate_groups) WHERE state = 'open';
CREATE INDEX tasks_candidate_users ON tasks USING gin (candidate_users) WHERE state = 'open';
CREATE INDEX tasks_instance ON tasks (instance_id);
CREATE INDEX tasks_due ON tasks (due_at) WHERE state = 'open';

-- Timers and jobs: leased rows, so that with several replicas each fires once and a crashed
-- holder's lease runs out and another replica takes over.
CREATE TABLE timers (
  id text PRIMARY KEY,
  instance_id uuid NOT NULL REFERENCES process_instances (id),
  due_at timestamptz NOT NULL,
  lease_until timestamptz,
  fired_at timestamptz,
  cancelled_at timestamptz
);
CREATE INDEX timers_pending ON timers (due_at) WHERE fired_at IS NULL AND cancelled_at IS NULL;

CREATE TABLE jobs (
  id text PRIMARY KEY,
  instance_id uuid NOT NULL REFERENCES process_instances (id),
  type text NOT NULL,
  variables jsonb NOT NULL DEFAULT '{}'::jsonb,
  lease_until timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  completed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_pending ON jobs (type, created_at) WHERE completed_at IS NULL;

-- Step cycle times for reporting (target: approval within 3 working days).
CREATE TABLE step_durations (
  task_id text PRIMARY KEY,
  instance_id uuid NOT NULL,
  step text NOT NULL,
  started_at timestamptz NOT NULL,
  ended_at timestamptz NOT NULL,
  working_days numeric(8, 2),
  outcome text
);

-- Absences: tasks of `user_id` go to `proxy_user_id` between the dates (委托).
CREATE TABLE proxies (
  user_id text NOT NULL,
  proxy_user_id text NOT NULL,
  from_date date NOT NULL,
  to_date date NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, from_date),
  CHECK (to_date >= from_date),
  CHECK (proxy_user_id <> user_id)
);

-- Commands carry idempotency keys: the first answer is kept and returned to a retry.
CREATE TABLE command_results (
  actor text NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  response jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (actor, key)
);
