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
   * Parties that sign every contract of the template: the lender and the borrower always, the
   * guarantor where the product is lent only against a guarantee (保证).
   */
  requiredParties: PartyRole[];
  /**
   * Clause texts without numbers: the renderer numbers them (第一条, 第二条, …), so leaving out
   * an optional clause leaves no gap.
   */
  clauses: string[];
}

export type PartyRole = 'lender' | 'borrower' | 'guarantor';

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

/** The headings of a template's clauses (the text before the first full-width colon), in order. */
export function clausesSummary(clauses: readonly string[]): string[] {
  return clauses.map((c) => c.split('：', 1)[0]!);
}

// Placeholders the built-in templates use. lender, borrower and guarantor are names;
// borrowerIdNumber is the borrower's resident ID number or unified social credit code in full (a
// contract names its parties exactly); amount is in figures (元) and amountInCapitals the 大写金额
// of the same amount; annualRatePercent and penaltyRatePercent are annual percentages, rateTerms
// the sentence that says how the rate is set (fixed, or LPR + spread; see rateTermsText);
// repaymentMethod is the method's Chinese name and repaymentDates when installments fall due
// (see repaymentDatesText); dates are YYYY-MM-DD; collateral describes the mortgaged property.
const LOAN_AMOUNT =
  '借款金额：本合同项下借款金额为人民币（小写）{{amount}}元，（大写）人民币{{amountInCapitals}}。';
const TERM =
  '借款期限：借款期限为{{termMonths}}个月，自{{disbursementDate}}（放款日）起至{{maturityDate}}（到期日）止。实际放款日与本合同约定不一致的，应重新订立合同。';
// 年化利率: the People's Bank of China requires loan contracts to state the annualised rate
// (中国人民银行公告〔2021〕第3号).
const RATE = '借款利率：{{rateTerms}}利息自放款日起按实际借款天数计算。';
const REPAYMENT =
  '还款方式：借款人按“{{repaymentMethod}}”方式偿还借款本息，{{repaymentDates}}各期还款日及应还金额以本合同所附还款计划为准。';
const ACCOUNT =
  '还款账户：借款人指定{{repaymentAccount}}为还款账户，应于每期还款日前存入足额款项，并授权贷款人于还款日从该账户扣收当期应还本息及其他应付款项。';
const PREPAYMENT =
  '提前还款：借款人可提前偿还全部或部分借款本金，应提前向贷款人提出申请；提前还款时应先结清截至还款日的应计利息，提前偿还部分的利息按实际借款天数计算。';
const PENALTY =
  '逾期罚息：借款人未按期偿还借款本金的，自逾期之日起，贷款人对逾期本金按年化罚息利率{{penaltyRatePercent}}%计收罚息；对不能按期支付的利息，按罚息利率计收复利。';
const GUARANTEE =
  '保证担保：保证人{{guarantor}}自愿为借款人在本合同项下的全部债务提供连带责任保证，保证范围包括借款本金、利息、罚息、复利、违约金、损害赔偿金和实现债权的费用，保证期间为主债务履行期限届满之日起三年。保证人在本合同上签署，即表示其同意承担本条约定的保证责任。';
const COLLATERAL =
  '抵押担保：借款人以其所有的{{collateral}}（以下简称“抵押物”）为本合同项下的全部债务设定抵押，担保范围包括借款本金、利息、罚息、复利、违约金、损害赔偿金和实现债权的费用。借款人应于放款前会同贷款人办理抵押登记，贷款人为抵押权人；抵押期间未经贷款人书面同意，借款人不得转让、出租、再抵押或以其他方式处分抵押物，并应为抵押物足额投保财产险，以贷款人为第一受益人。借款人未按约定偿还借款的，贷款人有权依法以抵押物折价或者拍卖、变卖抵押物所得价款优先受偿。';
const E_SIGNATURE =
  '电子签名：本合同以数据电文形式订立，各方以可靠的电子签名签署，并由时间戳服务记录签署时间。依照《中华人民共和国电子签名法》，可靠的电子签名与手写签名或者盖章具有同等的法律效力。本合同自各方均完成电子签名之日起生效。';
const DISPUTES =
  '争议解决：本合同适用中华人民共和国法律。因本合同发生的争议，由各方协商解决；协商不成的，任何一方均可向贷款人住所地有管辖权的人民法院提起诉讼。';
const CREDIT_INFO_PERSONAL =
  '信用信息：借款人同意贷款人依法向金融信用信息基础数据库查询借款人的信用报告，并依法报送本合同项下的借款及还款信息。';
const DEFAULT_PERSONAL =
  '违约责任：借款人未按约定用途使用借款、未按期偿还借款本息、提供虚假资料，或者发生其他足以影响其偿还能力的情形的，贷款人有权停止发放尚未发放的借款，宣布借款提前到期，并要求借款人立即偿还全部借款本息。';

/** How the rate is set, as the rate clause says it: fixed, or the LPR plus a spread. */
export function rateTermsText(t: {
  annualRatePercent: string;
  rateBasis: 'fixed' | 'lpr_1y' | 'lpr_5y';
  spreadBp: number;
  repricing: 'january_first' | 'anniversary' | '';
}): string {
  if (t.rateBasis === 'fixed')
    return `本合同项下借款的年化利率为${t.annualRatePercent}%（单利），在借款期限内固定不变。`;
  const tenor = t.rateBasis === 'lpr_1y' ? '1年期' : '5年期以上';
  const spread =
    t.spreadBp === 0 ? '' : t.spreadBp > 0 ? `加${t.spreadBp}个基点` : `减${-t.spreadBp}个基点`;
  const when = t.repricing === 'anniversary' ? '每满一年的放款对应日' : '每年1月1日';
  return (
    `本合同项下借款利率为浮动利率，以全国银行间同业拆借中心公布的${tenor}贷款市场报价利率（LPR）` +
    `${spread}确定（1个基点为0.01%），放款日的年化利率为${t.annualRatePercent}%（单利）；` +
    `${when}按当日适用的LPR调整一次，加点数值在借款期限内不变。`
  );
}

/** When installments fall due, as the repayment clause says it. */
export function repaymentDatesText(t: { repaymentDay: string; firstDueDate: string }): string {
  if (!t.repaymentDay) return `借款人于到期日${t.firstDueDate}一次性偿还全部本息。`;
  const day = t.repaymentDay === 'month_end' ? '每月最后一日' : `每月${t.repaymentDay}日`;
  return `还款日为${day}，首期还款日为${t.firstDueDate}。`;
}

const freeze = (t: ContractTemplate): ContractTemplate =>
  Object.freeze({
    ...t,
    productCodes: Object.freeze([...t.productCodes]) as string[],
    requiredParties: Object.freeze([...t.requiredParties]) as PartyRole[],
    clauses: Object.freeze([...t.clauses]) as string[],
  });

/**
 * The built-in templates, one per seeded product. Version 1 of the personal consumer and
 * working-capital templates (a fixed-rate clause only, no repayment dates, the guarantee optional)
 * stays in databases that have it, retired: contracts made from it keep naming it.
 */
export const DEFAULT_TEMPLATES: readonly ContractTemplate[] = Object.freeze([
  freeze({
    code: 'PERSONAL_CONSUMER_LOAN',
    version: 2,
    productCodes: ['PERSONAL_CONSUMER'],
    title: '个人消费借款合同',
    requiredParties: ['lender', 'borrower'],
    clauses: [
      '合同订立：借款人{{borrower}}（身份证号码：{{borrowerIdNumber}}）向贷款人{{lender}}申请个人消费贷款。依照《中华人民共和国民法典》《个人贷款管理办法》等法律法规，各方在平等自愿、协商一致的基础上订立本合同，共同遵守。',
      LOAN_AMOUNT,
      '借款用途：本合同项下借款仅用于借款人个人及家庭的合法消费，不得用于购买住房、生产经营，不得用于股票、债券、期货、金融衍生产品和资产管理产品等投资，亦不得用于法律法规禁止的其他用途。',
      TERM,
      RATE,
      REPAYMENT,
      ACCOUNT,
      PREPAYMENT,
      PENALTY,
      GUARANTEE,
      '借款人的承诺：借款人保证向贷款人提供的身份、收入、资产等资料真实、完整、有效，并按约定用途使用借款；借款人的工作单位、通讯地址、联系方式等发生变更的，应自变更之日起五日内通知贷款人。',
      DEFAULT_PERSONAL,
      CREDIT_INFO_PERSONAL,
      E_SIGNATURE,
      DISPUTES,
    ],
  }),
  freeze({
    code: 'SMALL_BUSINESS_LOAN',
    version: 1,
    productCodes: ['SMALL_BUSINESS'],
    title: '小微企业经营借款合同',
    requiredParties: ['lender', 'borrower'],
    clauses: [
      '合同订立：借款人{{borrower}}（身份证号码：{{borrowerIdNumber}}）作为小微企业（个体工商户）的实际经营者，因生产经营需要向贷款人{{lender}}申请经营贷款，并以其个人财产承担还款责任。依照《中华人民共和国民法典》《个人贷款管理办法》等法律法规，各方在平等自愿、协商一致的基础上订立本合同，共同遵守。',
      LOAN_AMOUNT,
      '借款用途：本合同项下借款仅用于借款人所经营企业的日常生产经营周转，不得用于购买住房、股票、债券、期货、金融衍生产品和资产管理产品等投资，不得流入房地产领域，亦不得用于法律法规禁止的其他用途。',
      TERM,
      RATE,
      '贷款支付：单笔支付金额超过人民币三十万元的，采用贷款人受托支付方式，由贷款人根据借款人的提款申请和支付委托将贷款资金支付给符合约定用途的交易对象；其余可采用借款人自主支付，借款人应按贷款人要求报告贷款资金使用情况并提供交易凭证。',
      REPAYMENT,
      ACCOUNT,
      PREPAYMENT,
      PENALTY,
      GUARANTEE,
      '借款人的义务：借款人应按贷款人要求提供经营场所、营业执照、纳税及银行流水等反映经营状况的资料，并保证其真实、完整、有效；经营发生重大变化、涉及重大诉讼或者经营、财务状况恶化的，应及时通知贷款人。',
      DEFAULT_PERSONAL,
      CREDIT_INFO_PERSONAL,
      E_SIGNATURE,
      DISPUTES,
    ],
  }),
  freeze({
    code: 'WORKING_CAPITAL_LOAN',
    version: 2,
    productCodes: ['CORP_WORKING_CAPITAL'],
    title: '流动资金借款合同',
    // 流动资金贷款 is lent to companies only against a third party's joint-liability guarantee.
    requiredParties: ['lender', 'borrower', 'guarantor'],
    clauses: [
      '合同订立：借款人{{borrower}}（统一社会信用代码：{{borrowerIdNumber}}）因日常生产经营周转需要，向贷款人{{lender}}申请流动资金贷款，保证人{{guarantor}}为此提供保证担保。依照《中华人民共和国民法典》《流动资金贷款管理办法》等法律法规，各方在平等自愿、协商一致的基础上订立本合同，共同遵守。',
      LOAN_AMOUNT,
      '借款用途：本合同项下借款仅用于借款人日常生产经营周转，不得用于借款人股东分红，不得用于金融资产、固定资产、股权等投资，亦不得用于国家禁止生产、经营的领域和用途。',
      TERM,
      RATE,
      '贷款支付：贷款人按照《流动资金贷款管理办法》的规定，采用贷款人受托支付或者借款人自主支付方式管理贷款资金的支付。采用受托支付的，贷款人根据借款人的提款申请和支付委托，将贷款资金支付给符合本合同约定用途的借款人交易对象；采用自主支付的，借款人应定期汇总报告贷款资金支付情况。',
      REPAYMENT,
      ACCOUNT,
      PREPAYMENT,
      PENALTY,
      GUARANTEE,
      '借款人的义务：借款人应按贷款人要求提供财务报表等反映其经营和财务状况的资料，并保证其真实、完整、有效；借款人发生合并、分立、股权变更、重大投资、重大诉讼或者经营、财务状况恶化等事项的，应及时通知贷款人。',
      '违约责任：借款人未按约定用途使用借款、未按期偿还借款本息、提供虚假资料，或者发生其他足以影响其偿还能力的情形的，贷款人有权停止发放尚未发放的借款，宣布借款提前到期，要求借款人立即偿还全部借款本息，并对挪用的借款按罚息利率计收罚息；贷款人亦有权直接要求保证人承担保证责任。',
      '信用信息：借款人同意贷款人依法向金融信用信息基础数据库查询借款人的企业信用报告，并依法报送本合同项下的借款及还款信息。',
      E_SIGNATURE,
      DISPUTES,
    ],
  }),
  freeze({
    code: 'MORTGAGE_LOAN',
    version: 1,
    productCodes: ['MORTGAGE'],
    title: '个人住房抵押借款合同',
    requiredParties: ['lender', 'borrower'],
    clauses: [
      '合同订立：借款人{{borrower}}（身份证号码：{{borrowerIdNumber}}）为购买自住住房，向贷款人{{lender}}申请个人住房贷款，并以所购住房设定抵押。依照《中华人民共和国民法典》《个人贷款管理办法》等法律法规，各方在平等自愿、协商一致的基础上订立本合同，共同遵守。',
      LOAN_AMOUNT,
      '借款用途：本合同项下借款仅用于购买本合同约定的自住住房，由贷款人以受托支付方式直接支付给售房人，不得挪作他用。',
      TERM,
      RATE,
      REPAYMENT,
      ACCOUNT,
      PREPAYMENT,
      PENALTY,
      COLLATERAL,
      GUARANTEE,
      '借款人的承诺：借款人保证向贷款人提供的身份、收入、购房等资料真实、完整、有效；借款人的工作单位、通讯地址、联系方式等发生变更的，应自变更之日起五日内通知贷款人。',
      '违约责任：借款人未按期偿还借款本息、擅自处分抵押物、提供虚假资料，或者发生其他足以影响其偿还能力的情形的，贷款人有权宣布借款提前到期，要求借款人立即偿还全部借款本息，并依法处分抵押物。',
      CREDIT_INFO_PERSONAL,
      E_SIGNATURE,
      DISPUTES,
    ],
  }),
]);
