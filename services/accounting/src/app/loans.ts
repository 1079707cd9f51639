// Loan accounts: opening on disbursement, tranches, repayments, rate changes, write-off.
import {
  branchFilter,
  appendToOutbox,
  failedPrecondition,
  invalidArgument,
  notFound,
  requireBranch,
  requireRole,
  uuidv7,
  withTransaction,
  type Pool,
  type Principal,
  type Queryable,
  type Role,
} from '@loanflow/platform';
import { accountingV1 as pb } from '@loanflow/proto';
import {
  repayBook,
  disburseTranche as trancheOf,
  type BookChange,
  type LoanBook,
} from '../domain/loan/book';
import { ACCOUNTS, posting, type Posting, type PostingKind } from '../domain/loan/ledger';
import { type PrepaymentOption } from '../domain/loan/opening';
import {
  payoffAmount,
  type Allocation,
  type Bucket,
  type RepaymentKind,
  type RepaymentSource,
} from '../domain/loan/repayment';
import { resegment, segmentTargets, type LoanState } from '../domain/loan/state';
import { calendarDate, dayNumber, daysInMonth, type DayNumber } from '../domain/schedule/calendar';
import { validateScheduleRequest } from '../domain/schedule';
import { formatMoney, formatRate, formatRatePercent, type Cents } from '../domain/money';
import {
  cents,
  insertSegments,
  rate,
  loadInstallments,
  postLoanEntry,
  saveState,
  toIso,
  writeInstallments,
} from '../infra/loan-repo';
import { findLoan, listLoanRecords, loanMessage, type LoanRecord } from '../infra/loan-views';
import { postingDate } from './business-day';
import { oncePerCommand } from './commands';
import { Fields } from './input';

export interface AccountingDeps {
  pool: Pool;
  /** Servicing rules per product (from the configuration). */
  products?: ProductRules;
  /** How far a cash repayment may exceed the payoff amount (held as credit); default 100.00. */
  overpaymentTolerance?: Cents;
  /** Who prints statements and on which calendar; DEFAULT_BANK where not configured. */
  bank?: Bank;
}

/** The bank as its statements name it, and the time zone whose calendar its business dates are. */
export interface Bank {
  name: string;
  nameZh: string;
  timeZone: string;
}

export const DEFAULT_BANK: Bank = {
  name: 'LoanFlow Demo Bank',
  nameZh: 'LoanFlow 演示银行',
  timeZone: 'Asia/Shanghai',
};

export const DEFAULT_OVERPAYMENT_TOLERANCE: Cents = 10_000n;

export interface ProductRules {
  /**
   * Products whose prepayments go wholly to principal, leaving the interest accrued to date for
   * the next bill. Every other product settles that interest first (as mainland banks do).
   */
  principalOnlyPrepayments: readonly string[];
}

/** Whether a prepayment of a loan of `productCode` first settles the interest accrued to date. */
export const prepaymentSettlesInterest = (deps: AccountingDeps, productCode: string): boolean =>
  !(deps.products?.principalOnlyPrepayments ?? []).includes(productCode);

export const SOURCE = 'accounting';
/** 放款审核 (disbursement review) opens loans and pays out tranches; admin may too. */
export const DISBURSERS: Role[] = ['disbursement_reviewer', 'admin'];
/** Who posts repayments and prepayments (back office, post-loan). */
export const CASHIERS: Role[] = ['disbursement_reviewer', 'post_loan_officer', 'admin'];
/** Who may read loan accounts. */
export const READERS: Role[] = [
  'account_manager',
  'corporate_lending',
  'credit_officer',
  'disbursement_reviewer',
  'post_loan_officer',
  'risk_manager',
  'final_approver',
  'auditor',
  'admin',
];

/** Applies a change of the in-memory book to the database: state, schedule, segments, entry. */
export async function persistChange(
  tx: Queryable,
  change: BookChange,
  entry: {
    businessDate: DayNumber;
    kind: PostingKind;
    reference?: string;
    description: string;
    extra?: Posting[];
  },
): Promise<void> {
  const st = change.book.state;
  await saveState(tx, st);
  const rows = change.rescheduled
    ? change.book.installments.filter(
        (r) =>
          r.status === 'scheduled' || change.changedInstallments.some((c) => c.period === r.period),
      )
    : change.changedInstallments;
  await writeInstallments(tx, st.id, rows, change.rescheduled);
  await insertSegments(
    tx,
    change.closedSegments.map((g) => ({ ...g, loanId: st.id })),
  );
  await postLoanEntry(tx, {
    businessDate: entry.businessDate,
    kind: entry.kind,
    loanId: st.id,
    reference: entry.reference,
    description: entry.description,
    postings: [...(entry.extra ?? []), ...change.postings],
  });
}

export async function loadBook(
  tx: Queryable,
  id: string,
): Promise<{ record: LoanRecord; book: LoanBook }> {
  const record = await findLoan(tx, id, true);
  if (!record) throw notFound(`loan ${id}`);
  const terms = validateScheduleRequest(record.meta.terms);
  if (!terms.ok) throw new Error(`stored terms of loan ${id} no longer validate`);
  return {
    record,
    book: { terms: terms.value, state: record.state, installments: await loadInstallments(tx, id) },
  };
}

export async function currentLpr(
  tx: Queryable,
  term: string,
  on: DayNumber,
): Promise<string | undefined> {
  const { rows } = await tx.query<{ rate: string }>(
    `SELECT rate FROM lpr_rates WHERE term = $1 AND effective_date <= $2 ORDER BY effective_date DESC LIMIT 1`,
    [term, toIso(on)],
  );
  return rows[0]?.rate;
}

/** The next repricing date after `from`: the next 1 January, or the next anniversary of opening. */
export function nextRepricingDate(
  rule: 'january_first' | 'anniversary',
  opened: DayNumber,
  from: DayNumber,
): DayNumber {
  const o = calendarDate(opened);
  for (let year = calendarDate(from).year; ; year++) {
    const candidate =
      rule === 'january_first'
        ? dayNumber(year, 1, 1)
        : dayNumber(year, o.month, Math.min(o.day, daysInMonth(year, o.month)));
    if (candidate > from) return candidate;
  }
}

export function validatePayee(f: Fields, payee: pb.Payee | undefined) {
  const method = f.oneOf('payee.paymentMethod', payee?.paymentMethod, [
    'entrusted',
    'self',
  ] as const);
  const name = f.text('payee.counterpartyName', payee?.counterpartyName, {
    required: method === 'entrusted',
    max: 200,
  });
  const account = f.text('payee.counterpartyAccount', payee?.counterpartyAccount, {
    required: method === 'entrusted',
    max: 40,
  });
  if (account && !/^[0-9 -]{6,40}$/.test(account))
    f.fail('payee.counterpartyAccount', 'must be a bank account number');
  const bank = f.text('payee.counterpartyBank', payee?.counterpartyBank, { max: 200 });
  return { method, name, account, bank };
}

export async function recordDisbursement(
  tx: Queryable,
  loanId: string,
  tranche: number,
  amount: Cents,
  valueDate: DayNumber,
  payee: ReturnType<typeof validatePayee>,
  by: string,
): Promise<string> {
  const id = uuidv7();
  await tx.query(
    `INSERT INTO disbursements (id, loan_id, tranche, amount, value_date, payment_method,
       counterparty_name, counterparty_account, counterparty_bank, disbursed_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      id,
      loanId,
      tranche,
      formatMoney(amount),
      toIso(valueDate),
      payee.method,
      payee.name ?? null,
      payee.account ?? null,
      payee.bank ?? null,
      by,
    ],
  );
  return id;
}

/** A further tranche of a loan, within the approved amount, paid out on the open business date. */
export async function disburseTranche(
  deps: AccountingDeps,
  p: Principal,
  req: pb.DisburseTrancheRequest,
): Promise<pb.DisburseTrancheResponse> {
  requireRole(p, DISBURSERS, 'disbursing a tranche');
  const f = new Fields();
  const loanId = f.uuid('loanId', req.loanId);
  const amount = f.amount('amount', req.amount);
  const payee = validatePayee(f, req.payee);
  f.done();
  return withTransaction(deps.pool, (tx) =>
    oncePerCommand(tx, req.commandId, 'DisburseTranche', p, async () => {
      const today = await postingDate(tx);
      const { record, book } = await loadBook(tx, loanId!);
      requireBranch(p, record.meta.branchId, 'the loan');
      if (book.state.status !== 'active')
        throw failedPrecondition(`the loan is ${book.state.status}`);
      const disbursed = cents(record.meta.disbursedAmount);
      const approved = cents(record.meta.approvedAmount);
      if (disbursed + amount! > approved) {
        throw invalidArgument([
          {
            field: 'amount',
            reason: `exceeds what is left of the approved amount (${formatMoney(approved - disbursed)})`,
          },
        ]);
      }
      if (book.state.nextPeriod === null)
        throw failedPrecondition('every installment of the loan is already billed');
      const change = trancheOf(book, today, amount!);
      const { rows } = await tx.query<{ n: number }>(
        'SELECT max(tranche) + 1 AS n FROM disbursements WHERE loan_id = $1',
        [loanId],
      );
      const tranche = rows[0]!.n;
      await recordDisbursement(tx, loanId!, tranche, amount!, today, payee, p.userId);
      await persistChange(tx, change, {
        businessDate: today,
        kind: 'disbursement',
        description: `Disbursement of loan ${record.meta.loanNumber}, tranche ${tranche}`,
      });
      await appendToOutbox(tx, SOURCE, {
        type: 'accounting.loan.disbursed',
        subjectId: loanId!,
        data: {
          loanId,
          loanNumber: record.meta.loanNumber,
          customerId: record.meta.customerId,
          branchId: record.meta.branchId,
          tranche,
          amount: formatMoney(amount!),
          valueDate: toIso(today),
          paymentMethod: payee.method,
        },
      });
      const after = await findLoan(tx, loanId!);
      return pb.DisburseTrancheResponse.fromPartial({
        loan: loanMessage(after!, await loadInstallments(tx, loanId!)),
      });
    }),
  );
}

export async function getLoan(
  deps: AccountingDeps,
  p: Principal,
  req: pb.GetLoanRequest,
): Promise<pb.GetLoanResponse> {
  requireRole(p, READERS, 'reading a loan');
  const f = new Fields();
  const id = f.uuid('id', req.id);
  f.done();
  const record = await findLoan(deps.pool, id!);
  if (!record) throw notFound(`loan ${id}`);
  requireBranch(p, record.meta.branchId, 'the loan');
  return { loan: loanMessage(record, await loadInstallments(deps.pool, id!)) };
}

export async function listLoans(
  deps: AccountingDeps,
  p: Principal,
  req: pb.ListLoansRequest,
): Promise<pb.ListLoansResponse> {
  requireRole(p, READERS, 'listing loans');
  const f = new Fields();
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replace('?', `$${params.length}`));
  };
  const branches = branchFilter(p, req.branchId);
  if (branches) add('branch_id = ANY(?)', branches);
  if (req.status)
    add('status = ?', f.oneOf('status', req.status, ['active', 'closed', 'written_off'] as const));
  if (req.classification) {
    add(
      'classification = ?',
      f.oneOf('classification', req.classification, [
        'normal',
        'special_mention',
        'substandard',
        'doubtful',
        'loss',
      ] as const),
    );
  }
  if (req.minDaysPastDue) add('days_past_due >= ?', req.minDaysPastDue);
  if (req.customerId) add('customer_id = ?', f.uuid('customerId', req.customerId));
  if (req.pageToken) add('id > ?', f.uuid('pageToken', req.pageToken));
  const size = req.pageSize || 50;
  if (size < 1 || size > 500) f.fail('pageSize', 'must be from 1 to 500');
  f.done();
  const records = await listLoanRecords(
    deps.pool,
    where.length ? where.join(' AND ') : 'true',
    params,
    size + 1,
  );
  const page = records.slice(0, size);
  return {
    loans: page.map((r) => loanMessage(r)),
    nextPageToken: records.length > size ? page[page.length - 1]!.state.id : '',
  };
}

const allocationMessage = (a: Allocation): pb.Allocation => ({
  compound: formatMoney(a.compound),
  penalty: formatMoney(a.penalty),
  overdueInterest: formatMoney(a.overdueInterest),
  overduePrincipal: formatMoney(a.overduePrincipal),
  dueInterest: formatMoney(a.dueInterest),
  duePrincipal: formatMoney(a.duePrincipal),
  accruedInterest: formatMoney(a.accruedInterest),
  principal: formatMoney(a.principal),
  credit: formatMoney(a.credit),
  fromCredit: formatMoney(a.fromCredit),
});

/**
 * Absurd amounts are refused before anything is written: cash beyond the payoff amount by more
 * than the tolerance (a credit that large is a typing error, not an overpayment), and a
 * settlement in kind beyond the payoff amount or beyond what is left of the value of the asset it
 * names (the repossessed asset registered on this loan: its valuation less what it settled before).
 */
async function boundRepayment(
  deps: AccountingDeps,
  tx: Queryable,
  loanId: string,
  state: LoanState,
  amount: Cents,
  source: RepaymentSource,
  reference: string | undefined,
): Promise<void> {
  if (state.status !== 'active') return; // refused later, with the status
  const payoff = payoffAmount(state);
  if (source === 'cash') {
    const tolerance = deps.overpaymentTolerance ?? DEFAULT_OVERPAYMENT_TOLERANCE;
    if (amount > payoff + tolerance)
      throw invalidArgument([
        {
          field: 'amount',
          reason: `exceeds the payoff amount ${formatMoney(payoff)} by more than the tolerance of ${formatMoney(tolerance)}`,
        },
      ]);
    return;
  }
  if (amount > payoff)
    throw invalidArgument([
      {
        field: 'amount',
        reason: `a settlement in kind must not exceed the payoff amount ${formatMoney(payoff)}`,
      },
    ]);
  const { rows } = await tx.query<{ valuation: string; settled: string }>(
    `SELECT a.valuation_amount::text AS valuation,
            COALESCE((SELECT sum(r.amount) FROM repayments r
                       WHERE r.loan_id = a.loan_id AND r.source = 'repossessed_asset'
                         AND r.status = 'posted' AND lower(r.reference) = a.id::text), 0)::text AS settled
       FROM repossessed_assets a
      WHERE a.loan_id = $1 AND a.id::text = lower($2)`,
    [loanId, reference ?? ''],
  );
  const asset = rows[0];
  if (!asset)
    throw invalidArgument([
      {
        field: 'reference',
        reason: 'must be the id of a repossessed asset registered on this loan',
      },
    ]);
  const left = cents(asset.valuation) - cents(asset.settled);
  if (amount > left)
    throw invalidArgument([
      {
        field: 'amount',
        reason: `exceeds what is left of the asset's valuation (${formatMoney(left)} of ${asset.valuation})`,
      },
    ]);
}

/** 还款: a repayment, prepayment or payoff on the open business date. */
export async function postRepayment(
  deps: AccountingDeps,
  p: Principal,
  req: pb.PostRepaymentRequest,
): Promise<pb.PostRepaymentResponse> {
  requireRole(p, CASHIERS, 'posting a repayment');
  const f = new Fields();
  const loanId = f.uuid('loanId', req.loanId);
  const amount = f.amount('amount', req.amount);
  const kind = f.oneOf<RepaymentKind>(
    'kind',
    req.kind,
    ['regular', 'prepayment', 'payoff'],
    'regular',
  );
  const option =
    kind === 'prepayment'
      ? f.oneOf<PrepaymentOption>(
          'prepaymentOption',
          req.prepaymentOption,
          ['shorten_term', 'lower_installment'],
          'lower_installment',
        )
      : req.prepaymentOption
        ? f.fail('prepaymentOption', 'applies to prepayments only')
        : undefined;
  const reference = f.text('reference', req.reference, { max: 100 });
  const source = f.oneOf<RepaymentSource>(
    'source',
    req.source,
    ['cash', 'repossessed_asset'],
    'cash',
  );
  if (source === 'repossessed_asset') {
    if (!reference)
      f.fail('reference', 'names the repossessed asset (its register id) for a settlement in kind');
    if (!p.roles.some((r) => r === 'post_loan_officer' || r === 'admin')) {
      f.fail('source', 'a settlement in kind is posted by post-loan staff');
    }
  }
  f.done();
  return withTransaction(deps.pool, (tx) =>
    oncePerCommand(tx, req.commandId, 'PostRepayment', p, async () => {
      const today = await postingDate(tx);
      const { record, book } = await loadBook(tx, loanId!);
      requireBranch(p, record.meta.branchId, 'the loan');
      await boundRepayment(deps, tx, record.state.id, book.state, amount!, source!, reference);
      const interestFirst = prepaymentSettlesInterest(deps, record.meta.productCode);
      const outcome = repayBook(book, today, {
        amount: amount!,
        kind: kind!,
        option,
        order: record.meta.allocationOrder as Bucket[],
        source,
        interestFirst,
      });
      if (!outcome.ok) {
        if (outcome.field === 'loanId') throw failedPrecondition(outcome.reason);
        throw invalidArgument([{ field: outcome.field, reason: outcome.reason }]);
      }
      const id = uuidv7();
      await tx.query(
        `INSERT INTO repayments (id, loan_id, value_date, amount, kind, prepayment_option, allocation, status, reference, posted_by, source, accrued_interest_first)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'posted', $8, $9, $10, $11)`,
        [
          id,
          loanId,
          toIso(today),
          formatMoney(amount!),
          kind,
          option ?? null,
          JSON.stringify(allocationMessage(outcome.allocation)),
          reference ?? null,
          p.userId,
          source,
          kind === 'prepayment' && interestFirst,
        ],
      );
      await persistChange(tx, outcome.change, {
        businessDate: today,
        kind: source === 'cash' ? 'repayment' : 'repossession',
        reference: id,
        description:
          source === 'cash'
            ? `${kind} repayment of loan ${record.meta.loanNumber}`
            : `Settlement in kind of loan ${record.meta.loanNumber} by repossessed asset ${reference}`,
      });
      const repayment = pb.Repayment.fromPartial({
        id,
        loanId: loanId!,
        valueDate: toIso(today),
        amount: formatMoney(amount!),
        kind: kind!,
        prepaymentOption: option ?? '',
        allocation: allocationMessage(outcome.allocation),
        status: 'posted',
        reference: reference ?? '',
        source: source!,
      });
      await appendToOutbox(tx, SOURCE, {
        type: 'accounting.loan.repayment-posted',
        subjectId: loanId!,
        data: {
          ...repayment,
          branchId: record.meta.branchId,
          customerId: record.meta.customerId,
          loanClosed: outcome.settled,
        },
      });
      const after = await findLoan(tx, loanId!);
      return { repayment, loan: loanMessage(after!, await loadInstallments(tx, loanId!)) };
    }),
  );
}

/** A rate change by recorded agreement, taking effect on a later business date (applied by the end of day). */
export async function recordRateChange(
  deps: AccountingDeps,
  p: Principal,
  req: pb.RecordRateChangeRequest,
): Promise<pb.RecordRateChangeResponse> {
  requireRole(p, DISBURSERS, 'changing a loan rate');
  const f = new Fields();
  const loanId = f.uuid('loanId', req.loanId);
  const newRate = f.rate('annualRatePercent', req.annualRatePercent);
  const effective = f.date('effectiveDate', req.effectiveDate);
  const reference = f.text('reference', req.reference, { required: true, max: 100 });
  f.done();
  return withTransaction(deps.pool, (tx) =>
    oncePerCommand(tx, req.commandId, 'RecordRateChange', p, async () => {
      const today = await postingDate(tx);
      if (effective! <= today)
        throw invalidArgument([
          {
            field: 'effectiveDate',
            reason: `must be after the open business date ${toIso(today)}`,
          },
        ]);
      const record = await findLoan(tx, loanId!, true);
      if (!record) throw notFound(`loan ${loanId}`);
      requireBranch(p, record.meta.branchId, 'the loan');
      if (record.state.status !== 'active')
        throw failedPrecondition(`the loan is ${record.state.status}`);
      if (record.meta.rateType !== 'fixed')
        throw failedPrecondition(
          'a floating-rate loan follows the LPR; it changes on its repricing date',
        );
      const id = uuidv7();
      const inserted = await tx.query(
        `INSERT INTO rate_changes (id, loan_id, effective_date, new_rate, source, reference, recorded_by)
         VALUES ($1, $2, $3, $4, 'agreement', $5, $6) ON CONFLICT (loan_id, effective_date, source) DO NOTHING`,
        [id, loanId, toIso(effective!), formatRate(newRate!), reference, p.userId],
      );
      if (inserted.rowCount === 0)
        throw failedPrecondition(`a rate change on ${toIso(effective!)} is already recorded`);
      return { id, effectiveDate: toIso(effective!) };
    }),
  );
}

/** Publishes a loan prime rate; floating loans take it on their next repricing date. */
export async function publishLpr(
  deps: AccountingDeps,
  p: Principal,
  req: pb.PublishLprRequest,
): Promise<pb.PublishLprResponse> {
  requireRole(p, ['admin', 'risk_manager'], 'publishing the LPR');
  const f = new Fields();
  const term = f.oneOf('term', req.term, ['1Y', '5Y'] as const);
  const r = f.rate('ratePercent', req.ratePercent, 4);
  const effective = f.date('effectiveDate', req.effectiveDate);
  if (r !== undefined && r === 0n) f.fail('ratePercent', 'must be greater than zero');
  f.done();
  return withTransaction(deps.pool, async (tx) => {
    const today = await postingDate(tx);
    if (effective! < today)
      throw invalidArgument([
        {
          field: 'effectiveDate',
          reason: `must not be before the open business date ${toIso(today)}`,
        },
      ]);
    const existing = await tx.query<{ rate: string }>(
      'SELECT rate FROM lpr_rates WHERE term = $1 AND effective_date = $2',
      [term, toIso(effective!)],
    );
    if (existing.rows[0]) {
      if (rate(existing.rows[0].rate) !== r)
        throw failedPrecondition(
          `the ${term} LPR of ${toIso(effective!)} is already published as ${formatRate(rate(existing.rows[0].rate))}`,
        );
    } else {
      await tx.query(
        'INSERT INTO lpr_rates (term, effective_date, rate, published_by) VALUES ($1, $2, $3, $4)',
        [term, toIso(effective!), formatRate(r!), p.userId],
      );
    }
    return { term: term!, ratePercent: formatRatePercent(r!), effectiveDate: toIso(effective!) };
  });
}

/** 核销: writes off every balance of a loan against the loss allowance; accrual stops. */
export async function writeOffLoan(
  deps: AccountingDeps,
  p: Principal,
  req: pb.WriteOffLoanRequest,
): Promise<pb.WriteOffLoanResponse> {
  requireRole(p, ['risk_manager', 'admin'], 'writing off a loan');
  const f = new Fields();
  const loanId = f.uuid('loanId', req.loanId);
  const reason = f.text('reason', req.reason, { required: true, max: 1000 });
  f.done();
  return withTransaction(deps.pool, (tx) =>
    oncePerCommand(tx, req.commandId, 'WriteOffLoan', p, async () => {
      const today = await postingDate(tx);
      const { record, book } = await loadBook(tx, loanId!);
      requireBranch(p, record.meta.branchId, 'the loan');
      const s = book.state;
      if (s.status !== 'active') throw failedPrecondition(`the loan is ${s.status}`);
      if (s.classification !== 'loss' && s.classification !== 'doubtful') {
        throw failedPrecondition(
          `only a loan classified doubtful or loss can be written off (it is ${s.classification})`,
        );
      }
      const L = ACCOUNTS;
      const postings = [
        ...posting('write_off', L.lossAllowance, L.principal, s.principal + s.duePrincipal),
        ...posting('write_off', L.lossAllowance, L.overduePrincipal, s.overduePrincipal),
        ...posting('write_off', L.lossAllowance, L.accruedInterest, s.accruedInterest),
        ...posting(
          'write_off',
          L.lossAllowance,
          L.billedInterest,
          s.dueInterest + s.overdueInterest,
        ),
        ...posting('write_off', L.lossAllowance, L.penaltyReceivable, s.penaltyInterest),
        ...posting('write_off', L.lossAllowance, L.compoundReceivable, s.compoundInterest),
        // A credit the borrower held reduces the loss.
        ...posting('write_off', L.advanceReceipts, L.lossAllowance, s.creditBalance),
      ];
      const principal = s.principal + s.duePrincipal + s.overduePrincipal;
      const interest =
        s.accruedInterest +
        s.dueInterest +
        s.overdueInterest +
        s.penaltyInterest +
        s.compoundInterest;
      const total = principal + interest - s.creditBalance;
      const zeroed: LoanState = {
        ...s,
        status: 'written_off',
        principal: 0n,
        duePrincipal: 0n,
        dueInterest: 0n,
        dueSince: null,
        overduePrincipal: 0n,
        overdueInterest: 0n,
        accruedInterest: 0n,
        penaltyInterest: 0n,
        compoundInterest: 0n,
        creditBalance: 0n,
        nextPeriod: null,
        nextDueDate: null,
        nextPrincipal: null,
      };
      const { state, closed } = resegment(
        zeroed,
        today,
        segmentTargets(zeroed, zeroed.normal.denominator),
      );
      await persistChange(
        tx,
        {
          book: { ...book, state },
          postings,
          closedSegments: closed,
          changedInstallments: [],
          rescheduled: false,
        },
        {
          businessDate: today,
          kind: 'write_off',
          description: `Write-off of loan ${record.meta.loanNumber}: ${reason}`,
        },
      );
      await tx.query(
        `INSERT INTO write_offs (loan_id, business_date, principal, interest, total, reason, written_off_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          loanId,
          toIso(today),
          formatMoney(principal),
          formatMoney(interest),
          formatMoney(total),
          reason,
          p.userId,
        ],
      );
      const after = await findLoan(tx, loanId!);
      return { loan: loanMessage(after!), amountWrittenOff: formatMoney(total) };
    }),
  );
}

/** Money recovered on a written-off loan goes back to the loss allowance. */
export async function recordRecovery(
  deps: AccountingDeps,
  p: Principal,
  req: pb.RecordRecoveryRequest,
): Promise<pb.RecordRecoveryResponse> {
  requireRole(p, CASHIERS, 'recording a recovery');
  const f = new Fields();
  const loanId = f.uuid('loanId', req.loanId);
  const amount = f.amount('amount', req.amount);
  const reference = f.text('reference', req.reference, { max: 100 });
  f.done();
  return withTransaction(deps.pool, (tx) =>
    oncePerCommand(tx, req.commandId, 'RecordRecovery', p, async () => {
      const today = await postingDate(tx);
      const record = await findLoan(tx, loanId!, true);
      if (!record) throw notFound(`loan ${loanId}`);
      requireBranch(p, record.meta.branchId, 'the loan');
      if (record.state.status !== 'written_off')
        throw failedPrecondition('recoveries are recorded on written-off loans');
      const { rows } = await tx.query<{ total: string; recovered: string }>(
        `SELECT w.total, COALESCE((SELECT sum(amount) FROM recoveries r WHERE r.loan_id = w.loan_id), 0) AS recovered
           FROM write_offs w WHERE w.loan_id = $1`,
        [loanId],
      );
      const total = cents(rows[0]!.total);
      const recovered = cents(rows[0]!.recovered);
      if (recovered + amount! > total) {
        throw invalidArgument([
          {
            field: 'amount',
            reason: `exceeds what is left to recover (${formatMoney(total - recovered)})`,
          },
        ]);
      }
      await postLoanEntry(tx, {
        businessDate: today,
        kind: 'recovery',
        loanId: loanId!,
        description: `Recovery on written-off loan ${record.meta.loanNumber}`,
        postings: posting('recovery', ACCOUNTS.settlement, ACCOUNTS.lossAllowance, amount!),
      });
      await tx.query(
        'INSERT INTO recoveries (id, loan_id, business_date, amount, reference, recorded_by) VALUES ($1, $2, $3, $4, $5, $6)',
        [uuidv7(), loanId, toIso(today), formatMoney(amount!), reference ?? null, p.userId],
      );
      return { loan: loanMessage(record), recoveredTotal: formatMoney(recovered + amount!) };
    }),
  );
}

/** Pays a credit balance (an overpayment held on the loan) back to the borrower. */
export async function refundCredit(
  deps: AccountingDeps,
  p: Principal,
  req: pb.RefundCreditRequest,
): Promise<pb.RefundCreditResponse> {
  requireRole(p, CASHIERS, 'refunding a credit balance');
  const f = new Fields();
  const loanId = f.uuid('loanId', req.loanId);
  const asked = req.amount ? f.amount('amount', req.amount) : undefined;
  const reference = f.text('reference', req.reference, { max: 100 });
  f.done();
  return withTransaction(deps.pool, (tx) =>
    oncePerCommand(tx, req.commandId, 'RefundCredit', p, async () => {
      const today = await postingDate(tx);
      const { record, book } = await loadBook(tx, loanId!);
      requireBranch(p, record.meta.branchId, 'the loan');
      const credit = book.state.creditBalance;
      if (credit === 0n) throw failedPrecondition('the loan holds no credit balance');
      const amount = asked ?? credit;
      if (amount > credit) {
        throw invalidArgument([
          { field: 'amount', reason: `exceeds the credit balance (${formatMoney(credit)})` },
        ]);
      }
      await persistChange(
        tx,
        {
          book: { ...book, state: { ...book.state, creditBalance: credit - amount } },
          postings: posting('repayment', ACCOUNTS.advanceReceipts, ACCOUNTS.settlement, amount),
          closedSegments: [],
          changedInstallments: [],
          rescheduled: false,
        },
        {
          businessDate: today,
          kind: 'repayment',
          description: `Refund of credit balance of loan ${record.meta.loanNumber}`,
        },
      );
      await tx.query(
        'INSERT INTO credit_refunds (id, loan_id, business_date, amount, reference, refunded_by) VALUES ($1, $2, $3, $4, $5, $6)',
        [uuidv7(), loanId, toIso(today), formatMoney(amount), reference ?? null, p.userId],
      );
      const after = await findLoan(tx, loanId!);
      return { loan: loanMessage(after!), refunded: formatMoney(amount) };
    }),
  );
}
