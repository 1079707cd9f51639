/** Dates and times as the bank reads them: in its time zone (Asia/Shanghai), whatever the browser's. */
export const BANK_TIME_ZONE = 'Asia/Shanghai';

const dateTime = new Map<string, Intl.DateTimeFormat>();
function formatter(language: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${language}|${withTime}`;
  let f = dateTime.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'zh-CN', {
      timeZone: BANK_TIME_ZONE,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      ...(withTime ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' as const } : {}),
    });
    dateTime.set(key, f);
  }
  return f;
}

/** An instant (ISO 8601 with offset) → "2026-12-08 09:30" in the bank's time zone. */
export function dateTimeText(iso: string | null | undefined, language = 'zh-CN'): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts = Object.fromEntries(
    formatter(language, true)
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** A business date ("2026-12-08", no time zone) as it is; an instant → its date in the bank's zone. */
export function dateText(value: string | null | undefined, language = 'zh-CN'): string {
  if (!value) return '—';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  const parts = Object.fromEntries(
    formatter(language, false)
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}`;
}
