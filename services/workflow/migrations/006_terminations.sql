-- Why a cancelled task was cancelled (sent back, vote decided, the application was withdrawn …).
ALTER TABLE tasks ADD COLUMN cancel_reason text;

-- Applications that left the approval (withdrawn, declined, expired) before their process
-- started: the events of the applications service are consumed independently, so a withdrawal
-- may be seen before the submission it follows. A submission arriving afterwards starts nothing.
CREATE TABLE ended_applications (
  business_key text PRIMARY KEY,
  cause text NOT NULL CHECK (cause IN ('withdrawn', 'declined', 'expired')),
  reason text NOT NULL DEFAULT '',
  actor text NOT NULL,
  ended_at timestamptz NOT NULL DEFAULT now()
);

-- GET /tasks?applicationId=…: the tasks of one application.
CREATE INDEX tasks_business_key ON tasks (business_key, created_at);
