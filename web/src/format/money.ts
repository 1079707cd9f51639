/**
 * Money as the API sends it: a decimal string in yuan ("1234567.8"), never a JavaScript number.
 * Formatting works on the digits, so no amount is ever rounded by floating point.
 */
const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** "1234567.8" → "¥1,234,567.80" (2 decimals unless more are given; grouping by thousands). */
export function money(amount: string | null | undefined, opts: { symbol?: boolean } = {}): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  const m = DECIMAL.exec(amount.trim());
  if (!m) return amount;
  const [, sign = '', whole = '0', fraction = ''] = m;
  const grouped = whole.replace(/^0+(?=\d)/, '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const decimals = fraction.padEnd(2, '0');
  return `${sign}${opts.symbol === false ? '' : '¥'}${grouped}.${decimals}`;
}

const DIGITS = '零壹贰叁肆伍陆柒捌玖';
const SMALL_UNITS = ['', '拾', '佰', '仟'];
const BIG_UNITS = ['', '万', '亿', '万亿'];

/**
 * 大写金额, as a contract writes it (《支付结算办法》): "1004.5" → "人民币壹仟零肆元伍角";
 * "100" → "人民币壹佰元整"; "1004.05" → "人民币壹仟零肆元零伍分".
 * Amounts beyond 分 are refused (a contract states whole 分).
 */
export function moneyInWords(amount: string): string {
  const m = DECIMAL.exec(amount.trim());
  if (!m) throw new Error(`not an amount: ${amount}`);
  const [, sign, wholeRaw = '0', fraction = ''] = m;
  if (fraction.replace(/0+$/, '').length > 2) throw new Error(`more precise than 分: ${amount}`);
  const whole = wholeRaw.replace(/^0+(?=\d)/, '');
  if (whole.length > 16) throw new Error(`too large: ${amount}`);
  const jiao = Number(fraction[0] ?? '0');
  const fen = Number(fraction[1] ?? '0');
  let words = '';
  if (whole !== '0') {
    // Groups of four digits from the right: each read with 仟佰拾, then its 万/亿.
    const groups: string[] = [];
    for (let end = whole.length; end > 0; end -= 4)
      groups.unshift(whole.slice(Math.max(0, end - 4), end));
    let pendingZero = false;
    groups.forEach((group, gi) => {
      const bigUnit = BIG_UNITS[groups.length - 1 - gi] ?? '';
      let groupWords = '';
      for (let i = 0; i < group.length; i++) {
        const d = Number(group[i]);
        const unit = SMALL_UNITS[group.length - 1 - i] ?? '';
        if (d === 0) {
          pendingZero = true;
        } else {
          if (pendingZero && (words || groupWords)) groupWords += '零';
          pendingZero = false;
          groupWords += DIGITS[d] + unit;
        }
      }
      if (groupWords) words += groupWords + bigUnit;
    });
    words += '元';
  }
  if (jiao === 0 && fen === 0) {
    if (!words) words = '零元';
    words += '整';
  } else {
    if (jiao > 0) words += DIGITS[jiao] + '角';
    else if (words) words += '零';
    if (fen > 0) words += DIGITS[fen] + '分';
  }
  return `${sign ? '负' : ''}人民币${words}`;
}

/** A rate as the API sends it ("4.35" percent a year) → "4.35%". */
export function percent(rate: string | null | undefined): string {
  if (rate === null || rate === undefined || rate === '') return '—';
  return `${rate}%`;
}
