import { describe, expect, it } from '@jest/globals';
import { accountTail } from './payee';

describe('accountTail: the last four digits of the account paid into', () => {
  it('takes the last four digits, whatever spaces or dashes the number was typed with', () => {
    expect(accountTail('6222021234567890123')).toBe('0123');
    expect(accountTail('6222 0212 3456 7890 123')).toBe('0123');
    expect(accountTail('6222-0212-3456-78-9 0')).toBe('7890');
  });

  it('keeps a short account as it is, and has nothing to show without one', () => {
    expect(accountTail('123')).toBe('123');
    expect(accountTail(undefined)).toBeUndefined();
    expect(accountTail('')).toBeUndefined();
    expect(accountTail(' - ')).toBeUndefined();
  });
});
