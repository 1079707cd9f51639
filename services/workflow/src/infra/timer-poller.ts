import { businessDateInChina, withTransaction, type Logger } from '@loanflow/platform';
import * as engine from '../domain/engine';
import { refreshCalendar, warnAboutCalendar } from '../app/calendar';
import { runCommand, type WorkflowDeps } from '../app/instances';
import { checkServiceLevels } from './service-levels';
import { leaseDueTimers, markTimerFired, parseTaskRowId } from './instance-store';

const CALENDAR_REFRESH_MS = 30_000;

/**
 * Fires due timers. Each is leased first (so one replica fires it), then fired in the
 * instance's own transaction together with its effects; a crash before the commit leaves the
 * lease to run out and the timer fires later instead of being lost.
 */
export class TimerPoller {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private calendarCheckedOn = '';
  // The service loads the calendar at start.
  private calendarRefreshedAt = Date.now();

  constructor(
    private readonly deps: WorkflowDeps,
    private readonly log: Logger,
    private readonly pollMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.pollMs);
  }

  /** Fires what is due now; resolves when done (tests call it directly). */
  tick(): Promise<void> {
    this.running ??= this.fireDue().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async fireDue(): Promise<void> {
    // Holidays another replica published (looked for every half minute, not every tick); a
    // warning once a day if a year due dates reach has none.
    if (Date.now() - this.calendarRefreshedAt >= CALENDAR_REFRESH_MS) {
      this.calendarRefreshedAt = Date.now();
      await refreshCalendar(this.deps.pool).catch((err: unknown) =>
        this.log.warn({ err }, 'calendar refresh failed'),
      );
    }
    const now = this.deps.now?.() ?? new Date();
    const today = businessDateInChina(now);
    if (today !== this.calendarCheckedOn) {
      this.calendarCheckedOn = today;
      warnAboutCalendar(this.log, now);
    }
    await checkServiceLevels(this.deps.pool, this.deps.now?.() ?? new Date(), this.log).catch(
      (err: unknown) => this.log.warn({ err }, 'service-level check failed'),
    );
    const due = await leaseDueTimers(this.deps.pool, 50, 60000).catch((err: unknown) => {
      this.log.warn({ err }, 'timer lease failed');
      return [];
    });
    for (const { id } of due) {
      const ids = parseTaskRowId(id);
      if (!ids) continue;
      try {
        await withTransaction(this.deps.pool, async (tx) => {
          await runCommand(
            this.deps,
            ids.instanceId,
            (m, s, now) => engine.fireTimer(m, s, ids.taskId, now),
            tx,
          );
          await markTimerFired(tx, id);
        });
      } catch (err) {
        this.log.error(
          { err, timer: id },
          'timer could not fire; it will be retried after its lease',
        );
      }
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
