-- Dead letters: events a consumer cannot understand (not an envelope, or data that does not
-- decode into its message) are parked here with the reason instead of being retried or dropped.
-- `letter_key` (the event id, else the message id, else a hash of the bytes) keeps a redelivered
-- copy from being parked twice.
CREATE TABLE IF NOT EXISTS dead_letters (
  id bigserial PRIMARY KEY,
  consumer text NOT NULL,
  letter_key text NOT NULL,
  event_id text,
  subject text NOT NULL,
  reason text NOT NULL,
  payload bytea NOT NULL,
  headers jsonb NOT NULL DEFAULT '{}'::jsonb,
  parked_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (consumer, letter_key)
);
