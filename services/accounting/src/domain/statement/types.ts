export type SegmentKind = 'normal' | 'penalty' | 'compound';
/** One line per segment where rate, principal base or status changes. Dates ISO yyyy-mm-dd; `end` is the last day (inclusive). Amounts are decimal strings with 2 places, rates are percent per year as decimal strings (e.g. "4.35", "6.525"). */
export interface StatementLine {
  kind: SegmentKind;
  start: string;
  end: string;
  days: number;
  base: string;
  annualRatePercent: string;
  interest: string;
}
/** Who issues the statement, to whom, and how its interest is counted. */
export interface StatementHeader {
  bankName: string;
  bankNameZh: string;
  customerId: string;
  /** The borrower's name kept with the loan; empty for loans booked before names were kept. */
  customerName: string;
  branchId: string;
  productCode: string;
  currency: string; // 'CNY'
  /** 'ACT/360' or 'ACT/365'. */
  dayCount: string;
  /** 'daily' (annual rate / day-count year a day) or 'period' (annual rate × months / 12 a period). */
  interestBasis: string;
  /** The loan's current normal rate, four fraction digits at least. */
  annualRatePercent: string;
  rateType: string; // 'fixed' | 'floating'
  /** Floating loans: '1Y' or '5Y' and the spread over it; '' and 0 for fixed ones. */
  lprTerm: string;
  spreadBp: number;
  /** The IANA zone whose calendar the business dates are. */
  timeZone: string;
  generatedAt: string; // ISO timestamp
}
export interface Statement {
  loanId: string;
  loanNumber: string;
  from: string;
  to: string; // the range asked for (inclusive)
  header: StatementHeader;
  lines: StatementLine[];
  totals: { normal: string; penalty: string; compound: string; total: string };
}
