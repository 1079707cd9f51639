import { describe, expect, it } from '@jest/globals';
import { formatIsoDate, parseIsoDate } from '../schedule/calendar';
import { nextRepricingDate } from './repricing';

const next = (rule: 'january_first' | 'anniversary', opened: string, from: string) =>
  formatIsoDate(nextRepricingDate(rule, parseIsoDate(opened)!, parseIsoDate(from)!));

describe('nextRepricingDate', () => {
  it('takes the next 1 January strictly after the date', () => {
    expect(next('january_first', '2024-06-10', '2024-06-10')).toBe('2025-01-01');
    expect(next('january_first', '2024-06-10', '2025-01-01')).toBe('2026-01-01');
    expect(next('january_first', '2024-06-10', '2024-12-31')).toBe('2025-01-01');
  });

  it('takes the next anniversary of opening, the last of February for a 29 February opening', () => {
    expect(next('anniversary', '2024-06-10', '2024-06-10')).toBe('2025-06-10');
    expect(next('anniversary', '2024-06-10', '2025-06-09')).toBe('2025-06-10');
    expect(next('anniversary', '2024-02-29', '2024-02-29')).toBe('2025-02-28');
    expect(next('anniversary', '2024-02-29', '2027-03-01')).toBe('2028-02-29');
  });
});
