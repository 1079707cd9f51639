import { fileDocuments } from '../support/checklists';
import {
  corporate,
  individual,
  lifecycle,
  LIFECYCLE_USERS,
  type LoanCase,
} from '../support/lifecycle';
import { startSystem, type TestSystem } from '../support/system';
import type { Body } from '../support/uploads';

/**
 * A loan's whole life for each product, through the gateway only and with the documents gate on,
 * as the roles would: customer → application with its documents → submit → every step of its
 * route with the step's form → contract from the product's template, signed and verified →
 * disbursement review → the loan under the contract (its terms equal) → business days closed →
 * a repayment and a prepayment → statement → trial balance and reconciliation. Every service's
 * state is checked on the way, not only the last answer.
 */

const CASES: LoanCase[] = [
  {
    productCode: 'PERSONAL_CONSUMER',
    customer: individual('陈静', '1990-03-08', '30000.00'),
    amount: '200000.00',
    termMonths: 24,
    repaymentMethod: 'equal_installments',
    ratePercent: '3.6000',
    committee: false,
    assigner: 'gl.sh',
    payee: { paymentMethod: 'self' },
  },
  {
    productCode: 'SMALL_BUSINESS',
    customer: individual('刘洋', '1982-07-01', '150000.00'),
    amount: '700000.00',
    termMonths: 24,
    repaymentMethod: 'equal_principal',
    ratePercent: '3.8500',
    committee: true,
    assigner: 'gl.sh',
    payee: {
      paymentMethod: 'entrusted',
      counterpartyName: '上海某餐饮设备有限公司',
      counterpartyAccount: '6222021001123456789',
      counterpartyBank: '工商银行上海分行',
    },
  },
  {
    productCode: 'CORP_WORKING_CAPITAL',
    customer: corporate('上海浦江精密机械有限公司'),
    amount: '3000000.00',
    termMonths: 12,
    repaymentMethod: 'interest_only',
    ratePercent: '3.1000',
    committee: true,
    assigner: 'corp.sh',
    guarantor: true,
    payee: {
      paymentMethod: 'entrusted',
      counterpartyName: '宝山钢铁股份有限公司',
      counterpartyAccount: '31001500000050012345',
      counterpartyBank: '建设银行上海宝山支行',
    },
  },
  {
    productCode: 'MORTGAGE',
    customer: individual('王秀英', '1988-05-12', '60000.00'),
    amount: '1500000.00',
    termMonths: 240,
    repaymentMethod: 'equal_installments',
    ratePercent: '3.5000',
    committee: true,
    assigner: 'gl.sh',
    collateral: '上海市浦东新区张杨路 500 弄 3 号 1201 室，建筑面积 98.6 平方米',
    payee: {
      paymentMethod: 'entrusted',
      counterpartyName: '上海某房地产开发有限公司',
      counterpartyAccount: '31001500000050067890',
      counterpartyBank: '建设银行上海浦东分行',
    },
  },
];

const cents = (amount: string) => BigInt(amount.replace('.', ''));

describe('end to end: a loan from application to repayment, for every product', () => {
  let system: TestSystem;
  const bank = lifecycle(() => system);
  const { call, eventually, ok } = bank;

  beforeAll(async () => {
    system = await startSystem({ users: LIFECYCLE_USERS });
    await bank.loadIds(LIFECYCLE_USERS);
  });
  afterAll(async () => {
    await system?.stop();
  });

  it.each(CASES.map((c) => [c.productCode, c] as const))(
    '%s: approved on its route, contracted, disbursed under the contract, serviced and reconciled',
    async (_product, c) => {
      const customerName = c.customer.name as string;
      const { applicationId, customerId } = await bank.submit(c);

      // The process started by itself; its tasks carry the customer's name.
      const routing = await bank.taskAt('mkt.sh', applicationId, 'market_routing');
      expect(routing.customerName).toBe(customerName);

      await bank.investigate(c, applicationId);
      await bank.approve(c, applicationId);

      const approved = await eventually('the approved application', async () => {
        const res = await bank.application(applicationId);
        return res.body.status === 'approved' ? res.body : undefined;
      });
      expect(approved).toMatchObject({
        approvedAmount: c.amount,
        approvedRatePercent: c.ratePercent,
        approvedTermMonths: c.termMonths,
      });
      const process = await bank.processOf(applicationId);
      expect(process.activeElementIds).toEqual([]);
      const steps = process.history
        .filter((e: Body) => e.action === 'completed')
        .map((e: Body) => e.elementId);
      if (c.committee) {
        expect(steps).toEqual(
          expect.arrayContaining(['Task_CommitteeVote', 'Task_RiskAssessment']),
        );
        expect(steps.at(-1)).toBe('Task_FinalApproval');
      } else {
        expect(steps).not.toContain('Task_CommitteeVote');
        expect(steps.at(-1)).toBe('Task_SmallLoanApproval');
      }

      // The contract from the product's template, signed by every party and verified.
      const templates = ok(
        await call<{ templates: Body[] }>(
          'disb.hq',
          'GET',
          `/contract-templates?productCode=${c.productCode}`,
        ),
        200,
        'templates',
      ).templates;
      expect(templates).toHaveLength(1);
      const { contract, date } = await bank.contract(c, applicationId, customerName);
      expect(contract.templateCode).toBe(templates[0]!.code);
      expect(contract.terms).toMatchObject({
        amount: c.amount,
        annualRatePercent: c.ratePercent,
        termMonths: c.termMonths,
        repaymentMethod: c.repaymentMethod,
        disbursementDate: date,
      });

      // 集中审查放款: the review sees the contract and the disbursement checklist.
      const filed = await fileDocuments(system, 'am.sh', applicationId, 'disbursement');
      // The signed contract is filed by itself; a guarantee agreement is the bank's to file.
      expect(filed).toEqual(c.guarantor ? ['guarantee_agreement'] : []);
      const review = ok(
        await call<Body>('disb.hq', 'GET', `/applications/${applicationId}/disbursement-review`),
        200,
        'review',
      );
      expect(review).toMatchObject({ ready: true, blockers: [] });

      // The loan opened under the contract takes every term from it.
      const loan = await eventually('the loan under the signed contract', async () => {
        const res = await call<Body>('disb.hq', 'POST', '/loans', {
          applicationId,
          payee: c.payee,
        });
        return res.status === 201 ? res.body : undefined;
      });
      expect(loan).toMatchObject({
        applicationId,
        customerId,
        branchId: 'SH001',
        productCode: c.productCode,
        contractNumber: contract.contractNumber,
        disbursedAmount: c.amount,
        annualRatePercent: c.ratePercent,
        repaymentMethod: c.repaymentMethod,
        openedOn: date,
        maturityDate: contract.terms.maturityDate,
        status: 'active',
      });
      const booked = ok(await call<Body>('disb.hq', 'GET', `/loans/${loan.id}`), 200, 'loan');
      expect(
        booked.installments.map((i: Body) => [i.dueDate, i.principal, i.total, i.balance]),
      ).toEqual(
        contract.terms.schedule.map((i: Body) => [i.dueDate, i.principal, i.total, i.balance]),
      );
      expect(booked.nextDueDate).toBe(contract.terms.firstDueDate);

      // The application links to its contract and its loan; the contract to the loan.
      const linked = await eventually('the application linked to its loan', async () => {
        const res = await bank.application(applicationId);
        return res.body.loanId === loan.id ? res.body : undefined;
      });
      expect(linked).toMatchObject({
        status: 'disbursed',
        contractId: contract.id,
        contractNumber: contract.contractNumber,
      });
      const contractNow = await eventually('the contract linked to its loan', async () => {
        const res = await call<{ contract: Body }>('disb.hq', 'GET', `/contracts/${contract.id}`);
        const body = res.body as Body;
        const found = (body.contract ?? body) as Body;
        return found.loanId === loan.id ? found : undefined;
      });
      expect(contractNow.contractNumber).toBe(contract.contractNumber);

      // Business days pass; interest accrues every night.
      let closed = date;
      for (let i = 0; i < 3; i++) {
        const day = await bank.openBusinessDate();
        closed = day;
        ok(await call('admin.hq', 'POST', `/business-days/${day}:close`), 200, `close ${day}`);
      }
      const accrued = ok(await call<Body>('disb.hq', 'GET', `/loans/${loan.id}`), 200, 'loan');
      const interest = cents(accrued.balances.accruedInterest as string);
      expect(interest).toBeGreaterThan(0n);

      // A prepayment first settles the interest accrued to the day, the rest goes to principal.
      const prepaid = ok(
        await call<Body>('disb.hq', 'POST', `/loans/${loan.id}/repayments`, {
          amount: '20000.00',
          kind: 'prepayment',
        }),
        201,
        'prepayment',
      );
      expect(cents(prepaid.repayment.allocation.accruedInterest)).toBe(interest);
      expect(cents(prepaid.repayment.allocation.principal)).toBe(2_000_000n - interest);
      expect(cents(prepaid.loan.balances.principal)).toBe(
        cents(c.amount) - (2_000_000n - interest),
      );
      // A regular payment before anything is due is held as credit for the next installment.
      const paid = ok(
        await call<Body>('disb.hq', 'POST', `/loans/${loan.id}/repayments`, {
          amount: '500.00',
          kind: 'regular',
        }),
        201,
        'repayment',
      );
      expect(paid.repayment.allocation.credit).toBe('500.00');
      expect(paid.loan.balances.creditBalance).toBe('500.00');

      // The statement of the days closed since disbursement, in JSON and as the customer's PDF.
      const to = closed;
      const statement = ok(
        await call<Body>('disb.hq', 'GET', `/loans/${loan.id}/statement?from=${date}&to=${to}`),
        200,
        'statement',
      );
      expect(statement.loanNumber).toBe(loan.loanNumber);
      expect(statement.header).toMatchObject({
        customerId,
        customerName,
        branchId: 'SH001',
        productCode: c.productCode,
        annualRatePercent: c.ratePercent,
        timeZone: 'Asia/Shanghai',
      });
      expect(statement.header.bankName).not.toBe('');
      expect(statement.header.dayCount).not.toBe('');
      expect(statement.lines.length).toBeGreaterThan(0);
      const pdf = await fetch(
        `${system.baseUrl}/api/v1/loans/${loan.id}/statement?from=${date}&to=${to}&format=pdf`,
        { headers: { authorization: `Bearer ${await system.login('disb.hq')}` } },
      );
      expect(pdf.status).toBe(200);
      expect(
        Buffer.from(await pdf.arrayBuffer())
          .subarray(0, 5)
          .toString(),
      ).toBe('%PDF-');

      // The books balance and every loan agrees with its ledger.
      const tb = ok(await call<Body>('audit.hq', 'GET', '/ledger/trial-balance'), 200, 'tb');
      expect(tb.balanced).toBe(true);
      expect(tb.totalDebit).toBe(tb.totalCredit);
      const rec = ok(await call<Body>('audit.hq', 'GET', '/ledger/reconciliation'), 200, 'rec');
      expect(rec.mismatches).toEqual([]);
    },
  );

  // The other exits of a loan's life: withdrawal at three stages, a decline at the pre-meeting
  // review, a send-back with the investigation resubmitted.
  const small = CASES[0]!;
  const freshCase = (name: string): LoanCase => ({
    ...small,
    customer: individual(name, '1991-11-23', '30000.00'),
  });
  const openTasks = async (applicationId: string) =>
    ok(
      await call<{ items: Body[] }>(
        'audit.hq',
        'GET',
        `/tasks?scope=all&state=open&applicationId=${applicationId}`,
      ),
      200,
      'tasks',
    ).items;

  /** Withdraws and checks every service: the process ended, no task left, nothing actionable. */
  async function withdrawAndCheck(applicationId: string, stale: Body, reason: string) {
    const withdrawn = ok(
      await call<Body>('am.sh', 'POST', `/applications/${applicationId}/withdraw`, { reason }),
      200,
      'withdraw',
    );
    expect(withdrawn.status).toBe('withdrawn');
    // Ended before the answer: nothing open, for anyone.
    const process = await bank.processOf(applicationId);
    expect(process.status).toBe('terminated');
    expect(process.activeElementIds).toEqual([]);
    expect(await openTasks(applicationId)).toEqual([]);
    const opened = ok(await call<Body>('audit.hq', 'GET', `/tasks/${stale.id}`), 200, 'task');
    expect(opened.allowedActions).toEqual([]);
    const late = await call<Body>(stale.who as string, 'POST', `/tasks/${stale.id}:complete`, {
      outcome: 'approve',
      formData: stale.formData ?? {},
    });
    expect(late.status).toBe(409);
    expect(JSON.stringify(late.body)).toContain('withdrawn');
    // The history keeps who withdrew and why; the file is closed and archived.
    const app = ok(await bank.application(applicationId), 200, 'application');
    expect(app.history.at(-1)).toMatchObject({ action: 'withdrawn', reason });
    await eventually('the file archived', async () => {
      const docs = await call<{ documents: Body[] }>(
        'am.sh',
        'GET',
        `/documents?ownerKind=application&ownerId=${applicationId}`,
      );
      return docs.body.documents.length > 0 &&
        docs.body.documents.every((d) => d.status === 'archived')
        ? true
        : undefined;
    });
  }

  it('withdrawal at market routing, during the investigation and during the vote ends everything', async () => {
    // 1. At market routing.
    const first = await bank.submit(freshCase('周一'));
    const routing = await bank.taskAt('mkt.sh', first.applicationId, 'market_routing');
    await withdrawAndCheck(
      first.applicationId,
      { ...routing, who: 'mkt.sh' },
      'the customer found a cheaper offer',
    );

    // 2. While the credit officer holds the investigation.
    const second = await bank.submit(freshCase('周二'));
    await bank.complete('mkt.sh', second.applicationId, 'market_routing');
    await bank.complete('gl.sh', second.applicationId, 'credit_officer_assignment', {
      creditOfficer: 'co.sh',
    });
    const held = await bank.taskAt('co.sh', second.applicationId, 'investigation');
    await withdrawAndCheck(
      second.applicationId,
      { ...held, who: 'co.sh', formData: { opinion: 'recommend' } },
      'the customer no longer needs the loan',
    );

    // 3. During the committee vote, after one member voted.
    const big: LoanCase = { ...CASES[1]!, customer: individual('周三', '1982-07-01', '150000.00') };
    const third = await bank.submit(big);
    await bank.investigate(big, third.applicationId);
    await bank.complete('rev.hq', third.applicationId, 'pre_meeting_review', {
      committeeMembers: ['cm1.hq', 'cm2.hq', 'cm3.hq'],
      committeeMeetingAt: '2025-01-15T10:00:00+08:00',
    });
    await bank.complete('cm1.hq', third.applicationId, 'committee_vote');
    const vote = await bank.taskAt('cm2.hq', third.applicationId, 'committee_vote');
    await withdrawAndCheck(
      third.applicationId,
      { ...vote, who: 'cm2.hq' },
      'the customer withdrew before the committee decided',
    );
  });

  it('declines at the pre-meeting review: the application is rejected and no contract is possible', async () => {
    const c = freshCase('吴拒');
    const { applicationId } = await bank.submit(c);
    await bank.investigate(c, applicationId);
    const review = await bank.taskAt('rev.hq', applicationId, 'pre_meeting_review');
    ok(
      await call<Body>('rev.hq', 'POST', `/tasks/${review.id}:complete`, {
        outcome: 'reject',
        opinion: 'income proof inconsistent with the bank statements',
      }),
      200,
      'decline',
    );
    const rejected = await eventually('the rejected application', async () => {
      const res = await bank.application(applicationId);
      return res.body.status === 'rejected' ? res.body : undefined;
    });
    expect(rejected.approvedAmount).toBeNull();
    const process = await bank.processOf(applicationId);
    expect(process.activeElementIds).toEqual([]);
    expect(process.history.at(-1)).toMatchObject({
      action: 'ended',
      elementId: 'EndEvent_RejectedAtPreMeetingReview',
    });
    expect(await openTasks(applicationId)).toEqual([]);
    const contract = await call<Body>('disb.hq', 'POST', '/contracts', {
      applicationId,
      disbursementDate: await bank.openBusinessDate(),
      parties: [
        { role: 'lender', name: 'LoanFlow 上海分行', signerUserId: bank.ids['disb.hq'] },
        { role: 'borrower', name: '吴拒', signerUserId: bank.ids['borrower.sh'] },
      ],
    });
    expect(contract.status).toBe(409);
    const loan = await call<Body>('disb.hq', 'POST', '/loans', {
      applicationId,
      payee: { paymentMethod: 'self' },
    });
    expect([400, 409]).toContain(loan.status);
    expect(await system.count(system.schemas.accounting, 'loans')).toBe(CASES.length);
  });

  it('sends the file back to the investigation; the officer resubmits and it is approved as revised', async () => {
    const c = freshCase('郑回');
    const { applicationId } = await bank.submit(c);
    await bank.investigate(c, applicationId);
    const review = await bank.taskAt('rev.hq', applicationId, 'pre_meeting_review');
    const reason = 'recheck the income: the statements cover five months only';
    const back = ok(
      await call<Body>('rev.hq', 'POST', `/tasks/${review.id}:send-back`, {
        targetElementId: 'Task_Investigation',
        reason,
      }),
      200,
      'send back',
    );
    expect(back.nextTasks.map((t: Body) => [t.step, t.assignee])).toEqual([
      ['investigation', bank.ids['co.sh']],
    ]);
    expect(await openTasks(applicationId)).toHaveLength(1);
    // Resubmitted with a smaller recommendation; the review and approval follow it.
    await bank.complete('co.sh', applicationId, 'investigation', {
      opinion: 'caution',
      recommendedAmount: '150000.00',
      recommendedRatePercent: '3.9000',
      recommendedTermMonths: 24,
    });
    await bank.approve({ ...c, amount: '150000.00', ratePercent: '3.9000' }, applicationId);
    const approved = await eventually('the approved application', async () => {
      const res = await bank.application(applicationId);
      return res.body.status === 'approved' ? res.body : undefined;
    });
    expect(approved).toMatchObject({ approvedAmount: '150000.00', approvedRatePercent: '3.9000' });
    const process = await bank.processOf(applicationId);
    const actions = process.history
      .filter((e: Body) => ['completed', 'sentBack'].includes(e.action as string))
      .map((e: Body) => [e.action, e.elementId]);
    expect(actions).toEqual([
      ['completed', 'Task_MarketRouting'],
      ['completed', 'Task_AssignPersonal'],
      ['completed', 'Task_Investigation'],
      ['sentBack', 'Task_PreMeetingReview'],
      ['completed', 'Task_Investigation'],
      ['completed', 'Task_PreMeetingReview'],
      ['completed', 'Task_SmallLoanApproval'],
    ]);
    expect(
      process.history.some((e: Body) => e.action === 'sentBack' && e.opinion.includes(reason)),
    ).toBe(true);
  });

  it('refuses, with the field, a credit officer who could not see the file and an approval beyond the application', async () => {
    const c = freshCase('钱越');
    const { applicationId } = await bank.submit(c);
    await bank.complete('mkt.sh', applicationId, 'market_routing');
    const assignment = await bank.taskAt('gl.sh', applicationId, 'credit_officer_assignment');
    const elsewhere = await call<Body>('gl.sh', 'POST', `/tasks/${assignment.id}:complete`, {
      outcome: 'approve',
      formData: { creditOfficer: 'co.bj' },
    });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.errors).toEqual([
      {
        field: 'formData.creditOfficer',
        reason: 'user "co.bj" of branch BJ001 cannot see an application of branch SH001',
      },
    ]);
    expect((await openTasks(applicationId)).map((t) => t.step)).toEqual([
      'credit_officer_assignment',
    ]);
    await bank.complete('gl.sh', applicationId, 'credit_officer_assignment', {
      creditOfficer: 'co.sh',
    });
    await fileDocuments(system, 'co.sh', applicationId, 'investigation');
    const investigation = await bank.taskAt('co.sh', applicationId, 'investigation');
    const beyond = await call<Body>('co.sh', 'POST', `/tasks/${investigation.id}:complete`, {
      outcome: 'approve',
      formData: {
        opinion: 'recommend',
        recommendedAmount: '999999999999999.99',
        recommendedRatePercent: '99.9999',
        recommendedTermMonths: 360,
      },
    });
    expect(beyond.status).toBe(400);
    expect(beyond.body.errors.map((e: Body) => e.field)).toEqual([
      'formData.recommendedAmount',
      'formData.recommendedRatePercent',
      'formData.recommendedTermMonths',
    ]);
    expect((await openTasks(applicationId)).map((t) => t.step)).toEqual(['investigation']);
  });

  it('lets only the newest contract of an application bind: an older one is superseded', async () => {
    const c = freshCase('孙约');
    const { applicationId } = await bank.submit(c);
    await bank.investigate(c, applicationId);
    await bank.approve(c, applicationId);
    await eventually('the approved application', async () => {
      const res = await bank.application(applicationId);
      return res.body.status === 'approved' ? true : undefined;
    });
    const date = await bank.openBusinessDate();
    const generate = async () =>
      ok(
        await call<{ contract: Body }>('disb.hq', 'POST', '/contracts', {
          applicationId,
          disbursementDate: date,
          repaymentMethod: c.repaymentMethod,
          parties: [
            { role: 'lender', name: 'LoanFlow 上海分行', signerUserId: bank.ids['disb.hq'] },
            { role: 'borrower', name: '孙约', signerUserId: bank.ids['borrower.sh'] },
          ],
        }),
        201,
        'contract',
      ).contract;
    const older = await generate();
    const newer = await generate();
    const stale = await call<Body>('disb.hq', 'POST', `/contracts/${older.id}:sign`, {
      partyRole: 'lender',
    });
    expect(stale.status).toBe(409);
    expect(stale.body.detail).toBe(
      `contract ${older.contractNumber} was superseded by ${newer.contractNumber}; sign the newest`,
    );
    for (const [who, partyRole] of [
      ['disb.hq', 'lender'],
      ['borrower.sh', 'borrower'],
    ] as const)
      ok(
        await call(who, 'POST', `/contracts/${newer.id}:sign`, { partyRole }),
        200,
        `sign ${partyRole}`,
      );
    const late = await call<Body>('borrower.sh', 'POST', `/contracts/${older.id}:sign`, {
      partyRole: 'borrower',
    });
    expect(late.status).toBe(409);
    expect(late.body.detail).toBe(
      `contract ${newer.contractNumber} already binds this application; ${older.contractNumber} can no longer be signed`,
    );
  });
});
