import { chain, endEvent, startEvent, timerBoundary, userTask } from './bpmn/bpmn-fixture';
import { fireTimer, start } from './engine';
import { actor, deploy } from './engine-test-support';
import { addDuration } from './timer-schedule';

describe('calendar months in ISO-8601 durations (clamped to the month end, as java.time)', () => {
  it.each([
    ['2025-01-31T09:30:00.000Z', 'P1M', '2025-02-28T09:30:00.000Z'],
    ['2025-01-30T00:00:00.000Z', 'P1M', '2025-02-28T00:00:00.000Z'],
    ['2025-03-31T00:00:00.000Z', 'P1M', '2025-04-30T00:00:00.000Z'],
    ['2025-01-31T00:00:00.000Z', 'P2M', '2025-03-31T00:00:00.000Z'],
    ['2025-08-31T23:59:59.000Z', 'P1M', '2025-09-30T23:59:59.000Z'],
    ['2025-12-31T00:00:00.000Z', 'P2M', '2026-02-28T00:00:00.000Z'],
    ['2025-01-15T00:00:00.000Z', 'P1M', '2025-02-15T00:00:00.000Z'],
    ['2025-01-31T00:00:00.000Z', 'P12M', '2026-01-31T00:00:00.000Z'],
  ])('%s + %s = %s', (from, duration, expected) => {
    expect(addDuration(from, duration)).toBe(expected);
  });

  it.each([
    ['2024-01-31T00:00:00.000Z', 'P1M', '2024-02-29T00:00:00.000Z'],
    ['2024-02-29T00:00:00.000Z', 'P1Y', '2025-02-28T00:00:00.000Z'],
    ['2024-02-29T00:00:00.000Z', 'P4Y', '2028-02-29T00:00:00.000Z'],
    ['2024-02-29T00:00:00.000Z', 'P12M', '2025-02-28T00:00:00.000Z'],
    ['2023-01-31T00:00:00.000Z', 'P1Y1M', '2024-02-29T00:00:00.000Z'],
    ['2100-01-31T00:00:00.000Z', 'P1M', '2100-02-28T00:00:00.000Z'],
    ['2000-01-31T00:00:00.000Z', 'P1M', '2000-02-29T00:00:00.000Z'],
  ])('leap years: %s + %s = %s', (from, duration, expected) => {
    expect(addDuration(from, duration)).toBe(expected);
  });

  it('applies years and months first, then weeks and days, then the time part', () => {
    // 2025-01-31 + 1M → 2025-02-28, + 1D → 2025-03-01 (not 2025-03-04 via 2025-03-03).
    expect(addDuration('2025-01-31T00:00:00Z', 'P1M1D')).toBe('2025-03-01T00:00:00.000Z');
    // 2024-01-31 + 1Y1M → 2025-02-28, + 1W → 2025-03-07, + 4H30M → 04:30.
    expect(addDuration('2024-01-31T00:00:00Z', 'P1Y1M1WT4H30M')).toBe('2025-03-07T04:30:00.000Z');
    // The time part can carry into the next day after the date part was clamped.
    expect(addDuration('2025-01-31T22:00:00Z', 'P1MT3H')).toBe('2025-03-01T01:00:00.000Z');
    expect(addDuration('2025-01-01T00:00:00Z', 'P1Y2M3DT4H5M6S')).toBe('2026-03-04T04:05:06.000Z');
    expect(addDuration('2025-01-31T00:00:00Z', 'PT36H')).toBe('2025-02-01T12:00:00.000Z');
    expect(addDuration('2025-02-28T00:00:00Z', 'P1D')).toBe('2025-03-01T00:00:00.000Z');
    expect(addDuration('2025-03-01T00:00:00Z', 'PT0.5S')).toBe('2025-03-01T00:00:00.500Z');
  });

  it('keeps an offset instant in UTC before adding', () => {
    // 2025-02-01T07:00+08:00 is 2025-01-31T23:00Z; timers count in UTC.
    expect(addDuration('2025-02-01T07:00:00+08:00', 'P1M')).toBe('2025-02-28T23:00:00.000Z');
  });

  it('refuses a date-time that is not one', () => {
    expect(() => addDuration('31/01/2025', 'P1M')).toThrow(/not an ISO-8601 date-time/);
  });
});

describe('a monthly timer boundary event', () => {
  it('schedules P1M from 31 January for 28 February, and a monthly cycle stays clamped', async () => {
    const model = await deploy([
      startEvent(),
      userTask('review', { assignee: 'rv1' }),
      timerBoundary('remind', 'review', { cycle: 'R3/P1M' }, { interrupting: false }),
      timerBoundary('escalate', 'review', { duration: 'P1M' }),
      endEvent(),
      chain('start', 'review', 'end'),
    ]);
    const { state } = await start(model, {}, '2025-01-31T02:00:00.000Z', actor('am1'));
    expect(state.timers.map((timer) => [timer.boundaryEventId, timer.dueAt])).toEqual([
      ['remind', '2025-02-28T02:00:00.000Z'],
      ['escalate', '2025-02-28T02:00:00.000Z'],
    ]);
    const fired = await fireTimer(model, state, 'timer-1', '2025-02-28T02:00:00.000Z');
    // The cycle is rescheduled from its previous due time: 28 Feb + P1M = 28 Mar.
    expect(fired.state.timers.find((timer) => timer.id === 'timer-1')!.dueAt).toBe(
      '2025-03-28T02:00:00.000Z',
    );
  });
});
