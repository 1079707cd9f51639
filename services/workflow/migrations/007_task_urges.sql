-- 催办 on the task list: how often a task was urged and when last, for the "urged" badge of
-- 我的业务 (the history keeps every urge with who and why).
ALTER TABLE tasks ADD COLUMN urge_count integer NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN last_urged_at timestamptz;
