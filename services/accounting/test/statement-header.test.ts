import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { accountingV1 } from '@loanflow/proto';
import { annuitySchedule, openTestLoan, startHarness, type Harness } from './harness';

// The statement's header comes from what accounting keeps itself: the borrower's name stored
// with the loan at opening, the bank and the time zone from the configuration, the day count and
// rate from the loan's terms. Nothing is asked of another service at print time.
describe('accounting service: the statement header names bank, borrower, basis, rate and zone', () => {
  let h: Harness;
  let loan: accountingV1.Loan;
  const statement = (format: string) =>
    h.client.getStatement(
      { loanId: loan.id, fromDate: '2025-03-10', toDate: '2025-03-12', format },
      h.as('shPostLoan'),
    );

  beforeAll(async () => {
    h = await startHarness({
      firstBusinessDate: '2025-03-10',
      env: {
        BANK_NAME: 'Bank of Pudong',
        BANK_NAME_ZH: '浦东测试银行',
        BANK_TIME_ZONE: 'Asia/Urumqi',
      },
      // Noon in Shanghai is still the same date in Urumqi (UTC+6).
      today: '2025-03-31',
    });
    loan = await openTestLoan(h, {
      borrowerName: '  陈静 ',
      schedule: annuitySchedule('2025-03-10', '100000.00', '4.2', {
        dayCount: 'ACT/365',
        interestBasis: 'period',
      }),
    });
    await h.closeThrough('2025-03-12');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers the header as fields beside the lines', async () => {
    const st = await statement('json');
    expect(st.header).toEqual({
      bankName: 'Bank of Pudong',
      bankNameZh: '浦东测试银行',
      customerId: loan.customerId,
      customerName: '陈静',
      branchId: 'SH001',
      productCode: 'PERSONAL_CONSUMER',
      currency: 'CNY',
      dayCount: 'ACT/365',
      interestBasis: 'period',
      annualRatePercent: '4.2000',
      rateType: 'fixed',
      lprTerm: '',
      spreadBp: 0,
      timeZone: 'Asia/Urumqi',
      generatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(st.lines.map((l) => [l.kind, l.start, l.end])).toEqual([
      ['normal', '2025-03-10', '2025-03-12'],
    ]);
  });

  it('prints the same header as the CSV’s first records', async () => {
    const st = await statement('csv');
    const records = Buffer.from(st.document)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .split('\r\n');
    expect(records.slice(0, 13)).toEqual([
      'Bank 银行,浦东测试银行 Bank of Pudong',
      `Loan number 贷款编号,${loan.loanNumber}`,
      'Borrower 借款人,陈静',
      `Customer ID 客户编号,${loan.customerId}`,
      'Branch 机构,SH001',
      'Product 产品,PERSONAL_CONSUMER',
      'Currency 币种,CNY',
      'Annual rate % 年利率%,4.2000',
      'Rate type 利率类型,固定 fixed',
      'Day count 计息基准,ACT/365',
      'Interest basis 计息方式,按期计息 per period',
      'Period 计息期间,2025-03-10 至 2025-03-12',
      'Time zone 时区,Asia/Urumqi (营业日期 business dates)',
    ]);
    expect(records[13]).toMatch(/^Generated at 生成时间,\d{4}-\d\d-\d\dT/);
  });

  it('keeps the name with the loan: a statement of a loan booked before names were kept shows none', async () => {
    // Loans booked before migration 007 have no name; they print a dash, never a stranger's.
    await h.db.query('UPDATE loans SET borrower_name = NULL WHERE id = $1', [loan.id]);
    try {
      expect((await statement('json')).header?.customerName).toBe('');
      const csv = Buffer.from((await statement('csv')).document).toString('utf8');
      expect(csv).toContain('\r\nBorrower 借款人,—\r\n');
    } finally {
      await h.db.query(`UPDATE loans SET borrower_name = '陈静' WHERE id = $1`, [loan.id]);
    }
  });
});
