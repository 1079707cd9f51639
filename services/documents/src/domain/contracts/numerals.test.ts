import { amountInCapitals } from './numerals';

describe('amountInCapitals', () => {
  // 中国人民银行《正确填写票据和结算凭证的基本规定》 四, examples (一) to (四). The one departure:
  // where the amount stops at 角 we write 整, which the PBoC rule allows ("可以不写") and
  // 《会计基础工作规范》 第五十二条 requires ("在“元”或者“角”字之后应当写“整”字").
  it.each([
    ['1409.50', '壹仟肆佰零玖元伍角整'], // 四(一): rule text 壹仟肆佰零玖元伍角
    ['6007.14', '陆仟零柒元壹角肆分'], // 四(二)
    ['1680.32', '壹仟陆佰捌拾元零叁角贰分'], // 四(三), first of the two allowed forms
    ['107000.53', '壹拾万柒仟元零伍角叁分'], // 四(三), first of the two allowed forms
    ['16409.02', '壹万陆仟肆佰零玖元零贰分'], // 四(四)
    ['325.04', '叁佰贰拾伍元零肆分'], // 四(四)
  ])('writes the published example %s as %s', (amount, capitals) => {
    expect(amountInCapitals(amount)).toBe(capitals);
  });

  it.each([
    ['100000.00', '壹拾万元整'],
    ['1234.56', '壹仟贰佰叁拾肆元伍角陆分'],
    ['1005.50', '壹仟零伍元伍角整'],
    ['0.05', '伍分'],
    ['10.00', '壹拾元整'],
    ['100000000.00', '壹亿元整'],
    ['100010000.00', '壹亿零壹万元整'],
    ['1000001.00', '壹佰万零壹元整'],
  ])('writes %s as %s', (amount, capitals) => {
    expect(amountInCapitals(amount)).toBe(capitals);
  });

  describe('整 and the fractional part', () => {
    it.each([
      ['1.00', '壹元整'], // ends at 元: 整
      ['1.20', '壹元贰角整'], // ends at 角: 整
      ['1.23', '壹元贰角叁分'], // has 分: no 整
      ['0.20', '贰角整'],
      ['0.23', '贰角叁分'],
      ['0.01', '壹分'],
      ['0.00', '零元整'],
    ])('%s → %s', (amount, capitals) => {
      expect(amountInCapitals(amount)).toBe(capitals);
    });

    it('never writes 整 after 分 and always after 元 or 角 when nothing follows', () => {
      for (let cents = 0; cents < 100; cents++) {
        const amount = `7.${String(cents).padStart(2, '0')}`;
        const capitals = amountInCapitals(amount);
        if (cents % 10 !== 0) {
          expect(capitals).toMatch(/分$/);
          expect(capitals).not.toContain('整');
        } else {
          expect(capitals).toMatch(/[元角]整$/);
        }
      }
    });

    it('accepts no places or one place as whole 角', () => {
      expect(amountInCapitals('100000')).toBe('壹拾万元整');
      expect(amountInCapitals('12.5')).toBe('壹拾贰元伍角整');
    });
  });

  describe('zeros', () => {
    it.each([
      ['101.00', '壹佰零壹元整'], // one zero between digits
      ['1001.00', '壹仟零壹元整'], // a run of zeros is one 零
      ['1100.00', '壹仟壹佰元整'], // trailing zeros write nothing
      ['10.50', '壹拾元零伍角整'], // 元 digit zero before a 角: 零
      ['10.05', '壹拾元零伍分'], // 角 zero before a 分: 零
      ['100.05', '壹佰元零伍分'],
      ['10100.00', '壹万零壹佰元整'], // the 万 group's lower group starts with zeros
      ['11000.00', '壹万壹仟元整'],
      ['110000.00', '壹拾壹万元整'],
      ['100100.00', '壹拾万零壹佰元整'],
      ['1010101.01', '壹佰零壹万零壹佰零壹元零壹分'],
      ['10000000.00', '壹仟万元整'],
      ['10000001.00', '壹仟万零壹元整'],
      ['100000001.00', '壹亿零壹元整'],
      ['110000000.00', '壹亿壹仟万元整'],
      ['101000000.00', '壹亿零壹佰万元整'],
      ['100000100.00', '壹亿零壹佰元整'],
      ['1000000000000.00', '壹万亿元整'],
      ['1000100000000.00', '壹万零壹亿元整'],
      ['1200000000000.00', '壹万贰仟亿元整'],
    ])('%s → %s', (amount, capitals) => {
      expect(amountInCapitals(amount)).toBe(capitals);
    });

    it('never writes two 零 in a row, nor 零 before a unit or at the end', () => {
      const samples = [
        '1000000000001',
        '9000900090009',
        '100000010000',
        '1000000100',
        '100000',
        '20020',
        '3000300',
      ];
      for (const s of samples) {
        for (const fraction of ['.00', '.05', '.50', '.55']) {
          const capitals = amountInCapitals(s + fraction);
          expect(capitals).not.toMatch(/零零|零[拾佰仟万亿元角分整]|零$/);
        }
      }
    });
  });

  it('reaches 9999999999999.99', () => {
    expect(amountInCapitals('9999999999999.99')).toBe(
      '玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分',
    );
  });

  it('uses only the characters the rules allow', () => {
    for (const amount of ['1234567890123.45', '9876543210.98', '2468.10', '0.70']) {
      expect(amountInCapitals(amount)).toMatch(/^[零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整]+$/);
    }
  });

  it('reads back to the amount it was given', () => {
    // An independent reader of the capitals: sums digit × place within 万 and 亿 groups.
    const digit = (c: string) => '零壹贰叁肆伍陆柒捌玖'.indexOf(c);
    const place: Record<string, bigint> = { 拾: 10n, 佰: 100n, 仟: 1000n };
    const readInteger = (s: string): bigint => {
      const yi = s.lastIndexOf('亿');
      if (yi >= 0) return readInteger(s.slice(0, yi)) * 100000000n + readInteger(s.slice(yi + 1));
      const wan = s.lastIndexOf('万');
      if (wan >= 0) return readInteger(s.slice(0, wan)) * 10000n + readInteger(s.slice(wan + 1));
      let total = 0n;
      let pending = 0n;
      for (const c of s) {
        if (c === '零') continue;
        if (place[c]) {
          total += pending * place[c];
          pending = 0n;
        } else pending = BigInt(digit(c));
      }
      return total + pending;
    };
    const readBack = (capitals: string): bigint => {
      const m = /^(?:(.*)元)?(?:零)?(?:(.)角)?(?:(.)分)?整?$/.exec(capitals)!;
      const yuan = m[1] === undefined || m[1] === '零' ? 0n : readInteger(m[1]);
      return yuan * 100n + BigInt(m[2] ? digit(m[2]) : 0) * 10n + BigInt(m[3] ? digit(m[3]) : 0);
    };
    // A deterministic spread of amounts, rich in zeros, across the whole range.
    let seed = 20250101n;
    for (let i = 0; i < 2000; i++) {
      seed = (seed * 6364136223846793005n + 1442695040888963407n) % (1n << 64n);
      const digits = [...(seed % 10n ** 15n).toString()].map((d) => (Number(d) < 5 ? '0' : d));
      const fen = BigInt(digits.join('')) % 10n ** 15n;
      const amount = `${fen / 100n}.${String(fen % 100n).padStart(2, '0')}`;
      expect(readBack(amountInCapitals(amount))).toBe(fen);
    }
  });

  it.each([
    '',
    ' 1.00',
    '1.00 ',
    '-1.00',
    '+1.00',
    '1.001',
    '1.',
    '.5',
    '01.00',
    '00',
    '1,000.00',
    '1e5',
    '１００.00',
    'NaN',
    'Infinity',
    '10000000000000.00',
    '99999999999999',
  ])('refuses %p with a RangeError', (bad) => {
    expect(() => amountInCapitals(bad)).toThrow(RangeError);
  });

  it('refuses a number, which may already have lost precision', () => {
    expect(() => amountInCapitals(1234.5 as unknown as string)).toThrow(RangeError);
  });
});
