import fc from 'fast-check';
import {
  ageOn,
  checkCreditCode,
  checkMobile,
  checkResidentId,
  creditCodeCheckChar,
  maskMobile,
  maskResidentId,
  maskResidentIdBesideBirthDate,
  residentIdCheckChar,
} from './identity';

const AS_OF = '2026-03-01';

// Check characters recomputed here from the definition in the standards, independently of the
// tables in identity.ts: resident ID weight i is 2^(17-i) mod 11, credit code weight i is 3^i mod 31.
function expectedResidentCheck(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (2 ** (17 - i) % 11);
  const value = (12 - (sum % 11)) % 11;
  return value === 10 ? 'X' : String(value);
}

const CREDIT_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
function expectedCreditCheck(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_ALPHABET.indexOf(first17[i]) * (3 ** i % 31);
  return CREDIT_ALPHABET[(31 - (sum % 31)) % 31];
}

describe('checkResidentId', () => {
  it('accepts the example number printed in GB 11643-1999', () => {
    expect(checkResidentId('11010519491231002X', AS_OF)).toEqual({
      ok: true,
      value: {
        normalized: '11010519491231002X',
        birthDate: '1949-12-31',
        sex: 'female',
        regionCode: '110105',
      },
    });
  });

  it('accepts a lowercase x and surrounding spaces, normalising them', () => {
    const result = checkResidentId('  11010519491231002x ', AS_OF);
    expect(result.ok && result.value.normalized).toBe('11010519491231002X');
  });

  it.each([
    ['110101199003070011', '1990-03-07', 'male', '110101'],
    ['310115198512121236', '1985-12-12', 'male', '310115'],
    ['650101200001010008', '2000-01-01', 'female', '650101'],
    ['810000199507150027', '1995-07-15', 'female', '810000'],
  ])('reads %s as born %s, %s, region %s', (id, birthDate, sex, regionCode) => {
    expect(checkResidentId(id, AS_OF)).toEqual({
      ok: true,
      value: { normalized: id, birthDate, sex, regionCode },
    });
  });

  it('refuses a wrong check digit and says which one was expected', () => {
    expect(checkResidentId('110105194912310021', AS_OF)).toEqual({
      ok: false,
      reason: 'check digit does not match (expected X)',
    });
    expect(checkResidentId('110101199003070012', AS_OF)).toEqual({
      ok: false,
      reason: 'check digit does not match (expected 1)',
    });
  });

  it('refuses the other example of the standard, born in 1880, for its birth year', () => {
    expect(checkResidentId('440524188001010014', AS_OF)).toEqual({
      ok: false,
      reason: 'birth year 1880 is before 1900',
    });
  });

  it('refuses 29 February of a common year', () => {
    expect(checkResidentId('510108197802290029', AS_OF)).toEqual({
      ok: false,
      reason: 'birth date 19780229 is not a real calendar date',
    });
  });

  it('accepts 29 February of a leap year', () => {
    const body = '51010819800229002';
    const result = checkResidentId(body + expectedResidentCheck(body), AS_OF);
    expect(result.ok && result.value.birthDate).toBe('1980-02-29');
  });

  it('refuses a birth date after asOf but accepts one on asOf', () => {
    const future = '11010520260302001';
    expect(checkResidentId(future + expectedResidentCheck(future), AS_OF)).toEqual({
      ok: false,
      reason: 'birth date 2026-03-02 is in the future',
    });
    const today = '11010520260301001';
    expect(checkResidentId(today + expectedResidentCheck(today), AS_OF).ok).toBe(true);
  });

  it('without asOf, refuses a birth date far in the future', () => {
    const body = '11010529990101001';
    const result = checkResidentId(body + expectedResidentCheck(body));
    expect(result).toEqual({ ok: false, reason: 'birth date 2999-01-01 is in the future' });
  });

  it('refuses a malformed asOf as a programming error', () => {
    expect(() => checkResidentId('11010519491231002X', '2026-02-30')).toThrow(RangeError);
  });

  it.each([
    ['99010519491231002X', 'province code 99 does not exist'],
    ['72010519491231002X', 'province code 72 does not exist'],
    ['00010519491231002X', 'province code 00 does not exist'],
    ['1101051949123100', 'must be 18 characters (got 16)'],
    ['11010519491231002X1', 'must be 18 characters (got 19)'],
    ['', 'must be 18 characters (got 0)'],
    ['11010519491231A02X', 'first 17 characters must be digits'],
    ['11010519491231002Y', 'last character must be a digit or X'],
    ['110105194913310021', 'birth date 19491331 is not a real calendar date'],
  ])('refuses %p: %s', (raw, reason) => {
    expect(checkResidentId(raw, AS_OF)).toEqual({ ok: false, reason });
  });

  it('accepts every province code in the list and 91 (issued abroad)', () => {
    for (const province of [
      '11',
      '15',
      '23',
      '37',
      '46',
      '54',
      '65',
      '71',
      '81',
      '82',
      '83',
      '91',
    ]) {
      const body = `${province}010519491231002`;
      expect(checkResidentId(body + expectedResidentCheck(body), AS_OF).ok).toBe(true);
    }
  });

  it('computes the same check character as the standard defines it', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{17}$/), (body) => {
        expect(residentIdCheckChar(body)).toBe(expectedResidentCheck(body));
      }),
    );
  });

  const validBody = fc
    .record({
      province: fc.constantFrom('11', '31', '44', '51', '65', '91'),
      area: fc.stringMatching(/^\d{4}$/),
      birth: fc.date({
        min: new Date('1900-01-01'),
        max: new Date('2026-03-01'),
        noInvalidDate: true,
      }),
      sequence: fc.stringMatching(/^\d{3}$/),
    })
    .map(
      ({ province, area, birth, sequence }) =>
        province + area + birth.toISOString().slice(0, 10).replaceAll('-', '') + sequence,
    );

  it('accepts any valid body with its check digit and reads sex from the 17th digit', () => {
    fc.assert(
      fc.property(validBody, (body) => {
        const result = checkResidentId(body + expectedResidentCheck(body), AS_OF);
        expect(result.ok).toBe(true);
        if (result.ok)
          expect(result.value.sex).toBe(Number(body[16]) % 2 === 1 ? 'male' : 'female');
      }),
    );
  });

  it('detects every single mistyped character', () => {
    fc.assert(
      fc.property(
        validBody,
        fc.integer({ min: 0, max: 17 }),
        fc.constantFrom(...'0123456789X'),
        (body, position, replacement) => {
          const id = body + expectedResidentCheck(body);
          fc.pre(id[position] !== replacement);
          const typo = id.slice(0, position) + replacement + id.slice(position + 1);
          expect(checkResidentId(typo, AS_OF).ok).toBe(false);
        },
      ),
    );
  });

  it('detects every swap of two different adjacent digits', () => {
    fc.assert(
      fc.property(validBody, fc.integer({ min: 0, max: 15 }), (body, position) => {
        const id = body + expectedResidentCheck(body);
        fc.pre(id[position] !== id[position + 1]);
        const swapped =
          id.slice(0, position) + id[position + 1] + id[position] + id.slice(position + 2);
        expect(checkResidentId(swapped, AS_OF).ok).toBe(false);
      }),
    );
  });
});

describe('checkCreditCode', () => {
  it('accepts the published code 91350100M000100Y43', () => {
    expect(checkCreditCode('91350100M000100Y43')).toEqual({
      ok: true,
      value: { normalized: '91350100M000100Y43' },
    });
  });

  it('accepts lowercase and normalises it', () => {
    expect(checkCreditCode(' 91350100m000100y43 ')).toEqual({
      ok: true,
      value: { normalized: '91350100M000100Y43' },
    });
  });

  it.each(['91110000600037341L', '12100000400000624D', '91310000MA1FL4XK5B'])(
    'accepts the constructed code %s',
    (code) => {
      expect(checkCreditCode(code).ok).toBe(true);
    },
  );

  it('refuses a wrong check character and names the expected one', () => {
    expect(checkCreditCode('91350100M000100Y44')).toEqual({
      ok: false,
      reason: 'check character does not match (expected 3)',
    });
  });

  it('uses 0 when 31 - (sum mod 31) is 31', () => {
    // Sum 0 (all zeros) gives 31 - 0 = 31, which is written as 0.
    expect(creditCodeCheckChar('00000000000000000')).toBe('0');
    expect(checkCreditCode('000000000000000000').ok).toBe(true);
  });

  it.each(['I', 'O', 'S', 'V', 'Z', '-'])('refuses the character %s', (c) => {
    const result = checkCreditCode(`91350100M000100${c}43`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(`"${c}"`);
  });

  it('refuses the wrong length', () => {
    expect(checkCreditCode('91350100M000100Y4')).toEqual({
      ok: false,
      reason: 'must be 18 characters (got 17)',
    });
  });

  const body = fc
    .array(fc.constantFrom(...CREDIT_ALPHABET), { minLength: 17, maxLength: 17 })
    .map((chars) => chars.join(''));

  it('computes the check character as GB 32100 defines it', () => {
    fc.assert(
      fc.property(body, (b) => {
        expect(creditCodeCheckChar(b)).toBe(expectedCreditCheck(b));
        expect(checkCreditCode(b + expectedCreditCheck(b)).ok).toBe(true);
      }),
    );
  });

  it('detects every single mistyped character', () => {
    fc.assert(
      fc.property(
        body,
        fc.integer({ min: 0, max: 17 }),
        fc.constantFrom(...CREDIT_ALPHABET),
        (b, position, replacement) => {
          const code = b + expectedCreditCheck(b);
          fc.pre(code[position] !== replacement);
          const typo = code.slice(0, position) + replacement + code.slice(position + 1);
          expect(checkCreditCode(typo).ok).toBe(false);
        },
      ),
    );
  });
});

describe('checkMobile', () => {
  it.each([
    ['13800138000', '13800138000'],
    ['19912345678', '19912345678'],
    ['+86 138 0013 8000', '13800138000'],
    ['+8613800138000', '13800138000'],
    ['86-138-0013-8000', '13800138000'],
    ['8613800138000', '13800138000'],
    [' 138-0013-8000 ', '13800138000'],
  ])('accepts %p as %s', (raw, normalized) => {
    expect(checkMobile(raw)).toEqual({ ok: true, value: { normalized } });
  });

  it.each([
    ['12800138000', 'must start with 13 to 19'],
    ['10800138000', 'must start with 13 to 19'],
    ['1380013800', 'must be an 11-digit mobile number'],
    ['138001380001', 'must be an 11-digit mobile number'],
    ['1380013800a', 'must be an 11-digit mobile number'],
    ['+85213800138000', 'must be an 11-digit mobile number'],
    ['', 'must be an 11-digit mobile number'],
  ])('refuses %p: %s', (raw, reason) => {
    expect(checkMobile(raw)).toEqual({ ok: false, reason });
  });

  it('accepts any 1[3-9] number however it is prefixed and separated', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^1[3-9]\d{9}$/),
        fc.constantFrom('', '+86', '86', '+86 ', '86-'),
        fc.constantFrom('', ' ', '-'),
        (mobile, prefix, separator) => {
          const raw =
            prefix + [mobile.slice(0, 3), mobile.slice(3, 7), mobile.slice(7)].join(separator);
          expect(checkMobile(raw)).toEqual({ ok: true, value: { normalized: mobile } });
        },
      ),
    );
  });
});

describe('masking for display', () => {
  it('keeps the province and the last four characters of a resident ID, never the county or the birth date', () => {
    expect(maskResidentId('11010519491231002X')).toBe('11************002X');
    expect(maskResidentId('11010519491231002x')).toBe('11************002X');
  });

  it('beside the birth date, keeps only the province', () => {
    expect(maskResidentIdBesideBirthDate('11************002X')).toBe('11****************');
    expect(maskResidentIdBesideBirthDate('**********')).toBe('**********');
  });

  it('masks a short value completely', () => {
    expect(maskResidentId('1234567890')).toBe('**********');
    expect(maskMobile('1234567')).toBe('*******');
  });

  it('keeps the first three and the last four digits of a mobile number', () => {
    expect(maskMobile('13812345678')).toBe('138****5678');
    expect(maskMobile('+86 138-1234-5678')).toBe('138****5678');
  });
});

describe('ageOn (re-exported)', () => {
  it('computes the age of the GB 11643 example on 2026-03-01', () => {
    expect(ageOn('1949-12-31', AS_OF)).toBe(76);
  });
});
