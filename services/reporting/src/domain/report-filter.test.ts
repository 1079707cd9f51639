import { reportNamed } from './report-catalogue';
import { checkFilter, defaultFrom } from './report-filter';

const limits = { today: '2026-12-07', maxRangeDays: 366 };
const none = { branchId: '', productCode: '', from: '', to: '', asOf: '' };
const efficiency = reportNamed('approval-efficiency')!;
const portfolio = reportNamed('portfolio')!;

describe('report filters', () => {
  it('defaults to the twelve months up to today', () => {
    const { filter, violations } = checkFilter(efficiency, none, limits);
    expect(violations).toEqual([]);
    expect(filter).toMatchObject({ from: '2026-01-01', to: '2026-12-07' });
    expect(defaultFrom('2026-03-31')).toBe('2025-04-01');
  });

  it('ends the portfolio range at its as-of date', () => {
    const { filter } = checkFilter(portfolio, { ...none, asOf: '2026-06-30' }, limits);
    expect(filter).toMatchObject({ from: '2025-07-01', to: '2026-06-30', asOf: '2026-06-30' });
  });

  it('names every bad field at once', () => {
    const { violations } = checkFilter(
      efficiency,
      {
        branchId: 'sh',
        productCode: 'bad code',
        from: '2026-02-30',
        to: '2027-01-01',
        asOf: '2026-01-01',
      },
      limits,
    );
    expect(violations.map((v) => v.field).sort()).toEqual([
      'asOf',
      'branchId',
      'from',
      'productCode',
      'to',
    ]);
    expect(violations.find((v) => v.field === 'asOf')!.reason).toMatch(/not a filter/);
    expect(violations.find((v) => v.field === 'to')!.reason).toMatch(/after today/);
  });

  it('refuses from after to, and a range over the limit', () => {
    expect(
      checkFilter(efficiency, { ...none, from: '2026-05-02', to: '2026-05-01' }, limits).violations,
    ).toEqual([{ field: 'from', reason: 'must not be after to (2026-05-01)' }]);
    expect(
      checkFilter(efficiency, { ...none, from: '2025-01-01', to: '2026-01-01' }, limits).violations,
    ).toEqual([]);
    expect(
      checkFilter(efficiency, { ...none, from: '2025-01-01', to: '2026-01-02' }, limits).violations,
    ).toEqual([{ field: 'to', reason: 'the range covers 367 days, more than 366' }]);
  });

  it('accepts branch and product codes of the bank', () => {
    const { violations } = checkFilter(
      efficiency,
      { ...none, branchId: 'SH001-01', productCode: 'PERSONAL_CONSUMER' },
      limits,
    );
    expect(violations).toEqual([]);
  });
});
