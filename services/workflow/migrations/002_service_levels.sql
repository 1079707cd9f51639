-- Service-level notices sent for a task: a reminder before it is due, then overdue once.
ALTER TABLE tasks
  ADD COLUMN reminded_at timestamptz,
  ADD COLUMN overdue_at timestamptz;
CREATE INDEX tasks_service_level ON tasks (due_at) WHERE state = 'open' AND overdue_at IS NULL;
