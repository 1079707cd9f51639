// When a message may go out: quiet hours for borrowers' SMS, retries with backoff and jitter,
// per-recipient rate limits, the daily digest. Pure: instants in, instants out.

/** The wall-clock hour and minute of `instant` in `timeZone`. */
function localTime(
  instant: Date,
  timeZone: string,
): { hour: number; minute: number; second: number } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { hour: part('hour'), minute: part('minute'), second: part('second') };
}

export interface QuietHours {
  /** Hour the quiet time starts (e.g. 21), in the bank's time zone. */
  start: number;
  /** Hour it ends (e.g. 8). Equal to `start`: no quiet hours. */
  end: number;
  timeZone: string;
}

const inQuiet = (hour: number, q: QuietHours): boolean =>
  q.start === q.end
    ? false
    : q.start > q.end
      ? hour >= q.start || hour < q.end
      : hour >= q.start && hour < q.end;

/**
 * The first instant at or after `at` outside the quiet hours: `at` itself when it is not quiet,
 * else the next `end` o'clock (e.g. a message of 22:00 goes at 08:00 the next morning; of 06:30,
 * at 08:00 the same morning). Whole-hour time zones and offsets only move by hours, so counting
 * the minutes to the next `end` on the local clock is exact.
 */
export function afterQuietHours(at: Date, q: QuietHours): Date {
  const t = localTime(at, q.timeZone);
  if (!inQuiet(t.hour, q)) return at;
  const hoursToEnd = (q.end - t.hour + 24) % 24 || 24;
  const ms = ((hoursToEnd * 60 - t.minute) * 60 - t.second) * 1000 - at.getUTCMilliseconds();
  return new Date(at.getTime() + ms);
}

/**
 * The wait before attempt `attempt + 1` after `attempt` failed (1-based): exponential from
 * `baseMs`, capped at `maxMs`, with "equal jitter" (half fixed, half random) so that messages
 * failed together by one outage do not all come back at the same instant.
 */
export function backoffMs(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number,
): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + (exponential / 2) * random());
}

/**
 * Whether one more message to a recipient on a channel fits the hourly limit, given the send
 * times of the last hour; when not, the instant a slot frees (the oldest send + 1 h).
 */
export function rateLimitSlot(
  sentInLastHour: Date[],
  limitPerHour: number,
  now: Date,
): { ok: true } | { ok: false; retryAt: Date } {
  const recent = sentInLastHour.filter((t) => now.getTime() - t.getTime() < 3_600_000);
  if (recent.length < limitPerHour) return { ok: true };
  const sorted = recent.map((t) => t.getTime()).sort((a, b) => a - b);
  return { ok: false, retryAt: new Date(sorted[recent.length - limitPerHour]! + 3_600_000) };
}

export type EmailDigest = 'auto' | 'always' | 'never';

/** Whether a task e-mail goes into the daily digest instead of out on its own. */
export function goesToDigest(
  setting: EmailDigest,
  emailsToday: number,
  threshold: number,
): boolean {
  if (setting === 'always') return true;
  if (setting === 'never') return false;
  return emailsToday >= threshold;
}

/** The next instant the daily digest goes out: today at `hour` (bank time) or tomorrow. */
export function nextDigestAt(now: Date, hour: number, timeZone: string): Date {
  const t = localTime(now, timeZone);
  const minutesNow = t.hour * 60 + t.minute;
  let minutes = hour * 60 - minutesNow;
  if (minutes <= 0) minutes += 24 * 60;
  return new Date(now.getTime() + (minutes * 60 - t.second) * 1000 - now.getUTCMilliseconds());
}
