-- The loans.state stream carries a loan's lifecycle state and produces a record only when that
-- state changed: the digest of the last state queued for the stream (see streams/index.ts).
ALTER TABLE loans ADD COLUMN IF NOT EXISTS streamed_state text;
