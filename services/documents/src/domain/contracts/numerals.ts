/**
 * 中文大写金额, as banks write amounts on contracts, cheques and vouchers. The rules followed are
 * those of the People's Bank of China in 《正确填写票据和结算凭证的基本规定》 (published with
 * 《支付结算办法》) and of the Ministry of Finance in 《会计基础工作规范》 第五十二条:
 *
 * - Digits 零壹贰叁肆伍陆柒捌玖 and units 拾佰仟万亿, 元角分; a leading ten is 壹拾, not 拾.
 * - 整 after 元 when there are no 角 or 分. After 角 the PBoC rules make 整 optional and the
 *   accounting rules require it, so it is written: "伍角整". Never 整 after 分.
 * - A zero between digits is written 零, a run of zeros as one 零 (规定 四(一)(二)).
 * - When the 元 digit is zero and the 角 digit is not, 零 may be written or left out
 *   (规定 四(三)); it is written, before the 角: "壹仟陆佰捌拾元零叁角贰分", the first form
 *   the rules give.
 * - With a zero 角 and a non-zero 分, 零 follows 元 (规定 四(四)): "叁佰贰拾伍元零肆分".
 * - Within the integer part, 零 is written where a group of four digits (万, 亿) starts with zeros
 *   after a non-zero higher group, not where a group merely ends with zeros: 107000 is
 *   "壹拾万柒仟" (规定 四(三)'s first form), 100010000 is "壹亿零壹万".
 */

const DIGITS = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
const PLACES = ['', '拾', '佰', '仟'];

/** Up to 9 999 999 999 999.99: thirteen integer digits, the 万亿 place being the highest. */
const AMOUNT = /^(0|[1-9]\d{0,12})(?:\.(\d{1,2}))?$/;

/** One to four digits without leading zeros, e.g. "1005" → 壹仟零伍. */
function group(digits: string): string {
  let out = '';
  let pendingZero = false;
  for (let i = 0; i < digits.length; i++) {
    const d = Number(digits[i]);
    if (d === 0) {
      pendingZero = true;
      continue;
    }
    if (pendingZero) out += '零';
    pendingZero = false;
    out += DIGITS[d] + PLACES[digits.length - 1 - i];
  }
  return out;
}

/**
 * A positive integer of up to 13 digits without leading zeros. The digits above a unit (万 or
 * 亿) are spelled recursively, so 1 2345 6789 0123 reads 壹万贰仟叁佰肆拾伍亿….
 */
function integerPart(digits: string): string {
  if (digits.length <= 4) return group(digits);
  const unitWidth = digits.length > 8 ? 8 : 4;
  const unit = unitWidth === 8 ? '亿' : '万';
  const high = digits.slice(0, digits.length - unitWidth);
  const low = digits.slice(digits.length - unitWidth);
  const lowValue = low.replace(/^0+/, '');
  if (lowValue === '') return integerPart(high) + unit;
  // A lower part that does not fill its width starts with zeros: 1,0001 is 壹万零壹.
  const zero = lowValue.length < unitWidth ? '零' : '';
  return integerPart(high) + unit + zero + integerPart(lowValue);
}

/**
 * 大写金额 of a yuan amount given as a decimal string with at most two places, e.g.
 * "1234.56" → "壹仟贰佰叁拾肆元伍角陆分", "100000" → "壹拾万元整". Throws a RangeError for
 * anything else: signs, spaces, exponents, grouping commas, leading zeros, more than two places,
 * more than 9999999999999.99.
 */
export function amountInCapitals(amount: string): string {
  if (typeof amount !== 'string') throw new RangeError('amount must be a decimal string');
  const m = AMOUNT.exec(amount);
  if (!m) {
    throw new RangeError(
      `not an amount in yuan with at most 2 places, up to 9999999999999.99: ${JSON.stringify(amount)}`,
    );
  }
  const integer = m[1];
  const fraction = (m[2] ?? '').padEnd(2, '0');
  const jiao = Number(fraction[0]);
  const fen = Number(fraction[1]);
  const hasYuan = integer !== '0';

  if (!hasYuan && jiao === 0 && fen === 0) return '零元整';
  let out = hasYuan ? integerPart(integer) + '元' : '';
  if (jiao === 0 && fen === 0) return out + '整';
  if (jiao !== 0) {
    if (hasYuan && integer.endsWith('0')) out += '零';
    out += DIGITS[jiao] + '角';
    if (fen === 0) return out + '整';
  } else if (hasYuan) {
    out += '零';
  }
  return out + DIGITS[fen] + '分';
}
