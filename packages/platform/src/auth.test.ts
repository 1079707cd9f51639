import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import jwt from 'jsonwebtoken';
import {
  bearerToken,
  branchFilter,
  branchScopeOf,
  canAccessBranch,
  generateSigningKeys,
  hasRole,
  HEAD_OFFICE,
  requireBranch,
  signAccessToken,
  verifyAccessToken,
  type Principal,
} from './auth';
import { DomainError } from './errors';

const keys = generateSigningKeys();
const officer: Principal = {
  userId: 'u-1001',
  username: 'wang.li',
  displayName: 'Wang Li',
  roles: ['credit_officer', 'committee_member'],
  branchId: 'SH01',
};

/** The DomainError a call throws, or a failure if it does not throw one. */
function thrown(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('access tokens', () => {
  it('verifies what it signed, back to the same principal', () => {
    const token = signAccessToken(officer, keys.privateKey);
    expect(verifyAccessToken(token, keys.publicKey)).toEqual(officer);
    const claims = jwt.decode(token, { complete: true });
    expect(claims?.header.alg).toBe('ES256');
    expect(claims?.payload).toMatchObject({
      sub: 'u-1001',
      iss: 'loanflow-gateway',
      aud: 'loanflow',
      branch: 'SH01',
    });
  });

  it('honours the time to live', () => {
    const token = signAccessToken(officer, keys.privateKey, 120);
    const { exp, iat } = jwt.decode(token) as jwt.JwtPayload;
    expect(exp! - iat!).toBe(120);

    const expired = signAccessToken(officer, keys.privateKey, -10);
    const err = thrown(() => verifyAccessToken(expired, keys.publicKey));
    expect(err.code).toBe('unauthenticated');
    expect(err.message).toBe('invalid access token: jwt expired');
  });

  it('answers a token verified before from memory until it expires, then refuses it', async () => {
    const token = signAccessToken(officer, keys.privateKey, 1);
    expect(verifyAccessToken(token, keys.publicKey)).toEqual(officer);
    // A caller changing its copy does not change what the next caller gets.
    const first = verifyAccessToken(token, keys.publicKey);
    first.roles.push('admin');
    expect(verifyAccessToken(token, keys.publicKey)).toEqual(officer);
    // Remembered for one key only: another key still checks the signature.
    expect(thrown(() => verifyAccessToken(token, generateSigningKeys().publicKey)).message).toBe(
      'invalid access token: invalid signature',
    );
    const { exp } = jwt.decode(token) as jwt.JwtPayload;
    await new Promise((resolve) => setTimeout(resolve, exp! * 1000 - Date.now() + 20));
    expect(thrown(() => verifyAccessToken(token, keys.publicKey)).message).toBe(
      'invalid access token: jwt expired',
    );
  });

  it('rejects a token signed with another key, or altered after signing', () => {
    const foreign = signAccessToken(officer, generateSigningKeys().privateKey);
    expect(thrown(() => verifyAccessToken(foreign, keys.publicKey))).toMatchObject({
      code: 'unauthenticated',
      message: 'invalid access token: invalid signature',
    });

    const [header, , signature] = signAccessToken(officer, keys.privateKey).split('.');
    const promoted = Buffer.from(
      JSON.stringify({
        sub: 'u-1001',
        branch: HEAD_OFFICE,
        roles: ['admin'],
        iss: 'loanflow-gateway',
        aud: 'loanflow',
      }),
    ).toString('base64url');
    expect(
      thrown(() => verifyAccessToken(`${header}.${promoted}.${signature}`, keys.publicKey)).code,
    ).toBe('unauthenticated');
  });

  it('rejects HS256 tokens keyed with the public key (algorithm confusion) and unsigned ones', () => {
    const encode = (obj: object) => Buffer.from(JSON.stringify(obj)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const payload = encode({
      sub: 'u-1',
      branch: HEAD_OFFICE,
      roles: ['admin'],
      iss: 'loanflow-gateway',
      aud: 'loanflow',
      iat: now,
      exp: now + 60,
    });
    const hs = `${encode({ alg: 'HS256', typ: 'JWT' })}.${payload}`;
    const hsToken = `${hs}.${createHmac('sha256', keys.publicKey).update(hs).digest('base64url')}`;
    expect(thrown(() => verifyAccessToken(hsToken, keys.publicKey)).code).toBe('unauthenticated');
    const none = `${encode({ alg: 'none', typ: 'JWT' })}.${payload}.`;
    expect(thrown(() => verifyAccessToken(none, keys.publicKey)).code).toBe('unauthenticated');
  });

  it('rejects tokens of another issuer or audience, and tokens without subject or branch', () => {
    const sign = (payload: object, options: jwt.SignOptions) =>
      jwt.sign(payload, keys.privateKey, { algorithm: 'ES256', expiresIn: 60, ...options });
    const valid = { issuer: 'loanflow-gateway', audience: 'loanflow' };
    expect(
      thrown(() =>
        verifyAccessToken(
          sign({ branch: 'SH01' }, { ...valid, subject: 'u-1', issuer: 'evil' }),
          keys.publicKey,
        ),
      ).message,
    ).toMatch(/jwt issuer invalid/);
    expect(
      thrown(() =>
        verifyAccessToken(
          sign({ branch: 'SH01' }, { ...valid, subject: 'u-1', audience: 'crm' }),
          keys.publicKey,
        ),
      ).message,
    ).toMatch(/jwt audience invalid/);
    expect(
      thrown(() => verifyAccessToken(sign({ branch: 'SH01' }, valid), keys.publicKey)).message,
    ).toBe('malformed access token');
    expect(
      thrown(() =>
        verifyAccessToken(sign({ branch: 7 }, { ...valid, subject: 'u-1' }), keys.publicKey),
      ).message,
    ).toBe('malformed access token');
  });

  it('refuses a well-signed token without an expiry: it would never run out', () => {
    const token = jwt.sign({ branch: 'SH01', roles: ['credit_officer'] }, keys.privateKey, {
      algorithm: 'ES256',
      subject: 'u-3',
      issuer: 'loanflow-gateway',
      audience: 'loanflow',
    });
    expect((jwt.decode(token) as jwt.JwtPayload).exp).toBeUndefined();
    expect(thrown(() => verifyAccessToken(token, keys.publicKey))).toMatchObject({
      code: 'unauthenticated',
      message: 'access token without an expiry',
    });
    // Not remembered as verified either: the second call is refused the same way.
    expect(thrown(() => verifyAccessToken(token, keys.publicKey)).message).toBe(
      'access token without an expiry',
    );
  });

  it('keeps only known roles', () => {
    const token = jwt.sign(
      { branch: 'SH01', roles: ['credit_officer', 'superuser', 42] },
      keys.privateKey,
      {
        algorithm: 'ES256',
        subject: 'u-2',
        issuer: 'loanflow-gateway',
        audience: 'loanflow',
        expiresIn: 60,
      },
    );
    expect(verifyAccessToken(token, keys.publicKey)).toEqual({
      userId: 'u-2',
      username: '',
      displayName: '',
      roles: ['credit_officer'],
      branchId: 'SH01',
    });
  });
});

describe('bearerToken', () => {
  it('takes the token out of an Authorization header', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer   abc.def.ghi')).toBe('abc.def.ghi');
  });

  it.each([
    undefined,
    '',
    'Bearer',
    'Bearer ',
    'Basic dXNlcjpwYXNz',
    'Bearer a b',
    'abc.def.ghi',
    ' Bearer abc',
  ])('refuses %p as unauthenticated', (header) => {
    expect(thrown(() => bearerToken(header))).toMatchObject({
      code: 'unauthenticated',
      message: 'missing bearer token',
    });
  });
});

describe('roles and branches', () => {
  it('hasRole: any of the given roles', () => {
    expect(hasRole(officer, 'credit_officer')).toBe(true);
    expect(hasRole(officer, 'admin', 'committee_member')).toBe(true);
    expect(hasRole(officer, 'admin', 'auditor')).toBe(false);
    expect(hasRole(officer)).toBe(false);
  });

  it('canAccessBranch without a scope in the token: own branch, or every branch from the head office', () => {
    expect(canAccessBranch(officer, 'SH01')).toBe(true);
    expect(canAccessBranch(officer, 'SH02')).toBe(false);
    expect(canAccessBranch({ ...officer, branchId: HEAD_OFFICE }, 'SH02')).toBe(true);
  });

  const manager: Principal = {
    ...officer,
    branchId: 'SH001',
    branchScope: ['SH001', 'SH001-01'],
  };

  it("canAccessBranch with a scope: the branch's subtree, nothing beside it", () => {
    expect(canAccessBranch(manager, 'SH001')).toBe(true);
    expect(canAccessBranch(manager, 'SH001-01')).toBe(true);
    expect(canAccessBranch(manager, 'BJ001')).toBe(false);
    expect(canAccessBranch(manager, 'HQ')).toBe(false);
    expect(canAccessBranch({ ...manager, branchScope: 'all' }, 'BJ001')).toBe(true);
    // A sub-branch's scope does not reach up to its parent.
    const sub: Principal = { ...officer, branchId: 'SH001-01', branchScope: ['SH001-01'] };
    expect(canAccessBranch(sub, 'SH001')).toBe(false);
  });

  it('requireBranch names the branch and the scope it is outside of', () => {
    const err = thrown(() => requireBranch(manager, 'BJ001', 'the loan'));
    expect(err.code).toBe('permission_denied');
    expect(err.message).toBe(
      'the loan belongs to branch BJ001, outside your branches SH001, SH001-01',
    );
    expect(() => requireBranch(manager, 'SH001-01', 'the loan')).not.toThrow();
  });

  it('branchFilter: the branch asked for within scope, else the whole scope; null for everything', () => {
    expect(branchScopeOf(manager)).toEqual(['SH001', 'SH001-01']);
    expect(branchFilter(manager)).toEqual(['SH001', 'SH001-01']);
    expect(branchFilter(manager, 'SH001-01')).toEqual(['SH001-01']);
    expect(thrown(() => branchFilter(manager, 'BJ001')).code).toBe('permission_denied');
    const hq: Principal = { ...officer, branchId: HEAD_OFFICE, branchScope: 'all' };
    expect(branchFilter(hq)).toBeNull();
    expect(branchFilter(hq, 'BJ001')).toEqual(['BJ001']);
    expect(branchFilter(officer)).toEqual(['SH01']);
  });

  it('the token carries the scope: a list of codes, or all', () => {
    const token = signAccessToken(manager, keys.privateKey);
    expect(jwt.decode(token)).toMatchObject({ scope: ['SH001', 'SH001-01'] });
    expect(verifyAccessToken(token, keys.publicKey)).toEqual(manager);
    const hq: Principal = { ...officer, branchId: HEAD_OFFICE, branchScope: 'all' };
    const hqToken = signAccessToken(hq, keys.privateKey);
    expect(verifyAccessToken(hqToken, keys.publicKey).branchScope).toBe('all');
    // The copy handed out cannot change what was verified (tokens are cached).
    const first = verifyAccessToken(token, keys.publicKey);
    (first.branchScope as string[]).push('BJ001');
    expect(verifyAccessToken(token, keys.publicKey).branchScope).toEqual(['SH001', 'SH001-01']);
  });

  it('refuses a token whose scope is neither a list of codes nor all', () => {
    const bad = jwt.sign({ branch: 'SH001', scope: 'everything' }, keys.privateKey, {
      algorithm: 'ES256',
      subject: 'u-1',
      issuer: 'loanflow-gateway',
      audience: 'loanflow',
      expiresIn: 60,
    });
    expect(thrown(() => verifyAccessToken(bad, keys.publicKey)).message).toBe(
      'malformed access token',
    );
  });
});
