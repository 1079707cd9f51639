-- Staff users live in the identity service now (services/identity); the gateway keeps only
-- the idempotency keys. Nothing is copied: the directory is seeded or administered there.
DROP TABLE IF EXISTS users;
