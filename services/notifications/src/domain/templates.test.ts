import fc from 'fast-check';
import { DomainError } from '@loanflow/platform';
import {
  checkTemplate,
  formatMoney,
  kindsOf,
  renderTemplate,
  sampleValues,
  type TemplateDraft,
} from './templates';

const draft = (over: Partial<TemplateDraft>): TemplateDraft => ({
  code: 'test.template',
  channel: 'in_app',
  locale: 'zh-CN',
  eventType: 'accounting.loan.overdue',
  subject: '贷款逾期',
  body: '逾期本金{overduePrincipal}',
  html: '',
  providerTemplateCode: '',
  ...over,
});

/** The violations checkTemplate refuses a draft with. */
function refusals(d: TemplateDraft): Array<{ field: string; reason: string }> {
  try {
    checkTemplate(d);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('invalid_argument');
    return (error as DomainError).violations;
  }
  throw new Error('the draft was accepted');
}

const render = (
  body: string,
  values: Record<string, string>,
  kinds: Parameters<typeof renderTemplate>[2],
  locale: 'zh-CN' | 'en' = 'zh-CN',
) => renderTemplate({ subject: '', body, html: '', locale }, values, kinds).body;

describe('renderTemplate formats values for the locale', () => {
  test('money: ¥ with thousands separators in Chinese, CNY in English, never through a float', () => {
    expect(render('{a}', { a: '1000000' }, { a: 'money' })).toBe('¥1,000,000.00');
    expect(render('{a}', { a: '1000000' }, { a: 'money' }, 'en')).toBe('CNY 1,000,000.00');
    expect(render('{a}', { a: '0.5' }, { a: 'money' })).toBe('¥0.50');
    expect(render('{a}', { a: '123.45' }, { a: 'money' })).toBe('¥123.45');
    expect(render('{a}', { a: '-1234.5' }, { a: 'money' }, 'en')).toBe('-CNY 1,234.50');
    // 2^53 + 1 as a number would come out ...992.
    expect(render('{a}', { a: '9007199254740993.01' }, { a: 'money' })).toBe(
      '¥9,007,199,254,740,993.01',
    );
    expect(render('{a}', { a: '0001.005' }, { a: 'money' })).toBe('¥1.005');
  });

  test('dates: 2026年12月7日 and 7 Dec 2026', () => {
    expect(render('{d}', { d: '2026-12-07' }, { d: 'date' })).toBe('2026年12月7日');
    expect(render('{d}', { d: '2026-12-07' }, { d: 'date' }, 'en')).toBe('7 Dec 2026');
    expect(render('{d}', { d: '2027-01-31' }, { d: 'date' }, 'en')).toBe('31 Jan 2027');
  });

  test('datetimes on the bank clock (Asia/Shanghai, UTC+8), across midnight', () => {
    expect(render('{t}', { t: '2026-12-07T09:30:00Z' }, { t: 'datetime' })).toBe(
      '2026年12月7日 17:30',
    );
    expect(render('{t}', { t: '2026-12-07T16:05:00.123Z' }, { t: 'datetime' }, 'en')).toBe(
      '8 Dec 2026, 00:05',
    );
    expect(render('{t}', { t: '2026-12-07T09:30:00+08:00' }, { t: 'datetime' })).toBe(
      '2026年12月7日 09:30',
    );
  });

  test('rates in percent keep two decimals at least', () => {
    expect(render('{r}', { r: '4.3500' }, { r: 'percent' })).toBe('4.35%');
    expect(render('{r}', { r: '3.1' }, { r: 'percent' })).toBe('3.10%');
    expect(render('{r}', { r: '3.125' }, { r: 'percent' }, 'en')).toBe('3.125%');
    expect(render('{r}', { r: '5' }, { r: 'percent' })).toBe('5.00%');
  });

  test('counts stay numbers, so plural picks the branch in each locale', () => {
    const en = '{n, plural, =0 {no tasks} one {# task} other {# tasks}}';
    expect(render(en, { n: '0' }, { n: 'count' }, 'en')).toBe('no tasks');
    expect(render(en, { n: '1' }, { n: 'count' }, 'en')).toBe('1 task');
    expect(render(en, { n: '1200' }, { n: 'count' }, 'en')).toBe('1,200 tasks');
    expect(render('{n, plural, other {#项待办}}', { n: '3' }, { n: 'count' })).toBe('3项待办');
  });

  test('select gives the tier in words', () => {
    const zh = '{t, select, substandard {次级} doubtful {可疑} other {{t}}}';
    expect(render(zh, { t: 'substandard' }, { t: 'text' })).toBe('次级');
    expect(render(zh, { t: 'new_tier' }, { t: 'text' })).toBe('new_tier');
  });

  test('a variable without a value renders empty, never "undefined"', () => {
    expect(render('[{a}][{b}]', { a: '' }, { a: 'money' })).toBe('[][]');
  });

  test('a value that is not what its kind says is refused with the variable and why', () => {
    expect(() => render('{a}', { a: '1,000' }, { a: 'money' })).toThrow(
      expect.objectContaining({
        violations: [{ field: 'data.a', reason: expect.stringContaining('decimal string') }],
      }),
    );
    expect(() => render('{d}', { d: '2026-02-30' }, { d: 'date' })).toThrow(
      expect.objectContaining({
        violations: [{ field: 'data.d', reason: expect.stringContaining('real day') }],
      }),
    );
    expect(() => render('{t}', { t: 'yesterday' }, { t: 'datetime' })).toThrow(
      expect.objectContaining({ violations: [expect.objectContaining({ field: 'data.t' })] }),
    );
    expect(() => render('{n}', { n: '2.5' }, { n: 'count' })).toThrow(
      expect.objectContaining({ violations: [expect.objectContaining({ field: 'data.n' })] }),
    );
  });

  test('fast-check: any decimal string of yuan formats back to the same digits', () => {
    const yuan = fc
      .tuple(fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.integer({ min: 0, max: 99 }))
      .map(([whole, cents]) => `${whole}.${String(cents).padStart(2, '0')}`);
    fc.assert(
      fc.property(yuan, fc.constantFrom('zh-CN' as const, 'en' as const), (amount, locale) => {
        const shown = formatMoney(amount, locale);
        expect(shown.startsWith(locale === 'zh-CN' ? '¥' : 'CNY ')).toBe(true);
        expect(shown.replace(/^(¥|CNY )/, '').replace(/,/g, '')).toBe(amount);
        // Groups of three digits between the commas.
        expect(shown).toMatch(/^(¥|CNY )\d{1,3}(,\d{3})*\.\d{2}$/);
      }),
    );
  });
});

describe('renderTemplate HTML', () => {
  const values = { customerName: '<b>Tom & "Jerry"</b>', overduePrincipal: '20000' };
  const kinds = kindsOf('accounting.loan.overdue');

  test('values are escaped in the html template, which goes into the layout under the subject', () => {
    const r = renderTemplate(
      {
        subject: '逾期：{customerName}',
        body: '{customerName}',
        html: '<p style="color:red">{customerName} 逾期本金 <strong>{overduePrincipal}</strong></p>',
        locale: 'zh-CN',
      },
      values,
      kinds,
    );
    expect(r.subject).toBe('逾期：<b>Tom & "Jerry"</b>');
    expect(r.body).toBe('<b>Tom & "Jerry"</b>');
    expect(r.html).toContain(
      '<p style="color:red">&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt; 逾期本金 <strong>¥20,000.00</strong></p>',
    );
    expect(r.html).toContain(
      '<h1 style="margin:0 0 16px;font-size:18px;color:#0b4f9c">逾期：&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;</h1>',
    );
    expect(r.html).not.toContain('<b>Tom');
    expect(r.html.startsWith('<!doctype html>\n<html lang="zh-CN">')).toBe(true);
  });

  test('a whole HTML document is used as it is', () => {
    const r = renderTemplate(
      {
        subject: 's',
        body: 'b',
        html: '<!DOCTYPE html><html><body>{customerName}</body></html>',
        locale: 'en',
      },
      values,
      kinds,
    );
    expect(r.html).toBe(
      '<!DOCTYPE html><html><body>&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;</body></html>',
    );
  });

  test('without an html template the body becomes escaped paragraphs with line breaks', () => {
    const r = renderTemplate(
      {
        subject: 'Overdue',
        body: 'Dear {customerName},\n\nline one\nline two',
        html: '',
        locale: 'en',
      },
      values,
      kinds,
    );
    expect(r.html).toContain(
      '<p style="margin:0 0 12px">Dear &lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;,</p>\n<p style="margin:0 0 12px">line one<br>line two</p>',
    );
    expect(r.html).toContain('<title>Overdue</title>');
    expect(r.html).toContain('This message was sent automatically by LoanFlow');
  });
});

describe('checkTemplate', () => {
  test('accepts a good template and names the variables it uses, nested ones too', () => {
    const result = checkTemplate(
      draft({
        eventType: 'accounting.loan.classified',
        subject:
          '{toTier, select, loss {损失} other {{cause, select, manual {人工：{reason}} other {逾期{daysPastDue, plural, other {#天，{loanNumber}}}}}}}}',
        body: '{customerName}',
        html: '<div><span>{businessDate}</span></div>',
      }),
    );
    expect(result.variables).toEqual([
      'businessDate',
      'cause',
      'customerName',
      'daysPastDue',
      'loanNumber',
      'reason',
      'toTier',
    ]);
  });

  test('a variable the event does not carry is refused, naming the field and what it carries', () => {
    expect(refusals(draft({ body: '{n, plural, other {{foo}}} {foo}' }))).toEqual([
      expect.objectContaining({
        field: 'body',
        reason: expect.stringContaining('variable "n" is not carried'),
      }),
      {
        field: 'body',
        reason:
          'variable "foo" is not carried by accounting.loan.overdue; it carries: recipientName, customerName, applicationId, loanNumber, overduePrincipal, overdueInterest, overdueAmount, oldestUnpaidDue, businessDate',
      },
    ]);
  });

  test('text that is not ICU is refused with the parser message and where', () => {
    expect(refusals(draft({ subject: '逾期 {loanNumber' }))).toEqual([
      {
        field: 'subject',
        reason: 'not valid ICU MessageFormat: EXPECT_ARGUMENT_CLOSING_BRACE at line 1, column 4',
      },
    ]);
    expect(refusals(draft({ html: '<p>{daysPastDue, plural, one {x}}</p>' }))).toEqual([
      {
        field: 'html',
        reason: expect.stringMatching(
          /^not valid ICU MessageFormat: MISSING_OTHER_CLAUSE at line 1/,
        ),
      },
    ]);
  });

  test('every problem at once: channel, locale, event type', () => {
    const d = draft({}) as unknown as Record<string, string>;
    expect(
      refusals({
        ...d,
        channel: 'fax',
        locale: 'fr',
        eventType: 'loan.exploded',
      } as unknown as TemplateDraft).map((v) => v.field),
    ).toEqual(['channel', 'locale', 'eventType']);
    expect(refusals(draft({ eventType: 'loan.exploded' }))[0]!.reason).toMatch(
      /^unknown event type "loan.exploded"; known: workflow.task.created, /,
    );
  });

  test('an SMS needs its provider template code and at most 500 characters', () => {
    expect(refusals(draft({ channel: 'sms', subject: '' }))).toEqual([
      {
        field: 'providerTemplateCode',
        reason: 'an SMS template needs the template code registered with the SMS provider',
      },
    ]);
    expect(
      refusals(
        draft({
          channel: 'sms',
          subject: '',
          providerTemplateCode: 'SMS_1',
          body: '逾'.repeat(501),
        }),
      ),
    ).toEqual([{ field: 'body', reason: 'an SMS is at most 500 characters (this one has 501)' }]);
    expect(
      checkTemplate(
        draft({
          channel: 'sms',
          subject: '',
          providerTemplateCode: 'SMS_1',
          body: '逾'.repeat(500),
        }),
      ).variables,
    ).toEqual([]);
  });

  test('an SMS only substitutes variables: the provider holds the text and cannot choose', () => {
    const sms = (body: string) =>
      draft({
        channel: 'sms',
        subject: '',
        providerTemplateCode: 'SMS_1',
        eventType: 'accounting.loan.repayment-posted',
        body,
      });
    expect(refusals(sms('{loanClosed, select, true {已结清} other {}}'))).toEqual([
      {
        field: 'body',
        reason:
          'variable "loanClosed": an SMS template is registered with the provider, which only substitutes variables — no select; make one template per case and a rule condition for each',
      },
    ]);
    expect(checkTemplate(sms('您于{valueDate}还款{amount}已入账')).variables).toEqual([
      'amount',
      'valueDate',
    ]);
    // The same choice is fine in-app, where the text is ours.
    expect(
      checkTemplate(
        draft({
          eventType: 'accounting.loan.repayment-posted',
          body: '{loanClosed, select, true {已结清} other {}}',
        }),
      ).variables,
    ).toEqual(['loanClosed']);
  });

  test('e-mail and in-app need a subject of at most 200 characters', () => {
    expect(refusals(draft({ channel: 'email', subject: ' ' }))).toEqual([
      { field: 'subject', reason: 'an e-mail needs a subject' },
    ]);
    expect(refusals(draft({ channel: 'in_app', subject: '' }))).toEqual([
      { field: 'subject', reason: 'an in-app message needs a subject' },
    ]);
    expect(refusals(draft({ subject: 'x'.repeat(201) }))).toEqual([
      { field: 'subject', reason: 'at most 200 characters (this one has 201)' },
    ]);
  });

  test('HTML with a script is refused', () => {
    expect(
      refusals(draft({ channel: 'email', html: '<p>hi</p><SCRIPT src="x.js"></SCRIPT>' })),
    ).toEqual([{ field: 'html', reason: 'must not contain <script>' }]);
  });

  test('money and dates arrive formatted: no number/date formats on them, plural only on counts', () => {
    expect(refusals(draft({ body: '{overduePrincipal, number}' }))).toEqual([
      {
        field: 'body',
        reason:
          'variable "overduePrincipal" (money): only counts take "number"; write {name} and it is formatted for you',
      },
    ]);
    expect(refusals(draft({ body: '{businessDate, date, short}' }))[0]!.reason).toBe(
      'variable "businessDate" (date): dates are formatted for you; write {name} without "date"',
    );
  });

  test('a bad code and an empty body are refused', () => {
    expect(refusals(draft({ code: 'Task Created', body: '' }))).toEqual([
      { field: 'code', reason: 'must be lower-case words joined by dots, e.g. "task.assigned"' },
      { field: 'body', reason: 'the body is empty' },
    ]);
  });
});

test('sampleValues gives the catalogue samples of an event, none for an unknown one', () => {
  expect(sampleValues('digest')).toEqual({
    recipientName: '李明',
    count: '3',
    items: expect.stringContaining('张三'),
  });
  expect(sampleValues('nothing.happened')).toEqual({});
});
