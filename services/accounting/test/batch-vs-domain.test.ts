import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_CLASSIFICATION_POLICY } from '../src/domain/loan/classification';
import { validateLoanTerms } from '../src/domain/loan/opening';
import { replayLoan, type LoanHistory } from '../src/domain/loan/replay';
import { expectedLedgerBalances } from '../src/domain/loan/state';
import { formatMoney, parseMoney } from '../src/domain/money';
import { parseIsoDate } from '../src/domain/schedule/calendar';
import { openTestLoan, startHarness, type Harness } from './harness';

const day = (iso: string) => parseIsoDate(iso)!;

/**
 * The end of day accrues most loans set-based in SQL and the rest through the domain's closeDay.
 * Whatever path a loan took each night, it must end where the domain alone takes it: a varied
 * book is run through the service for three and a half months, then every loan is replayed from
 * its history in memory and compared field by field and account by account.
 */
describe('the end-of-day batch agrees with the domain to the fen', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ firstBusinessDate: '2025-01-15', env: { EOD_CHUNK_SIZE: '7' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('for annuities, equal principal, flat, interest-only and bullet loans on both bases, with grace, repayments and prepayments', async () => {
    const methods = [
      'equal_installments',
      'equal_principal',
      'flat',
      'interest_only',
      'interest_only_quarterly',
      'bullet',
    ];
    const loans: { id: string; schedule: Record<string, unknown>; graceDays: number }[] = [];
    for (let i = 0; i < 24; i++) {
      const schedule: Record<string, unknown> = {
        principal: `${20000 + i * 7919}.${String((i * 37) % 100).padStart(2, '0')}`,
        annualRatePercent: ['3.45', '4.35', '5.8', '12', '0.5', '7.125'][i % 6]!,
        term: [6, 12, 24, 9][i % 4]!, // multiples of 3, for quarterly interest too
        termUnit: 'month',
        repaymentMethod: methods[i % 6]!,
        disbursementDate: '2025-01-15',
        repaymentDay: [15, 20, 'month_end', 5, 28, 1][(i + Math.floor(i / 6)) % 6]!,
        interestBasis: i % 2 === 0 ? 'period' : 'daily',
        dayCount: i % 3 === 0 ? 'ACT/365' : 'ACT/360',
      };
      if (schedule.repaymentMethod === 'bullet') delete schedule.repaymentDay;
      const graceDays = i % 4 === 3 ? 3 : 0;
      const loan = await openTestLoan(h, {
        customerId: randomUUID(),
        branchId: 'SH001',
        productCode: 'PERSONAL_CONSUMER',
        approvedAmount: schedule.principal as string,
        schedule,
        graceDays,
      });
      loans.push({ id: loan!.id, schedule, graceDays });
    }
    // Some pay what is owed now and then, some part of it, some prepay; the rest let it run overdue.
    for (const through of ['2025-02-20', '2025-03-10', '2025-03-31', '2025-04-30']) {
      await h.closeThrough(through);
      for (const [i, l] of loans.entries()) {
        const { loan } = await h.client.getLoan({ id: l.id }, h.as('shPostLoan'));
        const b = loan!.balances!;
        const owed = [
          'duePrincipal',
          'dueInterest',
          'overduePrincipal',
          'overdueInterest',
          'penaltyInterest',
          'compoundInterest',
        ]
          .map((k) => parseMoney((b as unknown as Record<string, string>)[k]!)!)
          .reduce((a, c) => a + c, 0n);
        const pay = (amount: bigint, kind = 'regular', prepaymentOption = '') =>
          h.client.postRepayment(
            {
              source: '',
              loanId: l.id,
              amount: formatMoney(amount),
              kind,
              prepaymentOption,
              commandId: '',
              reference: '',
            },
            h.as('shDisburser'),
          );
        if (i % 5 === 0 && owed > 0n) await pay(owed);
        else if (i % 5 === 1 && owed > 1n) await pay(owed / 2n);
        else if (i % 5 === 2 && parseMoney(b.principal)! > 100_000n)
          await pay(
            owed + parseMoney(b.accruedInterest)! + 50_000n,
            'prepayment',
            i % 2 ? 'shorten_term' : 'lower_installment',
          );
      }
    }

    const { rows: closed } = await h.db.query<{ d: string }>(
      `SELECT max(business_date)::text AS d FROM business_days WHERE status = 'closed'`,
    );
    const lastClosed = day(closed[0]!.d);
    for (const l of loans) {
      const terms = validateLoanTerms(l.schedule, '50', l.graceDays);
      if (!terms.ok) throw new Error(JSON.stringify(terms.errors));
      const { rows: reps } = await h.db.query<{
        id: string;
        value_date: string;
        amount: string;
        kind: 'regular' | 'prepayment' | 'payoff';
        prepayment_option: 'shorten_term' | 'lower_installment' | null;
      }>(
        `SELECT id, value_date, amount, kind, prepayment_option FROM repayments WHERE loan_id = $1 ORDER BY created_at, id`,
        [l.id],
      );
      const history: LoanHistory = {
        id: l.id,
        terms: terms.value,
        postings: reps.map((r) => ({
          kind: 'repayment' as const,
          id: r.id,
          day: day(r.value_date),
          request: {
            amount: parseMoney(r.amount)!,
            kind: r.kind,
            option: r.prepayment_option ?? undefined,
          },
        })),
        rateChanges: [],
      };
      const replay = replayLoan(history, lastClosed, DEFAULT_CLASSIFICATION_POLICY);
      if (!replay.ok) throw new Error(replay.reason);
      const { loan } = await h.client.getLoan({ id: l.id }, h.as('shPostLoan'));
      const s = replay.book.state;
      const expected = expectedLedgerBalances(s);
      const b = loan!.balances!;
      expect({
        loan: l.id,
        status: loan!.status,
        principal: b.principal,
        accrued: b.accruedInterest,
        due: [b.duePrincipal, b.dueInterest],
        overdue: [b.overduePrincipal, b.overdueInterest],
        penalty: b.penaltyInterest,
        compound: b.compoundInterest,
        credit: b.creditBalance,
        dpd: loan!.daysPastDue,
        classification: loan!.classification,
        installments: loan!.installments.map((x) => [
          x.period,
          x.status,
          x.principal,
          x.billedInterest,
          x.principalPaid,
          x.interestPaid,
        ]),
      }).toEqual({
        loan: l.id,
        status: s.status,
        principal: formatMoney(s.principal),
        accrued: formatMoney(s.accruedInterest),
        due: [formatMoney(s.duePrincipal), formatMoney(s.dueInterest)],
        overdue: [formatMoney(s.overduePrincipal), formatMoney(s.overdueInterest)],
        penalty: formatMoney(s.penaltyInterest),
        compound: formatMoney(s.compoundInterest),
        credit: formatMoney(s.creditBalance),
        dpd: s.daysPastDue,
        classification: s.classification,
        installments: replay.book.installments.map((x) => [
          x.period,
          x.status,
          formatMoney(x.principal),
          x.billedInterest === null ? '' : formatMoney(x.billedInterest),
          formatMoney(x.principalPaid),
          formatMoney(x.interestPaid),
        ]),
      });
      const { rows: ledger } = await h.db.query<{ account_code: string; balance: string }>(
        `SELECT account_code, sum(debit - credit)::text AS balance FROM journal_lines WHERE loan_id = $1 GROUP BY account_code`,
        [l.id],
      );
      for (const [account, want] of Object.entries(expected)) {
        const got = parseMoney(ledger.find((r) => r.account_code === account)?.balance ?? '0')!;
        expect(`${account} ${formatMoney(account === '224101' ? -got : got)}`).toBe(
          `${account} ${formatMoney(want)}`,
        );
      }
    }
    // The book really went through billing, overdue, penalty, compound, prepayment and payoff-free runs.
    const mix = await h.db.query<{ overdue: string; penalty: string; prepaid: string }>(
      `SELECT (SELECT count(*) FROM loans WHERE overdue_principal > 0) AS overdue,
              (SELECT count(*) FROM loan_accruals WHERE penalty_interest > 0 AND compound_interest > 0) AS penalty,
              (SELECT count(*) FROM repayments WHERE kind = 'prepayment') AS prepaid`,
    );
    expect(Number(mix.rows[0]!.overdue)).toBeGreaterThanOrEqual(5);
    expect(Number(mix.rows[0]!.penalty)).toBeGreaterThanOrEqual(5);
    expect(Number(mix.rows[0]!.prepaid)).toBeGreaterThanOrEqual(3);
    const quietNights = await h.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM journal_entries WHERE description LIKE '%without other movements%'`,
    );
    expect(Number(quietNights.rows[0]!.n)).toBeGreaterThan(100);
    expect((await h.client.getTrialBalance({ asOf: '' }, h.as('hqAuditor'))).balanced).toBe(true);
  });
});
