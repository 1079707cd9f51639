// Pure rules of the read models: how an event's facts are bucketed and ordered before SQL stores
// them. No I/O here.
import Decimal from 'decimal.js';

/** The bank's time zone: months and business dates of instants are counted in China time. */
export const BANK_TIME_ZONE = 'Asia/Shanghai';

/**
 * Days past due as the overdue-bucket report counts them: 0 current, 1 (1–30), 2 (31–60),
 * 3 (61–90), 4 (91–180), 5 (181–360), 6 (>360).
 */
export function dpdBucket(daysPastDue: number): number {
  if (daysPastDue <= 0) return 0;
  if (daysPastDue <= 30) return 1;
  if (daysPastDue <= 60) return 2;
  if (daysPastDue <= 90) return 3;
  if (daysPastDue <= 180) return 4;
  if (daysPastDue <= 360) return 5;
  return 6;
}

/** The same buckets in SQL (the day-closed projection buckets 500 loans in one statement). */
export const DPD_BUCKET_SQL = (column: string): string =>
  `CASE WHEN ${column} <= 0 THEN 0 WHEN ${column} <= 30 THEN 1 WHEN ${column} <= 60 THEN 2
        WHEN ${column} <= 90 THEN 3 WHEN ${column} <= 180 THEN 4 WHEN ${column} <= 360 THEN 5
        ELSE 6 END`;

/** The highest bucket of the decision histogram: 100 working days and more. */
export const MAX_WORKING_DAY_BUCKET = 400;

/**
 * The decision histogram's bucket of a decision taken in `workingDays` (a decimal string):
 * quarter days rounded up, so bucket ≤ 12 means "decided within 3 working days" exactly.
 */
export function workingDayBucket(workingDays: string): number {
  const quarters = new Decimal(workingDays).times(4).ceil();
  if (quarters.lte(0)) return 0;
  return Math.min(MAX_WORKING_DAY_BUCKET, quarters.toNumber());
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDate(date: string): { y: number; m: number; d: number } {
  const match = ISO_DATE.exec(date);
  if (!match) throw new Error(`not a date (YYYY-MM-DD): ${date}`);
  return { y: Number(match[1]), m: Number(match[2]), d: Number(match[3]) };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The first day of the date's month (the key of monthly aggregates). */
export function monthOf(date: string): string {
  const { y, m } = parseDate(date);
  return `${pad(y, 4)}-${pad(m)}-01`;
}

/** The last day of the month before the date's month. */
export function previousMonthEnd(date: string): string {
  const { y, m } = parseDate(date);
  const end = new Date(Date.UTC(y, m - 1, 0));
  return end.toISOString().slice(0, 10);
}

/** True on the last calendar day of a month: the night that closes the month's migration matrix. */
export function isMonthEnd(date: string): boolean {
  const { y, m, d } = parseDate(date);
  return new Date(Date.UTC(y, m, 0)).getUTCDate() === d;
}

/** The date of an instant in the bank's time zone. */
export function bankDateOf(instant: string | Date): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: BANK_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(instant));
}

/**
 * An application's statuses in the order they can follow each other. Events of different services
 * reach the read model in any order (a rebuild runs the sources side by side), so a status only
 * replaces one that comes earlier in this order: a late `submitted` never undoes `disbursed`.
 */
export const APPLICATION_STATUS_ORDER = [
  'draft',
  'submitted',
  'approved',
  'rejected',
  'declined',
  'withdrawn',
  'expired',
  'contracted',
  'disbursed',
] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUS_ORDER)[number];

/** Rank of a status in that order: approved, rejected and declined are one rank (decisions). */
export function statusRank(status: string): number {
  switch (status) {
    case 'draft':
      return 0;
    case 'submitted':
      return 1;
    case 'approved':
    case 'rejected':
    case 'declined':
      return 2;
    case 'withdrawn':
    case 'expired':
      return 3;
    case 'contracted':
      return 4;
    case 'disbursed':
      return 5;
    default:
      return -1;
  }
}

/** The status after an event says `next`: the later of the two in the application's life. */
export function advanceStatus(current: string | undefined, next: string): string {
  if (current === undefined) return next;
  return statusRank(next) >= statusRank(current) ? next : current;
}

/** The rank in SQL, for upserts that must keep the later status. */
export const STATUS_RANK_SQL = (column: string): string =>
  `CASE ${column} WHEN 'draft' THEN 0 WHEN 'submitted' THEN 1
     WHEN 'approved' THEN 2 WHEN 'rejected' THEN 2 WHEN 'declined' THEN 2
     WHEN 'withdrawn' THEN 3 WHEN 'expired' THEN 3 WHEN 'contracted' THEN 4
     WHEN 'disbursed' THEN 5 ELSE -1 END`;

/** A task outcome that refuses the application (the approval chain's 否决). */
export function isRejectOutcome(outcome: string): boolean {
  return /reject|declin|refus|veto/i.test(outcome);
}

/** Interest income accounts of the chart (6011xx 利息收入). */
export function isInterestIncomeAccount(accountCode: string): boolean {
  return /^6011\d*$/.test(accountCode);
}

/** What a ledger line adds to an income account: credit − debit (income is a credit balance). */
export function incomeOf(line: { debit?: string; credit?: string }): string {
  return new Decimal(line.credit || '0').minus(line.debit || '0').toFixed(2);
}

/** `CUSTOMER_TYPE_INDIVIDUAL` → `individual`: the proto enum's JSON name without its prefix. */
export function enumWord(json: string, prefix: string): string {
  if (!json || json.endsWith('_UNSPECIFIED') || json === 'UNRECOGNIZED') return '';
  return (json.startsWith(prefix) ? json.slice(prefix.length) : json).toLowerCase();
}
