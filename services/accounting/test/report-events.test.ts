// The events the reporting service builds its read models from: every journal entry announced
// once with its lines, and every loan the end of day accrued announced once per date.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { importTestLoans, startHarness, type Harness } from './harness';

const rows = async <T>(h: Harness, sql: string, params: unknown[] = []) =>
  (await h.db.query(sql, params)).rows as T[];

interface Line {
  accountCode: string;
  branchId: string;
  loanId?: string;
  debit: string;
  credit: string;
}
interface LoanDay {
  loanId: string;
  accruedTodayNormal: string;
  accruedTodayPenalty: string;
  accruedTodayCompound: string;
  [k: string]: unknown;
}

const fen = (v: string) => BigInt(v.replace('.', ''));

describe('events for the reporting service', () => {
  let h: Harness;
  beforeAll(async () => {
    // Chunks of 3 loans with 2 in parallel: a date's loans come in several chunks.
    h = await startHarness({
      firstBusinessDate: '2025-01-15',
      env: { EOD_CHUNK_SIZE: '3', EOD_PARALLELISM: '2' },
    });
    await importTestLoans(
      h,
      Array.from({ length: 7 }, (_, i) => ({
        branchId: i % 2 ? 'SH001' : 'BJ001',
        principal: `${(i + 1) * 10000}.00`,
      })),
    );
    // Through the first due date (billing) and beyond it unpaid (overdue, penalty, compound).
    await h.closeThrough('2025-02-20');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('announces every journal entry once: end-of-day lines summed per account and branch, others line by line', async () => {
    const entries = await rows<{ id: string; kind: string; loan_id: string | null }>(
      h,
      'SELECT id::text, kind, loan_id FROM journal_entries ORDER BY id',
    );
    const events = await rows<{ subject_id: string; payload: { data: Record<string, unknown> } }>(
      h,
      `SELECT subject_id, payload FROM outbox WHERE event_type = 'accounting.ledger.entry-posted' ORDER BY seq`,
    );
    expect(events.map((e) => e.subject_id).sort()).toEqual(entries.map((e) => e.id).sort());
    expect(entries.filter((e) => e.kind === 'end_of_day').length).toBeGreaterThan(30);
    expect(entries.filter((e) => e.kind === 'disbursement')).toHaveLength(7);

    const lines = await rows<Line & { entry_id: string }>(
      h,
      `SELECT entry_id::text, account_code AS "accountCode", branch_id AS "branchId", loan_id AS "loanId",
              debit::text, credit::text FROM journal_lines ORDER BY entry_id, account_code, branch_id, loan_id`,
    );
    for (const e of entries) {
      const data = events.find((x) => x.subject_id === e.id)!.payload.data;
      const own = lines.filter((l) => l.entry_id === e.id);
      let expected: Line[];
      if (e.kind === 'end_of_day') {
        const sums = new Map<string, Line>();
        for (const l of own) {
          const key = `${l.accountCode} ${l.branchId}`;
          const s = sums.get(key) ?? {
            accountCode: l.accountCode,
            branchId: l.branchId,
            debit: '0',
            credit: '0',
          };
          s.debit = (fen(s.debit) + fen(l.debit)).toString();
          s.credit = (fen(s.credit) + fen(l.credit)).toString();
          sums.set(key, s);
        }
        expected = [...sums.values()];
      } else {
        expected = own.map((l) => ({
          accountCode: l.accountCode,
          branchId: l.branchId,
          ...(l.loanId ? { loanId: l.loanId } : {}),
          debit: fen(l.debit).toString(),
          credit: fen(l.credit).toString(),
        }));
        expect(data.loanId).toBe(e.loan_id);
      }
      const got = (data.lines as Line[]).map((l) => ({
        ...l,
        debit: fen(l.debit).toString(),
        credit: fen(l.credit).toString(),
      }));
      const order = (a: Line, b: Line) =>
        `${a.accountCode} ${a.branchId} ${a.loanId ?? ''}`.localeCompare(
          `${b.accountCode} ${b.branchId} ${b.loanId ?? ''}`,
        );
      expect({ entry: e.id, kind: data.kind, lines: got.sort(order) }).toEqual({
        entry: e.id,
        kind: e.kind,
        lines: expected.sort(order),
      });
    }
  });

  it("announces each closed date's loans once, as many as the day's loans_accrued, with the night's accruals and the balances after it", async () => {
    const days = await rows<{
      business_date: string;
      loans_accrued: number;
      normal_interest: string;
      penalty_interest: string;
      compound_interest: string;
    }>(
      h,
      `SELECT business_date, loans_accrued, normal_interest::text, penalty_interest::text, compound_interest::text
         FROM business_days WHERE status = 'closed' ORDER BY business_date`,
    );
    expect(days).toHaveLength(37);
    const events = await rows<{
      subject_id: string;
      payload: {
        data: { businessDate: string; part: number; chunkFirstLoanId: string; loans: LoanDay[] };
      };
    }>(
      h,
      `SELECT subject_id, payload FROM outbox WHERE event_type = 'accounting.loans.day-closed' ORDER BY seq`,
    );
    for (const d of days) {
      const ofDay = events
        .filter((e) => e.subject_id === d.business_date)
        .map((e) => e.payload.data);
      const loans = ofDay.flatMap((e) => e.loans);
      expect(loans).toHaveLength(d.loans_accrued);
      expect(new Set(loans.map((l) => l.loanId)).size).toBe(d.loans_accrued);
      expect(ofDay.every((e) => e.businessDate === d.business_date && e.part === 1)).toBe(true);
      // Seven loans in chunks of three: three chunks, first loan ids in order.
      expect(ofDay.length).toBe(3);
      // The night's accruals per loan add up to the day's totals.
      const sum = (k: keyof LoanDay) => loans.reduce((s, l) => s + fen(l[k] as string), 0n);
      expect([
        sum('accruedTodayNormal'),
        sum('accruedTodayPenalty'),
        sum('accruedTodayCompound'),
      ]).toEqual([fen(d.normal_interest), fen(d.penalty_interest), fen(d.compound_interest)]);
    }
    const last = events
      .filter((e) => e.subject_id === '2025-02-20')
      .flatMap((e) => e.payload.data.loans);
    // Overdue since the due date 15 February: penalty accrued that night on every loan.
    expect(last.every((l) => fen(l.accruedTodayPenalty) > 0n)).toBe(true);
    const now = await rows<Record<string, unknown>>(
      h,
      `SELECT l.id AS "loanId", l.loan_number AS "loanNumber", l.branch_id AS "branchId",
              l.product_code AS "productCode", l.customer_id AS "customerId",
              l.classification, l.days_past_due AS "daysPastDue",
              (l.principal + l.due_principal + l.overdue_principal)::text AS "outstandingPrincipal",
              l.overdue_principal::text AS "overduePrincipal", l.due_interest::text AS "dueInterest",
              l.overdue_interest::text AS "overdueInterest", a.accrued_interest::text AS "accruedInterest",
              a.penalty_interest::text AS "penaltyInterest", a.compound_interest::text AS "compoundInterest",
              l.next_due_date AS "nextDueDate", l.maturity_date AS "maturityDate"
         FROM loans l JOIN loan_accruals a ON a.loan_id = l.id ORDER BY l.id`,
    );
    const byId = new Map(last.map((l) => [l.loanId, l]));
    for (const loan of now) {
      const announced = byId.get(loan.loanId as string)!;
      expect(announced).toMatchObject(loan);
      expect(announced).toMatchObject({
        classification: 'special_mention',
        daysPastDue: 6,
        annualRatePercent: '4.3500',
      });
      expect(fen(announced.overduePrincipal as string)).toBeGreaterThan(0n);
    }
  });
});
