import { startSystem, type TestSystem, type TestUser } from '../support/system';
import { bankers } from '../support/bankers';
import { fileDocuments } from '../support/checklists';
import { mobile, residentId } from '../support/identities';

/**
 * Issue 9 through the gateway: withdrawing an application ends its approval before the answer
 * (nothing left for anyone, the old task refused); every step serves its form and the actions
 * the caller may take, checks the form on complete, and takes people by username.
 */

const USERS: TestUser[] = [
  { username: 'am.sh', roles: ['account_manager'], branchId: 'SH001' },
  { username: 'mkt.sh', roles: ['market_specialist'], branchId: 'SH001' },
  { username: 'gl.sh', roles: ['group_leader'], branchId: 'SH001' },
  { username: 'credit.zhou', roles: ['credit_officer'], branchId: 'SH001' },
  { username: 'audit.hq', roles: ['auditor'], branchId: 'HQ' },
];

interface Task {
  id: string;
  businessKey: string;
  step: string;
  state: string;
  assignee: string;
  customerName: string;
  cancelReason: string;
}

describe('end to end: the exits of the approval and the forms of its steps', () => {
  let system: TestSystem;
  const { ids, call, eventually, loadIds } = bankers(() => system);

  beforeAll(async () => {
    system = await startSystem({ users: USERS });
    await loadIds(USERS);
  });
  afterAll(async () => {
    await system?.stop();
  });

  async function submitApplication(): Promise<string> {
    const customer = await call('am.sh', 'POST', '/customers', {
      type: 'individual',
      name: '李娜',
      individual: {
        residentId: residentId('1990-03-08', 'female'),
        mobile: mobile(),
        monthlyIncome: '40000.00',
      },
    });
    expect(customer.status).toBe(201);
    const created = await call('am.sh', 'POST', '/applications', {
      customerId: customer.body.id,
      existingMonthlyDebtPayments: '0.00',
      productCode: 'PERSONAL_CONSUMER',
      amount: '200000.00',
      termMonths: 36,
      repaymentMethod: 'equal_installments',
      purpose: 'Home renovation',
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    // The documents gate is on: the account manager files the papers market routing needs.
    await fileDocuments(system, 'am.sh', id, 'market_routing');
    expect((await call('am.sh', 'POST', `/applications/${id}/submit`)).status).toBe(200);
    return id;
  }

  const tasksOf = async (applicationId: string, state = 'open') => {
    const res = await call<{ items: Task[] }>(
      'audit.hq',
      'GET',
      `/tasks?scope=all&state=${state}&applicationId=${applicationId}`,
    );
    expect(res.status).toBe(200);
    return res.body.items;
  };
  const openTask = (applicationId: string, step: string) =>
    eventually(`${step} of ${applicationId}`, async () =>
      (await tasksOf(applicationId)).find((t) => t.step === step),
    );
  const path = (task: Task, action?: string) =>
    `/tasks/${encodeURIComponent(task.id)}${action ? `:${action}` : ''}`;

  it('serves each step with its form and allowed actions, checks the form, and takes a username', async () => {
    const id = await submitApplication();
    const routing = await openTask(id, 'market_routing');
    const view = await call('mkt.sh', 'GET', path(routing));
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      id: routing.id,
      processStatus: 'active',
      allowedActions: ['claim', 'complete', 'transfer', 'urge'],
      form: { type: 'object', properties: { customerType: { enum: ['individual', 'corporate'] } } },
    });
    expect(
      (await call('mkt.sh', 'POST', path(routing, 'complete'), { outcome: 'approve' })).status,
    ).toBe(200);

    const assignment = await openTask(id, 'credit_officer_assignment');
    const form = await call<{ form: { required: string[] } }>('gl.sh', 'GET', path(assignment));
    expect(form.body.form.required).toEqual(['creditOfficer']);
    const missing = await call('gl.sh', 'POST', path(assignment, 'complete'), {
      outcome: 'approve',
      formData: {},
    });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([
      { field: 'formData.creditOfficer', reason: 'is required' },
    ]);
    const unqualified = await call('gl.sh', 'POST', path(assignment, 'complete'), {
      outcome: 'approve',
      formData: { creditOfficer: 'mkt.sh' },
    });
    expect(unqualified.status).toBe(400);
    expect(unqualified.body.detail).toBe(
      'formData.creditOfficer: user "mkt.sh" does not hold credit_officer or corporate_lending',
    );
    expect((await tasksOf(id)).map((t) => t.step)).toEqual(['credit_officer_assignment']);

    const assigned = await call<{ nextTasks: Task[] }>(
      'gl.sh',
      'POST',
      path(assignment, 'complete'),
      {
        outcome: 'approve',
        formData: { creditOfficer: 'credit.zhou' },
      },
    );
    expect(assigned.status).toBe(200);
    expect(assigned.body.nextTasks.map((t) => [t.step, t.assignee])).toEqual([
      ['investigation', ids['credit.zhou']],
    ]);
    const mine = await call<{ items: Task[] }>(
      'credit.zhou',
      'GET',
      `/tasks?scope=mine&applicationId=${id}`,
    );
    expect(mine.body.items.map((t) => t.step)).toEqual(['investigation']);
  });

  it('withdrawing while the investigation is held ends the process before the answer', async () => {
    const id = await submitApplication();
    await call('mkt.sh', 'POST', path(await openTask(id, 'market_routing'), 'complete'), {
      outcome: 'approve',
    });
    await call('gl.sh', 'POST', path(await openTask(id, 'credit_officer_assignment'), 'complete'), {
      outcome: 'approve',
      formData: { creditOfficer: 'credit.zhou' },
    });
    const investigation = await openTask(id, 'investigation');
    expect(investigation.assignee).toBe(ids['credit.zhou']);

    const withdrawn = await call('am.sh', 'POST', `/applications/${id}/withdraw`, {
      reason: 'customer found a cheaper loan',
    });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.status).toBe('withdrawn');
    // No waiting: the process ended before the withdrawal was answered.
    expect(await tasksOf(id)).toEqual([]);
    const [cancelled] = await tasksOf(id, 'cancelled');
    expect(cancelled).toMatchObject({
      id: investigation.id,
      cancelReason: 'the application was withdrawn: customer found a cheaper loan',
    });
    const view = await call('credit.zhou', 'GET', path(investigation));
    expect(view.body).toMatchObject({ processStatus: 'terminated', allowedActions: [] });
    const refused = await call('credit.zhou', 'POST', path(investigation, 'complete'), {
      outcome: 'approve',
      formData: {
        opinion: 'recommend',
        recommendedAmount: '200000.00',
        recommendedRatePercent: '4.2000',
        recommendedTermMonths: 36,
      },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toBe(
      'the application was withdrawn (customer found a cheaper loan): its approval process has ended',
    );
    const process = await call<{
      status: string;
      history: { action: string; actor: string; opinion: string }[];
    }>('am.sh', 'GET', `/applications/${id}/process`);
    expect(process.body.status).toBe('terminated');
    expect(process.body.history.at(-1)).toMatchObject({
      action: 'terminated',
      actor: ids['am.sh'],
      opinion: 'the application was withdrawn: customer found a cheaper loan',
    });
    expect(
      (
        await system.db.query(
          `SELECT count(*)::int AS n FROM ${system.schemas.workflow}.tasks WHERE business_key = $1 AND step = 'pre_meeting_review'`,
          [id],
        )
      ).rows[0].n,
    ).toBe(0);
  });
});
