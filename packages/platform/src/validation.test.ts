import { describe, expect, it } from '@jest/globals';
import { DomainError } from './errors';
import { nulViolations, refusingNul, rejectNulCharacters } from './validation';

describe('NUL characters in requests', () => {
  it('names every string field holding one, nested and in lists', () => {
    expect(
      nulViolations({
        name: 'Zhang\u0000San',
        branchId: 'SH001',
        individual: { address: '\u0000', mobile: '13800138000', monthlyIncome: '' },
        roles: [1, 2],
        ids: ['a', 'b\u0000'],
        updateMask: [],
        draft: undefined,
        expectedVersion: 3,
      }),
    ).toEqual([
      { field: 'name', reason: 'must not contain a NUL character' },
      { field: 'individual.address', reason: 'must not contain a NUL character' },
      { field: 'ids[1]', reason: 'must not contain a NUL character' },
    ]);
  });

  it('passes clean requests, bytes and other values', () => {
    expect(
      nulViolations({ a: 'ok', b: Buffer.from([0, 1]), c: new Uint8Array([0]), d: null }),
    ).toEqual([]);
    expect(() => rejectNulCharacters({ username: 'zhang.san', password: 'x' })).not.toThrow();
  });

  it('refuses as an invalid argument, a bare string as the request', () => {
    let thrown: unknown;
    try {
      rejectNulCharacters({ username: 'a\u0000b' });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect(thrown).toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'username', reason: 'must not contain a NUL character' }],
    });
    expect(nulViolations('\u0000')).toEqual([
      { field: 'request', reason: 'must not contain a NUL character' },
    ]);
  });
});

describe('refusingNul', () => {
  it('refuses before the handler runs, and passes clean requests through', async () => {
    const seen: unknown[] = [];
    const handlers = refusingNul({
      createCustomer: async (req: { name: string }, ctx: string) => {
        seen.push([req.name, ctx]);
        return `created ${req.name}`;
      },
    });
    await expect(handlers.createCustomer({ name: 'Li\u0000' }, 'ctx')).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'name', reason: 'must not contain a NUL character' }],
    });
    expect(seen).toEqual([]);
    await expect(handlers.createCustomer({ name: 'Li Si' }, 'ctx')).resolves.toBe('created Li Si');
    expect(seen).toEqual([['Li Si', 'ctx']]);
  });
});
