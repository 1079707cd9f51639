-- Pre-aggregated ended tasks, so that the approval-efficiency report's steps and officers tables
-- read a few thousand rows for a year instead of a year of tasks. A task counts once it is ended
-- (completed or sent back), in the month of its end in the bank's time (Asia/Shanghai, as the
-- decision histogram). Partial months at the edges of a range are still counted from tasks.
--
-- The counts are kept by triggers on tasks rather than by each projection: whatever event (in
-- whatever order) moves a task, its old contribution is taken out and its new one put in, so the
-- aggregates are a function of the tasks table alone and a rebuild ends with identical rows.
-- Rows that fall to zero are deleted for the same reason.

-- bucket: working days × 4 rounded up, capped at 400 (as decision_histogram); -1: no working days.
CREATE TABLE task_step_months (
  month date NOT NULL,
  branch_id text NOT NULL,
  product_code text NOT NULL,
  step text NOT NULL,
  bucket integer NOT NULL,
  completed integer NOT NULL,
  sent_back integer NOT NULL,
  PRIMARY KEY (month, branch_id, product_code, step, bucket)
);

-- Tasks ended by each officer per month: how many, and the sum and count of their working days.
CREATE TABLE officer_months (
  month date NOT NULL,
  branch_id text NOT NULL,
  product_code text NOT NULL,
  officer text NOT NULL,
  done integer NOT NULL,
  timed integer NOT NULL,
  total_days numeric(20, 4) NOT NULL,
  PRIMARY KEY (month, branch_id, product_code, officer)
);

-- Adds (sign 1) or takes out (sign -1) one task's contribution.
CREATE FUNCTION count_ended_task(t tasks, sign integer) RETURNS void
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  m date;
  b integer;
BEGIN
  IF t.state NOT IN ('completed', 'sent_back') OR t.ended_at IS NULL THEN
    RETURN;
  END IF;
  m := date_trunc('month', t.ended_at AT TIME ZONE 'Asia/Shanghai')::date;
  b := coalesce(least(400, greatest(0, ceil(t.working_days * 4)))::integer, -1);
  INSERT INTO task_step_months AS s
  VALUES (m, t.branch_id, t.product_code, t.step, b, sign,
          CASE WHEN t.sent_back OR t.state = 'sent_back' THEN sign ELSE 0 END)
  ON CONFLICT (month, branch_id, product_code, step, bucket) DO UPDATE
    SET completed = s.completed + EXCLUDED.completed, sent_back = s.sent_back + EXCLUDED.sent_back;
  IF sign < 0 THEN
    DELETE FROM task_step_months
     WHERE month = m AND branch_id = t.branch_id AND product_code = t.product_code
       AND step = t.step AND bucket = b AND completed = 0 AND sent_back = 0;
  END IF;
  IF t.ended_by IS NULL THEN
    RETURN;
  END IF;
  INSERT INTO officer_months AS o
  VALUES (m, t.branch_id, t.product_code, t.ended_by, sign,
          CASE WHEN t.working_days IS NULL THEN 0 ELSE sign END,
          sign * coalesce(t.working_days, 0))
  ON CONFLICT (month, branch_id, product_code, officer) DO UPDATE
    SET done = o.done + EXCLUDED.done, timed = o.timed + EXCLUDED.timed,
        total_days = o.total_days + EXCLUDED.total_days;
  IF sign < 0 THEN
    DELETE FROM officer_months
     WHERE month = m AND branch_id = t.branch_id AND product_code = t.product_code
       AND officer = t.ended_by AND done = 0;
  END IF;
END $$;

CREATE FUNCTION count_task_change() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM count_ended_task(OLD, -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM count_ended_task(NEW, 1);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER tasks_counted_insert AFTER INSERT ON tasks FOR EACH ROW
  WHEN (NEW.ended_at IS NOT NULL) EXECUTE FUNCTION count_task_change();
-- Most task events (created, assigned, urged, overdue) change nothing counted.
CREATE TRIGGER tasks_counted_update AFTER UPDATE ON tasks FOR EACH ROW
  WHEN ((OLD.state, OLD.ended_at, OLD.branch_id, OLD.product_code, OLD.step, OLD.working_days,
         OLD.sent_back, OLD.ended_by)
        IS DISTINCT FROM
        (NEW.state, NEW.ended_at, NEW.branch_id, NEW.product_code, NEW.step, NEW.working_days,
         NEW.sent_back, NEW.ended_by))
  EXECUTE FUNCTION count_task_change();
CREATE TRIGGER tasks_counted_delete AFTER DELETE ON tasks FOR EACH ROW
  WHEN (OLD.ended_at IS NOT NULL) EXECUTE FUNCTION count_task_change();

-- The tasks already there (a service upgraded in place).
INSERT INTO task_step_months
SELECT date_trunc('month', ended_at AT TIME ZONE 'Asia/Shanghai')::date, branch_id, product_code,
       step, coalesce(least(400, greatest(0, ceil(working_days * 4)))::integer, -1), count(*),
       count(*) FILTER (WHERE sent_back OR state = 'sent_back')
  FROM tasks WHERE state IN ('completed', 'sent_back') AND ended_at IS NOT NULL
 GROUP BY 1, 2, 3, 4, 5;
INSERT INTO officer_months
SELECT date_trunc('month', ended_at AT TIME ZONE 'Asia/Shanghai')::date, branch_id, product_code,
       ended_by, count(*), count(working_days), coalesce(sum(working_days), 0)
  FROM tasks
 WHERE state IN ('completed', 'sent_back') AND ended_at IS NOT NULL AND ended_by IS NOT NULL
 GROUP BY 1, 2, 3, 4;
