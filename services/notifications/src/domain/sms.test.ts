import fc from 'fast-check';
import { maskEmail, maskPhone, smsSegments } from './sms';

const chinese = (n: number) => '贷'.repeat(n);
const latin = (n: number) => 'a'.repeat(n);
const gsmBasicChar = fc.constantFrom(
  ...'@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&()*+,-./09:;<=>?¡AZÄÖÑÜ§¿azäöñüà',
);
const gsmExtensionChar = fc.constantFrom(...'^{}\\[~]|€');
const cjkChar = fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((c) => String.fromCodePoint(c));
const astralChar = fc.integer({ min: 0x1f300, max: 0x1f5ff }).map((c) => String.fromCodePoint(c));

describe('smsSegments: Chinese (UCS-2), 70 in one message, 67 per part', () => {
  it.each([
    [1, 1],
    [70, 1],
    [71, 2],
    [134, 2],
    [135, 3],
    [201, 3],
    [202, 4],
  ])('%i Chinese characters → %i segment(s)', (n, segments) => {
    expect(smsSegments(chinese(n))).toEqual({ characters: n, segments, encoding: 'ucs2' });
  });

  it('counts a bank notice with its signature as the borrower receives it', () => {
    const text =
      '【LoanFlow银行】尊敬的李明，您的贷款第3期应还款¥1,234.56将于2026年12月10日到期，请按时存入还款账户。';
    expect(smsSegments(text)).toEqual({ characters: 63, segments: 1, encoding: 'ucs2' });
  });

  it('one Chinese character among Latin text makes the whole message UCS-2', () => {
    expect(smsSegments(latin(69) + '元')).toEqual({
      characters: 70,
      segments: 1,
      encoding: 'ucs2',
    });
    expect(smsSegments(latin(70) + '元')).toEqual({
      characters: 71,
      segments: 2,
      encoding: 'ucs2',
    });
  });

  it('an emoji is one character but two UCS-2 units', () => {
    expect(smsSegments('👍')).toEqual({ characters: 1, segments: 1, encoding: 'ucs2' });
    expect(smsSegments('👍'.repeat(35))).toEqual({ characters: 35, segments: 1, encoding: 'ucs2' });
    expect(smsSegments('👍'.repeat(36))).toEqual({ characters: 36, segments: 2, encoding: 'ucs2' });
  });

  it('never splits a surrogate pair between two parts', () => {
    // 134 units would fill two parts of 67 exactly, but the pair would straddle them.
    const straddling = chinese(66) + '👍' + chinese(66);
    expect(smsSegments(straddling)).toEqual({ characters: 133, segments: 3, encoding: 'ucs2' });
    const fitting = chinese(65) + '👍' + chinese(67);
    expect(smsSegments(fitting)).toEqual({ characters: 133, segments: 2, encoding: 'ucs2' });
  });
});

describe('smsSegments: GSM-7, 160 in one message, 153 per part', () => {
  it.each([
    [1, 1],
    [160, 1],
    [161, 2],
    [306, 2],
    [307, 3],
  ])('%i Latin characters → %i segment(s)', (n, segments) => {
    expect(smsSegments(latin(n))).toEqual({ characters: n, segments, encoding: 'gsm7' });
  });

  it('an extension character (€, [, ^ …) costs two septets', () => {
    expect(smsSegments('€'.repeat(80))).toEqual({ characters: 80, segments: 1, encoding: 'gsm7' });
    expect(smsSegments('€'.repeat(81))).toEqual({ characters: 81, segments: 2, encoding: 'gsm7' });
    expect(smsSegments(latin(159) + '^')).toEqual({
      characters: 160,
      segments: 2,
      encoding: 'gsm7',
    });
  });

  it('never splits an escape sequence between parts', () => {
    // 306 septets would fill two parts of 153 exactly, but ESC and € would land in different parts.
    expect(smsSegments(latin(152) + '€' + latin(152)).segments).toBe(3);
    expect(smsSegments(latin(151) + '€' + latin(153)).segments).toBe(2);
  });

  it('characters of the basic table with accents stay GSM-7; others do not', () => {
    expect(smsSegments('Ça coûte').encoding).toBe('ucs2'); // û is not in the GSM alphabet
    expect(smsSegments('Ça va, où ?').encoding).toBe('gsm7');
    expect(smsSegments('line\nbreak').encoding).toBe('gsm7');
    expect(smsSegments('\u001b').encoding).toBe('ucs2'); // a raw ESC is not text
    expect(smsSegments('')).toEqual({ characters: 0, segments: 1, encoding: 'gsm7' });
  });
});

describe('smsSegments: properties', () => {
  it('UCS-2 text of BMP characters costs ceil(n / 67) parts beyond 70', () => {
    fc.assert(
      fc.property(fc.array(cjkChar, { minLength: 1, maxLength: 700 }), (chars) => {
        const n = chars.length;
        const { segments, characters, encoding } = smsSegments(chars.join(''));
        expect(encoding).toBe('ucs2');
        expect(characters).toBe(n);
        expect(segments).toBe(n <= 70 ? 1 : Math.ceil(n / 67));
      }),
    );
  });

  it('GSM-7 text of basic characters costs ceil(n / 153) parts beyond 160', () => {
    fc.assert(
      fc.property(fc.array(gsmBasicChar, { maxLength: 1600 }), (chars) => {
        const n = chars.length;
        const result = smsSegments(chars.join(''));
        expect(result.encoding).toBe('gsm7');
        expect(result.segments).toBe(n <= 160 ? 1 : Math.ceil(n / 153));
      }),
    );
  });

  it('appending text never reduces the number of segments', () => {
    const anyChar = fc.oneof(gsmBasicChar, gsmExtensionChar, cjkChar, astralChar);
    fc.assert(
      fc.property(
        fc.array(anyChar, { maxLength: 300 }),
        fc.array(anyChar, { maxLength: 50 }),
        (a, b) => {
          const before = smsSegments(a.join(''));
          const after = smsSegments(a.join('') + b.join(''));
          // switching to UCS-2 can only lower the capacity, so the count stays monotone
          expect(after.segments).toBeGreaterThanOrEqual(before.segments);
          expect(after.characters).toBe(a.length + b.length);
        },
      ),
    );
  });

  it('segments are bounded by the units: at least units / perPart, at most one per part-unit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(cjkChar, astralChar), { minLength: 1, maxLength: 400 }),
        (chars) => {
          const units = chars.join('').length; // UTF-16 code units
          const { segments } = smsSegments(chars.join(''));
          if (units <= 70) expect(segments).toBe(1);
          else {
            expect(segments).toBeGreaterThanOrEqual(Math.ceil(units / 67));
            // a part loses at most one unit to an unsplittable pair
            expect(segments).toBeLessThanOrEqual(Math.ceil(units / 66));
          }
        },
      ),
    );
  });
});

describe('maskPhone', () => {
  it('keeps the carrier prefix and the last four of a mainland mobile', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('19900001111')).toBe('199****1111');
  });

  it('masks short numbers down to their last two', () => {
    expect(maskPhone('1234567')).toBe('*****67');
    expect(maskPhone('123')).toBe('*23');
    expect(maskPhone('12')).toBe('**');
    expect(maskPhone('')).toBe('');
  });

  it('never shows the middle digits, and keeps the length', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^1[3-9]\d{9}$/), (phone) => {
        const masked = maskPhone(phone);
        expect(masked).toHaveLength(11);
        expect(masked.slice(3, 7)).toBe('****');
        expect(masked.slice(0, 3) + masked.slice(7)).toBe(phone.slice(0, 3) + phone.slice(7));
      }),
    );
  });
});

describe('maskEmail', () => {
  it('keeps the first and last character of the local part and the domain', () => {
    expect(maskEmail('li.ming@bank.cn')).toBe('l*****g@bank.cn');
    expect(maskEmail('abc@loanflow.local')).toBe('a*c@loanflow.local');
  });

  it('shows nothing of a local part of one or two characters', () => {
    expect(maskEmail('li@bank.cn')).toBe('**@bank.cn');
    expect(maskEmail('l@bank.cn')).toBe('*@bank.cn');
  });

  it('masks by character, not by UTF-16 unit, and uses the last @', () => {
    expect(maskEmail('李明明@银行.cn')).toBe('李*明@银行.cn');
    expect(maskEmail('"a@b"@bank.cn')).toBe('"***"@bank.cn');
  });

  it('masks a value that is not an address entirely', () => {
    expect(maskEmail('not-an-address')).toBe('**************');
    expect(maskEmail('')).toBe('***');
  });

  it('never reveals the middle of the local part', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9._-]{3,30}$/),
        fc.stringMatching(/^[a-z]{1,10}\.cn$/),
        (local, domain) => {
          const masked = maskEmail(`${local}@${domain}`);
          expect(masked).toBe(
            `${local[0]}${'*'.repeat(local.length - 2)}${local.at(-1)}@${domain}`,
          );
        },
      ),
    );
  });
});
