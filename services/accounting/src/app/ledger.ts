// Queries over the ledger and the interest segments: statement, trial balance, reconciliation.
import {
  branchFilter,
  invalidArgument,
  notFound,
  requireBranch,
  requireRole,
  type Principal,
} from '@loanflow/platform';
import { LOAN_ACCOUNTS } from '../domain/loan/ledger';
import { expectedLedgerBalances, SEGMENT_KINDS } from '../domain/loan/state';
import { formatMoney, formatRatePercent } from '../domain/money';
import { validateScheduleRequest } from '../domain/schedule';
import { statementCsv, statementPdf } from '../domain/statement/render';
import { statementLines } from '../domain/statement/segments';
import type { Statement, StatementLine } from '../domain/statement/types';
import { accountTotals, closedSegments, loanLedgerBalances } from '../infra/ledger-repo';
import { toIso } from '../infra/loan-repo';
import { findLoan, listLoanRecords } from '../infra/loan-views';
import { DEFAULT_BANK, READERS, type AccountingDeps } from './deps';
import { Fields } from './input';

const LEDGER_READERS = [
  'risk_manager',
  'auditor',
  'admin',
  'disbursement_reviewer',
  'post_loan_officer',
] as const;

/** The day count and interest basis of the schedule request the loan was opened with. */
function interestCounting(terms: unknown, loanId: string) {
  const schedule = validateScheduleRequest(terms);
  // Stored terms were checked at opening; failing now means the rules changed under the loan.
  if (!schedule.ok) throw new Error(`loan ${loanId}: its stored terms no longer validate`);
  return { dayCount: schedule.value.dayCount, interestBasis: schedule.value.interestBasis };
}

export interface StatementRequest {
  loanId: string;
  fromDate: string;
  toDate: string;
  /** "json" (default), "csv" or "pdf". */
  format: string;
}

/** The statement's lines and totals, and the document when CSV or PDF was asked for. */
export interface StatementReply {
  loanId: string;
  loanNumber: string;
  fromDate: string;
  toDate: string;
  lines: StatementLine[];
  totals: Statement['totals'];
  header: Statement['header'];
  document: Buffer;
  contentType: string;
}

/** 分段利息清单 for a date range, as JSON lines, CSV or PDF. */
export async function getStatement(
  deps: AccountingDeps,
  p: Principal,
  req: StatementRequest,
): Promise<StatementReply> {
  requireRole(p, READERS, 'reading an interest statement');
  const f = new Fields();
  const loanId = f.uuid('loanId', req.loanId);
  const from = f.date('fromDate', req.fromDate);
  const to = f.date('toDate', req.toDate);
  const format = f.oneOf('format', req.format, ['json', 'csv', 'pdf'] as const, 'json');
  if (from !== undefined && to !== undefined && to < from)
    f.fail('toDate', 'must not be before fromDate');
  f.done();
  const record = await findLoan(deps.pool, loanId!);
  if (!record) throw notFound(`loan ${loanId}`);
  requireBranch(p, record.meta.branchId, 'the loan');
  const s = record.state;
  if (to! > s.accruedThrough) {
    throw invalidArgument([
      {
        field: 'toDate',
        reason: `interest of this loan is accrued through ${toIso(s.accruedThrough)}`,
      },
    ]);
  }
  const segments = await closedSegments(deps.pool, loanId!, from!, to!);
  // The open segments live on the loan row (none once the loan is closed or written off).
  if (s.status === 'active') {
    for (const kind of SEGMENT_KINDS) {
      const g = kind === 'normal' ? s.normal : kind === 'penalty' ? s.penalty : s.compound;
      segments.push({
        kind,
        start: g.start,
        end: null,
        base: g.base,
        rate: g.rate,
        denominator: g.denominator,
      });
    }
  }
  const { lines, totals } = statementLines(segments, from!, to!, s.accruedThrough);
  const total = totals.normal + totals.penalty + totals.compound;
  const m = record.meta;
  const bank = deps.bank ?? DEFAULT_BANK;
  const statement: Statement = {
    loanId: s.id,
    loanNumber: m.loanNumber,
    from: toIso(from!),
    to: toIso(to!),
    header: {
      bankName: bank.name,
      bankNameZh: bank.nameZh,
      customerId: m.customerId,
      customerName: m.borrowerName ?? '',
      branchId: m.branchId,
      productCode: m.productCode,
      currency: m.currency,
      ...interestCounting(m.terms, loanId!),
      annualRatePercent: formatRatePercent(s.annualRate),
      rateType: m.rateType,
      lprTerm: m.lprTerm ?? '',
      spreadBp: m.spreadBp ?? 0,
      timeZone: bank.timeZone,
      generatedAt: new Date().toISOString(),
    },
    lines,
    totals: {
      normal: formatMoney(totals.normal),
      penalty: formatMoney(totals.penalty),
      compound: formatMoney(totals.compound),
      total: formatMoney(total),
    },
  };
  const document =
    format === 'csv'
      ? Buffer.from(statementCsv(statement), 'utf8')
      : format === 'pdf'
        ? await statementPdf(statement)
        : Buffer.alloc(0);
  return {
    loanId: s.id,
    loanNumber: record.meta.loanNumber,
    fromDate: statement.from,
    toDate: statement.to,
    lines,
    totals: statement.totals,
    header: statement.header,
    document,
    contentType:
      format === 'csv' ? 'text/csv; charset=utf-8' : format === 'pdf' ? 'application/pdf' : '',
  };
}

/**
 * 试算平衡表: debit and credit totals per account; balanced when they agree. A branch's staff see
 * the books of their branch scope only (every journal line carries its loan's branch); head
 * office sees the whole bank.
 */
export interface TrialBalance {
  lines: {
    accountCode: string;
    name: string;
    nameZh: string;
    category: string;
    debit: string;
    credit: string;
    /** Debit minus credit. */
    balance: string;
  }[];
  totalDebit: string;
  totalCredit: string;
  balanced: boolean;
}

export async function getTrialBalance(
  deps: AccountingDeps,
  p: Principal,
  req: { asOf: string },
): Promise<TrialBalance> {
  requireRole(p, [...LEDGER_READERS], 'reading the trial balance');
  const f = new Fields();
  const asOf = req.asOf ? f.date('asOf', req.asOf) : undefined;
  f.done();
  const accounts = await accountTotals(deps.pool, asOf, branchFilter(p));
  let debit = 0n;
  let credit = 0n;
  const lines = accounts.map((a) => {
    debit += a.debit;
    credit += a.credit;
    return {
      accountCode: a.code,
      name: a.name,
      nameZh: a.nameZh,
      category: a.category,
      debit: formatMoney(a.debit),
      credit: formatMoney(a.credit),
      balance: formatMoney(a.debit - a.credit),
    };
  });
  return {
    lines,
    totalDebit: formatMoney(debit),
    totalCredit: formatMoney(credit),
    balanced: debit === credit,
  };
}

/** 对账: each loan's balances against its sub-ledger lines; lists every difference. */
export interface Reconciliation {
  loansChecked: number;
  mismatches: { loanId: string; accountCode: string; loanBalance: string; ledgerBalance: string }[];
}

export async function reconcileLoans(
  deps: AccountingDeps,
  p: Principal,
  req: { branchId: string },
): Promise<Reconciliation> {
  requireRole(p, [...LEDGER_READERS], 'reconciling loans');
  const branches = branchFilter(p, req.branchId);
  const records = await listLoanRecords(deps.pool, { branches }, 1_000_000);
  const ledger = await loanLedgerBalances(deps.pool, branches);
  const mismatches: Reconciliation['mismatches'] = [];
  for (const rec of records) {
    const expected = expectedLedgerBalances(rec.state);
    for (const account of LOAN_ACCOUNTS) {
      const raw = ledger.get(`${rec.state.id}:${account}`) ?? 0n;
      // The advance-receipts liability is a credit balance.
      const booked = account === '224101' ? -raw : raw;
      if (booked !== expected[account]) {
        mismatches.push({
          loanId: rec.state.id,
          accountCode: account,
          loanBalance: formatMoney(expected[account]!),
          ledgerBalance: formatMoney(booked),
        });
      }
    }
  }
  return { loansChecked: records.length, mismatches };
}
