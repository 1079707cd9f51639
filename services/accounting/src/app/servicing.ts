// Corrections and judgements on a loan: reversal of a repayment, manual classification (maker-checker).
import {
  appendToOutbox,
  failedPrecondition,
  invalidArgument,
  notFound,
  permissionDenied,
  requireBranch,
  requireRole,
  uuidv7,
  withTransaction,
  type Principal,
} from '@loanflow/platform';
import type { accountingV1 as pb } from '@loanflow/proto';
import {
  classificationFloor,
  isBetterThan,
  type ClassificationPolicy,
} from '../domain/loan/classification';
import { ACCOUNTS, LOAN_ACCOUNTS, type AccountCode, type Posting } from '../domain/loan/ledger';
import { validateLoanTerms, type PrepaymentOption } from '../domain/loan/opening';
import { replayLoan } from '../domain/loan/replay';
import type { Bucket, RepaymentKind, RepaymentSource } from '../domain/loan/repayment';
import { CLASSIFICATIONS, expectedLedgerBalances, type Classification } from '../domain/loan/state';
import { formatMoney, formatRate } from '../domain/money';
import {
  cents,
  insertSegments,
  postLoanEntry,
  rate,
  saveState,
  toDay,
  toIso,
  writeInstallments,
} from '../infra/loan-repo';
import { findLoan, loanMessage } from '../infra/loan-views';
import { openBusinessDay, postingDate } from './business-day';
import { oncePerCommand } from './commands';
import { Fields } from './input';
import { SOURCE, type AccountingDeps } from './loans';

/**
 * 冲正: reverses a repayment posted in error. The loan is run again from its disbursement
 * without it (later repayments re-allocated, interest re-accrued on the balances it would have
 * had), and the difference to what the ledger holds is posted as one correcting entry on the open
 * business date; nothing already in the ledger is rewritten.
 */
export async function reverseRepayment(
  deps: AccountingDeps,
  p: Principal,
  req: pb.ReverseRepaymentRequest,
  policy: ClassificationPolicy,
): Promise<pb.ReverseRepaymentResponse> {
  requireRole(p, ['post_loan_officer', 'admin'], 'reversing a repayment');
  const f = new Fields();
  const repaymentId = f.uuid('repaymentId', req.repaymentId);
  const reason = f.text('reason', req.reason, { required: true, max: 1000 });
  f.done();
  return withTransaction(deps.pool, (tx) =>
    oncePerCommand(tx, req.commandId, 'ReverseRepayment', p, async () => {
      const today = await postingDate(tx);
      const { rows: found } = await tx.query<{
        loan_id: string;
        status: string;
        amount: string;
        posted_by: string;
        source: RepaymentSource;
      }>('SELECT loan_id, status, amount, posted_by, source FROM repayments WHERE id = $1', [
        repaymentId,
      ]);
      const target = found[0];
      if (!target) throw notFound(`repayment ${repaymentId}`);
      const record = await findLoan(tx, target.loan_id, true);
      if (!record) throw notFound(`loan ${target.loan_id}`);
      requireBranch(p, record.meta.branchId, 'the loan');
      if (target.status !== 'posted') throw failedPrecondition('the repayment is already reversed');
      if (record.state.status === 'written_off')
        throw failedPrecondition('the loan is written off');

      const terms = validateLoanTerms(
        record.meta.terms,
        formatRate(record.state.penaltyMarkupPercent),
        record.state.graceDays,
      );
      if (!terms.ok) throw new Error(`stored terms of loan ${record.state.id} no longer validate`);
      const { rows: tranches } = await tx.query<{
        id: string;
        value_date: string;
        amount: string;
        created_at: Date;
      }>(
        'SELECT id, value_date, amount, created_at FROM disbursements WHERE loan_id = $1 AND tranche > 1',
        [record.state.id],
      );
      const { rows: repayments } = await tx.query<{
        id: string;
        value_date: string;
        amount: string;
        kind: RepaymentKind;
        prepayment_option: PrepaymentOption | null;
        created_at: Date;
        source: RepaymentSource;
        accrued_interest_first: boolean;
      }>(
        `SELECT id, value_date, amount, kind, prepayment_option, created_at, source, accrued_interest_first FROM repayments
          WHERE loan_id = $1 AND status = 'posted' AND id <> $2`,
        [record.state.id, repaymentId],
      );
      const { rows: refunds } = await tx.query<{
        id: string;
        business_date: string;
        amount: string;
        created_at: Date;
      }>('SELECT id, business_date, amount, created_at FROM credit_refunds WHERE loan_id = $1', [
        record.state.id,
      ]);
      const { rows: rates } = await tx.query<{ effective_date: string; new_rate: string }>(
        'SELECT effective_date, new_rate FROM rate_changes WHERE loan_id = $1 AND applied ORDER BY effective_date',
        [record.state.id],
      );
      const replay = replayLoan(
        {
          id: record.state.id,
          terms: terms.value,
          // In the order they were posted (both ids are UUIDv7, ordered in time too).
          postings: [
            ...tranches.map((t) => ({
              at: [t.created_at.getTime(), t.id] as const,
              kind: 'tranche' as const,
              day: toDay(t.value_date),
              amount: cents(t.amount),
            })),
            ...repayments.map((r) => ({
              at: [r.created_at.getTime(), r.id] as const,
              kind: 'repayment' as const,
              id: r.id,
              day: toDay(r.value_date),
              request: {
                amount: cents(r.amount),
                kind: r.kind,
                option: r.prepayment_option ?? undefined,
                order: record.meta.allocationOrder as Bucket[],
                source: r.source,
                interestFirst: r.accrued_interest_first,
              },
            })),
            ...refunds.map((x) => ({
              at: [x.created_at.getTime(), x.id] as const,
              kind: 'refund' as const,
              id: x.id,
              day: toDay(x.business_date),
              amount: cents(x.amount),
            })),
          ].sort((a, b) => a.at[0] - b.at[0] || (a.at[1] < b.at[1] ? -1 : 1)),
          rateChanges: rates.map((r) => ({
            effective: toDay(r.effective_date),
            rate: rate(r.new_rate),
          })),
        },
        today - 1,
        policy,
      );
      if (!replay.ok)
        throw failedPrecondition(
          `cannot reverse: ${replay.reason} (posting ${replay.repaymentId} stands on it)`,
        );

      // What the reversed money goes back to: the settlement account, or the repossessed asset.
      const funding =
        target.source === 'repossessed_asset' ? ACCOUNTS.repossessedAssets : ACCOUNTS.settlement;
      // The correcting entry: loan accounts move to the replayed balances, the reversed amount
      // goes back to the settlement account, income takes the re-accrual difference.
      const { rows: ledgerRows } = await tx.query<{ account_code: AccountCode; balance: string }>(
        `SELECT account_code, sum(debit - credit)::text AS balance FROM journal_lines WHERE loan_id = $1 GROUP BY account_code`,
        [record.state.id],
      );
      const ledger = new Map(ledgerRows.map((r) => [r.account_code, cents(r.balance)]));
      const replayed = expectedLedgerBalances(replay.book.state);
      const adjustments: Posting[] = [];
      let loanSide = 0n;
      for (const account of LOAN_ACCOUNTS) {
        const want =
          account === ACCOUNTS.advanceReceipts ? -replayed[account]! : replayed[account]!;
        const diff = want - (ledger.get(account) ?? 0n);
        loanSide += diff;
        if (diff !== 0n)
          adjustments.push({
            kind: 'adjustment',
            debit: account,
            credit: funding,
            amount: diff,
          });
      }
      const incomeOf = (ps: readonly Posting[], account: AccountCode) =>
        ps.filter((x) => x.credit === account).reduce((s, x) => s + x.amount, 0n) -
        ps.filter((x) => x.debit === account).reduce((s, x) => s + x.amount, 0n);
      const { rows: segTotals } = await tx.query<{ kind: string; total: string }>(
        `SELECT kind, sum(interest)::text AS total FROM interest_segments WHERE loan_id = $1 GROUP BY kind`,
        [record.state.id],
      );
      const accruedNow = (kind: string, open: bigint) =>
        cents(segTotals.find((r) => r.kind === kind)?.total ?? '0') + open;
      const incomeDiff: [AccountCode, bigint][] = [
        [
          ACCOUNTS.interestIncome,
          incomeOf(replay.postings, ACCOUNTS.interestIncome) -
            accruedNow(
              'normal',
              record.state.status === 'active' ? record.state.normal.accrued : 0n,
            ),
        ],
        [
          ACCOUNTS.penaltyIncome,
          incomeOf(replay.postings, ACCOUNTS.penaltyIncome) -
            accruedNow(
              'penalty',
              record.state.status === 'active' ? record.state.penalty.accrued : 0n,
            ),
        ],
        [
          ACCOUNTS.compoundIncome,
          incomeOf(replay.postings, ACCOUNTS.compoundIncome) -
            accruedNow(
              'compound',
              record.state.status === 'active' ? record.state.compound.accrued : 0n,
            ),
        ],
      ];
      // Each loan-account difference was paired with settlement above; move the income part over.
      let incomeTotal = 0n;
      for (const [account, diff] of incomeDiff) {
        incomeTotal += diff;
        if (diff !== 0n)
          adjustments.push({
            kind: 'adjustment',
            debit: funding,
            credit: account,
            amount: diff,
          });
      }
      const refunded = loanSide - incomeTotal;
      if (refunded !== cents(target.amount)) {
        throw new Error(
          `reversal of ${repaymentId} does not reconcile: ${formatMoney(refunded)} ≠ ${target.amount}`,
        );
      }

      await tx.query(
        `UPDATE repayments SET status = 'reversed', reversed_at = now(), reversed_by = $2, reversal_reason = $3 WHERE id = $1`,
        [repaymentId, p.userId, reason],
      );
      for (const [id, allocation] of replay.allocations) {
        await tx.query('UPDATE repayments SET allocation = $2 WHERE id = $1', [
          id,
          JSON.stringify(
            Object.fromEntries(
              Object.entries(allocation).map(([k, v]) => [k, formatMoney(v as bigint)]),
            ),
          ),
        ]);
      }
      const state = { ...replay.book.state, classification: record.state.classification };
      await saveState(tx, state);
      await tx.query('DELETE FROM installments WHERE loan_id = $1', [state.id]);
      await writeInstallments(tx, state.id, replay.book.installments, false);
      await tx.query('DELETE FROM interest_segments WHERE loan_id = $1', [state.id]);
      await insertSegments(
        tx,
        replay.closedSegments.map((g) => ({ ...g, loanId: state.id })),
      );
      await postLoanEntry(tx, {
        businessDate: today,
        kind: 'adjustment',
        loanId: state.id,
        reference: repaymentId,
        description: `Reversal of repayment ${repaymentId} of loan ${record.meta.loanNumber}: ${reason}`,
        postings: adjustments,
      });
      await appendToOutbox(tx, SOURCE, {
        type: 'accounting.loan.repayment-reversed',
        subjectId: state.id,
        data: {
          loanId: state.id,
          repaymentId,
          amount: target.amount,
          reason,
          businessDate: toIso(today),
        },
      });
      const after = await findLoan(tx, state.id);
      const { rows: rep } = await tx.query<{
        id: string;
        loan_id: string;
        value_date: string;
        amount: string;
        kind: string;
        prepayment_option: string | null;
        allocation: pb.Allocation;
        status: string;
        reference: string | null;
        source: string;
      }>('SELECT * FROM repayments WHERE id = $1', [repaymentId]);
      const r = rep[0]!;
      const net = new Map<string, bigint>();
      for (const a of adjustments) {
        net.set(a.debit, (net.get(a.debit) ?? 0n) + a.amount);
        net.set(a.credit, (net.get(a.credit) ?? 0n) - a.amount);
      }
      return {
        repayment: {
          id: r.id,
          loanId: r.loan_id,
          valueDate: r.value_date,
          amount: r.amount,
          kind: r.kind,
          prepaymentOption: r.prepayment_option ?? '',
          allocation: r.allocation,
          status: r.status,
          reference: r.reference ?? '',
          source: r.source,
        },
        loan: loanMessage(after!),
        adjustments: [...net]
          .filter(([, v]) => v !== 0n)
          .map(([accountCode, v]) => ({ accountCode, amount: formatMoney(v) })),
      };
    }),
  );
}

const CLASSIFIERS = ['post_loan_officer', 'credit_officer', 'risk_manager', 'admin'] as const;
const CLASSIFICATION_APPROVERS = ['risk_manager', 'admin'] as const;

interface ChangeRow {
  id: string;
  loan_id: string;
  from_class: string;
  to_class: string;
  cause: string;
  reason: string | null;
  status: string;
  requested_by: string;
  decided_by: string | null;
  business_date: string;
}

const changeMessage = (r: ChangeRow): pb.ClassificationChange => ({
  id: r.id,
  loanId: r.loan_id,
  fromClassification: r.from_class,
  toClassification: r.to_class,
  cause: r.cause,
  reason: r.reason ?? '',
  status: r.status,
  requestedBy: r.requested_by,
  decidedBy: r.decided_by ?? '',
  businessDate: r.business_date,
});

/** A manual classification change, waiting for a second person's approval. */
export async function requestClassification(
  deps: AccountingDeps,
  p: Principal,
  req: pb.RequestClassificationRequest,
  policy: ClassificationPolicy,
): Promise<pb.RequestClassificationResponse> {
  requireRole(p, [...CLASSIFIERS], 'proposing a classification');
  const f = new Fields();
  const loanId = f.uuid('loanId', req.loanId);
  const to = f.oneOf<Classification>('classification', req.classification, CLASSIFICATIONS);
  const reason = f.text('reason', req.reason, { required: true, max: 2000 });
  f.done();
  return withTransaction(deps.pool, async (tx) => {
    const { date } = await openBusinessDay(tx);
    const record = await findLoan(tx, loanId!, true);
    if (!record) throw notFound(`loan ${loanId}`);
    requireBranch(p, record.meta.branchId, 'the loan');
    if (record.state.status !== 'active')
      throw failedPrecondition(`the loan is ${record.state.status}`);
    if (record.state.classification === to)
      throw invalidArgument([{ field: 'classification', reason: `the loan is already ${to}` }]);
    const floor = classificationFloor(policy, record.state.daysPastDue);
    if (isBetterThan(to!, floor)) {
      throw invalidArgument([
        {
          field: 'classification',
          reason: `${record.state.daysPastDue} days past due require at least ${floor}`,
        },
      ]);
    }
    const pending = await tx.query(
      `SELECT 1 FROM classification_changes WHERE loan_id = $1 AND status = 'pending'`,
      [loanId],
    );
    if (pending.rowCount)
      throw failedPrecondition(
        'a classification change of this loan is already waiting for approval',
      );
    const { rows } = await tx.query<ChangeRow>(
      `INSERT INTO classification_changes (id, loan_id, from_class, to_class, cause, reason, status, requested_by, business_date)
       VALUES ($1, $2, $3, $4, 'manual', $5, 'pending', $6, $7) RETURNING *`,
      [uuidv7(), loanId, record.state.classification, to, reason, p.userId, toIso(date)],
    );
    return { change: changeMessage(rows[0]!) };
  });
}

/** The second person approves or rejects; the requester cannot decide their own change. */
export async function decideClassification(
  deps: AccountingDeps,
  p: Principal,
  req: pb.DecideClassificationRequest,
  policy: ClassificationPolicy,
): Promise<pb.DecideClassificationResponse> {
  requireRole(p, [...CLASSIFICATION_APPROVERS], 'approving a classification');
  const f = new Fields();
  const id = f.uuid('changeId', req.changeId);
  const comment = f.text('comment', req.comment, { max: 2000 });
  f.done();
  return withTransaction(deps.pool, async (tx) => {
    const { rows } = await tx.query<ChangeRow>(
      'SELECT * FROM classification_changes WHERE id = $1 FOR UPDATE',
      [id],
    );
    const change = rows[0];
    if (!change) throw notFound(`classification change ${id}`);
    const record = await findLoan(tx, change.loan_id, true);
    requireBranch(p, record!.meta.branchId, 'the loan');
    if (change.status !== 'pending')
      throw failedPrecondition(`the change is already ${change.status}`);
    if (change.requested_by === p.userId)
      throw permissionDenied(
        'a classification change needs a second person: you proposed this one',
      );
    const to = change.to_class as Classification;
    if (req.approve) {
      const floor = classificationFloor(policy, record!.state.daysPastDue);
      if (isBetterThan(to, floor))
        throw failedPrecondition(
          `the loan is now ${record!.state.daysPastDue} days past due, which requires at least ${floor}`,
        );
    }
    const { rows: decided } = await tx.query<ChangeRow>(
      `UPDATE classification_changes SET status = $2, decided_by = $3, decided_at = now(),
              reason = CASE WHEN $4::text IS NULL THEN reason ELSE reason || ' / ' || $4 END
        WHERE id = $1 RETURNING *`,
      [id, req.approve ? 'approved' : 'rejected', p.userId, comment ?? null],
    );
    if (req.approve) {
      await tx.query(
        'UPDATE loans SET classification = $2, classified_on = $3, version = version + 1 WHERE id = $1',
        [change.loan_id, to, change.business_date],
      );
      await appendToOutbox(tx, SOURCE, {
        type: 'accounting.loan.classified',
        subjectId: change.loan_id,
        data: {
          loanId: change.loan_id,
          loanNumber: record!.meta.loanNumber,
          branchId: record!.meta.branchId,
          from: change.from_class,
          to,
          cause: 'manual',
          reason: change.reason,
          requestedBy: change.requested_by,
          approvedBy: p.userId,
        },
      });
    }
    const after = await findLoan(tx, change.loan_id);
    return { change: changeMessage(decided[0]!), loan: loanMessage(after!) };
  });
}
