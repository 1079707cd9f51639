// Issue 9 item 9 through REST: a business date later than today (Asia/Shanghai, on the
// accounting service's injected clock) closes only under a simulation an administrator records.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { api, startSystem, type ApiResponse, type TestSystem } from '@loanflow/test/support/system';
import { API, expectProblem } from './helpers';

jest.setTimeout(120_000);

describe('gateway: business days and the calendar', () => {
  let sys: TestSystem;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    sys = await startSystem({ firstBusinessDate: '2025-01-15', calendarDate: '2025-01-15' });
    for (const u of ['admin.hq', 'risk.hq']) tokens[u] = await sys.login(u);
  });
  afterAll(async () => {
    await sys?.stop();
  });
  const call = <T = Record<string, unknown>>(
    who: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<ApiResponse<T>> =>
    api<T>(sys.baseUrl, method, `${API}${path}`, { token: tokens[who], body });

  it('refuses closing tomorrow (409 naming both dates), records a simulation, then closes it marked as ahead', async () => {
    expect((await call('admin.hq', 'POST', '/business-days/2025-01-15:close')).status).toBe(200);
    const refused = expectProblem(
      await call('admin.hq', 'POST', '/business-days/2025-01-16:close'),
      409,
    );
    expect(refused.detail).toContain(
      "business date 2025-01-16 is later than today's date 2025-01-15 (Asia/Shanghai)",
    );
    expectProblem(
      await call('risk.hq', 'POST', '/business-days:simulate', {
        throughDate: '2025-01-17',
        reason: 'x',
      }),
      403,
    );
    expectProblem(
      await call('admin.hq', 'POST', '/business-days:simulate', { throughDate: '2025-01-17' }),
      400,
      'reason',
    );
    expect(await sys.count(sys.schemas.accounting, 'business_date_simulations')).toBe(0);

    const started = await call<{ simulation: { id: string; startedBy: string } }>(
      'admin.hq',
      'POST',
      '/business-days:simulate',
      { throughDate: '2025-01-17', reason: 'Training book: two days ahead' },
    );
    expect(started.status).toBe(201);
    const closed = await call<{ day: { aheadOfCalendar: boolean; simulationId: string } }>(
      'admin.hq',
      'POST',
      '/business-days/2025-01-16:close',
    );
    expect(closed.status).toBe(200);
    expect(closed.body.day).toMatchObject({
      aheadOfCalendar: true,
      simulationId: started.body.simulation.id,
    });
    const current = await call<Record<string, unknown>>('risk.hq', 'GET', '/business-days/current');
    expect(current.body).toMatchObject({
      openBusinessDate: '2025-01-17',
      lastClosedDate: '2025-01-16',
      calendarDate: '2025-01-15',
      timeZone: 'Asia/Shanghai',
      aheadOfCalendar: true,
      activeSimulation: { id: started.body.simulation.id, throughDate: '2025-01-17' },
      simulations: [
        {
          id: started.body.simulation.id,
          reason: 'Training book: two days ahead',
          datesClosed: ['2025-01-16'],
        },
      ],
    });
  });
});
