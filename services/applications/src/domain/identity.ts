import { formatIsoDate, isRealDate, parseIsoDate, todayInChina } from './calendar';
import { accepted, refused, type Check } from './field';

export { ageOn } from './calendar';

export interface ResidentIdInfo {
  /** 18 characters, check character upper-cased. */
  normalized: string;
  /** YYYY-MM-DD */
  birthDate: string;
  sex: 'male' | 'female';
  /** First 6 digits: the administrative division where the number was issued. */
  regionCode: string;
}

// Provinces, autonomous regions, municipalities, Taiwan, Hong Kong, Macao, and 91 (issued abroad).
// prettier-ignore
const PROVINCE_CODES = new Set([
  '11', '12', '13', '14', '15',
  '21', '22', '23',
  '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46',
  '50', '51', '52', '53', '54',
  '61', '62', '63', '64', '65',
  '71', '81', '82', '83', '91',
]);

// ISO 7064 MOD 11-2: weight of position i (from the left) is 2^(17-i) mod 11.
const RESIDENT_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const RESIDENT_ID_CHECK_CHARS = '10X98765432';

/** The check character (0-9 or X) for the first 17 digits of a resident ID number. */
export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * RESIDENT_ID_WEIGHTS[i];
  return RESIDENT_ID_CHECK_CHARS[sum % 11];
}

/**
 * Validates a second-generation resident ID number (GB 11643-1999).
 * `asOf` (YYYY-MM-DD) is the day a birth date may not be after; it defaults to today in China.
 */
export function checkResidentId(raw: string, asOf: string = todayInChina()): Check<ResidentIdInfo> {
  const asOfDate = parseIsoDate(asOf);
  if (!asOfDate.ok) throw new RangeError(`asOf: ${asOfDate.reason}`);
  const id = raw.trim().toUpperCase();
  if (id.length !== 18) return refused(`must be 18 characters (got ${id.length})`);
  if (!/^\d{17}$/.test(id.slice(0, 17))) return refused('first 17 characters must be digits');
  if (!/^[\dX]$/.test(id[17])) return refused('last character must be a digit or X');

  const province = id.slice(0, 2);
  if (!PROVINCE_CODES.has(province)) return refused(`province code ${province} does not exist`);

  const [year, month, day] = [id.slice(6, 10), id.slice(10, 12), id.slice(12, 14)].map(Number);
  if (!isRealDate(year, month, day)) {
    return refused(`birth date ${id.slice(6, 14)} is not a real calendar date`);
  }
  const birthDate = formatIsoDate({ year, month, day });
  if (year < 1900) return refused(`birth year ${year} is before 1900`);
  if (birthDate > asOf) return refused(`birth date ${birthDate} is in the future`);

  const expected = residentIdCheckChar(id);
  if (id[17] !== expected) return refused(`check digit does not match (expected ${expected})`);

  return accepted({
    normalized: id,
    birthDate,
    sex: Number(id[16]) % 2 === 1 ? 'male' : 'female',
    regionCode: id.slice(0, 6),
  });
}

// GB 32100-2015 alphabet: digits and capitals without I, O, Z, S, V (easily misread).
const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character for the first 17 characters of a unified social credit code. */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    sum += CREDIT_CODE_ALPHABET.indexOf(first17[i]) * CREDIT_CODE_WEIGHTS[i];
  }
  return CREDIT_CODE_ALPHABET[(31 - (sum % 31)) % 31];
}

/** Validates a unified social credit code of an organisation (GB 32100-2015). */
export function checkCreditCode(raw: string): Check<{ normalized: string }> {
  const code = raw.trim().toUpperCase();
  if (code.length !== 18) return refused(`must be 18 characters (got ${code.length})`);
  const foreign = [...code].find((c) => !CREDIT_CODE_ALPHABET.includes(c));
  if (foreign !== undefined) {
    return refused(`character "${foreign}" is not allowed (I, O, S, V and Z are never used)`);
  }
  const expected = creditCodeCheckChar(code);
  if (code[17] !== expected)
    return refused(`check character does not match (expected ${expected})`);
  return accepted({ normalized: code });
}

/** Validates a mainland China mobile number, with or without +86 and separators. */
export function checkMobile(raw: string): Check<{ normalized: string }> {
  let digits = raw.replace(/[\s-]/g, '');
  if (digits.startsWith('+86')) digits = digits.slice(3);
  else if (digits.startsWith('86') && digits.length === 13) digits = digits.slice(2);
  if (!/^\d{11}$/.test(digits)) return refused('must be an 11-digit mobile number');
  if (!/^1[3-9]/.test(digits)) return refused('must start with 13 to 19');
  return accepted({ normalized: digits });
}

/**
 * For display: keeps the province (2) and the last 4 characters, e.g. 11************123X. The
 * county (digits 3–6) and the birth date (7–14) stay hidden: shown beside the address, which
 * often names the county, the old mask (region 6 + last 4) and the birth date together were the
 * whole number.
 */
export function maskResidentId(id: string): string {
  const s = id.trim().toUpperCase();
  if (s.length <= 10) return '*'.repeat(s.length);
  return s.slice(0, 2) + '*'.repeat(s.length - 6) + s.slice(-4);
}

/**
 * The mask for those shown the birth date (digits 7–14): only the province is left, so that the
 * birth date, the county the address suggests and the last characters never meet.
 */
export function maskResidentIdBesideBirthDate(masked: string): string {
  if (masked.length <= 10) return '*'.repeat(masked.length);
  return masked.slice(0, 2) + '*'.repeat(masked.length - 2);
}

/** For display: keeps the first 3 and last 4 digits, e.g. 138****5678. */
export function maskMobile(mobile: string): string {
  const parsed = checkMobile(mobile);
  const s = parsed.ok ? parsed.value.normalized : mobile.trim();
  if (s.length <= 7) return '*'.repeat(s.length);
  return s.slice(0, 3) + '*'.repeat(s.length - 7) + s.slice(-4);
}
