// 日终: the end-of-day batch for one business date. Loans are taken in chunks by id; each chunk is
// one transaction that moves its loans from "accrued through yesterday" to "accrued through
// today", so a crash anywhere loses at most the chunk in flight and a rerun picks up exactly the
// loans not yet done. A date is closed once, in order, and the next one opens with it.
import { hostname } from 'node:os';
import {
  appendManyToOutbox,
  appendToOutbox,
  conflict,
  failedPrecondition,
  invalidArgument,
  requireRole,
  uuidv7,
  withTransaction,
  type BankCalendar,
  type Logger,
  type NewEvent,
  type Principal,
} from '@loanflow/platform';
import { accountingEventsV1 as events } from '@loanflow/proto';
import { closeBookDay } from '../domain/loan/book';
import type { ClassificationPolicy } from '../domain/loan/classification';
import { closeDay, type DayResult } from '../domain/loan/end-of-day';
import { LOAN_ACCOUNTS, journalLines, type Posting } from '../domain/loan/ledger';
import { nextRepricingDate } from '../domain/loan/repricing';
import type { ClosedSegment, LoanState } from '../domain/loan/state';
import {
  formatMoney,
  formatRate,
  formatRatePercent,
  parseRate,
  type Cents,
  type Rate,
} from '../domain/money';
import type { DayNumber } from '../domain/schedule/calendar';
import * as calendarRepo from '../infra/calendar-repo';
import type { Db, Pool, Tx } from '../infra/db';
import * as eod from '../infra/end-of-day-repo';
import { endOfDayChunks, endOfDayDuration } from '../infra/eod-metrics';
import type {
  Billed,
  ChunkLoan,
  ChunkTotals,
  DayRecord,
  DueSoonNotice,
  EntryLine,
  LoanDayRow,
} from '../infra/end-of-day-repo';
import { insertSegments, toIso, writeInstallments } from '../infra/loan-repo';
import { lprInForce } from '../infra/rate-repo';
import { Fields } from './input';
import { loadBook } from './loan-book';
import { SOURCE } from './deps';
import { Wakeup } from './wakeup';

export interface EndOfDayOptions {
  policy: ClassificationPolicy;
  /** Loans per chunk transaction. */
  chunkSize: number;
  /** Chunks in flight at once (each on its own connection). */
  parallelism: number;
  log: Logger;
  /** Today's calendar date: no business date after it closes without a simulation. */
  calendar: BankCalendar;
  /** Installments falling due this many days after the closing date are announced; 0: none. */
  dueSoonNoticeDays: number;
  /** Who does the chunks taken here (eod_chunks.done_by); this host and process by default. */
  processName?: string;
}

/** The batch's options as the configuration gives them (the service and close-day alike). */
export function endOfDayOptions(
  config: {
    CLASSIFICATION_FLOORS: ClassificationPolicy;
    EOD_CHUNK_SIZE: number;
    EOD_PARALLELISM: number;
    DUE_SOON_NOTICE_DAYS: number;
  },
  log: Logger,
  calendar: BankCalendar,
): EndOfDayOptions {
  return {
    policy: config.CLASSIFICATION_FLOORS,
    chunkSize: config.EOD_CHUNK_SIZE,
    parallelism: config.EOD_PARALLELISM,
    log,
    calendar,
    dueSoonNoticeDays: config.DUE_SOON_NOTICE_DAYS,
  };
}

/** The outcome of closing a date: its totals, and the date open next. */
export interface ClosedDay {
  day: DayRecord | undefined;
  alreadyClosed: boolean;
  nextBusinessDate: string;
}

export async function runEndOfDay(
  pool: Pool,
  p: Principal,
  req: { businessDate: string },
  opts: EndOfDayOptions,
): Promise<ClosedDay> {
  requireRole(p, ['admin'], 'running the end of day');
  const f = new Fields();
  const day = f.date('businessDate', req.businessDate);
  f.done();
  return closeBusinessDate(pool, day!, opts, p.userId);
}

/**
 * Closes `day` (which must be the open business date, or already closed: then nothing happens).
 * A date later than today's calendar date closes only under a recorded simulation. The process
 * calling this coordinates: it lays out the chunks, works them with every other accounting
 * process that takes end-of-day chunks, and closes the date once all are done.
 */
export async function closeBusinessDate(
  pool: Pool,
  day: DayNumber,
  opts: EndOfDayOptions,
  closedBy = 'system',
): Promise<ClosedDay> {
  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  let outcome = 'failed';
  const lockClient = await pool.connect();
  try {
    if (!(await eod.tryEndOfDayLock(lockClient)))
      throw conflict('the end of day is already running');
    try {
      const claim = await claimDay(pool, day, opts.calendar, closedBy);
      if (claim.alreadyClosed) {
        outcome = 'already_closed';
        return claim.response;
      }
      await accrueAll(pool, lockClient, day, opts);
      const response = await finishDay(pool, day);
      outcome = 'closed';
      opts.log.info(
        {
          businessDate: toIso(day),
          loans: response.day?.loansAccrued,
          ms: Math.round(seconds() * 1000),
        },
        'end of day closed',
      );
      return response;
    } finally {
      await eod.releaseEndOfDayLock(lockClient);
    }
  } finally {
    lockClient.release();
    endOfDayDuration.observe({ service: 'accounting', outcome }, seconds());
  }
}

/**
 * Closes every business date up to `through`, one after another from the open one (the night's
 * CronJob: a night missed is caught up on the next); dates already closed are left alone.
 */
export async function closeBusinessDatesThrough(
  pool: Pool,
  through: DayNumber,
  opts: EndOfDayOptions,
  closedBy: string,
): Promise<ClosedDay[]> {
  const closed: ClosedDay[] = [];
  for (;;) {
    const open = await calendarRepo.unclosedBusinessDay(pool);
    if (!open || open.date > through) return closed;
    closed.push(await closeBusinessDate(pool, open.date, opts, closedBy));
  }
}

async function claimDay(
  pool: Pool,
  day: DayNumber,
  calendar: BankCalendar,
  closedBy: string,
): Promise<{ alreadyClosed: true; response: ClosedDay } | { alreadyClosed: false }> {
  return withTransaction(pool, async (tx) => {
    const open = await calendarRepo.unclosedBusinessDay(tx, 'update');
    if (!open) throw failedPrecondition('no business date is open');
    if (day < open.date) {
      const totals = await eod.dayRecord(tx, day);
      if (!totals)
        throw invalidArgument([
          { field: 'businessDate', reason: `is before the first business date of this book` },
        ]);
      return {
        alreadyClosed: true as const,
        response: { day: totals, alreadyClosed: true, nextBusinessDate: open.iso },
      };
    }
    if (day > open.date) {
      throw invalidArgument([
        {
          field: 'businessDate',
          reason: `the open business date is ${open.iso}; days close in order, none is skipped`,
        },
      ]);
    }
    if (open.status === 'open') {
      // The business date never runs ahead of the calendar, unless a simulation says so.
      const today = calendar.today();
      let simulation: string | null = null;
      if (open.iso > today) {
        const covering = await calendarRepo.simulationCovering(tx, day);
        if (!covering) {
          throw failedPrecondition(
            `business date ${open.iso} is later than today's date ${today} (${calendar.timeZone}); ` +
              'it closes when the calendar reaches it, or under a simulation an administrator records (POST /api/v1/business-days:simulate)',
          );
        }
        simulation = covering.id;
      }
      await eod.markClosing(tx, day, closedBy, simulation);
    }
    return { alreadyClosed: false as const };
  });
}

/**
 * The coordinator's part: a pass of chunk rows over the loans still to do, worked here and by
 * every other process until all are done (a pass finds more only if loans were left behind),
 * then no active loan may be left behind yesterday. The wait for other processes' chunks is
 * woken by their "done" notifications on the lock's session, with a short poll beside them (a
 * notification can be lost with its connection; a chunk freed by a dead process is taken here).
 */
async function accrueAll(
  pool: Pool,
  session: Tx,
  day: DayNumber,
  opts: EndOfDayOptions,
): Promise<void> {
  const wake = new Wakeup();
  const channel = await eod.endOfDayChannel(session);
  const onNotification = () => wake.signal();
  session.on('notification', onNotification);
  await eod.listenForChunks(session, channel);
  try {
    for (;;) {
      const pass = await withTransaction(pool, (tx) => eod.openPass(tx, day, opts.chunkSize));
      if (pass.chunks === 0) break;
      for (;;) {
        await workOpenChunks(pool, opts, 'coordinator');
        if ((await eod.chunksLeft(pool, day, pass.pass)) === 0) break;
        await wake.wait(COORDINATOR_POLL_MS);
      }
    }
  } catch (err) {
    // The night stops here as it did in one process: the other processes take no more of its
    // chunks, and a rerun lays out the loans still to do afresh.
    await eod.abandonOpenChunks(pool, day).catch(() => undefined);
    throw err;
  } finally {
    session.removeListener('notification', onNotification);
    await eod.unlistenForChunks(session, channel);
  }
  const behind = await eod.loansBehind(pool, day - 1);
  if (behind !== 0)
    throw new Error(`${behind} active loans are accrued through before ${toIso(day - 1)}`);
}

/** How often a coordinator looks at its pass when no notification came. */
const COORDINATOR_POLL_MS = 250;

/** Who did a chunk, as eod_chunks.done_by records it: the host (the pod) and the process. */
export const THIS_PROCESS = `${hostname()}:${process.pid}`;

/**
 * Claims and accrues open chunks of the closing date, `opts.parallelism` at a time, until none
 * is left to take (or `stopping()` says so: the chunk in hand is finished first). Each chunk is
 * one transaction: the row's lock, the chunk's writes and the row marked done commit together,
 * so a process that dies frees its chunk for another. Returns the chunks done here.
 */
export async function workOpenChunks(
  pool: Pool,
  opts: EndOfDayOptions,
  role: 'coordinator' | 'worker',
  stopping: () => boolean = () => false,
): Promise<number> {
  let done = 0;
  let failed = false;
  const worker = async () => {
    while (!stopping() && !failed) {
      const took = await withTransaction(pool, async (tx) => {
        const chunk = await eod.claimChunk(tx);
        if (!chunk) return false;
        const loans = await accrueChunk(tx, chunk.day, chunk.from, chunk.to, opts);
        await eod.markChunkDone(tx, chunk, opts.processName ?? THIS_PROCESS, loans);
        return true;
      });
      if (!took) return;
      done++;
      endOfDayChunks.inc({ service: 'accounting', role });
    }
  };
  // A failure stops the claiming here, and is reported once the chunks in hand have ended (none
  // is left running behind the caller's back).
  const results = await Promise.allSettled(
    Array.from({ length: opts.parallelism }, () =>
      worker().catch((err: unknown) => {
        failed = true;
        throw err;
      }),
    ),
  );
  const failure = results.find((r) => r.status === 'rejected');
  if (failure) throw failure.reason;
  return done;
}

interface ChunkWrites {
  plain: LoanState[];
  full: LoanState[];
  lines: EntryLine[];
  segments: (ClosedSegment & { loanId: string })[];
  billed: Billed[];
  overdueLoans: string[];
  events: NewEvent<unknown>[];
  classifications: { id: string; loanId: string; from: string; to: string }[];
}

/** The loans of [from, to) still behind, accrued through `day` in the caller's transaction. */
async function accrueChunk(
  tx: Tx,
  day: DayNumber,
  from: string,
  to: string | undefined,
  opts: EndOfDayOptions,
): Promise<number> {
  // Before anything moves the chunk's loans past yesterday: the notices share their guard.
  const dueSoon =
    opts.dueSoonNoticeDays > 0
      ? await eod.recordDueSoonNotices(tx, day, opts.dueSoonNoticeDays, from, to)
      : [];
  const quiet = await eod.accrueQuietLoans(tx, day, from, to);
  const loans = await eod.chunkLoans(tx, from, to, day - 1);
  if (loans.length === 0 && quiet.loans === 0) return 0;
  const tomorrow = day + 1;
  const following = await eod.followingInstallments(
    tx,
    loans
      .filter((l) => l.state.nextDueDate === tomorrow)
      .map((l) => [l.state.id, l.state.nextPeriod!]),
  );
  const rateChanges = await rateChangesFor(tx, loans, tomorrow);

  const w: ChunkWrites = {
    plain: [],
    full: [],
    lines: [],
    segments: [],
    billed: [],
    overdueLoans: [],
    events: dueSoon.map((n) => dueSoonEvent(n, opts.dueSoonNoticeDays, day)),
    classifications: [],
  };
  // Bank-account lines (income) are summed per branch; loan-account lines stay per loan.
  const credits = new Map<string, { account: string; branchId: string; credit: Cents }>();
  const addLines = (loan: ChunkLoan, postings: readonly Posting[]) => {
    for (const line of journalLines(postings)) {
      if ((LOAN_ACCOUNTS as readonly string[]).includes(line.account))
        w.lines.push({ ...line, loanId: loan.state.id, branchId: loan.branchId });
      else {
        const key = `${line.account}:${loan.branchId}`;
        const sum = credits.get(key) ?? {
          account: line.account,
          branchId: loan.branchId,
          credit: 0n,
        };
        sum.credit += line.credit - line.debit;
        credits.set(key, sum);
      }
    }
  };
  const accruedToday = new Map<string, DayResult['accrued']>();
  for (const [loanId, normal] of quiet.accrued)
    accruedToday.set(loanId, { normal, penalty: 0n, compound: 0n });
  const totals: ChunkTotals = {
    loans: quiet.loans,
    normal: quiet.normal,
    penalty: 0n,
    compound: 0n,
  };

  for (const loan of loans) {
    const s = loan.state;
    const change = rateChanges.get(s.id);
    let result: DayResult;
    if (change !== undefined) {
      // A repricing re-amortizes the schedule: this loan goes the whole way in memory.
      const { book } = await loadBook(tx, s.id);
      const closed = closeBookDay(book, day, opts.policy, change);
      result = closed.result;
      result.state = closed.change.book.state;
      await writeInstallments(
        tx,
        s.id,
        closed.change.book.installments.filter(
          (r) =>
            r.status === 'scheduled' ||
            closed.change.changedInstallments.some((c) => c.period === r.period),
        ),
        true,
      );
      w.full.push(result.state);
    } else {
      result = closeDay(s, day, {
        installmentAfter: (period) => following.get(`${s.id}:${period + 1}`) ?? null,
        policy: opts.policy,
      });
      const structural =
        result.billed ||
        result.wentOverdue ||
        result.classified ||
        result.closedSegments.length > 0 ||
        result.state.daysPastDue !== s.daysPastDue ||
        result.state.dueSince !== s.dueSince;
      (structural ? w.full : w.plain).push(result.state);
      if (result.billed) w.billed.push({ loanId: s.id, billed: result.billed });
      if (result.wentOverdue) w.overdueLoans.push(s.id);
    }
    totals.loans++;
    totals.normal += result.accrued.normal;
    totals.penalty += result.accrued.penalty;
    totals.compound += result.accrued.compound;
    accruedToday.set(s.id, result.accrued);
    addLines(loan, result.postings);
    for (const g of result.closedSegments) w.segments.push({ ...g, loanId: s.id });
    w.events.push(...dayEvents(loan, result, day));
    if (result.classified) {
      w.classifications.push({
        id: uuidv7(),
        loanId: s.id,
        from: result.classified.from,
        to: result.classified.to,
      });
    }
  }

  await eod.writePlain(tx, w.plain, day);
  await eod.writeFull(tx, w.full);
  await insertSegments(tx, w.segments);
  await eod.writeBilling(tx, w.billed, tomorrow);
  await eod.markInstallmentsOverdue(tx, w.overdueLoans);
  for (const { account, branchId, credit } of credits.values()) {
    if (credit > 0n) w.lines.push({ account, loanId: null, branchId, debit: 0n, credit });
    else if (credit < 0n)
      w.lines.push({ account, loanId: null, branchId, debit: -credit, credit: 0n });
  }
  await eod.writeEntry(
    tx,
    day,
    w.lines,
    `End of day ${toIso(day)}: accrual, billing and overdue of ${loans.length} loans from ${from}`,
  );
  await eod.recordClassifications(tx, day, w.classifications);
  const closed = await eod.loanDays(tx, day, [...accruedToday.keys()]);
  if (closed.length !== totals.loans)
    throw new Error(
      `${totals.loans - closed.length} loans of the chunk from ${from} not read back`,
    );
  w.events.push(...dayClosedEvents(day, from, closed, accruedToday));
  await appendManyToOutbox(tx, SOURCE, w.events);
  await eod.recordChunk(tx, day, from, totals);
  return totals.loans;
}

/** What the rest of the bank hears of a loan's night: overdue, classified, repriced. */
function dayEvents(loan: ChunkLoan, result: DayResult, day: DayNumber): NewEvent<unknown>[] {
  const s = result.state;
  const out: NewEvent<unknown>[] = [];
  if (result.becameOverdue) {
    out.push({
      type: 'accounting.loan.overdue',
      subjectId: s.id,
      data: events.LoanOverdue.toJSON({
        loanId: s.id,
        loanNumber: loan.loanNumber,
        branchId: loan.branchId,
        businessDate: toIso(day),
        overduePrincipal: formatMoney(s.overduePrincipal),
        overdueInterest: formatMoney(s.overdueInterest),
        oldestUnpaidDue: s.oldestUnpaidDue === null ? undefined : toIso(s.oldestUnpaidDue),
      }),
    });
  }
  if (result.classified) {
    out.push({
      type: 'accounting.loan.classified',
      subjectId: s.id,
      data: events.LoanClassified.toJSON({
        loanId: s.id,
        loanNumber: loan.loanNumber,
        branchId: loan.branchId,
        from: result.classified.from,
        to: result.classified.to,
        cause: 'days_past_due',
        daysPastDue: s.daysPastDue,
        businessDate: toIso(day),
      }),
    });
  }
  if (result.repriced) {
    out.push({
      type: 'accounting.loan.repriced',
      subjectId: s.id,
      data: events.LoanRepriced.toJSON({
        loanId: s.id,
        loanNumber: loan.loanNumber,
        branchId: loan.branchId,
        fromRatePercent: formatRatePercent(result.repriced.from),
        toRatePercent: formatRatePercent(result.repriced.to),
        effectiveDate: toIso(day + 1),
      }),
    });
  }
  return out;
}

/** Loans per loans.day-closed event: 500 LoanDays make an event of about 300 KB of JSON. */
export const LOANS_PER_DAY_CLOSED_EVENT = 500;

/**
 * accounting.loans.day-closed: every loan the chunk accrued tonight (so that a date's LoanDays
 * number exactly its loans_accrued), in parts of at most LOANS_PER_DAY_CLOSED_EVENT loans.
 */
function dayClosedEvents(
  day: DayNumber,
  chunkFirstLoanId: string,
  rows: readonly LoanDayRow[],
  accruedToday: ReadonlyMap<string, DayResult['accrued']>,
): NewEvent<unknown>[] {
  const out: NewEvent<unknown>[] = [];
  for (let i = 0; i < rows.length; i += LOANS_PER_DAY_CLOSED_EVENT) {
    out.push({
      type: 'accounting.loans.day-closed',
      subjectId: toIso(day),
      data: events.LoansDayClosed.toJSON({
        businessDate: toIso(day),
        chunkFirstLoanId,
        part: i / LOANS_PER_DAY_CLOSED_EVENT + 1,
        loans: rows
          .slice(i, i + LOANS_PER_DAY_CLOSED_EVENT)
          .map((r) => loanDay(r, accruedToday.get(r.loan_id)!)),
      }),
    });
  }
  return out;
}

function loanDay(r: LoanDayRow, accrued: DayResult['accrued']): events.LoanDay {
  return {
    loanId: r.loan_id,
    loanNumber: r.loan_number,
    branchId: r.branch_id,
    productCode: r.product_code,
    customerId: r.customer_id,
    classification: r.classification,
    daysPastDue: r.days_past_due,
    annualRatePercent: formatRatePercent(parseRate(r.annual_rate)!),
    outstandingPrincipal: r.outstanding_principal,
    overduePrincipal: r.overdue_principal,
    dueInterest: r.due_interest,
    overdueInterest: r.overdue_interest,
    accruedInterest: r.accrued_interest,
    penaltyInterest: r.penalty_interest,
    compoundInterest: r.compound_interest,
    accruedTodayNormal: formatMoney(accrued.normal),
    accruedTodayPenalty: formatMoney(accrued.penalty),
    accruedTodayCompound: formatMoney(accrued.compound),
    nextDueDate: r.next_due_date ?? undefined,
    maturityDate: r.maturity_date,
  };
}

/** The borrower's reminder of an installment falling due `daysBefore` days after `day`. */
function dueSoonEvent(n: DueSoonNotice, daysBefore: number, day: DayNumber): NewEvent<unknown> {
  return {
    type: 'accounting.installment.due-soon',
    subjectId: n.loanId,
    data: events.InstallmentDueSoon.toJSON({
      loanId: n.loanId,
      loanNumber: n.loanNumber,
      customerId: n.customerId,
      branchId: n.branchId,
      applicationId: n.applicationId ?? undefined,
      installment: n.period,
      dueDate: toIso(n.dueDate),
      amountDue: formatMoney(n.amountDue),
      daysBefore,
      businessDate: toIso(day),
    }),
  };
}

/**
 * Rates that change tomorrow: recorded agreements, and LPR repricing of floating loans whose
 * repricing date it is (the LPR in force on that date + the loan's spread). Marks them applied.
 */
async function rateChangesFor(
  tx: Db,
  loans: readonly ChunkLoan[],
  tomorrow: DayNumber,
): Promise<Map<string, Rate>> {
  const out = await eod.applyAgreedRateChanges(
    tx,
    loans.map((l) => l.state.id),
    tomorrow,
  );
  const repricing = loans.filter((l) => l.nextRepricingDate === tomorrow && l.lprTerm);
  for (const l of repricing) {
    const lpr = await lprInForce(tx, l.lprTerm!, tomorrow);
    await eod.setNextRepricingDate(
      tx,
      l.state.id,
      nextRepricingDate(l.repricing!, l.openedOn, tomorrow),
    );
    if (lpr === undefined) continue;
    const newRate = lpr + BigInt(l.spreadBp ?? 0) * 10n ** 8n;
    await eod.insertLprRateChange(tx, {
      id: uuidv7(),
      loanId: l.state.id,
      effective: tomorrow,
      oldRate: l.state.annualRate,
      newRate,
      reference: `LPR ${l.lprTerm} ${formatRate(lpr, 10)}`,
    });
    out.set(l.state.id, newRate);
  }
  return out;
}

async function finishDay(pool: Pool, day: DayNumber): Promise<ClosedDay> {
  return withTransaction(pool, async (tx) => {
    await eod.closeDayAndOpenNext(tx, day);
    const totals = (await eod.dayRecord(tx, day))!;
    const next = toIso(day + 1);
    await appendToOutbox(tx, SOURCE, {
      type: 'accounting.accrual.completed',
      subjectId: toIso(day),
      data: events.AccrualCompleted.toJSON({ ...totals, nextBusinessDate: next }),
    });
    return { day: totals, alreadyClosed: false, nextBusinessDate: next };
  });
}
