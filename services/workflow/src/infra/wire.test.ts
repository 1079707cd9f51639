import { DomainError } from '@loanflow/platform';
import { nulViolations, refuseNul } from './wire';

describe('NUL characters in a request', () => {
  it('names every field that holds one, nested fields and list items by their path', () => {
    expect(
      nulViolations({
        taskId: 'ok',
        opinion: 'a\u0000b',
        formData: { comment: '\u0000', members: ['cm-1', 'cm\u00002'], score: 3, yes: true },
        holidays: [{ name: 'x', workdays: ['2025-01-01\u0000'] }],
      }),
    ).toEqual([
      { field: 'opinion', reason: 'must not contain NUL characters' },
      { field: 'formData.comment', reason: 'must not contain NUL characters' },
      { field: 'formData.members[1]', reason: 'must not contain NUL characters' },
      { field: 'holidays[0].workdays[0]', reason: 'must not contain NUL characters' },
    ]);
  });

  it('names the object whose keys hold one', () => {
    expect(nulViolations({ formData: { 'a\u0000': 1 } })).toEqual([
      { field: 'formData', reason: 'must not contain NUL characters in its keys' },
    ]);
  });

  it('passes a clean request, and refuses a dirty one with INVALID_ARGUMENT', () => {
    expect(nulViolations({ a: 'text', b: ['x'], c: null, d: undefined, e: 1 })).toEqual([]);
    expect(() => refuseNul({ a: 'ok' })).not.toThrow();
    let error: unknown;
    try {
      refuseNul({ reason: 'x\u0000' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'reason', reason: 'must not contain NUL characters' }],
    });
  });
});
