import { describe, expect, it } from '@jest/globals';
import { isUuid, uuidv7 } from './ids';

const FORMAT = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const timestampOf = (id: string) => Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('uuidv7', () => {
  it('is a lower-case UUID with version 7 and the RFC 9562 variant', () => {
    for (let i = 0; i < 1000; i++) {
      const id = uuidv7();
      expect(id).toMatch(FORMAT);
      expect(isUuid(id)).toBe(true);
    }
  });

  it('carries the millisecond timestamp in its first 48 bits', () => {
    expect(timestampOf(uuidv7(0))).toBe(0);
    expect(timestampOf(uuidv7(1_700_000_000_123))).toBe(1_700_000_000_123);
    expect(timestampOf(uuidv7(2 ** 48 - 1))).toBe(2 ** 48 - 1);
    expect(uuidv7(1_700_000_000_123).slice(0, 13)).toBe('018bcfe5-687b');
    const before = Date.now();
    const ts = timestampOf(uuidv7());
    expect(ts).toBeGreaterThanOrEqual(before);
    expect(ts).toBeLessThanOrEqual(Date.now());
  });

  it('sorts by creation time, as text and as PostgreSQL compares uuids', () => {
    const start = 1_750_000_000_000;
    const ids = Array.from({ length: 500 }, (_, i) => uuidv7(start + i * 7));
    expect([...ids].reverse().sort()).toEqual(ids);
    // One millisecond apart is enough, whatever the random bits.
    for (let i = 0; i < 200; i++) expect(uuidv7(start + 1) > uuidv7(start)).toBe(true);
  });

  it('does not repeat', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => uuidv7(1_750_000_000_000)));
    expect(ids.size).toBe(10_000);
  });
});

describe('isUuid', () => {
  it('accepts any-case UUIDs and nothing else', () => {
    expect(isUuid('0190B7A4-3C2E-7D55-9F00-0123456789AB')).toBe(true);
    expect(isUuid('0190b7a4-3c2e-7d55-9f00-0123456789a')).toBe(false);
    expect(isUuid('0190b7a43c2e7d559f000123456789ab')).toBe(false);
    expect(isUuid(' 0190b7a4-3c2e-7d55-9f00-0123456789ab')).toBe(false);
    expect(isUuid('0190b7a4-3c2e-7d55-9f00-0123456789ag')).toBe(false);
  });
});
