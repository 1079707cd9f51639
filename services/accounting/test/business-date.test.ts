// Issue 9 item 9: the business date cannot run ahead of the calendar (Asia/Shanghai) unless an
// administrator records a simulation; the clock is the service's injected one, never the real date.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startHarness, type Harness } from './harness';

describe('the business date and the calendar', () => {
  let h: Harness;
  let today = '2025-01-16';
  beforeAll(async () => {
    h = await startHarness({ firstBusinessDate: '2025-01-15', today: () => today });
  });
  afterAll(async () => {
    await h?.close();
  });

  const close = (date: string) => h.client.runEndOfDay({ businessDate: date }, h.as('admin'));
  const dayRow = async (date: string) =>
    (
      await h.db.query(
        `SELECT status, closed_by, ahead_of_calendar, simulation_id FROM business_days WHERE business_date = $1`,
        [date],
      )
    ).rows[0];

  it('closes past dates (catching up) and today, and refuses the day after today, naming both dates', async () => {
    expect((await close('2025-01-15')).day).toMatchObject({
      status: 'closed',
      aheadOfCalendar: false,
      simulationId: '',
      closedBy: h.principal('admin').userId,
    });
    expect((await close('2025-01-16')).nextBusinessDate).toBe('2025-01-17');
    await expect(close('2025-01-17')).rejects.toMatchObject({
      code: 'failed_precondition',
      message: expect.stringContaining(
        "business date 2025-01-17 is later than today's date 2025-01-16 (Asia/Shanghai)",
      ),
    });
    // Nothing moved: the date is still open, unclaimed.
    expect(await dayRow('2025-01-17')).toMatchObject({ status: 'open', closed_by: null });
    expect(await h.client.getBusinessDate({}, h.as('shManager'))).toMatchObject({
      openBusinessDate: '2025-01-17',
      lastClosedDate: '2025-01-16',
      calendarDate: '2025-01-16',
      timeZone: 'Asia/Shanghai',
      aheadOfCalendar: false,
      simulations: [],
    });
  });

  it('refuses a simulation to anyone but an administrator, without a reason, or not ahead of today', async () => {
    await expect(
      h.client.startBusinessDateSimulation(
        { throughDate: '2025-01-19', reason: 'test' },
        h.as('hqRisk'),
      ),
    ).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(
      h.client.startBusinessDateSimulation(
        { throughDate: '2025-01-16', reason: '' },
        h.as('admin'),
      ),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [
        { field: 'reason', reason: 'is required' },
        {
          field: 'throughDate',
          reason:
            "must be after today's date 2025-01-16 (Asia/Shanghai); dates up to today close without a simulation",
        },
      ],
    });
    await expect(
      h.client.startBusinessDateSimulation(
        { throughDate: '2035-01-17', reason: 'ten years and a day' },
        h.as('admin'),
      ),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [
        { field: 'throughDate', reason: "must be at most ten years after today's date 2025-01-16" },
      ],
    });
    expect(
      (await h.db.query('SELECT count(*)::int AS n FROM business_date_simulations')).rows[0].n,
    ).toBe(0);
  });

  it('under a recorded simulation closes dates ahead of the calendar through its date, each marked as such', async () => {
    const { simulation } = await h.client.startBusinessDateSimulation(
      { throughDate: '2025-01-19', reason: 'UAT: run the book through the weekend' },
      h.as('admin'),
    );
    expect(simulation).toMatchObject({
      throughDate: '2025-01-19',
      startedOn: '2025-01-16',
      fromBusinessDate: '2025-01-17',
      reason: 'UAT: run the book through the weekend',
      startedBy: h.principal('admin').userId,
      datesClosed: [],
    });
    for (const date of ['2025-01-17', '2025-01-18', '2025-01-19']) {
      expect((await close(date)).day).toMatchObject({
        businessDate: date,
        aheadOfCalendar: true,
        simulationId: simulation!.id,
      });
      expect(await dayRow(date)).toMatchObject({
        status: 'closed',
        ahead_of_calendar: true,
        simulation_id: simulation!.id,
        closed_by: h.principal('admin').userId,
      });
    }
    // Its date reached, the simulation allows no more.
    await expect(close('2025-01-20')).rejects.toMatchObject({ code: 'failed_precondition' });
    const view = await h.client.getBusinessDate({}, h.as('hqAuditor'));
    expect(view).toMatchObject({
      openBusinessDate: '2025-01-20',
      calendarDate: '2025-01-16',
      aheadOfCalendar: true,
    });
    expect(view.activeSimulation).toBeUndefined();
    expect(view.simulations).toEqual([
      expect.objectContaining({
        id: simulation!.id,
        datesClosed: ['2025-01-17', '2025-01-18', '2025-01-19'],
      }),
    ]);
    // A date closed again answers from the record, whatever the calendar says.
    expect((await close('2025-01-18')).alreadyClosed).toBe(true);
  });

  it('closes the next date once the calendar reaches it, with no simulation', async () => {
    today = '2025-01-20';
    expect((await close('2025-01-20')).day).toMatchObject({
      aheadOfCalendar: false,
      simulationId: '',
    });
  });
});
