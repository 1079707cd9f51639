/**
 * Versioned contract templates with `{{name}}` placeholders. A template version is never changed
 * once contracts have been generated from it: a change is a new version, and each contract records
 * the code and version it came from.
 */

export interface ContractTemplate {
  code: string;
  version: number;
  /** Product codes (see the applications service's catalogue) the template serves. */
  productCodes: string[];
  title: string;
  /**
   * Clause texts without numbers: the renderer numbers them (第一条, 第二条, …), so leaving out
   * an optional clause leaves no gap.
   */
  clauses: string[];
}

export interface RenderResult {
  /** The filled-in text; empty whenever `missing` is not, so that no half-filled text exists. */
  text: string;
  /** Placeholders with no value (absent or blank), in order of first use. */
  missing: string[];
  /** Values given that the text does not use, e.g. a misspelt name. */
  unknown: string[];
}

const NAME = '[A-Za-z][A-Za-z0-9_]*';
const PLACEHOLDER = new RegExp(`\\{\\{\\s*(${NAME})\\s*\\}\\}`, 'g');

/** Placeholder names in `body`, each once, in order of first use. Throws on a malformed one. */
export function placeholders(body: string): string[] {
  const rest = body.replace(PLACEHOLDER, '');
  const bad = /\{\{|\}\}/.exec(rest);
  if (bad) {
    const at = body.indexOf(bad[0]);
    throw new SyntaxError(`malformed placeholder near ${JSON.stringify(body.slice(at, at + 24))}`);
  }
  return [...new Set([...body.matchAll(PLACEHOLDER)].map((m) => m[1]))];
}

function valueOf(values: Record<string, string>, name: string): string | undefined {
  if (!Object.hasOwn(values, name)) return undefined;
  const value = values[name];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/**
 * Fills `{{name}}` placeholders (spaces inside the braces allowed) in one pass: a value that itself
 * looks like a placeholder is inserted as it is, never expanded. A blank value counts as missing,
 * since a blank in a contract is as bad as a placeholder. The caller refuses to use the text when
 * `missing` is not empty; `text` is then empty. Throws a SyntaxError on a malformed placeholder
 * such as `{{ 1x }}` or an unmatched `{{`, which is a fault of the template, not of the values.
 */
export function renderTemplate(body: string, values: Record<string, string>): RenderResult {
  const names = placeholders(body);
  const missing = names.filter((n) => valueOf(values, n) === undefined);
  const used = new Set(names);
  const unknown = Object.keys(values).filter((k) => !used.has(k));
  const text =
    missing.length > 0
      ? ''
      : body.replace(PLACEHOLDER, (_, name: string) => valueOf(values, name)!);
  return { text, missing, unknown };
}

/** Placeholders whose clauses are left out, rather than reported missing, when they have no value. */
export const OPTIONAL_PLACEHOLDERS: readonly string[] = ['guarantor'];

export interface RenderedClauses {
  clauses: string[];
  missing: string[];
  unknown: string[];
}

/**
 * Renders a template's clauses. A clause that uses an optional placeholder (the guarantor's) is
 * left out when that value is absent or blank. `clauses` is empty whenever `missing` is not.
 */
export function renderClauses(
  clauses: readonly string[],
  values: Record<string, string>,
): RenderedClauses {
  const kept = clauses.filter((clause) =>
    placeholders(clause).every(
      (n) => !OPTIONAL_PLACEHOLDERS.includes(n) || valueOf(values, n) !== undefined,
    ),
  );
  const results = kept.map((clause) => renderTemplate(clause, values));
  const missing = [...new Set(results.flatMap((r) => r.missing))];
  const used = new Set(kept.flatMap(placeholders));
  return {
    clauses: missing.length > 0 ? [] : results.map((r) => r.text),
    missing,
    unknown: Object.keys(values).filter((k) => !used.has(k)),
  };
}

/** The highest version of a template serving the product, if any. */
export function templateForProduct(
  productCode: string,
  templates: readonly ContractTemplate[] = DEFAULT_TEMPLATES,
): ContractTemplate | undefined {
  return templates
    .filter((t) => t.productCodes.includes(productCode))
    .reduce<ContractTemplate | undefined>(
      (best, t) => (!best || t.version > best.version ? t : best),
      undefined,
    );
}

// Placeholders the built-in templates use. lender, borrower and guarantor are names;
// borrowerIdNumber is the masked identity number or unified social credit code; amount is in
// figures (元) and amountInCapitals the 大写金额 of the same amount; the rates are annual
// percentages; repaymentMethod is the method's Chinese name; dates are YYYY-MM-DD.
const LOAN_AMOUNT =
  '借款金额：本合同项下借款金额为人民币（小写）{{amount}}元，（大写）人民币{{amountInCapitals}}。';
const TERM =
  '借款期限：借款期限为{{termMonths}}个月，自{{disbursementDate}}（放款日）起至{{maturityDate}}（到期日）止。';
// 年化利率: the People's Bank of China requires loan contracts to state the annualised rate
// (中国人民银行公告〔2021〕第3号).
const RATE =
  '借款利率：本合同项下借款的年化利率为{{annualRatePercent}}%（单利），在借款期限内固定不变，利息自放款日起按实际借款天数计算。';
const REPAYMENT =
  '还款方式：借款人按“{{repaymentMethod}}”方式偿还借款本息，各期还款日及应还金额以本合同所附还款计划为准。';
const ACCOUNT =
  '还款账户：借款人指定{{repaymentAccount}}为还款账户，应于每期还款日前存入足额款项，并授权贷款人于还款日从该账户扣收当期应还本息及其他应付款项。';
const PENALTY =
  '逾期罚息：借款人未按期偿还借款本金的，自逾期之日起，贷款人对逾期本金按年化罚息利率{{penaltyRatePercent}}%计收罚息；对不能按期支付的利息，按罚息利率计收复利。';
const GUARANTEE =
  '保证担保：保证人{{guarantor}}自愿为借款人在本合同项下的全部债务提供连带责任保证，保证范围包括借款本金、利息、罚息、复利、违约金、损害赔偿金和实现债权的费用，保证期间为主债务履行期限届满之日起三年。';
const E_SIGNATURE =
  '电子签名：本合同以数据电文形式订立，各方以可靠的电子签名签署，并由时间戳服务记录签署时间。依照《中华人民共和国电子签名法》，可靠的电子签名与手写签名或者盖章具有同等的法律效力。本合同自各方均完成电子签名之日起生效。';
const DISPUTES =
  '争议解决：本合同适用中华人民共和国法律。因本合同发生的争议，由各方协商解决；协商不成的，任何一方均可向贷款人住所地有管辖权的人民法院提起诉讼。';

const freeze = (t: ContractTemplate): ContractTemplate =>
  Object.freeze({
    ...t,
    productCodes: Object.freeze([...t.productCodes]) as string[],
    clauses: Object.freeze([...t.clauses]) as string[],
  });

export const DEFAULT_TEMPLATES: readonly ContractTemplate[] = Object.freeze([
  freeze({
    code: 'PERSONAL_CONSUMER_LOAN',
    version: 1,
    productCodes: ['PERSONAL_CONSUMER'],
    title: '个人消费借款合同',
    clauses: [
      '合同订立：借款人{{borrower}}（证件号码：{{borrowerIdNumber}}）向贷款人{{lender}}申请个人消费贷款。依照《中华人民共和国民法典》《个人贷款管理办法》等法律法规，各方在平等自愿、协商一致的基础上订立本合同，共同遵守。',
      LOAN_AMOUNT,
      '借款用途：本合同项下借款仅用于借款人个人及家庭的合法消费，不得用于购买住房、生产经营，不得用于股票、债券、期货、金融衍生产品和资产管理产品等投资，亦不得用于法律法规禁止的其他用途。',
      TERM,
      RATE,
      REPAYMENT,
      ACCOUNT,
      '提前还款：借款人可提前偿还全部或部分借款本金，应提前向贷款人提出申请；提前偿还部分的利息按实际借款天数计算。',
      PENALTY,
      GUARANTEE,
      '借款人的承诺：借款人保证向贷款人提供的身份、收入、资产等资料真实、完整、有效，并按约定用途使用借款；借款人的工作单位、通讯地址、联系方式等发生变更的，应自变更之日起五日内通知贷款人。',
      '违约责任：借款人未按约定用途使用借款、未按期偿还借款本息、提供虚假资料，或者发生其他足以影响其偿还能力的情形的，贷款人有权停止发放尚未发放的借款，宣布借款提前到期，并要求借款人立即偿还全部借款本息。',
      '信用信息：借款人同意贷款人依法向金融信用信息基础数据库查询借款人的信用报告，并依法报送本合同项下的借款及还款信息。',
      E_SIGNATURE,
      DISPUTES,
    ],
  }),
  freeze({
    code: 'WORKING_CAPITAL_LOAN',
    version: 1,
    productCodes: ['CORP_WORKING_CAPITAL'],
    title: '流动资金借款合同',
    clauses: [
      '合同订立：借款人{{borrower}}（统一社会信用代码：{{borrowerIdNumber}}）因日常生产经营周转需要，向贷款人{{lender}}申请流动资金贷款。依照《中华人民共和国民法典》《流动资金贷款管理办法》等法律法规，各方在平等自愿、协商一致的基础上订立本合同，共同遵守。',
      LOAN_AMOUNT,
      '借款用途：本合同项下借款仅用于借款人日常生产经营周转，不得用于借款人股东分红，不得用于金融资产、固定资产、股权等投资，亦不得用于国家禁止生产、经营的领域和用途。',
      TERM,
      RATE,
      '贷款支付：贷款人按照《流动资金贷款管理办法》的规定，采用贷款人受托支付或者借款人自主支付方式管理贷款资金的支付。采用受托支付的，贷款人根据借款人的提款申请和支付委托，将贷款资金支付给符合本合同约定用途的借款人交易对象；采用自主支付的，借款人应定期汇总报告贷款资金支付情况。',
      REPAYMENT,
      ACCOUNT,
      PENALTY,
      GUARANTEE,
      '借款人的义务：借款人应按贷款人要求提供财务报表等反映其经营和财务状况的资料，并保证其真实、完整、有效；借款人发生合并、分立、股权变更、重大投资、重大诉讼或者经营、财务状况恶化等事项的，应及时通知贷款人。',
      '违约责任：借款人未按约定用途使用借款、未按期偿还借款本息、提供虚假资料，或者发生其他足以影响其偿还能力的情形的，贷款人有权停止发放尚未发放的借款，宣布借款提前到期，要求借款人立即偿还全部借款本息，并对挪用的借款按罚息利率计收罚息。',
      '信用信息：借款人同意贷款人依法向金融信用信息基础数据库查询借款人的企业信用报告，并依法报送本合同项下的借款及还款信息。',
      E_SIGNATURE,
      DISPUTES,
    ],
  }),
]);
