import { chain, endEvent, flow, parallelGateway, startEvent, userTask } from './bpmn/bpmn-fixture';
import type { ProcessModel } from './bpmn/process-model';
import {
  addSigner,
  claimTask,
  completeTask,
  delegate,
  sendBack,
  start,
  transfer,
  urge,
  withdraw,
  type EngineError,
  type InstanceState,
} from './engine';
import { actor, deploy, NOW, openTaskAt, openTasks } from './engine-test-support';

const starter = actor('am1', 'account_manager');
const officer = actor('co1', 'credit_officer');
const leader = actor('gl1', 'group_leader');
const approve = { outcome: 'approve' as const };
const reject = { outcome: 'reject' as const };

async function rejection(promise: Promise<unknown>): Promise<EngineError> {
  try {
    await promise;
  } catch (error) {
    return error as EngineError;
  }
  throw new Error('expected the command to be refused');
}

function committeeModel(condition?: string, sequential = false): Promise<ProcessModel> {
  return deploy([
    startEvent(),
    userTask('investigate', { candidateGroups: 'credit_officer', stepCode: 'investigation' }),
    userTask('committee', {
      assignee: '=member',
      stepCode: 'committeeVote',
      multiInstance: {
        sequential,
        inputCollection: '=members',
        inputElement: 'member',
        ...(condition ? { completionCondition: condition } : {}),
      },
    }),
    userTask('final', { candidateGroups: 'final_approver', separatedFrom: 'investigation' }),
    endEvent(),
    chain('start', 'investigate', 'committee', 'final', 'end'),
  ]);
}

async function atCommittee(
  model: ProcessModel,
  members: string[] = ['m1', 'm2', 'm3'],
): Promise<InstanceState> {
  const { state } = await start(model, { members }, NOW, starter);
  return (
    await completeTask(model, state, openTaskAt(state, 'investigate').id, officer, approve, NOW)
  ).state;
}

function votersTask(state: InstanceState, member: string) {
  const task = openTasks(state).find((candidate) => candidate.assignee === member);
  if (!task) throw new Error(`no open vote for ${member}`);
  return task;
}

describe('multi-instance vote (会签)', () => {
  it('creates one task per committee member, each assigned by the input element', async () => {
    const model = await committeeModel();
    const state = await atCommittee(model);
    expect(
      openTasks(state).map((task) => [task.assignee, task.loopIndex, task.localVariables]),
    ).toEqual([
      ['m1', 0, { loopCounter: 1, member: 'm1' }],
      ['m2', 1, { loopCounter: 2, member: 'm2' }],
      ['m3', 2, { loopCounter: 3, member: 'm3' }],
    ]);
    expect(state.tokens).toEqual([
      expect.objectContaining({
        elementId: 'committee',
        wait: { type: 'multiInstance', bodyId: 'body-1' },
      }),
    ]);
  });

  it('waits for every vote without a completion condition and publishes the tally', async () => {
    const model = await committeeModel();
    let state = await atCommittee(model);
    state = (
      await completeTask(model, state, votersTask(state, 'm1').id, actor('m1'), approve, NOW)
    ).state;
    state = (await completeTask(model, state, votersTask(state, 'm2').id, actor('m2'), reject, NOW))
      .state;
    expect(openTasks(state)).toHaveLength(1);
    state = (
      await completeTask(model, state, votersTask(state, 'm3').id, actor('m3'), approve, NOW)
    ).state;
    expect(state.variables.committeeVoteVotes).toEqual({
      nrOfInstances: 3,
      nrOfCompletedInstances: 3,
      approvals: 2,
      rejections: 1,
    });
    expect(openTasks(state).map((task) => task.elementId)).toEqual(['final']);
    expect(state.multiInstanceBodies).toEqual([]);
  });

  it('ends early when a 2/3 quorum approves, cancelling the remaining vote', async () => {
    const model = await committeeModel('=approvals / nrOfInstances >= 2/3');
    let state = await atCommittee(model);
    state = (
      await completeTask(model, state, votersTask(state, 'm1').id, actor('m1'), approve, NOW)
    ).state;
    const result = await completeTask(
      model,
      state,
      votersTask(state, 'm3').id,
      actor('m3'),
      approve,
      NOW,
    );
    expect(result.effects).toContainEqual({
      type: 'taskCancelled',
      taskId: 'task-3',
      elementId: 'committee',
      reason: 'vote decided',
    });
    expect(openTasks(result.state).map((task) => task.elementId)).toEqual(['final']);
    expect(result.state.variables.committeeVoteVotes).toMatchObject({
      approvals: 2,
      nrOfCompletedInstances: 2,
    });
  });

  it('ends at the first rejection with an any-reject rule', async () => {
    const model = await committeeModel('=rejections > 0');
    let state = await atCommittee(model);
    state = (await completeTask(model, state, votersTask(state, 'm2').id, actor('m2'), reject, NOW))
      .state;
    expect(openTasks(state).map((task) => task.elementId)).toEqual(['final']);
    expect(state.variables.committeeVoteVotes).toMatchObject({ rejections: 1, approvals: 0 });
  });

  it('sees nrOfActiveInstances and nrOfCompletedInstances in the condition', async () => {
    const model = await committeeModel('=nrOfActiveInstances = 1 and nrOfCompletedInstances = 2');
    let state = await atCommittee(model);
    state = (await completeTask(model, state, votersTask(state, 'm1').id, actor('m1'), reject, NOW))
      .state;
    expect(openTasks(state)).toHaveLength(2);
    state = (await completeTask(model, state, votersTask(state, 'm2').id, actor('m2'), reject, NOW))
      .state;
    expect(openTasks(state).map((task) => task.elementId)).toEqual(['final']);
  });

  it('hands out a sequential vote one member at a time', async () => {
    const model = await committeeModel(undefined, true);
    let state = await atCommittee(model, ['m1', 'm2']);
    expect(openTasks(state).map((task) => task.assignee)).toEqual(['m1']);
    state = (
      await completeTask(model, state, votersTask(state, 'm1').id, actor('m1'), approve, NOW)
    ).state;
    expect(openTasks(state).map((task) => task.assignee)).toEqual(['m2']);
    state = (
      await completeTask(model, state, votersTask(state, 'm2').id, actor('m2'), approve, NOW)
    ).state;
    expect(openTasks(state).map((task) => task.elementId)).toEqual(['final']);
  });

  it('skips a vote with nobody to vote', async () => {
    const model = await committeeModel();
    const state = await atCommittee(model, []);
    expect(openTasks(state).map((task) => task.elementId)).toEqual(['final']);
    expect(state.variables.committeeVoteVotes).toMatchObject({ nrOfInstances: 0 });
  });

  it('refuses a collection that is not a list', async () => {
    const model = await committeeModel();
    const { state } = await start(model, { members: 'm1' }, NOW, starter);
    const error = await rejection(
      completeTask(model, state, openTaskAt(state, 'investigate').id, officer, approve, NOW),
    );
    expect(error).toMatchObject({
      code: 'failed_precondition',
      message: expect.stringContaining('not a list'),
    });
  });

  it('refuses a vote by someone outside the committee', async () => {
    const model = await committeeModel();
    const state = await atCommittee(model);
    expect(
      (
        await rejection(
          completeTask(model, state, votersTask(state, 'm1').id, actor('m2'), approve, NOW),
        )
      ).code,
    ).toBe('permission_denied');
  });
});

describe('separation of investigation and approval (审贷分离)', () => {
  it('refuses the investigator at a step separated from the investigation', async () => {
    const model = await committeeModel();
    let state = await atCommittee(model, ['m1']);
    state = (
      await completeTask(model, state, votersTask(state, 'm1').id, actor('m1'), approve, NOW)
    ).state;
    const finalTask = openTaskAt(state, 'final');
    const investigatorAsApprover = actor('co1', 'credit_officer', 'final_approver');
    const error = await rejection(
      completeTask(model, state, finalTask.id, investigatorAsApprover, approve, NOW),
    );
    expect(error).toMatchObject({
      code: 'permission_denied',
      message: expect.stringContaining('separation of investigation and approval'),
    });
    expect(
      (await rejection(claimTask(model, state, finalTask.id, investigatorAsApprover, NOW))).code,
    ).toBe('permission_denied');
    const approved = await completeTask(
      model,
      state,
      finalTask.id,
      actor('fa1', 'final_approver'),
      approve,
      NOW,
    );
    expect(approved.state.tasks.find((task) => task.id === finalTask.id)).toMatchObject({
      status: 'completed',
      completedBy: 'fa1',
      outcome: 'approve',
    });
    expect(approved.state).toMatchObject({ status: 'completed', endedAt: NOW, tokens: [] });
    expect(approved.state.variables.finalOutcome).toBe('approve');
  });

  it('refuses a transfer to the investigator', async () => {
    const model = await committeeModel();
    let state = await atCommittee(model, ['m1']);
    state = (
      await completeTask(model, state, votersTask(state, 'm1').id, actor('m1'), approve, NOW)
    ).state;
    const approver = actor('fa1', 'final_approver');
    state = (await claimTask(model, state, openTaskAt(state, 'final').id, approver, NOW)).state;
    expect(
      (await rejection(transfer(model, state, openTaskAt(state, 'final').id, approver, 'co1', NOW)))
        .code,
    ).toBe('permission_denied');
  });

  it('accepts an element id as the separated step', async () => {
    const model = await deploy([
      startEvent(),
      userTask('investigate'),
      userTask('approve', { separatedFrom: 'investigate' }),
      endEvent(),
      chain('start', 'investigate', 'approve', 'end'),
    ]);
    let { state } = await start(model, {}, NOW, starter);
    state = (
      await completeTask(model, state, openTaskAt(state, 'investigate').id, officer, approve, NOW)
    ).state;
    expect(
      (
        await rejection(
          completeTask(model, state, openTaskAt(state, 'approve').id, officer, approve, NOW),
        )
      ).code,
    ).toBe('permission_denied');
  });
});

describe('send back (回退)', () => {
  let model: ProcessModel;
  beforeAll(async () => {
    model = await deploy([
      startEvent(),
      userTask('submit', { assignee: '=accountManager' }),
      userTask('investigate', { candidateGroups: 'credit_officer' }),
      parallelGateway('split'),
      userTask('riskA1'),
      userTask('riskA2'),
      userTask('legal'),
      parallelGateway('join'),
      userTask('committee', {
        assignee: '=member',
        multiInstance: { inputCollection: '=members', inputElement: 'member' },
      }),
      endEvent(),
      chain('start', 'submit', 'investigate', 'split'),
      flow('split', 'riskA1'),
      flow('riskA1', 'riskA2'),
      flow('riskA2', 'join'),
      flow('split', 'legal'),
      flow('legal', 'join'),
      chain('join', 'committee', 'end'),
    ]);
  });

  async function atSplit(): Promise<InstanceState> {
    let { state } = await start(
      model,
      { accountManager: 'am1', members: ['m1', 'm2'] },
      NOW,
      starter,
    );
    state = (
      await completeTask(model, state, openTaskAt(state, 'submit').id, starter, approve, NOW)
    ).state;
    state = (
      await completeTask(model, state, openTaskAt(state, 'investigate').id, officer, approve, NOW)
    ).state;
    return state;
  }

  it('recreates the target step for whoever completed it and cancels the current task', async () => {
    let { state } = await start(model, { accountManager: 'am1', members: [] }, NOW, starter);
    state = (
      await completeTask(model, state, openTaskAt(state, 'submit').id, starter, approve, NOW)
    ).state;
    const current = openTaskAt(state, 'investigate');
    const result = await sendBack(
      model,
      state,
      current.id,
      officer,
      'submit',
      'income proof missing',
      NOW,
    );
    expect(openTasks(result.state).map((task) => [task.elementId, task.assignee])).toEqual([
      ['submit', 'am1'],
    ]);
    expect(result.effects).toContainEqual({
      type: 'taskSentBack',
      taskId: current.id,
      fromElementId: 'investigate',
      toElementId: 'submit',
      actor: 'co1',
      reason: 'income proof missing',
    });
    expect(result.effects).toContainEqual(
      expect.objectContaining({ type: 'taskCancelled', taskId: current.id }),
    );
    expect(result.state.history.at(-1)).toMatchObject({
      action: 'sentBack',
      reason: 'income proof missing',
      targetElementId: 'submit',
    });
  });

  it('refuses a target this instance never visited, changing nothing', async () => {
    const { state } = await start(model, { accountManager: 'am1', members: [] }, NOW, starter);
    const submitted = (
      await completeTask(model, state, openTaskAt(state, 'submit').id, starter, approve, NOW)
    ).state;
    const error = await rejection(
      sendBack(
        model,
        submitted,
        openTaskAt(submitted, 'investigate').id,
        officer,
        'legal',
        'x',
        NOW,
      ),
    );
    expect(error).toMatchObject({
      code: 'failed_precondition',
      message: expect.stringContaining('never completed'),
    });
  });

  it('refuses a target that is not a user task, its own step and an empty reason', async () => {
    const state = await atSplit();
    const task = openTaskAt(state, 'riskA1');
    expect(
      (await rejection(sendBack(model, state, task.id, officer, 'split', 'x', NOW))).code,
    ).toBe('invalid_argument');
    expect(
      (await rejection(sendBack(model, state, task.id, officer, 'nowhere', 'x', NOW))).code,
    ).toBe('invalid_argument');
    expect(
      (await rejection(sendBack(model, state, task.id, officer, 'riskA1', 'x', NOW))).code,
    ).toBe('invalid_argument');
    expect(
      (await rejection(sendBack(model, state, task.id, officer, 'submit', ' ', NOW))).code,
    ).toBe('invalid_argument');
  });

  it('out of a parallel branch to before the fork cancels the sibling branch and its join arrival', async () => {
    let state = await atSplit();
    state = (await completeTask(model, state, openTaskAt(state, 'legal').id, officer, approve, NOW))
      .state;
    expect(state.tokens.map((token) => token.elementId).sort()).toEqual(['join', 'riskA1']);
    const result = await sendBack(
      model,
      state,
      openTaskAt(state, 'riskA1').id,
      officer,
      'investigate',
      'redo',
      NOW,
    );
    expect(result.state.tokens).toEqual([
      expect.objectContaining({ elementId: 'investigate', branch: [] }),
    ]);
    expect(openTasks(result.state).map((task) => [task.elementId, task.assignee])).toEqual([
      ['investigate', 'co1'],
    ]);
  });

  it('within a branch cancels only that branch', async () => {
    let state = await atSplit();
    state = (
      await completeTask(model, state, openTaskAt(state, 'riskA1').id, officer, approve, NOW)
    ).state;
    const result = await sendBack(
      model,
      state,
      openTaskAt(state, 'riskA2').id,
      officer,
      'riskA1',
      'recheck',
      NOW,
    );
    expect(
      openTasks(result.state)
        .map((task) => task.elementId)
        .sort(),
    ).toEqual(['legal', 'riskA1']);
    const legal = openTaskAt(result.state, 'legal');
    expect(legal.id).toBe(openTaskAt(state, 'legal').id);
    const resent = openTaskAt(result.state, 'riskA1');
    expect(resent.branch).toEqual(['fork-1.0']);
  });

  it('refuses a target in a sibling branch', async () => {
    let state = await atSplit();
    state = (await completeTask(model, state, openTaskAt(state, 'legal').id, officer, approve, NOW))
      .state;
    const error = await rejection(
      sendBack(model, state, openTaskAt(state, 'riskA1').id, officer, 'legal', 'x', NOW),
    );
    expect(error).toMatchObject({
      code: 'failed_precondition',
      message: expect.stringContaining('parallel branch'),
    });
  });

  it('out of a vote cancels the whole vote', async () => {
    let state = await atSplit();
    state = (
      await completeTask(model, state, openTaskAt(state, 'riskA1').id, officer, approve, NOW)
    ).state;
    state = (
      await completeTask(model, state, openTaskAt(state, 'riskA2').id, officer, approve, NOW)
    ).state;
    state = (await completeTask(model, state, openTaskAt(state, 'legal').id, officer, approve, NOW))
      .state;
    state = (await completeTask(model, state, votersTask(state, 'm1').id, actor('m1'), reject, NOW))
      .state;
    const result = await sendBack(
      model,
      state,
      votersTask(state, 'm2').id,
      actor('m2'),
      'investigate',
      'committee needs more',
      NOW,
    );
    expect(result.state.multiInstanceBodies).toEqual([]);
    expect(openTasks(result.state).map((task) => task.elementId)).toEqual(['investigate']);
    expect(result.state.tokens).toHaveLength(1);
  });

  it('lets the flow run to the end again after a send-back', async () => {
    let { state } = await start(model, { accountManager: 'am1', members: [] }, NOW, starter);
    state = (
      await completeTask(model, state, openTaskAt(state, 'submit').id, starter, approve, NOW)
    ).state;
    state = (
      await sendBack(model, state, openTaskAt(state, 'investigate').id, officer, 'submit', 'x', NOW)
    ).state;
    state = (
      await completeTask(model, state, openTaskAt(state, 'submit').id, starter, approve, NOW)
    ).state;
    state = (
      await completeTask(model, state, openTaskAt(state, 'investigate').id, officer, approve, NOW)
    ).state;
    for (const id of ['riskA1', 'riskA2', 'legal']) {
      state = (await completeTask(model, state, openTaskAt(state, id).id, officer, approve, NOW))
        .state;
    }
    expect(state.status).toBe('completed');
  });

  it('refuses a send-back by someone who may not act on the task', async () => {
    let { state } = await start(model, { accountManager: 'am1', members: [] }, NOW, starter);
    state = (
      await completeTask(model, state, openTaskAt(state, 'submit').id, starter, approve, NOW)
    ).state;
    const error = await rejection(
      sendBack(
        model,
        state,
        openTaskAt(state, 'investigate').id,
        actor('x', 'market_specialist'),
        'submit',
        'x',
        NOW,
      ),
    );
    expect(error.code).toBe('permission_denied');
  });
});

describe('withdraw (撤回)', () => {
  let model: ProcessModel;
  beforeAll(async () => {
    model = await deploy([
      startEvent(),
      userTask('submit', { assignee: '=accountManager' }),
      userTask('assign', { candidateGroups: 'group_leader' }),
      userTask('investigate'),
      endEvent(),
      chain('start', 'submit', 'assign', 'investigate', 'end'),
    ]);
  });

  async function submitted() {
    const { state } = await start(model, { accountManager: 'am1' }, NOW, starter);
    const submitTask = openTaskAt(state, 'submit');
    return {
      submitTask,
      state: (await completeTask(model, state, submitTask.id, starter, approve, NOW)).state,
    };
  }

  it('takes the step back while the next task is unclaimed', async () => {
    const { submitTask, state } = await submitted();
    const result = await withdraw(model, state, submitTask.id, starter, NOW);
    expect(openTasks(result.state).map((task) => [task.elementId, task.assignee])).toEqual([
      ['submit', 'am1'],
    ]);
    expect(result.state.tasks.find((task) => task.elementId === 'assign')!.status).toBe(
      'cancelled',
    );
    expect(result.state.history.at(-1)).toMatchObject({
      action: 'withdrawn',
      actor: 'am1',
      taskId: submitTask.id,
    });
  });

  it('is refused once the next task is claimed', async () => {
    const { submitTask, state } = await submitted();
    const claimed = (await claimTask(model, state, openTaskAt(state, 'assign').id, leader, NOW))
      .state;
    expect((await rejection(withdraw(model, claimed, submitTask.id, starter, NOW))).code).toBe(
      'failed_precondition',
    );
  });

  it('is refused to anyone but the completer', async () => {
    const { submitTask, state } = await submitted();
    expect((await rejection(withdraw(model, state, submitTask.id, leader, NOW))).code).toBe(
      'permission_denied',
    );
  });

  it('is refused for a task still open and for an unknown task', async () => {
    const { state } = await submitted();
    expect(
      (await rejection(withdraw(model, state, openTaskAt(state, 'assign').id, leader, NOW))).code,
    ).toBe('failed_precondition');
    expect((await rejection(withdraw(model, state, 'task-42', leader, NOW))).code).toBe(
      'not_found',
    );
  });
});

describe('transfer, delegate, add signer, urge', () => {
  let model: ProcessModel;
  beforeAll(async () => {
    model = await deploy([
      startEvent(),
      userTask('review', { assignee: 'rv1' }),
      userTask('next', { assignee: 'nx1' }),
      endEvent(),
      chain('start', 'review', 'next', 'end'),
    ]);
  });
  const reviewer = actor('rv1');

  it('transfer (转办) hands the task to another user for good', async () => {
    const { state } = await start(model, {}, NOW, starter);
    const taskId = openTaskAt(state, 'review').id;
    const result = await transfer(model, state, taskId, reviewer, 'rv2', NOW);
    expect(result.effects).toContainEqual({
      type: 'taskAssigned',
      taskId,
      assignee: 'rv2',
      previousAssignee: 'rv1',
      reason: 'transfer',
    });
    expect(
      (await rejection(completeTask(model, result.state, taskId, reviewer, approve, NOW))).code,
    ).toBe('permission_denied');
    const completed = await completeTask(model, result.state, taskId, actor('rv2'), approve, NOW);
    expect(completed.state.tasks.find((task) => task.id === taskId)).toMatchObject({
      status: 'completed',
      completedBy: 'rv2',
      assignee: 'rv2',
      outcome: 'approve',
    });
    expect(openTasks(completed.state).map((task) => [task.elementId, task.assignee])).toEqual([
      ['next', 'nx1'],
    ]);
  });

  it('transfer is refused to a non-assignee', async () => {
    const { state } = await start(model, {}, NOW, starter);
    expect(
      (
        await rejection(
          transfer(model, state, openTaskAt(state, 'review').id, actor('rv9'), 'rv2', NOW),
        )
      ).code,
    ).toBe('permission_denied');
  });

  it('delegate (委派) returns the task to its owner when the delegate resolves it', async () => {
    const { state } = await start(model, {}, NOW, starter);
    const taskId = openTaskAt(state, 'review').id;
    const delegated = (await delegate(model, state, taskId, reviewer, 'rv2', NOW)).state;
    expect(openTaskAt(delegated, 'review')).toMatchObject({ assignee: 'rv2', owner: 'rv1' });
    const resolved = await completeTask(
      model,
      delegated,
      taskId,
      actor('rv2'),
      { outcome: 'approve', opinion: 'checked the collateral' },
      NOW,
    );
    expect(openTaskAt(resolved.state, 'review')).toMatchObject({
      assignee: 'rv1',
      owner: null,
      status: 'open',
    });
    expect(resolved.state.history.at(-1)).toMatchObject({
      action: 'resolved',
      actor: 'rv2',
      opinion: 'checked the collateral',
    });
    const completed = await completeTask(model, resolved.state, taskId, reviewer, approve, NOW);
    expect(openTasks(completed.state).map((task) => task.elementId)).toEqual(['next']);
  });

  it('delegate is refused to a non-assignee and twice in a row', async () => {
    const { state } = await start(model, {}, NOW, starter);
    const taskId = openTaskAt(state, 'review').id;
    expect((await rejection(delegate(model, state, taskId, actor('rv2'), 'rv3', NOW))).code).toBe(
      'permission_denied',
    );
    const delegated = (await delegate(model, state, taskId, reviewer, 'rv2', NOW)).state;
    expect(
      (await rejection(delegate(model, delegated, taskId, actor('rv2'), 'rv3', NOW))).code,
    ).toBe('failed_precondition');
  });

  it('add signer before (前加签) suspends the task until the signer completes', async () => {
    const { state } = await start(model, {}, NOW, starter);
    const taskId = openTaskAt(state, 'review').id;
    const added = (await addSigner(model, state, taskId, reviewer, 'rv2', 'before', NOW)).state;
    expect(added.tasks.find((task) => task.id === taskId)!.status).toBe('suspended');
    expect((await rejection(completeTask(model, added, taskId, reviewer, approve, NOW))).code).toBe(
      'failed_precondition',
    );
    const signed = (
      await completeTask(model, added, openTaskAt(added, 'review').id, actor('rv2'), approve, NOW)
    ).state;
    expect(openTaskAt(signed, 'review').id).toBe(taskId);
    const done = (await completeTask(model, signed, taskId, reviewer, approve, NOW)).state;
    expect(openTasks(done).map((task) => task.elementId)).toEqual(['next']);
  });

  it('add signer after (后加签) asks the signer once the assignee has completed', async () => {
    const { state } = await start(model, {}, NOW, starter);
    const taskId = openTaskAt(state, 'review').id;
    const added = (await addSigner(model, state, taskId, reviewer, 'rv2', 'after', NOW)).state;
    const completed = (await completeTask(model, added, taskId, reviewer, approve, NOW)).state;
    expect(openTaskAt(completed, 'review')).toMatchObject({ assignee: 'rv2' });
    const signed = (
      await completeTask(
        model,
        completed,
        openTaskAt(completed, 'review').id,
        actor('rv2'),
        reject,
        NOW,
      )
    ).state;
    expect(openTasks(signed).map((task) => task.elementId)).toEqual(['next']);
    expect(signed.variables.reviewOutcome).toBe('reject');
  });

  it('urge (催办) reminds whoever holds the task, who keeps it; the task counts the urge', async () => {
    const { state } = await start(model, {}, NOW, starter);
    const taskId = openTaskAt(state, 'review').id;
    const result = await urge(model, state, taskId, starter, NOW);
    expect(result.effects).toContainEqual({
      type: 'taskUrged',
      taskId,
      elementId: 'review',
      urgedBy: 'am1',
      assignee: 'rv1',
      candidateGroups: [],
      candidateUsers: [],
      reason: '',
    });
    // Nobody else holds it now and it is still open; only the count and the time are new.
    expect(result.state.tasks).toEqual(
      state.tasks.map((t) => (t.id === taskId ? { ...t, urgeCount: 1, lastUrgedAt: NOW } : t)),
    );
    const again = await urge(model, result.state, taskId, starter, '2025-03-04T09:00:00.000Z');
    expect(openTaskAt(again.state, 'review')).toMatchObject({
      urgeCount: 2,
      lastUrgedAt: '2025-03-04T09:00:00.000Z',
      assignee: 'rv1',
    });
  });

  it('urge carries what the urger said to whoever holds the task', async () => {
    const { state } = await start(model, {}, NOW, starter);
    const taskId = openTaskAt(state, 'review').id;
    const result = await urge(model, state, taskId, starter, NOW, '客户急需用款');
    expect(result.effects).toContainEqual(
      expect.objectContaining({ type: 'taskUrged', taskId, reason: '客户急需用款' }),
    );
  });

  it('urge is refused on a finished task', async () => {
    const { state } = await start(model, {}, NOW, starter);
    const taskId = openTaskAt(state, 'review').id;
    const done = (await completeTask(model, state, taskId, reviewer, approve, NOW)).state;
    expect((await rejection(urge(model, done, taskId, starter, NOW))).code).toBe(
      'failed_precondition',
    );
  });
});
