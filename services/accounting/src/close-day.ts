// OWNED BY: eod — the end-of-day CronJob's command: closes the open business dates up to
// yesterday in the bank's time zone (or exactly `--date YYYY-MM-DD`), spreading the chunks over
// every accounting process (EOD_WORKER) through the database.
export {};
