import { FeelError, loadFeel, type Feel } from './feel';
import { addDuration, parseCycle, parseDateTime } from './timer-schedule';

let feel: Feel;
beforeAll(async () => {
  feel = await loadFeel();
});

describe('feel', () => {
  it('evaluates expressions with or without the leading =', () => {
    expect(feel.evaluate('=amount * 2', { amount: 21 })).toBe(42);
    expect(
      feel.evaluate('amount > 10 and product = "mortgage"', { amount: 21, product: 'mortgage' }),
    ).toBe(true);
  });

  it('returns literals as they are written', () => {
    expect(feel.valueOf('credit_officer', {})).toBe('credit_officer');
    expect(feel.valueOf('=officer', { officer: 'co1' })).toBe('co1');
  });

  it('turns FEEL temporal values into JSON strings', () => {
    expect(feel.evaluate('date and time("2025-01-01T00:00:00Z") + duration("P1D")', {})).toBe(
      '2025-01-02T00:00:00Z',
    );
  });

  it('passes a condition only on exactly true', () => {
    expect(feel.isTrue('x', { x: true })).toBe(true);
    expect(feel.isTrue('x', { x: 'true' })).toBe(false);
    expect(feel.isTrue('missing', {})).toBe(false);
  });

  it('throws a FeelError naming the expression on syntax errors', () => {
    expect(() => feel.evaluate('amount >', {})).toThrow(FeelError);
    expect(() => feel.evaluate('amount >', {})).toThrow(/"amount >"/);
    expect(() => feel.evaluate('=', {})).toThrow(/empty/);
  });

  it('finds syntax errors without evaluating', () => {
    expect(feel.syntaxError('count(list) >= 2')).toBeNull();
    expect(feel.syntaxError('=(a + ')).toMatch(/syntax error/);
  });
});

describe('timer schedule', () => {
  it('adds durations in UTC, including months and weeks', () => {
    expect(addDuration('2025-01-31T00:00:00Z', 'P1W')).toBe('2025-02-07T00:00:00.000Z');
    expect(addDuration('2025-01-01T00:00:00Z', 'P1Y2M3DT4H5M6S')).toBe('2026-03-04T04:05:06.000Z');
  });

  it('refuses malformed durations', () => {
    expect(() => addDuration('2025-01-01T00:00:00Z', 'P')).toThrow();
    expect(() => addDuration('2025-01-01T00:00:00Z', 'PT')).toThrow();
    expect(() => addDuration('2025-01-01T00:00:00Z', '3 days')).toThrow();
  });

  it('parses repeating cycles', () => {
    expect(parseCycle('R3/PT1H')).toEqual({ interval: 'PT1H', repetitions: 3 });
    expect(parseCycle('R/P1D')).toEqual({ interval: 'P1D', repetitions: null });
    expect(() => parseCycle('every day')).toThrow();
  });

  it('parses date-times and refuses dates without time', () => {
    expect(parseDateTime('2025-03-01T08:00:00+08:00')).toBe('2025-03-01T00:00:00.000Z');
    expect(() => parseDateTime('2025-03-01')).toThrow();
  });
});
