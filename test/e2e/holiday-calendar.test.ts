import { bankers } from '../support/bankers';
import { mobile, residentId } from '../support/identities';
import { startSystem, type TestSystem } from '../support/system';

/**
 * The public-holiday calendar is data an administrator keeps: a year entered from the State
 * Council's notice through the gateway is what due dates count with from then on.
 */

interface HolidayYear {
  year: number;
  notice: string;
  source: string;
  publishedBy: string;
  holidays: { name: string; firstDay: string; lastDay: string; workdays: string[] }[];
}
interface Problem {
  errors: { field: string; reason: string }[];
}

const DAY_MS = 86_400_000;
/** A date in Asia/Shanghai, `days` from now. */
const shanghaiDate = (days: number) =>
  new Date(Date.now() + 8 * 3_600_000 + days * DAY_MS).toISOString().slice(0, 10);

describe('end to end: the public-holiday calendar', () => {
  let system: TestSystem;
  const { call, eventually } = bankers(() => system);

  beforeAll(async () => {
    system = await startSystem();
  });
  afterAll(async () => {
    await system?.stop();
  });

  const holidayRows = async () => system.count(system.schemas.workflow, 'holiday_years');

  /** Submits a new application and gives the due date of its market-routing task. */
  async function dueDateOfNewTask(): Promise<Date> {
    const customer = await call<{ id: string }>('am.sh', 'POST', '/customers', {
      type: 'individual',
      name: '节假日客户',
      individual: { residentId: residentId(), mobile: mobile(), monthlyIncome: '30000.00' },
    });
    expect(customer.status).toBe(201);
    const application = await call<{ id: string }>('am.sh', 'POST', '/applications', {
      customerId: customer.body.id,
      productCode: 'PERSONAL_CONSUMER',
      amount: '50000.00',
      termMonths: 12,
      repaymentMethod: 'equal_installments',
      purpose: 'furniture',
      monthlyIncome: '30000.00',
      existingMonthlyDebtPayments: '0.00',
    });
    expect(application.status).toBe(201);
    expect(
      (await call('am.sh', 'POST', `/applications/${application.body.id}/submit`)).status,
    ).toBe(200);
    return eventually('the market routing task', async () => {
      const { rows } = await system.db.query<{ due_at: Date }>(
        `SELECT due_at FROM ${system.schemas.workflow}.tasks WHERE business_key = $1 AND step = 'market_routing'`,
        [application.body.id],
      );
      return rows[0]?.due_at;
    });
  }

  it('lists the years in force, and only administrators publish one', async () => {
    const listed = await call<{ items: HolidayYear[] }>('am.sh', 'GET', '/calendar/holiday-years');
    expect(listed.status).toBe(200);
    const builtIn = listed.body.items.filter((y) => y.source === 'built_in').map((y) => y.year);
    expect(builtIn).toEqual(expect.arrayContaining([2024, 2025, 2026]));

    const refused = await call('am.sh', 'PUT', '/calendar/holiday-years/2099', {
      notice: 'n',
      holidays: [{ name: 'x', firstDay: '2099-10-01', lastDay: '2099-10-07' }],
    });
    expect(refused.status).toBe(403);
    expect(await holidayRows()).toBe(0);
  });

  it('refuses a wrong arrangement with every field and reason, and writes nothing', async () => {
    const res = await call<Problem>('admin.hq', 'PUT', '/calendar/holiday-years/2099', {
      notice: '国务院办公厅关于2099年部分节假日安排的通知',
      holidays: [
        // Last day before the first; 2099-10-12 is a Monday, not a make-up weekend day.
        {
          name: 'National Day',
          firstDay: '2099-10-07',
          lastDay: '2099-10-01',
          workdays: ['2099-10-12'],
        },
        { name: 'Spring Festival', firstDay: '2099-02-30', lastDay: '2099-03-01' },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { field: 'holidays[0].lastDay', reason: 'must not be before the first day' },
      {
        field: 'holidays[0].workdays[0]',
        reason: 'must be a Saturday or Sunday (a weekday is a working day anyway)',
      },
      { field: 'holidays[1].firstDay', reason: 'must be a date YYYY-MM-DD' },
    ]);
    const badYear = await call<Problem>('admin.hq', 'PUT', '/calendar/holiday-years/99', {
      notice: 'n',
      holidays: [],
    });
    expect(badYear.status).toBe(400);
    expect(badYear.body.errors[0]!.field).toBe('year');
    expect(await holidayRows()).toBe(0);
  });

  it('counts due dates with a year published (or corrected) by an administrator', async () => {
    // One working day: due well before the break below ends (even over the Spring Festival).
    const before = await dueDateOfNewTask();
    expect(before.getTime() - Date.now()).toBeLessThan(12 * DAY_MS);

    // A correction of this year's arrangements: the next fourteen days are a break.
    const year = Number(shanghaiDate(0).slice(0, 4));
    const breakEnd = shanghaiDate(14);
    const published = await call<HolidayYear>(
      'admin.hq',
      'PUT',
      `/calendar/holiday-years/${year}`,
      {
        notice: `test correction of ${year}`,
        holidays: [
          { name: 'Test break', firstDay: shanghaiDate(1), lastDay: breakEnd, workdays: [] },
        ],
      },
    );
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({
      year,
      source: 'published',
      notice: `test correction of ${year}`,
    });
    expect(published.body.publishedBy).not.toBe('');
    expect(await holidayRows()).toBe(1);

    const after = await dueDateOfNewTask();
    expect(after.toISOString().slice(0, 10) > breakEnd).toBe(true);

    const listed = await call<{ items: HolidayYear[] }>('am.sh', 'GET', '/calendar/holiday-years');
    expect(listed.body.items.find((y) => y.year === year)).toMatchObject({ source: 'published' });
  });
});
