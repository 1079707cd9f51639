-- Failed log-ins per username, known or not, in a window: past a limit the log-in is throttled
-- (RESOURCE_EXHAUSTED with the seconds left) before the password hash is even computed. Unknown
-- names count too, so the throttle tells nobody whether a username exists.
CREATE TABLE login_failures (
  username text PRIMARY KEY CHECK (username ~ '^[a-z0-9._-]{3,64}$'),
  window_started_at timestamptz NOT NULL DEFAULT now(),
  failures integer NOT NULL DEFAULT 1
);
