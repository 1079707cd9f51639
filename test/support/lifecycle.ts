import { randomBytes } from 'node:crypto';
import { bankers, type Bank } from './bankers';
import { fileDocuments } from './checklists';
import { mobile, residentId } from './identities';
import type { TestUser } from './system';
import type { Body } from './uploads';

/**
 * The bank's people for a loan's whole life, and the steps they take through the gateway only:
 * the approval chain with each step's form, the contract, the disbursement review, the loan.
 */
export const LIFECYCLE_USERS: TestUser[] = [
  { username: 'am.sh', roles: ['account_manager'], branchId: 'SH001' },
  { username: 'corp.sh', roles: ['corporate_lending'], branchId: 'SH001' },
  { username: 'mkt.sh', roles: ['market_specialist'], branchId: 'SH001' },
  { username: 'gl.sh', roles: ['group_leader'], branchId: 'SH001' },
  { username: 'co.sh', roles: ['credit_officer'], branchId: 'SH001' },
  { username: 'co.bj', roles: ['credit_officer'], branchId: 'BJ001' },
  { username: 'rev.hq', roles: ['pre_meeting_reviewer'], branchId: 'HQ' },
  { username: 'cm1.hq', roles: ['committee_member'], branchId: 'HQ' },
  { username: 'cm2.hq', roles: ['committee_member'], branchId: 'HQ' },
  { username: 'cm3.hq', roles: ['committee_member', 'committee_chair'], branchId: 'HQ' },
  { username: 'risk.hq', roles: ['risk_manager'], branchId: 'HQ' },
  { username: 'fa.hq', roles: ['final_approver'], branchId: 'HQ' },
  { username: 'disb.hq', roles: ['disbursement_reviewer'], branchId: 'HQ' },
  { username: 'admin.hq', roles: ['admin'], branchId: 'HQ' },
  { username: 'audit.hq', roles: ['auditor'], branchId: 'HQ' },
  // Until the borrower portal exists, a signer of the branch signs for the borrower and the
  // guarantor with a key of their own (the contract names them as the parties' signers).
  { username: 'borrower.sh', roles: ['account_manager'], branchId: 'SH001' },
  { username: 'guarantor.sh', roles: ['account_manager'], branchId: 'SH001' },
];

export interface Task {
  id: string;
  elementId: string;
  step: string;
  assignee: string;
  businessKey: string;
  customerName: string;
  state: string;
}

export interface LoanCase {
  productCode: string;
  customer: Body;
  amount: string;
  termMonths: number;
  repaymentMethod: string;
  ratePercent: string;
  /** Above 500,000 the committee votes and the risk manager assesses; else the short route. */
  committee: boolean;
  /** The step that assigns the credit officer: group leader, or corporate lending. */
  assigner: string;
  guarantor?: boolean;
  collateral?: string;
  payee: Body;
}

/** A unique, valid customer of each kind. */
export function individual(name: string, birthDate: string, monthlyIncome: string): Body {
  return {
    type: 'individual',
    name,
    individual: {
      residentId: residentId(birthDate, 'female'),
      mobile: mobile(),
      occupation: 'Manager',
      employer: '上海电气集团',
      monthlyIncome,
    },
  };
}

export function corporate(name: string): Body {
  return {
    type: 'corporate',
    name,
    corporate: {
      creditCode: creditCode(),
      legalRepresentative: '陈建国',
      registeredCapital: '10000000.00',
      industry: 'Machinery manufacturing',
      annualRevenue: '86000000.00',
      contactMobile: mobile(),
    },
  };
}

/** A unified social credit code (GB 32100) with its check character. */
function creditCode(): string {
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const bytes = randomBytes(9);
  const body = `91310115${Array.from(bytes, (b) => alphabet[b % 31]).join('')}`;
  const sum = [...body].reduce((s, c, i) => s + alphabet.indexOf(c) * weights[i]!, 0);
  return body + alphabet[(31 - (sum % 31)) % 31];
}

export function lifecycle(system: () => Bank) {
  const { ids, call, eventually, loadIds } = bankers(system);

  const ok = <T>(res: { status: number; body: T }, status: number, what: string): T => {
    if (res.status !== status)
      throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body).slice(0, 600)}`);
    return res.body;
  };

  /** The open task of the application at `step` that `who` sees (theirs or their group's). */
  const taskAt = (who: string, applicationId: string, step: string) =>
    eventually(`${step} task for ${who}`, async () => {
      for (const scope of ['mine', 'group']) {
        const res = await call<{ items: Task[] }>(
          who,
          'GET',
          `/tasks?scope=${scope}&applicationId=${applicationId}&step=${step}&pageSize=50`,
        );
        const task = res.body.items?.find((t) => t.businessKey === applicationId);
        if (task) return task;
      }
      return undefined;
    });

  /** Opens the task as the client would (its form and allowed actions) and completes it. */
  async function complete(
    who: string,
    applicationId: string,
    step: string,
    formData: Body = {},
  ): Promise<Body> {
    const task = await taskAt(who, applicationId, step);
    const opened = ok(await call<Body>(who, 'GET', `/tasks/${task.id}`), 200, `open ${step}`);
    if (!opened.allowedActions.includes('complete'))
      throw new Error(`${who} may not complete ${step}: ${opened.allowedActions}`);
    if (opened.form === null) throw new Error(`${step} has no form`);
    return ok(
      await call<Body>(who, 'POST', `/tasks/${task.id}:complete`, {
        outcome: 'approve',
        opinion: `${step}: agreed`,
        formData,
      }),
      200,
      `complete ${step}`,
    );
  }

  const application = (id: string) => call<Body>('am.sh', 'GET', `/applications/${id}`);
  const processOf = async (id: string) =>
    ok(await call<Body>('am.sh', 'GET', `/applications/${id}/process`), 200, 'process');

  /** Customer, application with its documents, submitted: the process waits at market routing. */
  async function submit(c: LoanCase): Promise<{ applicationId: string; customerId: string }> {
    const customer = ok(
      await call<Body>('am.sh', 'POST', '/customers', c.customer),
      201,
      'customer',
    );
    const created = ok(
      await call<Body>('am.sh', 'POST', '/applications', {
        customerId: customer.id,
        productCode: c.productCode,
        amount: c.amount,
        termMonths: c.termMonths,
        repaymentMethod: c.repaymentMethod,
        purpose: 'Lifecycle of a loan',
        existingMonthlyDebtPayments: '0.00',
      }),
      201,
      'application',
    );
    const applicationId = created.id as string;
    await fileDocuments(system(), 'am.sh', applicationId, 'market_routing');
    ok(await call('am.sh', 'POST', `/applications/${applicationId}/submit`), 200, 'submit');
    return { applicationId, customerId: customer.id as string };
  }

  /** Market routing → credit officer (named by username) → investigation, as far as the review. */
  async function investigate(c: LoanCase, applicationId: string): Promise<void> {
    await complete('mkt.sh', applicationId, 'market_routing');
    const assigned = await complete(c.assigner, applicationId, 'credit_officer_assignment', {
      creditOfficer: 'co.sh',
    });
    expect(assigned.nextTasks.map((t: Task) => [t.step, t.assignee])).toEqual([
      ['investigation', ids['co.sh']],
    ]);
    await fileDocuments(system(), 'co.sh', applicationId, 'investigation');
    await complete('co.sh', applicationId, 'investigation', {
      opinion: 'recommend',
      recommendedAmount: c.amount,
      recommendedRatePercent: c.ratePercent,
      recommendedTermMonths: c.termMonths,
    });
  }

  /** The rest of the route: the committee and risk for large amounts, the short route else. */
  async function approve(c: LoanCase, applicationId: string): Promise<void> {
    const decision = {
      approvedAmount: c.amount,
      approvedRatePercent: c.ratePercent,
      approvedTermMonths: c.termMonths,
    };
    if (c.committee) {
      await complete('rev.hq', applicationId, 'pre_meeting_review', {
        committeeMembers: ['cm1.hq', 'cm2.hq', 'cm3.hq'],
        committeeMeetingAt: '2025-01-15T10:00:00+08:00',
      });
      // 会签: two of three carry the vote; the third member's task is then withdrawn.
      for (const member of ['cm1.hq', 'cm2.hq'])
        await complete(member, applicationId, 'committee_vote');
      expect((await processOf(applicationId)).activeElementIds).toEqual(['Task_RiskAssessment']);
      await complete('risk.hq', applicationId, 'risk_assessment', {
        riskOpinion: 'acceptable',
        riskRating: 'medium',
      });
      await complete('fa.hq', applicationId, 'final_approval', decision);
    } else {
      await complete('rev.hq', applicationId, 'pre_meeting_review');
      await complete('fa.hq', applicationId, 'small_loan_approval', decision);
    }
  }

  const openBusinessDate = async () =>
    ok(await call<Body>('admin.hq', 'GET', '/business-days/current'), 200, 'business date')
      .openBusinessDate as string;

  /** The contract on the open business date, signed by every party and verified. */
  async function contract(c: LoanCase, applicationId: string, customerName: string) {
    const date = await openBusinessDate();
    const parties: Body[] = [
      { role: 'lender', name: 'LoanFlow 上海分行', signerUserId: ids['disb.hq'] },
      { role: 'borrower', name: customerName, signerUserId: ids['borrower.sh'] },
    ];
    if (c.guarantor)
      parties.push({
        role: 'guarantor',
        name: '上海浦江担保有限公司',
        signerUserId: ids['guarantor.sh'],
      });
    const generated = ok(
      await call<{ contract: Body }>('disb.hq', 'POST', '/contracts', {
        applicationId,
        disbursementDate: date,
        repaymentMethod: c.repaymentMethod,
        parties,
        ...(c.collateral ? { collateral: c.collateral } : {}),
      }),
      201,
      'contract',
    ).contract;
    const signers: [string, string][] = [
      ['disb.hq', 'lender'],
      ['borrower.sh', 'borrower'],
      ...(c.guarantor ? [['guarantor.sh', 'guarantor'] as [string, string]] : []),
    ];
    let signed: Body = generated;
    for (const [who, partyRole] of signers)
      signed = ok(
        await call<{ contract: Body }>(who, 'POST', `/contracts/${generated.id}:sign`, {
          partyRole,
        }),
        200,
        `sign as ${partyRole}`,
      ).contract;
    expect(signed.status).toBe('signed');
    const verified = ok(
      await call<Body>('audit.hq', 'POST', `/contracts/${generated.id}:verify`, {}),
      200,
      'verify',
    );
    expect(verified).toMatchObject({ intact: true, allPartiesSigned: true });
    return { contract: signed, date };
  }

  return {
    ids,
    call,
    eventually,
    loadIds,
    ok,
    taskAt,
    complete,
    application,
    processOf,
    submit,
    investigate,
    approve,
    contract,
    openBusinessDate,
  };
}
