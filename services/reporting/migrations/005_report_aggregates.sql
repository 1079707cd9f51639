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

-- The pipeline report per month, branch and product (applications and amounts), kept the same way
-- by a trigger on applications:
--   status          month created, key = status now          (applications by status)
--   funnel          month submitted, key = submitted | approved | contracted | disbursed
--   pre_assessment  month created, key = each knockout rule code
--   approval        month decided, key = the step whose reject ended the process
CREATE TABLE application_months (
  month date NOT NULL,
  branch_id text NOT NULL,
  product_code text NOT NULL,
  measure text NOT NULL,
  key text NOT NULL,
  applications integer NOT NULL,
  amount numeric(20, 2) NOT NULL,
  PRIMARY KEY (month, branch_id, product_code, measure, key)
);

-- What one application counts for (nothing for NULL: the OLD of an insert). The reports read the
-- partial months at a range's edges through it too (it reads no table: PostgreSQL inlines it).
CREATE FUNCTION application_contributions(a applications)
RETURNS TABLE (month date, branch_id text, product_code text, measure text, key text,
               amount numeric)
LANGUAGE sql STABLE AS $$
  SELECT date_trunc('month', a.created_at AT TIME ZONE 'Asia/Shanghai')::date, a.branch_id,
         a.product_code, 'status', a.status, coalesce(a.amount, 0)
   WHERE a.created_at IS NOT NULL
  UNION ALL
  SELECT date_trunc('month', a.submitted_at AT TIME ZONE 'Asia/Shanghai')::date, a.branch_id,
         a.product_code, 'funnel', stage.key, stage.amount
    FROM (VALUES
      ('submitted', coalesce(a.amount, 0), true),
      ('approved', coalesce(a.approved_amount, a.amount, 0),
       a.decision = 'approved' OR a.status IN ('approved', 'contracted', 'disbursed')),
      ('contracted', coalesce(a.approved_amount, a.amount, 0),
       a.contracted_at IS NOT NULL OR a.status IN ('contracted', 'disbursed')),
      ('disbursed', a.disbursed_amount, a.disbursed_on IS NOT NULL OR a.status = 'disbursed')
    ) AS stage(key, amount, reached)
   WHERE a.submitted_at IS NOT NULL AND stage.reached
  UNION ALL
  SELECT date_trunc('month', a.created_at AT TIME ZONE 'Asia/Shanghai')::date, a.branch_id,
         a.product_code, 'pre_assessment', code, coalesce(a.amount, 0)
    FROM unnest(a.decline_codes) AS code
   WHERE a.decline_source = 'pre_assessment' AND a.created_at IS NOT NULL
  UNION ALL
  SELECT date_trunc('month', a.decided_at AT TIME ZONE 'Asia/Shanghai')::date, a.branch_id,
         a.product_code, 'approval', coalesce(a.decline_step, ''), coalesce(a.amount, 0)
   WHERE a.decline_source = 'approval' AND a.decided_at IS NOT NULL
$$;

CREATE FUNCTION count_application_change() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  INSERT INTO application_months AS m
  SELECT c.month, c.branch_id, c.product_code, c.measure, c.key, sum(c.sign), sum(c.sign * c.amount)
    FROM (SELECT o.*, -1 AS sign FROM application_contributions(OLD) o
          UNION ALL
          SELECT n.*, 1 FROM application_contributions(NEW) n) c
   GROUP BY 1, 2, 3, 4, 5
  HAVING sum(c.sign) <> 0 OR sum(c.sign * c.amount) <> 0
  ON CONFLICT (month, branch_id, product_code, measure, key) DO UPDATE
    SET applications = m.applications + EXCLUDED.applications, amount = m.amount + EXCLUDED.amount;
  IF TG_OP <> 'INSERT' THEN
    DELETE FROM application_months m USING application_contributions(OLD) o
     WHERE m.month = o.month AND m.branch_id = o.branch_id AND m.product_code = o.product_code
       AND m.measure = o.measure AND m.key = o.key AND m.applications = 0;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER applications_counted_insert AFTER INSERT ON applications FOR EACH ROW
  EXECUTE FUNCTION count_application_change();
-- Most application events (a score, a process instance, the current step) change nothing counted.
CREATE TRIGGER applications_counted_update AFTER UPDATE ON applications FOR EACH ROW
  WHEN ((OLD.branch_id, OLD.product_code, OLD.status, OLD.amount, OLD.created_at,
         OLD.submitted_at, OLD.decided_at, OLD.decision, OLD.approved_amount, OLD.contracted_at,
         OLD.disbursed_on, OLD.disbursed_amount, OLD.decline_source, OLD.decline_codes,
         OLD.decline_step)
        IS DISTINCT FROM
        (NEW.branch_id, NEW.product_code, NEW.status, NEW.amount, NEW.created_at,
         NEW.submitted_at, NEW.decided_at, NEW.decision, NEW.approved_amount, NEW.contracted_at,
         NEW.disbursed_on, NEW.disbursed_amount, NEW.decline_source, NEW.decline_codes,
         NEW.decline_step))
  EXECUTE FUNCTION count_application_change();
CREATE TRIGGER applications_counted_delete AFTER DELETE ON applications FOR EACH ROW
  EXECUTE FUNCTION count_application_change();

INSERT INTO application_months
SELECT c.month, c.branch_id, c.product_code, c.measure, c.key, count(*), sum(c.amount)
  FROM applications a CROSS JOIN LATERAL application_contributions(a) c
 GROUP BY 1, 2, 3, 4, 5;

-- The partial months at a range's edges read applications by their creation; the waiting ones
-- by their open step.
CREATE INDEX applications_created ON applications (created_at) WHERE created_at IS NOT NULL;
CREATE INDEX applications_waiting_step ON applications (current_step) WHERE status = 'submitted';
