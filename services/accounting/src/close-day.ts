// The end-of-day CronJob's command: closes the open business dates up to yesterday in the bank's
// time zone (or exactly `--date YYYY-MM-DD`), spreading the chunks over every accounting process
// (EOD_WORKER) through the database. It takes chunks itself as the coordinator; it serves nothing
// and publishes nothing (the services' outbox relays send the events it writes).
//
//   node services/accounting/dist/close-day.js [--date YYYY-MM-DD]
//
// Exit 0: every date asked for is closed (a date closed before is a success too); 1: it could not
// (the reason is logged); 2: a usage error.
import {
  bankCalendar,
  createLogger,
  createPool,
  migrate,
  platformMigrations,
  shutdownTracing,
  type Logger,
} from '@loanflow/platform';
import {
  closeBusinessDate,
  closeBusinessDatesThrough,
  type ClosedDay,
  endOfDayOptions,
} from './app/end-of-day';
import { loadAccountingConfig } from './config';
import { formatIsoDate, parseIsoDate, type DayNumber } from './domain/schedule/calendar';
import { MIGRATIONS } from './main';

const USAGE = 'usage: close-day [--date YYYY-MM-DD]';

/** The command line: nothing, or the one date to close. */
export function parseCloseDayArgs(argv: readonly string[]): { date?: DayNumber } | string {
  if (argv.length === 0) return {};
  const [flag, value, ...rest] =
    argv.length === 1 && argv[0]!.startsWith('--date=')
      ? ['--date', argv[0]!.slice('--date='.length)]
      : argv;
  if (flag !== '--date' || rest.length > 0) return `unknown argument ${JSON.stringify(argv[0])}`;
  if (value === undefined) return '--date: a date as YYYY-MM-DD is missing';
  const date = parseIsoDate(value);
  if (date === undefined)
    return `--date: must be a date as YYYY-MM-DD, got ${JSON.stringify(value)}`;
  return { date };
}

/**
 * Runs the command; returns the exit code. The clock is injectable: "yesterday" is the day before
 * its date in BANK_TIME_ZONE.
 */
export async function closeDays(
  argv: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; now?: () => Date; log?: Logger } = {},
): Promise<number> {
  const args = parseCloseDayArgs(argv);
  if (typeof args === 'string') {
    (opts.log ?? createLogger('accounting-close-day', 'info')).error(
      { usage: USAGE },
      `close-day: ${args}`,
    );
    return 2;
  }
  let config;
  try {
    config = loadAccountingConfig(opts.env ?? process.env);
  } catch (err) {
    (opts.log ?? createLogger('accounting-close-day', 'info')).error(
      { err: (err as Error).message },
      'close-day: the configuration is not valid',
    );
    return 1;
  }
  const log = opts.log ?? createLogger('accounting-close-day', config.LOG_LEVEL);
  const schema = config.ACCOUNTING_DB_SCHEMA;
  const calendar = bankCalendar(config.BANK_TIME_ZONE, opts.now);
  const endOfDay = endOfDayOptions(config, log, calendar);
  const pool = createPool({
    connectionString: config.DATABASE_URL,
    schema,
    // The coordinator's session (its lock and its LISTEN), its chunks, and a pass or a count.
    max: config.EOD_PARALLELISM + 2,
    applicationName: 'accounting-close-day',
    log,
  });
  try {
    // The schema is the service's; a CronJob that runs before the first deployment finds it ready.
    await migrate(pool, schema, [platformMigrations, MIGRATIONS], log);
    let closed: ClosedDay[];
    if (args.date !== undefined) {
      closed = [await closeBusinessDate(pool, args.date, endOfDay, 'close-day')];
    } else {
      const yesterday = parseIsoDate(calendar.today())! - 1;
      log.info(
        { through: formatIsoDate(yesterday), timeZone: calendar.timeZone },
        'closing the open business dates',
      );
      closed = await closeBusinessDatesThrough(pool, yesterday, endOfDay, 'close-day');
    }
    for (const c of closed) {
      log.info(
        {
          businessDate: c.day?.businessDate,
          alreadyClosed: c.alreadyClosed,
          loansAccrued: c.day?.loansAccrued,
          normalInterest: c.day?.normalInterest,
          penaltyInterest: c.day?.penaltyInterest,
          compoundInterest: c.day?.compoundInterest,
          nextBusinessDate: c.nextBusinessDate,
        },
        c.alreadyClosed ? 'business date was already closed' : 'business date closed',
      );
    }
    if (closed.length === 0) log.info('no business date to close');
    return 0;
  } catch (err) {
    log.error({ err }, `close-day failed: ${(err as Error).message}`);
    return 1;
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  void closeDays(process.argv.slice(2)).then(async (code) => {
    await shutdownTracing();
    process.exitCode = code;
  });
}
