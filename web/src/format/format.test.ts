import { money, moneyInWords, percent } from './money';
import { maskId, maskPhone } from './mask';
import { dateText, dateTimeText } from './date';

describe('money', () => {
  it.each([
    ['0', '¥0.00'],
    ['5', '¥5.00'],
    ['1234567.8', '¥1,234,567.80'],
    ['1000', '¥1,000.00'],
    ['-2500.5', '-¥2,500.50'],
    ['0.125', '¥0.125'],
    ['00012.30', '¥12.30'],
    ['99999999999999999.99', '¥99,999,999,999,999,999.99'],
  ])('%s → %s (digits, no float)', (amount, text) => {
    expect(money(amount)).toBe(text);
  });
  it('says nothing was given, and shows what is not an amount as it is', () => {
    expect(money(null)).toBe('—');
    expect(money('')).toBe('—');
    expect(money('abc')).toBe('abc');
    expect(money('12', { symbol: false })).toBe('12.00');
  });
  it('shows a rate as a percentage', () => {
    expect(percent('4.35')).toBe('4.35%');
    expect(percent(undefined)).toBe('—');
  });
});

describe('大写金额', () => {
  it.each([
    ['0', '人民币零元整'],
    ['1', '人民币壹元整'],
    ['10', '人民币壹拾元整'],
    ['100', '人民币壹佰元整'],
    ['1004.5', '人民币壹仟零肆元伍角'],
    ['1004.05', '人民币壹仟零肆元零伍分'],
    ['1004.55', '人民币壹仟零肆元伍角伍分'],
    ['0.05', '人民币伍分'],
    ['0.5', '人民币伍角'],
    ['10000', '人民币壹万元整'],
    ['100010', '人民币壹拾万零壹拾元整'],
    ['1000000', '人民币壹佰万元整'],
    ['500000', '人民币伍拾万元整'],
    ['123456789.12', '人民币壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元壹角贰分'],
    ['100000001', '人民币壹亿零壹元整'],
    ['10.00', '人民币壹拾元整'],
  ])('%s → %s', (amount, words) => {
    expect(moneyInWords(amount)).toBe(words);
  });
  it('refuses what is not a whole number of 分', () => {
    expect(() => moneyInWords('1.005')).toThrow('分');
    expect(() => moneyInWords('x')).toThrow('not an amount');
  });
});

describe('masking', () => {
  it('keeps the region and the last four of a resident ID', () => {
    expect(maskId('110101199001011234')).toBe('110101********1234');
    expect(maskId('110101********1234')).toBe('110101********1234');
    expect(maskId(undefined)).toBe('—');
  });
  it('keeps the first three and last four of a mobile number', () => {
    expect(maskPhone('13800000101')).toBe('138****0101');
    expect(maskPhone('')).toBe('—');
  });
});

describe('dates in the bank’s time zone', () => {
  it('shows an instant in Asia/Shanghai whatever the runner’s zone', () => {
    expect(dateTimeText('2026-12-07T16:30:00Z')).toBe('2026-12-08 00:30');
    expect(dateText('2026-12-07T16:30:00Z')).toBe('2026-12-08');
  });
  it('shows a business date as it is', () => {
    expect(dateText('2026-02-29')).toBe('2026-02-29');
    expect(dateTimeText(null)).toBe('—');
  });
});
