import { fileDocuments } from '../support/checklists';
import { api, startSystem, type TestSystem, type TestUser } from '../support/system';
import { bankers } from '../support/bankers';
import { mobile, residentId } from '../support/identities';

/**
 * Back office redraws the process: the risk assessment is taken out and the result deployed as
 * version 2 through the gateway. Instances started before keep running on version 1 (and still
 * pass the risk assessment); new ones run on version 2; instances waiting at a step both versions
 * have can be migrated, one waiting at the removed step is refused with the reason.
 */

const USERS: TestUser[] = [
  { username: 'am.sh', roles: ['account_manager'], branchId: 'SH001' },
  { username: 'mkt.sh', roles: ['market_specialist'], branchId: 'SH001' },
  { username: 'gl.sh', roles: ['group_leader'], branchId: 'SH001' },
  { username: 'co.sh', roles: ['credit_officer'], branchId: 'SH001' },
  { username: 'rev.hq', roles: ['pre_meeting_reviewer'], branchId: 'HQ' },
  { username: 'cm1.hq', roles: ['committee_member'], branchId: 'HQ' },
  { username: 'cm2.hq', roles: ['committee_member'], branchId: 'HQ' },
  { username: 'cm3.hq', roles: ['committee_member'], branchId: 'HQ' },
  { username: 'risk.hq', roles: ['risk_manager'], branchId: 'HQ' },
  { username: 'fa.hq', roles: ['final_approver'], branchId: 'HQ' },
  { username: 'admin.hq', roles: ['admin'], branchId: 'HQ' },
];

const KEY = 'Process_CreditApproval';

interface Task {
  id: string;
  businessKey: string;
  elementId: string;
  assignee: string;
}
interface Instance {
  id: string;
  status: string;
  definitionId: string;
  definitionVersion: number;
  activeElementIds: string[];
  history: { actor: string; action: string; elementId: string }[];
}
interface Definition {
  id: string;
  key: string;
  version: number;
  deployedBy: string;
}
interface Deployed {
  definition: Definition;
  created: boolean;
}
interface Problem {
  detail: string;
  errors: { field: string; reason: string }[];
}

/**
 * What a modeler does when one step is deleted in bpmn-js: the risk assessment task, its outcome
 * gateway and its rejected end go, with their flows and diagram shapes; the committee's approved
 * flow is reconnected to the final approval.
 */
function withoutRiskAssessment(xml: string): string {
  const drop = (source: string, tag: string, id: string) => {
    const pattern = new RegExp(
      `\\n[ \\t]*<${tag} id="${id}"[^>]*?(?:/>|>[\\s\\S]*?</${tag}>)`,
      'g',
    );
    const matches = source.match(pattern) ?? [];
    if (matches.length !== 1) throw new Error(`expected one ${tag}#${id}, found ${matches.length}`);
    return source.replace(pattern, '');
  };
  const replaceOnce = (source: string, from: string, to: string) => {
    if (source.split(from).length !== 2) throw new Error(`expected "${from}" once`);
    return source.replace(from, to);
  };
  let out = xml;
  out = drop(out, 'bpmn:userTask', 'Task_RiskAssessment');
  out = drop(out, 'bpmn:exclusiveGateway', 'Gateway_RiskOutcome');
  out = drop(out, 'bpmn:endEvent', 'EndEvent_RejectedAtRiskAssessment');
  for (const flow of ['Flow_Risk_Outcome', 'Flow_Risk_Rejected', 'Flow_Risk_Accepted']) {
    out = drop(out, 'bpmn:sequenceFlow', flow);
    out = drop(out, 'bpmndi:BPMNEdge', `${flow}_di`);
  }
  for (const shape of [
    'Task_RiskAssessment',
    'Gateway_RiskOutcome',
    'EndEvent_RejectedAtRiskAssessment',
  ])
    out = drop(out, 'bpmndi:BPMNShape', `${shape}_di`);
  out = replaceOnce(
    out,
    'id="Flow_Committee_Approved" sourceRef="Gateway_CommitteeOutcome" targetRef="Task_RiskAssessment"',
    'id="Flow_Committee_Approved" sourceRef="Gateway_CommitteeOutcome" targetRef="Task_FinalApproval"',
  );
  out = replaceOnce(
    out,
    '<bpmn:incoming>Flow_Risk_Accepted</bpmn:incoming>',
    '<bpmn:incoming>Flow_Committee_Approved</bpmn:incoming>',
  );
  out = out.replace(
    /(<bpmndi:BPMNEdge id="Flow_Committee_Approved_di"[^>]*>\s*<di:waypoint x="1625" y="360" \/>\s*<di:waypoint )x="1670"/,
    '$1x="1930"',
  );
  return out;
}

describe('end to end: a redrawn process deploys as version 2 beside running version-1 instances', () => {
  let system: TestSystem;
  const { ids, call, eventually, loadIds } = bankers(() => system);

  beforeAll(async () => {
    system = await startSystem({ users: USERS });
    await loadIds(USERS);
  });
  afterAll(async () => {
    await system?.stop();
  });

  const taskAt = (who: string, applicationId: string, step: string) =>
    eventually(`${step} task for ${who}`, async () => {
      for (const scope of ['mine', 'group']) {
        const res = await call<{ items: Task[] }>(
          who,
          'GET',
          `/tasks?scope=${scope}&step=${step}&pageSize=100`,
        );
        expect(res.status).toBe(200);
        const task = res.body.items.find((t) => t.businessKey === applicationId);
        if (task) return task;
      }
      return undefined;
    });

  async function approve(who: string, task: Task, formData: Record<string, unknown> = {}) {
    const res = await call<{ nextTasks: Task[] }>(
      who,
      'POST',
      `/tasks/${encodeURIComponent(task.id)}:complete`,
      { outcome: 'approve', opinion: 'agreed', formData },
    );
    // The problem's detail says which field when a step refuses its form.
    expect([res.status, res.status === 200 ? '' : JSON.stringify(res.body)]).toEqual([200, '']);
    return res.body;
  }

  const processOf = async (applicationId: string) => {
    const res = await call<Instance>('am.sh', 'GET', `/applications/${applicationId}/process`);
    expect(res.status).toBe(200);
    return res.body;
  };

  /** Enters and submits a 2,000,000 mortgage (committee size) and waits for its instance. */
  async function submitMortgage(): Promise<{ applicationId: string; instance: Instance }> {
    const customer = await call('am.sh', 'POST', '/customers', {
      type: 'individual',
      name: '李娜',
      individual: {
        residentId: residentId('1987-09-23', 'female'),
        mobile: mobile(),
        occupation: 'Doctor',
        employer: '瑞金医院',
        monthlyIncome: '85000.00',
      },
    });
    expect(customer.status).toBe(201);
    const created = await call('am.sh', 'POST', '/applications', {
      customerId: customer.body.id,
      productCode: 'MORTGAGE',
      amount: '2000000.00',
      termMonths: 240,
      repaymentMethod: 'equal_installments',
      purpose: 'Purchase of a first home',
      existingMonthlyDebtPayments: '0.00',
    });
    expect(created.status).toBe(201);
    const applicationId = created.body.id as string;
    // The documents gate is on: the papers of every step are filed up front.
    await fileDocuments(system, 'am.sh', applicationId);
    expect((await call('am.sh', 'POST', `/applications/${applicationId}/submit`)).status).toBe(200);
    const instance = await eventually('the process instance', async () => {
      const res = await call<Instance>('am.sh', 'GET', `/applications/${applicationId}/process`);
      return res.status === 200 ? res.body : undefined;
    });
    return { applicationId, instance };
  }

  /** Routing, assignment, investigation, review and a 2-of-3 committee vote; returns the next tasks. */
  async function throughCommittee(id: string): Promise<Task[]> {
    await approve('mkt.sh', await taskAt('mkt.sh', id, 'market_routing'));
    await approve('gl.sh', await taskAt('gl.sh', id, 'credit_officer_assignment'), {
      creditOfficer: ids['co.sh'],
    });
    await approve('co.sh', await taskAt('co.sh', id, 'investigation'), {
      opinion: 'recommend',
      recommendedAmount: '2000000.00',
      recommendedRatePercent: '3.6000',
      recommendedTermMonths: 240,
    });
    await approve('rev.hq', await taskAt('rev.hq', id, 'pre_meeting_review'), {
      committeeMembers: [ids['cm1.hq'], ids['cm2.hq'], ids['cm3.hq']],
      committeeMeetingAt: '2026-12-01T10:00:00+08:00',
    });
    await approve('cm1.hq', await taskAt('cm1.hq', id, 'committee_vote'));
    const decided = await approve('cm2.hq', await taskAt('cm2.hq', id, 'committee_vote'));
    return decided.nextTasks;
  }

  const finalTerms = {
    approvedAmount: '1900000.00',
    approvedRatePercent: '3.6000',
    approvedTermMonths: 240,
  };

  it('deploys the redrawn process as version 2 and keeps version-1 instances on version 1', async () => {
    // The deployed default, as the modeler downloads it.
    const list = await call<{ items: Definition[] }>(
      'admin.hq',
      'GET',
      `/process-definitions?key=${KEY}`,
    );
    expect(list.status).toBe(200);
    expect(list.body.items.map((d) => d.version)).toEqual([1]);
    const v1 = list.body.items[0]!;
    const download = await api<string>(
      system.baseUrl,
      'GET',
      `/api/v1/process-definitions/${v1.id}?format=xml`,
      { token: await system.login('admin.hq') },
    );
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toContain('application/xml');
    const v1Xml = download.body;
    expect(v1Xml).toContain('<bpmn:userTask id="Task_RiskAssessment"');

    // Two applications submitted before the new version: one will be at the risk assessment.
    const atRisk = await submitMortgage();
    const atRouting = await submitMortgage();
    expect(atRisk.instance.definitionVersion).toBe(1);
    expect(atRouting.instance.definitionVersion).toBe(1);
    const next = await throughCommittee(atRisk.applicationId);
    expect(next.map((t) => t.elementId)).toEqual(['Task_RiskAssessment']);

    const v2Xml = withoutRiskAssessment(v1Xml);
    expect(v2Xml).not.toMatch(
      /Task_RiskAssessment|Gateway_RiskOutcome|RejectedAtRiskAssessment|Flow_Risk_/,
    );
    expect(v2Xml).toContain('targetRef="Task_FinalApproval"');

    // Only administrators deploy; bad XML and unsupported elements are refused, naming them.
    const notAdmin = await call('risk.hq', 'POST', '/process-definitions', { xml: v2Xml });
    expect(notAdmin.status).toBe(403);
    const malformed = await call<Problem>('admin.hq', 'POST', '/process-definitions', {
      xml: v2Xml.replace('</bpmn:process>', ''),
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.detail).toContain('malformed BPMN XML');
    const withScript = await call<Problem>('admin.hq', 'POST', '/process-definitions', {
      xml: v2Xml.replace(
        '</bpmn:process>',
        '  <bpmn:scriptTask id="Task_ComputeScore" name="Compute score" />\n  </bpmn:process>',
      ),
    });
    expect(withScript.status).toBe(400);
    expect(withScript.body.detail).toContain('Task_ComputeScore');
    expect(withScript.body.detail).toContain('scriptTask');
    expect(withScript.body.errors.map((e) => e.field)).toContain('xml#Task_ComputeScore');
    const stillOne = await call<{ items: Definition[] }>(
      'admin.hq',
      'GET',
      `/process-definitions?key=${KEY}`,
    );
    expect(stillOne.body.items.map((d) => d.version)).toEqual([1]);

    const deployed = await call<Deployed>('admin.hq', 'POST', '/process-definitions', {
      xml: v2Xml,
    });
    expect(deployed.status).toBe(201);
    expect(deployed.body.created).toBe(true);
    const v2 = deployed.body.definition;
    expect(v2).toMatchObject({ key: KEY, version: 2, deployedBy: ids['admin.hq'] });
    // The same drawing again deploys nothing new.
    const sameAgain = await call<Deployed>('admin.hq', 'POST', '/process-definitions', {
      xml: v2Xml,
    });
    expect(sameAgain.status).toBe(200);
    expect(sameAgain.body).toMatchObject({ created: false, definition: { id: v2.id, version: 2 } });
    const listed = await call<{ items: Definition[] }>(
      'admin.hq',
      'GET',
      `/process-definitions?key=${KEY}`,
    );
    expect(listed.body.items.map((d) => d.version).sort()).toEqual([1, 2]);
    const stored = await api<string>(
      system.baseUrl,
      'GET',
      `/api/v1/process-definitions/${v2.id}?format=xml`,
      { token: await system.login('admin.hq') },
    );
    expect(stored.body).toBe(v2Xml);

    // A new application runs on version 2 and goes from the committee straight to final approval.
    const fresh = await submitMortgage();
    expect(fresh.instance.definitionVersion).toBe(2);
    expect(fresh.instance.definitionId).toBe(v2.id);
    const freshNext = await throughCommittee(fresh.applicationId);
    expect(freshNext.map((t) => t.elementId)).toEqual(['Task_FinalApproval']);
    await approve(
      'fa.hq',
      await taskAt('fa.hq', fresh.applicationId, 'final_approval'),
      finalTerms,
    );
    const freshDone = await processOf(fresh.applicationId);
    expect(freshDone.status).toBe('terminated');
    expect(freshDone.history.some((e) => e.elementId === 'Task_RiskAssessment')).toBe(false);

    // Migration: only administrators; the instance at routing moves, the one at the removed step does not.
    const migrate = {
      fromVersion: 1,
      toVersion: 2,
      instanceIds: [atRisk.instance.id, atRouting.instance.id],
    };
    const forbidden = await call(
      'risk.hq',
      'POST',
      `/process-definitions/${KEY}/migrations`,
      migrate,
    );
    expect(forbidden.status).toBe(403);
    const migration = await call<{
      migrated: string[];
      refused: { instanceId: string; reason: string }[];
    }>('admin.hq', 'POST', `/process-definitions/${KEY}/migrations`, migrate);
    expect(migration.status).toBe(200);
    expect(migration.body.migrated).toEqual([atRouting.instance.id]);
    expect(migration.body.refused).toHaveLength(1);
    expect(migration.body.refused[0]!.instanceId).toBe(atRisk.instance.id);
    expect(migration.body.refused[0]!.reason).toContain('Task_RiskAssessment');

    const moved = await processOf(atRouting.applicationId);
    expect(moved.definitionVersion).toBe(2);
    expect(moved.activeElementIds).toEqual(['Task_MarketRouting']);
    await approve('mkt.sh', await taskAt('mkt.sh', atRouting.applicationId, 'market_routing'));
    expect((await processOf(atRouting.applicationId)).activeElementIds).toEqual([
      'Task_AssignPersonal',
    ]);

    // The refused instance stays on version 1 and still passes the risk assessment.
    const stayed = await processOf(atRisk.applicationId);
    expect(stayed.definitionVersion).toBe(1);
    expect(stayed.activeElementIds).toEqual(['Task_RiskAssessment']);
    const riskNext = await approve(
      'risk.hq',
      await taskAt('risk.hq', atRisk.applicationId, 'risk_assessment'),
      { riskOpinion: 'acceptable' },
    );
    expect(riskNext.nextTasks.map((t) => t.elementId)).toEqual(['Task_FinalApproval']);
    await approve(
      'fa.hq',
      await taskAt('fa.hq', atRisk.applicationId, 'final_approval'),
      finalTerms,
    );
    const v1Done = await processOf(atRisk.applicationId);
    expect(v1Done.status).toBe('terminated');
    expect(v1Done.definitionVersion).toBe(1);
    expect(
      v1Done.history.some((e) => e.action === 'completed' && e.elementId === 'Task_RiskAssessment'),
    ).toBe(true);

    for (const applicationId of [atRisk.applicationId, fresh.applicationId]) {
      const application = await eventually(`approved ${applicationId}`, async () => {
        const res = await call('am.sh', 'GET', `/applications/${applicationId}`);
        return res.body.status === 'approved' ? res.body : undefined;
      });
      expect(application.approvedAmount).toBe('1900000.00');
    }
  });
});
