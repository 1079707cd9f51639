import { amountInCapitals } from './numerals';
import {
  DEFAULT_TEMPLATES,
  OPTIONAL_PLACEHOLDERS,
  placeholders,
  renderClauses,
  renderTemplate,
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
  borrowerIdNumber: '3101**********1234',
  guarantor: '李四',
  amount: '100000.00',
  amountInCapitals: amountInCapitals('100000.00'),
  annualRatePercent: '3.60',
  penaltyRatePercent: '5.40',
  termMonths: '36',
  repaymentMethod: '等额本息',
  disbursementDate: '2025-01-15',
  maturityDate: '2028-01-15',
  repaymentAccount: '6222 **** **** 1234',
};

describe('DEFAULT_TEMPLATES', () => {
  const byCode = (code: string) => DEFAULT_TEMPLATES.find((t) => t.code === code)!;

  it('has a personal consumer and a working-capital loan contract', () => {
    expect(DEFAULT_TEMPLATES.map((t) => [t.code, t.version, t.title, t.productCodes])).toEqual([
      ['PERSONAL_CONSUMER_LOAN', 1, '个人消费借款合同', ['PERSONAL_CONSUMER']],
      ['WORKING_CAPITAL_LOAN', 1, '流动资金借款合同', ['CORP_WORKING_CAPITAL']],
    ]);
  });

  it.each(DEFAULT_TEMPLATES.map((t) => [t.code, t] as const))(
    '%s uses the agreed placeholders, each of them, the guarantor in one clause only',
    (_, template) => {
      const used = new Set(template.clauses.flatMap(placeholders));
      expect([...used].sort()).toEqual(Object.keys(VALUES).sort());
      const guarantorClauses = template.clauses.filter((c) => c.includes('{{guarantor}}'));
      expect(guarantorClauses).toHaveLength(1);
      expect(guarantorClauses[0]).toMatch(/^保证担保：/);
    },
  );

  it.each(DEFAULT_TEMPLATES.map((t) => [t.code, t] as const))(
    '%s renders completely, with the amount in figures and in capitals',
    (_, template) => {
      const r = renderClauses(template.clauses, VALUES);
      expect(r.missing).toEqual([]);
      expect(r.unknown).toEqual([]);
      expect(r.clauses).toHaveLength(template.clauses.length);
      const text = r.clauses.join('\n');
      expect(text).not.toMatch(/\{\{|\}\}/);
      expect(text).toContain('（小写）100000.00元，（大写）人民币壹拾万元整');
      expect(text).toContain('年化利率为3.60%');
      expect(text).toContain('自2025-01-15（放款日）起至2028-01-15（到期日）止');
      expect(text).toContain('罚息利率5.40%');
      expect(text).toContain('保证人李四');
    },
  );

  it('leaves out the guarantor clause when there is no guarantor', () => {
    const template = byCode('PERSONAL_CONSUMER_LOAN');
    const { guarantor: _, ...withoutGuarantor } = VALUES;
    for (const values of [withoutGuarantor, { ...VALUES, guarantor: '' }]) {
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
  });

  it('keeps clause texts unnumbered, for the renderer to number', () => {
    for (const t of DEFAULT_TEMPLATES) {
      for (const clause of t.clauses) expect(clause).not.toMatch(/^第.+条/);
    }
  });

  it('cannot be changed in place', () => {
    const t = DEFAULT_TEMPLATES[0];
    expect(() => t.clauses.push('x')).toThrow(TypeError);
    expect(() => {
      (t as { version: number }).version = 2;
    }).toThrow(TypeError);
  });
});

describe('templateForProduct', () => {
  it('finds the template of a product and the highest version', () => {
    expect(templateForProduct('PERSONAL_CONSUMER')?.code).toBe('PERSONAL_CONSUMER_LOAN');
    expect(templateForProduct('CORP_WORKING_CAPITAL')?.code).toBe('WORKING_CAPITAL_LOAN');
    expect(templateForProduct('MORTGAGE')).toBeUndefined();
    const v1 = { code: 'X', version: 1, productCodes: ['P'], title: 'x', clauses: [] };
    const v3 = { ...v1, version: 3 };
    const v2 = { ...v1, version: 2 };
    expect(templateForProduct('P', [v1, v3, v2])).toBe(v3);
  });
});
