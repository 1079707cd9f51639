import { amountInCapitals } from './numerals';
import {
  clausesSummary,
  DEFAULT_TEMPLATES,
  OPTIONAL_PLACEHOLDERS,
  placeholders,
  rateTermsText,
  renderClauses,
  renderTemplate,
  repaymentDatesText,
  templateForProduct,
} from './template';

describe('renderTemplate', () => {
  it('fills every placeholder, each use of it, with spaces inside the braces allowed', () => {
    const r = renderTemplate('{{a}} 借给 {{ b }}，{{a}} 为贷款人', { a: '甲银行', b: '张三' });
    expect(r).toEqual({ text: '甲银行 借给 张三，甲银行 为贷款人', missing: [], unknown: [] });
  });

  it('reports placeholders without a value and renders nothing', () => {
    const r = renderTemplate('{{lender}}向{{borrower}}发放{{amount}}元，{{borrower}}', {
      lender: '甲银行',
    });
    expect(r.missing).toEqual(['borrower', 'amount']);
    expect(r.text).toBe('');
  });

  it('counts a blank value as missing', () => {
    expect(renderTemplate('借款人：{{borrower}}', { borrower: '' }).missing).toEqual(['borrower']);
    expect(renderTemplate('借款人：{{borrower}}', { borrower: ' \t' }).missing).toEqual([
      'borrower',
    ]);
  });

  it('reports values the text does not use', () => {
    const r = renderTemplate('借款人：{{borrower}}', { borrower: '张三', borower: '李四', x: '1' });
    expect(r.text).toBe('借款人：张三');
    expect(r.unknown).toEqual(['borower', 'x']);
  });

  it('does not take inherited properties for values', () => {
    const r = renderTemplate('{{constructor}} {{toString}}', {});
    expect(r.missing).toEqual(['constructor', 'toString']);
  });

  it('inserts a value that looks like a placeholder as it is, without expanding it', () => {
    const r = renderTemplate('{{a}}|{{b}}', { a: '{{b}}', b: '$&$1' });
    expect(r.text).toBe('{{b}}|$&$1');
  });

  it('leaves text without placeholders as it is', () => {
    expect(renderTemplate('第一条 无占位符。', {})).toEqual({
      text: '第一条 无占位符。',
      missing: [],
      unknown: [],
    });
  });

  it.each(['{{ 1x }}', '{{a', 'a}}', '{{a-b}}', '{{}}', '{{a}} and {{b'])(
    'refuses the malformed placeholder in %p',
    (body) => {
      expect(() => renderTemplate(body, { a: 'x' })).toThrow(SyntaxError);
    },
  );
});

describe('placeholders', () => {
  it('lists each name once in order of first use', () => {
    expect(placeholders('{{b}}{{a}}{{ b }}{{c_1}}')).toEqual(['b', 'a', 'c_1']);
  });
});

const VALUES: Record<string, string> = {
  lender: '示例银行股份有限公司上海分行',
  borrower: '张三',
  borrowerIdNumber: '110101199003070046',
  guarantor: '李四',
  amount: '100000.00',
  amountInCapitals: amountInCapitals('100000.00'),
  rateTerms: rateTermsText({
    annualRatePercent: '3.6000',
    rateBasis: 'fixed',
    spreadBp: 0,
    repricing: '',
  }),
  penaltyRatePercent: '5.4000',
  termMonths: '36',
  repaymentMethod: '等额本息',
  repaymentDates: repaymentDatesText({ repaymentDay: '15', firstDueDate: '2025-02-15' }),
  disbursementDate: '2025-01-15',
  maturityDate: '2028-01-15',
  repaymentAccount: '6222 **** **** 1234',
  collateral: '上海市浦东新区世纪大道100号1单元101室房产（沪(2024)浦字不动产权第0012345号）',
};
const PERSONAL_KEYS = Object.keys(VALUES).filter((k) => k !== 'collateral');

describe('DEFAULT_TEMPLATES', () => {
  const byCode = (code: string) => DEFAULT_TEMPLATES.find((t) => t.code === code)!;

  it('has a template for every seeded product, with the parties each must have', () => {
    expect(
      DEFAULT_TEMPLATES.map((t) => [t.code, t.version, t.title, t.productCodes, t.requiredParties]),
    ).toEqual([
      [
        'PERSONAL_CONSUMER_LOAN',
        2,
        '个人消费借款合同',
        ['PERSONAL_CONSUMER'],
        ['lender', 'borrower'],
      ],
      [
        'SMALL_BUSINESS_LOAN',
        1,
        '小微企业经营借款合同',
        ['SMALL_BUSINESS'],
        ['lender', 'borrower'],
      ],
      [
        'WORKING_CAPITAL_LOAN',
        2,
        '流动资金借款合同',
        ['CORP_WORKING_CAPITAL'],
        ['lender', 'borrower', 'guarantor'],
      ],
      ['MORTGAGE_LOAN', 1, '个人住房抵押借款合同', ['MORTGAGE'], ['lender', 'borrower']],
    ]);
    for (const product of [
      'PERSONAL_CONSUMER',
      'SMALL_BUSINESS',
      'CORP_WORKING_CAPITAL',
      'MORTGAGE',
    ])
      expect(templateForProduct(product)?.productCodes).toContain(product);
  });

  it.each(DEFAULT_TEMPLATES.map((t) => [t.code, t] as const))(
    '%s uses the agreed placeholders, each of them, the guarantor in its guarantee clause',
    (code, template) => {
      const used = new Set(template.clauses.flatMap(placeholders));
      const expected = code === 'MORTGAGE_LOAN' ? Object.keys(VALUES) : PERSONAL_KEYS;
      expect([...used].sort()).toEqual([...expected].sort());
      const guarantee = template.clauses.filter((c) => c.startsWith('保证担保：'));
      expect(guarantee).toHaveLength(1);
      expect(guarantee[0]).toContain('{{guarantor}}');
    },
  );

  it('prints the collateral clause (抵押条款) in the mortgage contract only', () => {
    for (const t of DEFAULT_TEMPLATES) {
      expect(clausesSummary(t.clauses).includes('抵押担保')).toBe(t.code === 'MORTGAGE_LOAN');
    }
    const text = renderClauses(byCode('MORTGAGE_LOAN').clauses, VALUES).clauses.join('\n');
    expect(text).toContain(`借款人以其所有的${VALUES.collateral}（以下简称“抵押物”）`);
    expect(text).toContain('办理抵押登记');
  });

  it('binds the guarantor of a working-capital loan in the preamble as well as the guarantee clause', () => {
    const r = renderClauses(byCode('WORKING_CAPITAL_LOAN').clauses, VALUES);
    expect(r.clauses[0]).toContain('保证人李四为此提供保证担保');
    expect(clausesSummary(byCode('WORKING_CAPITAL_LOAN').clauses)).toContain('保证担保');
  });

  it.each(DEFAULT_TEMPLATES.map((t) => [t.code, t] as const))(
    '%s renders completely, with the amount in figures and in capitals and the repayment dates',
    (code, template) => {
      const values =
        code === 'MORTGAGE_LOAN'
          ? VALUES
          : Object.fromEntries(PERSONAL_KEYS.map((k) => [k, VALUES[k]!]));
      const r = renderClauses(template.clauses, values);
      expect(r.missing).toEqual([]);
      expect(r.unknown).toEqual([]);
      expect(r.clauses).toHaveLength(template.clauses.length);
      const text = r.clauses.join('\n');
      expect(text).not.toMatch(/\{\{|\}\}/);
      expect(text).toContain('（小写）100000.00元，（大写）人民币壹拾万元整');
      expect(text).toContain('年化利率为3.6000%（单利），在借款期限内固定不变');
      expect(text).toContain('自2025-01-15（放款日）起至2028-01-15（到期日）止');
      expect(text).toContain('还款日为每月15日，首期还款日为2025-02-15');
      expect(text).toContain('罚息利率5.4000%');
      expect(text).toContain('保证人李四');
      expect(text).toContain('110101199003070046');
    },
  );

  it('leaves out the guarantor clause when there is no guarantor', () => {
    const template = byCode('PERSONAL_CONSUMER_LOAN');
    const { guarantor: _, collateral: __, ...withoutGuarantor } = VALUES;
    for (const values of [withoutGuarantor, { ...withoutGuarantor, guarantor: '' }]) {
      const r = renderClauses(template.clauses, values);
      expect(r.missing).toEqual([]);
      expect(r.clauses).toHaveLength(template.clauses.length - 1);
      expect(r.clauses.join('')).not.toMatch(/保证人|保证担保/);
    }
    expect(OPTIONAL_PLACEHOLDERS).toEqual(['guarantor']);
  });

  it('renders no clause at all while any required value is missing', () => {
    const { amount: _, ...values } = VALUES;
    const r = renderClauses(byCode('WORKING_CAPITAL_LOAN').clauses, values);
    expect(r.missing).toEqual(['amount']);
    expect(r.clauses).toEqual([]);
    const { collateral: __, ...noCollateral } = VALUES;
    expect(renderClauses(byCode('MORTGAGE_LOAN').clauses, noCollateral).missing).toEqual([
      'collateral',
    ]);
  });

  it('keeps clause texts unnumbered, for the renderer to number', () => {
    for (const t of DEFAULT_TEMPLATES) {
      for (const clause of t.clauses) expect(clause).not.toMatch(/^第.+条/);
    }
  });

  it('cannot be changed in place', () => {
    const t = DEFAULT_TEMPLATES[0]!;
    expect(() => t.clauses.push('x')).toThrow(TypeError);
    expect(() => t.requiredParties.push('guarantor')).toThrow(TypeError);
    expect(() => {
      (t as { version: number }).version = 3;
    }).toThrow(TypeError);
  });
});

describe('rateTermsText and repaymentDatesText', () => {
  it('says a floating rate is the LPR plus the spread, repriced on the agreed day', () => {
    expect(
      rateTermsText({
        annualRatePercent: '3.5500',
        rateBasis: 'lpr_5y',
        spreadBp: -30,
        repricing: 'january_first',
      }),
    ).toBe(
      '本合同项下借款利率为浮动利率，以全国银行间同业拆借中心公布的5年期以上贷款市场报价利率（LPR）减30个基点确定（1个基点为0.01%），放款日的年化利率为3.5500%（单利）；每年1月1日按当日适用的LPR调整一次，加点数值在借款期限内不变。',
    );
    expect(
      rateTermsText({
        annualRatePercent: '4.4500',
        rateBasis: 'lpr_1y',
        spreadBp: 100,
        repricing: 'anniversary',
      }),
    ).toContain('1年期贷款市场报价利率（LPR）加100个基点确定');
  });

  it('names the month end and a bullet loan’s single due date', () => {
    expect(repaymentDatesText({ repaymentDay: 'month_end', firstDueDate: '2025-02-28' })).toBe(
      '还款日为每月最后一日，首期还款日为2025-02-28。',
    );
    expect(repaymentDatesText({ repaymentDay: '', firstDueDate: '2026-01-15' })).toBe(
      '借款人于到期日2026-01-15一次性偿还全部本息。',
    );
  });
});

describe('templateForProduct', () => {
  it('finds the template of a product and the highest version', () => {
    expect(templateForProduct('PERSONAL_CONSUMER')?.code).toBe('PERSONAL_CONSUMER_LOAN');
    expect(templateForProduct('CORP_WORKING_CAPITAL')?.code).toBe('WORKING_CAPITAL_LOAN');
    expect(templateForProduct('SMALL_BUSINESS')?.code).toBe('SMALL_BUSINESS_LOAN');
    expect(templateForProduct('MORTGAGE')?.code).toBe('MORTGAGE_LOAN');
    expect(templateForProduct('NO_SUCH_PRODUCT')).toBeUndefined();
    const v1 = {
      code: 'X',
      version: 1,
      productCodes: ['P'],
      title: 'x',
      requiredParties: [],
      clauses: [],
    };
    const v3 = { ...v1, version: 3 };
    const v2 = { ...v1, version: 2 };
    expect(templateForProduct('P', [v1, v3, v2])).toBe(v3);
  });
});
