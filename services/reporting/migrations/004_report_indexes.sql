-- The reports' own indexes: the open tasks per step (the efficiency report's "open" and
-- "overdue" columns read them without scanning every task ever ended).
CREATE INDEX tasks_open_step ON tasks (step) WHERE state = 'open';
