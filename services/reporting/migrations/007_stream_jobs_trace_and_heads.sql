-- The trace a job belongs to (the end of day whose accrual.completed queued a snapshot, the request
-- of a replay): its records carry it in `traceparent`, so a data team follows one back.
ALTER TABLE stream_jobs ADD COLUMN traceparent text;

-- The last record queued per topic and key: an entity whose record would be the same again (two
-- events that left it as it was) queues nothing.
CREATE TABLE stream_heads (
  topic text NOT NULL,
  key text NOT NULL,
  ce_id uuid NOT NULL,
  PRIMARY KEY (topic, key)
);
