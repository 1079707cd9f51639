import fc from 'fast-check';
import { afterQuietHours, backoffMs, goesToDigest, nextDigestAt, rateLimitSlot } from './policies';

const china = { start: 21, end: 8, timeZone: 'Asia/Shanghai' };
// 2026-12-07 22:00 in Shanghai is 14:00 UTC.
const shanghai = (iso: string) => new Date(`${iso}+08:00`);

describe('quiet hours (21:00-08:00 China time)', () => {
  it.each([
    ['2026-12-07T22:00:00', '2026-12-08T08:00:00'],
    ['2026-12-07T21:00:00', '2026-12-08T08:00:00'],
    ['2026-12-07T23:59:59', '2026-12-08T08:00:00'],
    ['2026-12-08T00:00:00', '2026-12-08T08:00:00'],
    ['2026-12-08T06:30:15', '2026-12-08T08:00:00'],
    ['2026-12-08T07:59:59', '2026-12-08T08:00:00'],
  ])('a message of %s waits until %s', (at, expected) => {
    expect(afterQuietHours(shanghai(at), china).toISOString()).toBe(
      shanghai(expected).toISOString(),
    );
  });

  it.each(['2026-12-08T08:00:00', '2026-12-08T12:00:00', '2026-12-07T20:59:59'])(
    'a message of %s goes at once',
    (at) => {
      expect(afterQuietHours(shanghai(at), china).getTime()).toBe(shanghai(at).getTime());
    },
  );

  it('handles quiet hours that do not cross midnight, and none at all', () => {
    const lunch = { start: 12, end: 14, timeZone: 'Asia/Shanghai' };
    expect(afterQuietHours(shanghai('2026-12-07T13:10:00'), lunch).toISOString()).toBe(
      shanghai('2026-12-07T14:00:00').toISOString(),
    );
    expect(afterQuietHours(shanghai('2026-12-07T11:10:00'), lunch).toISOString()).toBe(
      shanghai('2026-12-07T11:10:00').toISOString(),
    );
    const none = { start: 8, end: 8, timeZone: 'Asia/Shanghai' };
    expect(afterQuietHours(shanghai('2026-12-07T23:00:00'), none).toISOString()).toBe(
      shanghai('2026-12-07T23:00:00').toISOString(),
    );
  });

  it('never moves a message back, never more than 11 hours on, and never into quiet time', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
        (at) => {
          const out = afterQuietHours(at, china);
          const hour = Number(
            new Intl.DateTimeFormat('en-GB', {
              timeZone: 'Asia/Shanghai',
              hour: '2-digit',
              hourCycle: 'h23',
            }).format(out),
          );
          return (
            out >= at && out.getTime() - at.getTime() <= 11 * 3_600_000 && hour >= 8 && hour < 21
          );
        },
      ),
    );
  });
});

describe('retry backoff', () => {
  it('doubles from the base, capped, with half of it random', () => {
    expect(backoffMs(1, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffMs(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffMs(3, 1000, 60_000, () => 0)).toBe(2000);
    expect(backoffMs(3, 1000, 60_000, () => 1)).toBe(4000);
    expect(backoffMs(20, 1000, 60_000, () => 1)).toBe(60_000);
    expect(backoffMs(20, 1000, 60_000, () => 0)).toBe(30_000);
  });

  it('stays within [exp/2, exp] for any attempt and draw', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n, r) => {
          const exp = Math.min(3_600_000, 2000 * 2 ** (n - 1));
          const wait = backoffMs(n, 2000, 3_600_000, () => r);
          return wait >= Math.floor(exp / 2) && wait <= exp;
        },
      ),
    );
  });
});

describe('rate limits', () => {
  const now = new Date('2026-12-07T10:00:00Z');
  const ago = (min: number) => new Date(now.getTime() - min * 60_000);

  it('lets a message through under the limit', () => {
    expect(rateLimitSlot([ago(10), ago(20)], 3, now)).toEqual({ ok: true });
  });

  it('holds one over the limit until the oldest counted send is an hour old', () => {
    expect(rateLimitSlot([ago(10), ago(50), ago(30)], 3, now)).toEqual({
      ok: false,
      retryAt: new Date(ago(50).getTime() + 3_600_000),
    });
  });

  it('does not count sends older than an hour', () => {
    expect(rateLimitSlot([ago(61), ago(70), ago(5)], 2, now)).toEqual({ ok: true });
  });
});

describe('daily digest', () => {
  it('follows the setting, and in auto mode the day’s count', () => {
    expect(goesToDigest('always', 0, 10)).toBe(true);
    expect(goesToDigest('never', 99, 10)).toBe(false);
    expect(goesToDigest('auto', 9, 10)).toBe(false);
    expect(goesToDigest('auto', 10, 10)).toBe(true);
  });

  it('goes out at the digest hour today, or tomorrow once it has passed', () => {
    expect(nextDigestAt(shanghai('2026-12-07T09:15:30'), 18, 'Asia/Shanghai').toISOString()).toBe(
      shanghai('2026-12-07T18:00:00').toISOString(),
    );
    expect(nextDigestAt(shanghai('2026-12-07T18:00:00'), 18, 'Asia/Shanghai').toISOString()).toBe(
      shanghai('2026-12-08T18:00:00').toISOString(),
    );
  });
});
