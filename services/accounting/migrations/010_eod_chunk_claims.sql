-- The end of day's chunks as rows every accounting process can claim: the process closing the
-- date (the coordinator) writes one row per chunk of a pass, and any process takes a row with
-- FOR UPDATE SKIP LOCKED inside the chunk's own transaction. A process that dies rolls back and
-- frees its row for another; a committed chunk marks its row done in the same transaction, so a
-- row is done exactly when its loans are.
CREATE TABLE eod_chunks (
  business_date date NOT NULL,
  -- The coordinator's passes over the loans still behind (usually one).
  pass integer NOT NULL,
  first_loan_id uuid NOT NULL,
  -- The first loan of the next chunk; NULL: to the end of the book.
  next_first_loan_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  done_at timestamptz,
  -- The process that did the chunk (host:pid), and how many loans it accrued.
  done_by text,
  loans integer,
  PRIMARY KEY (business_date, pass, first_loan_id),
  CHECK ((done_at IS NULL) = (done_by IS NULL))
);
CREATE INDEX eod_chunks_open ON eod_chunks (business_date, pass, first_loan_id) WHERE done_at IS NULL;
