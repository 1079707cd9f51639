import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// scrypt with N=2^15, r=8, p=1 (32 MiB, ~50 ms): the OWASP baseline for interactive logins.
const PARAMS = { N: 32768, r: 8, p: 1 };
const KEY_LENGTH = 32;

const derive = (password: string, salt: Buffer, params: ScryptOptions): Promise<Buffer> =>
  new Promise((resolve, reject) =>
    scrypt(
      password.normalize('NFKC'),
      salt,
      KEY_LENGTH,
      { ...params, maxmem: 64 * 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    ),
  );

/** `scrypt$N$r$p$salt$hash`, so the parameters can be raised later without breaking old hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return [
    'scrypt',
    PARAMS.N,
    PARAMS.r,
    PARAMS.p,
    salt.toString('base64'),
    key.toString('base64'),
  ].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(password, Buffer.from(salt, 'base64'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash of nothing, compared against when the user does not exist, so timing does not tell. */
export const DUMMY_HASH =
  'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

/** Passwords every breach list starts with; refused whatever their length. */
const COMMON = new Set([
  'password1234',
  'passwordpassword',
  '123456789012',
  '1234567890123',
  'qwertyuiop12',
  'qwerty123456',
  'iloveyou1234',
  'changeme1234',
  'loanflow1234',
  'administrator',
]);

export const PASSWORD_RULE =
  'must be 12 to 256 characters, must not contain the username, must not be one character repeated and must not be a common password';

/**
 * The password rule (NIST SP 800-63B: length over composition rules, and no known-bad
 * passwords); undefined when `password` passes, else why not.
 */
export function passwordProblem(password: string, username: string): string | undefined {
  const chars = [...password.normalize('NFKC')];
  const lower = password.toLowerCase();
  if (chars.length < 12 || chars.length > 256) return PASSWORD_RULE;
  if (username && lower.includes(username.toLowerCase())) return PASSWORD_RULE;
  if (new Set(chars).size === 1) return PASSWORD_RULE;
  if (COMMON.has(lower)) return PASSWORD_RULE;
  return undefined;
}
