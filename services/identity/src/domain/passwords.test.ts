import { describe, expect, it } from '@jest/globals';
import { hashPassword, PASSWORD_RULE, passwordProblem, verifyPassword } from './passwords';

describe('the password rule', () => {
  it('takes a long passphrase, whatever its characters', () => {
    expect(passwordProblem('correct horse battery staple', 'credit.zhou')).toBeUndefined();
    expect(passwordProblem('信贷审批系统的密码要够长', 'credit.zhou')).toBeUndefined();
    expect(passwordProblem('x'.repeat(11) + 'y', 'credit.zhou')).toBeUndefined();
  });

  it.each([
    ['too short', 'short-pw-11'],
    ['too long', 'a'.repeat(200) + 'b'.repeat(57)],
    ['the username in it', 'my-CREDIT.ZHOU-password'],
    ['one character repeated', 'aaaaaaaaaaaaaaaa'],
    ['a common password', 'Password1234'],
  ])('refuses %s, saying the rule', (_why, password) => {
    expect(passwordProblem(password, 'credit.zhou')).toBe(PASSWORD_RULE);
  });

  it('says the rule in words', () => {
    expect(PASSWORD_RULE).toBe(
      'must be 12 to 256 characters, must not contain the username, must not be one character repeated and must not be a common password',
    );
  });
});

describe('password hashes', () => {
  it('scrypt with its parameters and a fresh salt; only the password verifies', async () => {
    const a = await hashPassword('correct horse battery staple');
    const b = await hashPassword('correct horse battery staple');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery staple', a)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', a)).toBe(false);
    expect(await verifyPassword('correct horse battery staple', 'md5$abc')).toBe(false);
  });
});
