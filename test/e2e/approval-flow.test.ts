import { fileDocuments } from '../support/checklists';
import { startSystem, type TestSystem, type TestUser } from '../support/system';
import { bankers } from '../support/bankers';
import { mobile, residentId } from '../support/identities';

/**
 * The bank's approval chain through the gateway only, as the bankers drive it: submit, route,
 * withdraw, transfer, investigate, 审贷分离, send back from the committee, a split vote, a proxy
 * while the risk manager is away, final approval; and an application rejected at review.
 */

const USERS: TestUser[] = [
  { username: 'am.sh', roles: ['account_manager'], branchId: 'SH001' },
  { username: 'mkt.sh', roles: ['market_specialist'], branchId: 'SH001' },
  { username: 'gl1.sh', roles: ['group_leader'], branchId: 'SH001' },
  { username: 'gl2.sh', roles: ['group_leader'], branchId: 'SH001' },
  // The investigating officer also holds the review role: 审贷分离 must still refuse them.
  { username: 'co.sh', roles: ['credit_officer', 'pre_meeting_reviewer'], branchId: 'SH001' },
  { username: 'rev.hq', roles: ['pre_meeting_reviewer'], branchId: 'HQ' },
  { username: 'cm1.hq', roles: ['committee_member'], branchId: 'HQ' },
  { username: 'cm2.hq', roles: ['committee_member'], branchId: 'HQ' },
  { username: 'cm3.hq', roles: ['committee_member'], branchId: 'HQ' },
  { username: 'risk1.hq', roles: ['risk_manager'], branchId: 'HQ' },
  { username: 'risk2.hq', roles: ['risk_manager'], branchId: 'HQ' },
  { username: 'fa.hq', roles: ['final_approver'], branchId: 'HQ' },
];

interface Task {
  id: string;
  instanceId: string;
  businessKey: string;
  elementId: string;
  step: string;
  state: string;
  assignee: string;
}
interface HistoryEntry {
  actor: string;
  action: string;
  elementId: string;
  opinion: string;
  taskId: string;
}
interface Instance {
  id: string;
  status: string;
  definitionVersion: number;
  activeElementIds: string[];
  history: HistoryEntry[];
  endedAt: string;
}
interface ActResult {
  task: Task;
  nextTasks: Task[];
  instance: Instance;
}

describe('end to end: the credit approval chain through the gateway', () => {
  let system: TestSystem;
  const { ids, call, eventually, loadIds } = bankers(() => system);

  beforeAll(async () => {
    system = await startSystem({ users: USERS });
    await loadIds(USERS);
  });
  afterAll(async () => {
    await system?.stop();
  });

  /** The open tasks of this application in `who`'s list (`mine` or `group`) at `step`. */
  const listed = async (
    who: string,
    scope: 'mine' | 'group',
    applicationId: string,
    step: string,
  ) => {
    const res = await call<{ items: Task[] }>(
      who,
      'GET',
      `/tasks?scope=${scope}&step=${step}&pageSize=100`,
    );
    expect(res.status).toBe(200);
    return res.body.items.filter((t) => t.businessKey === applicationId);
  };

  /** The open task at `step` that `who` sees, assigned to them or in their group's queue. */
  const taskAt = (who: string, applicationId: string, step: string) =>
    eventually(`${step} task for ${who}`, async () => {
      for (const scope of ['mine', 'group'] as const) {
        const [task] = await listed(who, scope, applicationId, step);
        if (task) return task;
      }
      return undefined;
    });

  const act = (who: string, task: Task, action: string, body: Record<string, unknown> = {}) =>
    call<ActResult>(who, 'POST', `/tasks/${encodeURIComponent(task.id)}:${action}`, body);

  async function approve(who: string, task: Task, formData: Record<string, unknown> = {}) {
    const res = await act(who, task, 'complete', {
      outcome: 'approve',
      opinion: 'agreed',
      formData,
    });
    // The problem's detail says which field when a step refuses its form.
    expect([res.status, res.status === 200 ? '' : JSON.stringify(res.body)]).toEqual([200, '']);
    return res.body;
  }

  const processOf = async (applicationId: string) => {
    const res = await call<Instance>('am.sh', 'GET', `/applications/${applicationId}/process`);
    expect(res.status).toBe(200);
    return res.body;
  };

  async function submitApplication(draft: Record<string, unknown>): Promise<string> {
    const customer = await call('am.sh', 'POST', '/customers', {
      type: 'individual',
      name: '王伟',
      individual: {
        residentId: residentId('1986-05-12', 'male'),
        mobile: mobile(),
        occupation: 'Engineer',
        employer: '上海汽车集团',
        monthlyIncome: '90000.00',
      },
    });
    expect(customer.status).toBe(201);
    const created = await call('am.sh', 'POST', '/applications', {
      customerId: customer.body.id,
      existingMonthlyDebtPayments: '0.00',
      ...draft,
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    // The documents gate is on: the papers of every step are filed up front.
    await fileDocuments(system, 'am.sh', id);
    const submitted = await call('am.sh', 'POST', `/applications/${id}/submit`);
    expect(submitted.status).toBe(200);
    expect(submitted.body.status).toBe('submitted');
    return id;
  }

  const shanghaiDate = (d: Date) =>
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(d);

  it('approves a mortgage through withdraw, transfer, 审贷分离, send-back, a split vote and a proxy', async () => {
    const id = await submitApplication({
      productCode: 'MORTGAGE',
      amount: '2000000.00',
      termMonths: 240,
      repaymentMethod: 'equal_installments',
      purpose: 'Purchase of a first home',
    });

    // The instance starts by itself on application.submitted.
    const started = await eventually('the process instance', async () => {
      const res = await call<Instance>('am.sh', 'GET', `/applications/${id}/process`);
      return res.status === 200 ? res.body : undefined;
    });
    expect(started.status).toBe('active');
    expect(started.definitionVersion).toBe(1);
    expect(started.activeElementIds).toEqual(['Task_MarketRouting']);

    // 撤回: the market specialist routes it, then takes it back before the group leader claims.
    const routing = await taskAt('mkt.sh', id, 'market_routing');
    const routed = await approve('mkt.sh', routing);
    expect(routed.nextTasks.map((t) => t.elementId)).toEqual(['Task_AssignPersonal']);
    expect(await listed('gl1.sh', 'group', id, 'credit_officer_assignment')).toHaveLength(1);
    const withdrawn = await act('mkt.sh', routing, 'withdraw');
    expect(withdrawn.status).toBe(200);
    expect((await processOf(id)).activeElementIds).toEqual(['Task_MarketRouting']);
    const [again] = await listed('mkt.sh', 'mine', id, 'market_routing');
    expect(again).toMatchObject({ elementId: 'Task_MarketRouting', assignee: ids['mkt.sh'] });
    expect(await listed('gl1.sh', 'group', id, 'credit_officer_assignment')).toHaveLength(0);
    await approve('mkt.sh', again!, { customerType: 'individual', productCategory: 'mortgage' });

    // 转办: the group leader claims the assignment, then hands it to a colleague who assigns.
    const assignment = await taskAt('gl1.sh', id, 'credit_officer_assignment');
    const claimed = await act('gl1.sh', assignment, 'claim');
    expect(claimed.status).toBe(200);
    expect(claimed.body.task.assignee).toBe(ids['gl1.sh']);
    // Once the next step is claimed, the routing can no longer be withdrawn.
    const late = await act('mkt.sh', again!, 'withdraw');
    expect(late.status).toBe(409);
    const transferred = await act('gl1.sh', assignment, 'transfer', { userId: ids['gl2.sh'] });
    expect(transferred.status).toBe(200);
    expect(transferred.body.task.assignee).toBe(ids['gl2.sh']);
    expect((await act('gl1.sh', assignment, 'complete', { outcome: 'approve' })).status).toBe(403);
    const [withGl2] = await listed('gl2.sh', 'mine', id, 'credit_officer_assignment');
    expect(withGl2?.id).toBe(assignment.id);
    const assigned = await approve('gl2.sh', assignment, { creditOfficer: ids['co.sh'] });
    expect(assigned.nextTasks.map((t) => [t.elementId, t.assignee])).toEqual([
      ['Task_Investigation', ids['co.sh']],
    ]);

    const investigation = {
      opinion: 'recommend',
      recommendedAmount: '1800000.00',
      recommendedRatePercent: '3.5000',
      recommendedTermMonths: 240,
    };
    await approve('co.sh', await taskAt('co.sh', id, 'investigation'), investigation);

    // 审贷分离: the investigator sees the review in their queue (they hold the role) but is refused.
    const review = await taskAt('co.sh', id, 'pre_meeting_review');
    const refused = await act('co.sh', review, 'complete', { outcome: 'approve' });
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).toContain('separation of investigation and approval');
    expect((await processOf(id)).activeElementIds).toEqual(['Task_PreMeetingReview']);

    const committee = {
      committeeMembers: [ids['cm1.hq'], ids['cm2.hq'], ids['cm3.hq']],
      committeeMeetingAt: '2026-12-01T10:00:00+08:00',
    };
    const reviewed = await approve('rev.hq', review, committee);
    expect(reviewed.nextTasks.map((t) => t.assignee).sort()).toEqual(
      [...committee.committeeMembers].sort(),
    );

    // 回退: one member approves, the next sends the file back to the investigation.
    await approve('cm1.hq', await taskAt('cm1.hq', id, 'committee_vote'));
    const reason = 'collateral valuation report missing';
    const back = await act('cm2.hq', await taskAt('cm2.hq', id, 'committee_vote'), 'send-back', {
      targetElementId: 'Task_Investigation',
      reason,
    });
    expect(back.status).toBe(200);
    expect(back.body.nextTasks.map((t) => [t.elementId, t.assignee])).toEqual([
      ['Task_Investigation', ids['co.sh']],
    ]);
    const afterBack = await processOf(id);
    expect(afterBack.activeElementIds).toEqual(['Task_Investigation']);
    expect(
      afterBack.history.some(
        (e) => e.action === 'sentBack' && e.actor === ids['cm2.hq'] && e.opinion.includes(reason),
      ),
    ).toBe(true);
    // The third member's vote was cancelled with the rest of the vote.
    expect(await listed('cm3.hq', 'mine', id, 'committee_vote')).toHaveLength(0);
    const [returned] = await listed('co.sh', 'mine', id, 'investigation');
    expect(returned).toBeDefined();
    await approve('co.sh', returned!, { ...investigation, investigationReport: 'doc-42' });
    await approve('rev.hq', await taskAt('rev.hq', id, 'pre_meeting_review'), committee);

    // 会签: one rejects, two approve; two thirds carry it.
    const reject = await act('cm1.hq', await taskAt('cm1.hq', id, 'committee_vote'), 'complete', {
      outcome: 'reject',
      opinion: 'exposure to one developer too high',
    });
    expect(reject.status).toBe(200);
    await approve('cm2.hq', await taskAt('cm2.hq', id, 'committee_vote'));
    expect((await processOf(id)).activeElementIds).toEqual(['Task_CommitteeVote']);
    await approve('cm3.hq', await taskAt('cm3.hq', id, 'committee_vote'));
    expect((await processOf(id)).activeElementIds).toEqual(['Task_RiskAssessment']);

    // 委托: the risk manager holds the risk task, then is away today..tomorrow; a colleague acts.
    const risk = await taskAt('risk1.hq', id, 'risk_assessment');
    expect((await act('risk1.hq', risk, 'claim')).status).toBe(200);
    const now = new Date();
    const proxy = await call('risk1.hq', 'POST', '/proxies', {
      proxyUserId: ids['risk2.hq'],
      fromDate: shanghaiDate(now),
      toDate: shanghaiDate(new Date(now.getTime() + 86_400_000)),
    });
    expect(proxy.status).toBe(200);
    expect(await listed('risk1.hq', 'mine', id, 'risk_assessment')).toHaveLength(0);
    const [proxied] = await listed('risk2.hq', 'mine', id, 'risk_assessment');
    expect(proxied).toMatchObject({ id: risk.id, assignee: ids['risk2.hq'] });
    expect((await act('risk1.hq', risk, 'complete', { outcome: 'approve' })).status).toBe(403);
    await approve('risk2.hq', proxied!, { riskOpinion: 'acceptable with collateral' });

    const decided = await approve('fa.hq', await taskAt('fa.hq', id, 'final_approval'), {
      approvedAmount: '1800000.00',
      approvedRatePercent: '3.5000',
      approvedTermMonths: 240,
    });
    expect(decided.nextTasks).toEqual([]);

    const application = await eventually('the approved application', async () => {
      const res = await call('am.sh', 'GET', `/applications/${id}`);
      return res.body.status === 'approved' ? res.body : undefined;
    });
    expect(application.approvedAmount).toBe('1800000.00');
    expect(Number(application.approvedRatePercent)).toBe(3.5);
    expect(application.approvedTermMonths).toBe(240);

    const finished = await processOf(id);
    expect(finished.status).toBe('terminated');
    expect(finished.activeElementIds).toEqual([]);
    expect(finished.endedAt).not.toBe('');

    // The timeline has every banker's action, in order.
    const u = (name: string) => ids[name]!;
    const expected: [string, string, string][] = [
      ['completed', 'Task_MarketRouting', u('mkt.sh')],
      ['withdrawn', 'Task_MarketRouting', u('mkt.sh')],
      ['completed', 'Task_MarketRouting', u('mkt.sh')],
      ['claimed', 'Task_AssignPersonal', u('gl1.sh')],
      ['transferred', 'Task_AssignPersonal', u('gl1.sh')],
      ['completed', 'Task_AssignPersonal', u('gl2.sh')],
      ['completed', 'Task_Investigation', u('co.sh')],
      ['completed', 'Task_PreMeetingReview', u('rev.hq')],
      ['completed', 'Task_CommitteeVote', u('cm1.hq')],
      ['sentBack', 'Task_CommitteeVote', u('cm2.hq')],
      ['completed', 'Task_Investigation', u('co.sh')],
      ['completed', 'Task_PreMeetingReview', u('rev.hq')],
      ['completed', 'Task_CommitteeVote', u('cm1.hq')],
      ['completed', 'Task_CommitteeVote', u('cm2.hq')],
      ['completed', 'Task_CommitteeVote', u('cm3.hq')],
      ['claimed', 'Task_RiskAssessment', u('risk1.hq')],
      ['transferred', 'Task_RiskAssessment', u('risk1.hq')],
      ['completed', 'Task_RiskAssessment', u('risk2.hq')],
      ['completed', 'Task_FinalApproval', u('fa.hq')],
    ];
    const actions = finished.history
      .filter((e) => e.actor !== 'system' && e.action !== 'started')
      .map((e) => [e.action, e.elementId, e.actor]);
    expect(actions).toEqual(expected);
    const vote = finished.history.filter(
      (e) => e.action === 'completed' && e.elementId === 'Task_CommitteeVote',
    );
    expect(vote[1]!.opinion).toContain('exposure');
  });

  it('records a rejection at the pre-meeting review on the application', async () => {
    const id = await submitApplication({
      productCode: 'PERSONAL_CONSUMER',
      amount: '200000.00',
      termMonths: 36,
      repaymentMethod: 'equal_installments',
      purpose: 'Home renovation',
    });
    await approve('mkt.sh', await taskAt('mkt.sh', id, 'market_routing'));
    await approve('gl1.sh', await taskAt('gl1.sh', id, 'credit_officer_assignment'), {
      creditOfficer: ids['co.sh'],
    });
    await approve('co.sh', await taskAt('co.sh', id, 'investigation'), {
      opinion: 'caution',
      recommendedAmount: '150000.00',
      recommendedRatePercent: '4.2000',
      recommendedTermMonths: 36,
    });
    const rejected = await act(
      'rev.hq',
      await taskAt('rev.hq', id, 'pre_meeting_review'),
      'complete',
      {
        outcome: 'reject',
        opinion: 'income proof inconsistent with bank statements',
      },
    );
    expect(rejected.status).toBe(200);
    expect(rejected.body.nextTasks).toEqual([]);

    const application = await eventually('the rejected application', async () => {
      const res = await call('am.sh', 'GET', `/applications/${id}`);
      return res.body.status === 'rejected' ? res.body : undefined;
    });
    expect(application.approvedAmount).toBeNull();
    const instance = await processOf(id);
    expect(instance.activeElementIds).toEqual([]);
    expect(instance.history.at(-1)).toMatchObject({
      action: 'ended',
      elementId: 'EndEvent_RejectedAtPreMeetingReview',
    });
  });
});
