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
export interface Statement {
  loanId: string;
  loanNumber: string;
  customerId: string;
  branchId: string;
  currency: string; // 'CNY'
  from: string;
  to: string; // the range asked for (inclusive)
  lines: StatementLine[];
  totals: { normal: string; penalty: string; compound: string; total: string };
  generatedAt: string; // ISO timestamp
}
