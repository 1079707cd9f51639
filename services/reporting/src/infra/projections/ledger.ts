// Journal entries as booked, and the interest income per month, branch and account.
import Decimal from 'decimal.js';
import { decodeEventData, UndecodableEvent } from '@loanflow/platform';
import { accountingEventsV1 } from '@loanflow/proto';
import { incomeOf, isInterestIncomeAccount } from '../../domain/projection';
import { amountOf, dateOf, optionalUuid, v1, type Projections } from './projection';

export const ledgerProjections: Projections = {
  'accounting.ledger.entry-posted': v1(async (event, tx) => {
    const e = decodeEventData(accountingEventsV1.LedgerEntryPosted, event, [
      'entryId',
      'businessDate',
    ]);
    if (!/^\d{1,18}$/.test(e.entryId ?? ''))
      throw new UndecodableEvent(`${event.type}: entryId is not a journal entry number`);
    const lines = e.lines.map((l) => ({
      accountCode: l.accountCode ?? '',
      branchId: l.branchId ?? '',
      loanId: l.loanId ?? '',
      debit: amountOf(event, 'lines.debit', l.debit)!,
      credit: amountOf(event, 'lines.credit', l.credit)!,
    }));
    const total = lines.reduce((sum, l) => sum.plus(l.debit), new Decimal(0)).toFixed(2);
    const income = lines
      .filter((l) => isInterestIncomeAccount(l.accountCode))
      .map((l) => ({ account_code: l.accountCode, branch_id: l.branchId, amount: incomeOf(l) }));
    // The income is added only by the statement that stored the entry (a second copy adds nothing).
    await tx.query(
      `WITH entry AS (
         INSERT INTO ledger_entries (entry_id, business_date, kind, loan_id, reference, description,
           lines, total)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (entry_id) DO NOTHING
         RETURNING business_date)
       INSERT INTO income_months (month, branch_id, account_code, amount)
       SELECT date_trunc('month', entry.business_date)::date, i.branch_id, i.account_code, sum(i.amount)
         FROM entry, jsonb_to_recordset($9::jsonb) AS i(account_code text, branch_id text, amount numeric)
        GROUP BY 1, 2, 3
        ORDER BY 1, 2, 3
       ON CONFLICT (month, branch_id, account_code)
       DO UPDATE SET amount = income_months.amount + EXCLUDED.amount`,
      [
        e.entryId,
        dateOf(event, 'businessDate', e.businessDate),
        e.kind ?? '',
        optionalUuid(event, 'loanId', e.loanId),
        e.reference || null,
        e.description ?? '',
        JSON.stringify(lines),
        total,
        JSON.stringify(income),
      ],
    );
  }),
};
