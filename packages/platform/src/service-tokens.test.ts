import { generateSigningKeys, signAccessToken } from './auth';
import { ServiceTokens, signServiceToken, verifyServiceToken } from './service-tokens';

describe('service tokens', () => {
  const keys = generateSigningKeys();

  it('names the calling service when signed with the service key', () => {
    const token = signServiceToken('notifications', keys.privateKey);
    expect(verifyServiceToken(token, keys.publicKey, ['notifications'])).toBe('notifications');
  });

  it('refuses a service that is not allowed the call', () => {
    const token = signServiceToken('reporting', keys.privateKey);
    expect(() => verifyServiceToken(token, keys.publicKey, ['notifications'])).toThrow(
      /reporting service may not/,
    );
  });

  it('refuses a token signed by another key, an expired one and a user access token', () => {
    const other = generateSigningKeys();
    expect(() =>
      verifyServiceToken(signServiceToken('notifications', other.privateKey), keys.publicKey, [
        'notifications',
      ]),
    ).toThrow(/invalid service token/);
    expect(() =>
      verifyServiceToken(signServiceToken('notifications', keys.privateKey, -10), keys.publicKey, [
        'notifications',
      ]),
    ).toThrow(/jwt expired/);
    const userToken = signAccessToken(
      { userId: 'u1', username: 'am.li', displayName: 'Li', roles: ['admin'], branchId: 'HQ' },
      keys.privateKey,
    );
    expect(() => verifyServiceToken(userToken, keys.publicKey, ['notifications'])).toThrow(
      /invalid service token/,
    );
  });

  it('keeps a token until it has less than a minute left', () => {
    let now = 1_000_000;
    const tokens = new ServiceTokens('notifications', keys.privateKey, 300, () => now);
    const first = tokens.token();
    now += 200_000;
    expect(tokens.token()).toBe(first);
    now += 50_000;
    const renewed = tokens.token();
    expect(renewed).not.toBe(first);
    expect(verifyServiceToken(renewed, keys.publicKey, ['notifications'])).toBe('notifications');
  });
});
