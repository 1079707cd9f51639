import {
  chain,
  endEvent,
  exclusiveGateway,
  flow,
  parallelGateway,
  startEvent,
  userTask,
} from './bpmn/bpmn-fixture';
import type { ProcessModel } from './bpmn/process-model';
import { claimTask, completeTask, start, unclaimTask, type EngineError } from './engine';
import { actor, deploy, NOW, openTaskAt, openTasks } from './engine-test-support';

const starter = actor('am1', 'account_manager');
const officer = actor('co1', 'credit_officer');
const approve = { outcome: 'approve' as const };

async function rejection(promise: Promise<unknown>): Promise<EngineError> {
  try {
    await promise;
  } catch (error) {
    return error as EngineError;
  }
  throw new Error('expected the command to be refused');
}

let chainModel: ProcessModel;
beforeAll(async () => {
  chainModel = await deploy([
    startEvent(),
    userTask('investigate', { candidateGroups: 'credit_officer', stepCode: 'investigation' }),
    userTask('review', { assignee: '=reviewer' }),
    endEvent(),
    chain('start', 'investigate', 'review', 'end'),
  ]);
});

describe('start', () => {
  it('creates the first task and reports the start', async () => {
    const { state, effects } = await start(chainModel, { reviewer: 'rv1' }, NOW, starter);
    expect(state.status).toBe('active');
    expect(openTasks(state)).toHaveLength(1);
    expect(openTaskAt(state, 'investigate')).toMatchObject({
      candidateGroups: ['credit_officer'],
      assignee: null,
      createdAt: NOW,
      stepCode: 'investigation',
    });
    expect(effects.map((effect) => effect.type)).toEqual([
      'history',
      'processStarted',
      'taskCreated',
    ]);
    expect(state.visited).toEqual(['start', 'investigate']);
    expect(state.tokens).toEqual([
      {
        id: 'token-1',
        elementId: 'investigate',
        branch: [],
        wait: { type: 'task', taskId: 'task-1' },
      },
    ]);
  });

  it('is deterministic: the same inputs give the same state', async () => {
    const first = await start(chainModel, { reviewer: 'rv1' }, NOW, starter);
    const second = await start(chainModel, { reviewer: 'rv1' }, NOW, starter);
    expect(second).toEqual(first);
  });

  it('keeps the state JSON-serialisable', async () => {
    const { state } = await start(chainModel, { reviewer: 'rv1', amount: 5 }, NOW, starter);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  it('evaluates assignee, candidate users and due date expressions', async () => {
    const model = await deploy([
      startEvent(),
      userTask('a', {
        assignee: '=officer',
        candidateUsers: '=[backup, "u9"]',
        candidateGroups: 'g1, g2',
        dueDate: '=string(duration("P2D"))',
      }),
      endEvent(),
      chain('start', 'a', 'end'),
    ]);
    const { state } = await start(model, { officer: 'co7', backup: 'co8' }, NOW, starter);
    expect(openTaskAt(state, 'a')).toMatchObject({
      assignee: 'co7',
      candidateUsers: ['co8', 'u9'],
      candidateGroups: ['g1', 'g2'],
      dueAt: '2025-03-05T09:00:00.000Z',
    });
  });

  it('reads a due date given as a date-time', async () => {
    const model = await deploy([
      startEvent(),
      userTask('a', { dueDate: '=deadline' }),
      endEvent(),
      chain('start', 'a', 'end'),
    ]);
    const { state } = await start(model, { deadline: '2025-03-10T00:00:00Z' }, NOW, starter);
    expect(openTaskAt(state, 'a').dueAt).toBe('2025-03-10T00:00:00.000Z');
  });

  it('completes at once when nothing waits', async () => {
    const model = await deploy([startEvent(), endEvent(), chain('start', 'end')]);
    const { state, effects } = await start(model, { amount: 1 }, NOW, starter);
    expect(state.status).toBe('completed');
    expect(state.endedAt).toBe(NOW);
    expect(effects).toContainEqual({
      type: 'processCompleted',
      status: 'completed',
      endEventId: 'end',
      variables: { amount: 1 },
    });
  });

  it('refuses a bad clock, bad variables and a missing actor', async () => {
    expect((await rejection(start(chainModel, {}, 'yesterday', starter))).code).toBe(
      'invalid_argument',
    );
    expect((await rejection(start(chainModel, [] as never, NOW, starter))).code).toBe(
      'invalid_argument',
    );
    expect((await rejection(start(chainModel, {}, NOW, { userId: '', groups: [] }))).code).toBe(
      'invalid_argument',
    );
  });
});

describe('completeTask', () => {
  it('moves to the next task, merges variables and records the outcome and opinion', async () => {
    const started = await start(chainModel, { reviewer: 'rv1' }, NOW, starter);
    const task = openTaskAt(started.state, 'investigate');
    const { state, effects } = await completeTask(
      chainModel,
      started.state,
      task.id,
      officer,
      {
        outcome: 'approve',
        opinion: 'income verified',
        formData: { recommendedAmount: '500000.00' },
        variables: { recommendedAmount: '500000.00' },
      },
      NOW,
    );
    expect(state.variables).toEqual({
      reviewer: 'rv1',
      recommendedAmount: '500000.00',
      investigationOutcome: 'approve',
    });
    expect(openTaskAt(state, 'review')).toMatchObject({ assignee: 'rv1', previousTaskId: task.id });
    expect(state.tasks[0]).toMatchObject({
      status: 'completed',
      completedBy: 'co1',
      outcome: 'approve',
      finishedAt: NOW,
    });
    expect(state.history.at(-1)).toEqual({
      seq: 2,
      at: NOW,
      actor: 'co1',
      action: 'completed',
      elementId: 'investigate',
      taskId: task.id,
      outcome: 'approve',
      opinion: 'income verified',
      formData: { recommendedAmount: '500000.00' },
    });
    expect(effects.map((effect) => effect.type)).toEqual([
      'history',
      'taskCompleted',
      'taskCreated',
    ]);
  });

  it('ends the process with the final variables after the last task', async () => {
    let { state } = await start(chainModel, { reviewer: 'rv1' }, NOW, starter);
    ({ state } = await completeTask(
      chainModel,
      state,
      openTaskAt(state, 'investigate').id,
      officer,
      approve,
      NOW,
    ));
    const done = await completeTask(
      chainModel,
      state,
      openTaskAt(state, 'review').id,
      actor('rv1'),
      { outcome: 'reject' },
      NOW,
    );
    expect(done.state.status).toBe('completed');
    expect(done.state.tokens).toEqual([]);
    expect(done.effects).toContainEqual({
      type: 'processCompleted',
      status: 'completed',
      endEventId: 'end',
      variables: { reviewer: 'rv1', investigationOutcome: 'approve', reviewOutcome: 'reject' },
    });
  });

  it('lets only one of two completions of the same task succeed', async () => {
    const { state } = await start(chainModel, { reviewer: 'rv1' }, NOW, starter);
    const taskId = openTaskAt(state, 'investigate').id;
    const first = await completeTask(chainModel, state, taskId, officer, approve, NOW);
    const error = await rejection(
      completeTask(chainModel, first.state, taskId, officer, approve, NOW),
    );
    expect(error.code).toBe('failed_precondition');
    expect(error.message).toContain('already completed');
  });

  it('reports an unknown task as not found', async () => {
    const { state } = await start(chainModel, { reviewer: 'rv1' }, NOW, starter);
    expect(
      (await rejection(completeTask(chainModel, state, 'task-99', officer, approve, NOW))).code,
    ).toBe('not_found');
  });

  it('lets a candidate group member complete an unclaimed task but nobody else', async () => {
    const { state } = await start(chainModel, { reviewer: 'rv1' }, NOW, starter);
    const taskId = openTaskAt(state, 'investigate').id;
    const error = await rejection(
      completeTask(chainModel, state, taskId, actor('mk1', 'market_specialist'), approve, NOW),
    );
    expect(error.code).toBe('permission_denied');
    const completed = await completeTask(chainModel, state, taskId, officer, approve, NOW);
    expect(completed.state.tasks.find((task) => task.id === taskId)).toMatchObject({
      status: 'completed',
      completedBy: 'co1',
      assignee: 'co1',
      outcome: 'approve',
      finishedAt: NOW,
    });
    expect(completed.state.variables).toEqual({ reviewer: 'rv1', investigationOutcome: 'approve' });
    expect(openTasks(completed.state).map((task) => [task.elementId, task.assignee])).toEqual([
      ['review', 'rv1'],
    ]);
  });

  it('lets only the assignee complete an assigned task', async () => {
    let { state } = await start(chainModel, { reviewer: 'rv1' }, NOW, starter);
    ({ state } = await completeTask(
      chainModel,
      state,
      openTaskAt(state, 'investigate').id,
      officer,
      approve,
      NOW,
    ));
    const error = await rejection(
      completeTask(chainModel, state, openTaskAt(state, 'review').id, actor('rv2'), approve, NOW),
    );
    expect(error).toMatchObject({
      code: 'permission_denied',
      message: expect.stringContaining('assigned to rv1'),
    });
  });

  it('refuses an outcome other than approve or reject, and bad variables', async () => {
    const { state } = await start(chainModel, { reviewer: 'rv1' }, NOW, starter);
    const taskId = openTaskAt(state, 'investigate').id;
    expect(
      (
        await rejection(
          completeTask(chainModel, state, taskId, officer, { outcome: 'maybe' as never }, NOW),
        )
      ).code,
    ).toBe('invalid_argument');
    expect(
      (
        await rejection(
          completeTask(
            chainModel,
            state,
            taskId,
            officer,
            { outcome: 'approve', variables: 'x' as never },
            NOW,
          ),
        )
      ).code,
    ).toBe('invalid_argument');
  });

  it('never changes the state it was given', async () => {
    const { state } = await start(chainModel, { reviewer: 'rv1' }, NOW, starter);
    const before = structuredClone(state);
    await completeTask(
      chainModel,
      state,
      openTaskAt(state, 'investigate').id,
      officer,
      approve,
      NOW,
    );
    expect(state).toEqual(before);
  });

  it('refuses any action on a finished instance', async () => {
    let { state } = await start(chainModel, { reviewer: 'rv1' }, NOW, starter);
    ({ state } = await completeTask(
      chainModel,
      state,
      openTaskAt(state, 'investigate').id,
      officer,
      approve,
      NOW,
    ));
    ({ state } = await completeTask(
      chainModel,
      state,
      openTaskAt(state, 'review').id,
      actor('rv1'),
      approve,
      NOW,
    ));
    expect(
      (await rejection(completeTask(chainModel, state, 'task-2', actor('rv1'), approve, NOW))).code,
    ).toBe('failed_precondition');
  });
});

describe('claim and unclaim', () => {
  it('lets a candidate claim, after which others are refused', async () => {
    const { state } = await start(chainModel, { reviewer: 'rv1' }, NOW, starter);
    const taskId = openTaskAt(state, 'investigate').id;
    const claimed = await claimTask(chainModel, state, taskId, officer, NOW);
    expect(openTaskAt(claimed.state, 'investigate')).toMatchObject({
      assignee: 'co1',
      claimed: true,
    });
    expect(claimed.effects).toContainEqual({
      type: 'taskAssigned',
      taskId,
      assignee: 'co1',
      previousAssignee: null,
      reason: 'claim',
    });
    expect(
      (
        await rejection(
          claimTask(chainModel, claimed.state, taskId, actor('co2', 'credit_officer'), NOW),
        )
      ).code,
    ).toBe('failed_precondition');
    expect(
      (
        await rejection(
          completeTask(
            chainModel,
            claimed.state,
            taskId,
            actor('co2', 'credit_officer'),
            approve,
            NOW,
          ),
        )
      ).code,
    ).toBe('permission_denied');
  });

  it('refuses a claim by a non-candidate', async () => {
    const { state } = await start(chainModel, { reviewer: 'rv1' }, NOW, starter);
    expect(
      (
        await rejection(
          claimTask(
            chainModel,
            state,
            openTaskAt(state, 'investigate').id,
            actor('x', 'other'),
            NOW,
          ),
        )
      ).code,
    ).toBe('permission_denied');
  });

  it('returns a claimed task to the group queue on unclaim, by the assignee only', async () => {
    const { state } = await start(chainModel, { reviewer: 'rv1' }, NOW, starter);
    const taskId = openTaskAt(state, 'investigate').id;
    const claimed = await claimTask(chainModel, state, taskId, officer, NOW);
    expect(
      (
        await rejection(
          unclaimTask(chainModel, claimed.state, taskId, actor('co2', 'credit_officer'), NOW),
        )
      ).code,
    ).toBe('permission_denied');
    const unclaimed = await unclaimTask(chainModel, claimed.state, taskId, officer, NOW);
    expect(openTaskAt(unclaimed.state, 'investigate')).toMatchObject({
      assignee: null,
      claimed: false,
    });
    const reclaimed = await claimTask(
      chainModel,
      unclaimed.state,
      taskId,
      actor('co2', 'credit_officer'),
      NOW,
    );
    expect(openTaskAt(reclaimed.state, 'investigate')).toMatchObject({
      id: taskId,
      assignee: 'co2',
      claimed: true,
    });
    expect(reclaimed.effects).toContainEqual({
      type: 'taskAssigned',
      taskId,
      assignee: 'co2',
      previousAssignee: null,
      reason: 'claim',
    });
  });
});

describe('exclusive gateway', () => {
  let model: ProcessModel;
  beforeAll(async () => {
    model = await deploy([
      startEvent(),
      exclusiveGateway('byAmount', { default: 'flow_byAmount_branch' }),
      userTask('committee'),
      userTask('riskCommittee'),
      userTask('branch'),
      endEvent(),
      flow('start', 'byAmount'),
      flow('byAmount', 'committee', { condition: '=amount > 1000000' }),
      flow('byAmount', 'riskCommittee', { condition: 'amount > 500000' }),
      flow('byAmount', 'branch'),
      flow('committee', 'end'),
      flow('riskCommittee', 'end'),
      flow('branch', 'end'),
    ]);
  });

  it('takes the first flow whose condition is true, in document order', async () => {
    const { state } = await start(model, { amount: 2000000 }, NOW, starter);
    expect(openTasks(state).map((task) => task.elementId)).toEqual(['committee']);
  });

  it('takes a later condition when the earlier ones are false', async () => {
    const { state } = await start(model, { amount: 600000 }, NOW, starter);
    expect(openTasks(state).map((task) => task.elementId)).toEqual(['riskCommittee']);
  });

  it('takes the default flow when no condition is true', async () => {
    const { state } = await start(model, { amount: 1000 }, NOW, starter);
    expect(openTasks(state).map((task) => task.elementId)).toEqual(['branch']);
  });

  it('treats a missing variable as not true', async () => {
    const { state } = await start(model, {}, NOW, starter);
    expect(openTasks(state).map((task) => task.elementId)).toEqual(['branch']);
  });

  it('raises an incident when nothing matches and there is no default', async () => {
    const strict = await deploy([
      startEvent(),
      exclusiveGateway('gw'),
      userTask('a'),
      userTask('b'),
      endEvent(),
      flow('start', 'gw'),
      flow('gw', 'a', { condition: 'x = 1' }),
      flow('gw', 'b', { condition: 'x = 2' }),
      flow('a', 'end'),
      flow('b', 'end'),
    ]);
    const error = await rejection(start(strict, { x: 3 }, NOW, starter));
    expect(error).toMatchObject({
      code: 'failed_precondition',
      message: expect.stringContaining('incident at gateway "gw"'),
      details: { elementId: 'gw' },
    });
  });

  it('passes only on exactly true, not on "true" or 1', async () => {
    const strict = await deploy([
      startEvent(),
      exclusiveGateway('gw', { default: 'flow_gw_b' }),
      userTask('a'),
      userTask('b'),
      endEvent(),
      flow('start', 'gw'),
      flow('gw', 'a', { condition: 'flag' }),
      flow('gw', 'b'),
      flow('a', 'end'),
      flow('b', 'end'),
    ]);
    for (const flag of ['true', 1]) {
      const { state } = await start(strict, { flag }, NOW, starter);
      expect(openTasks(state).map((task) => task.elementId)).toEqual(['b']);
    }
    const { state } = await start(strict, { flag: true }, NOW, starter);
    expect(openTasks(state).map((task) => task.elementId)).toEqual(['a']);
  });

  it('routes on the outcome of the previous step', async () => {
    const routed = await deploy([
      startEvent(),
      userTask('review'),
      exclusiveGateway('decision', { default: 'flow_decision_rejected' }),
      userTask('approved'),
      endEvent('rejected'),
      endEvent(),
      flow('start', 'review'),
      flow('review', 'decision'),
      flow('decision', 'approved', { condition: 'reviewOutcome = "approve"' }),
      flow('decision', 'rejected'),
      flow('approved', 'end'),
    ]);
    const { state } = await start(routed, {}, NOW, starter);
    const rejected = await completeTask(
      routed,
      state,
      openTaskAt(state, 'review').id,
      officer,
      { outcome: 'reject' },
      NOW,
    );
    expect(rejected.state.status).toBe('completed');
    expect(rejected.effects).toContainEqual(
      expect.objectContaining({ type: 'processCompleted', endEventId: 'rejected' }),
    );
    const approved = await completeTask(
      routed,
      state,
      openTaskAt(state, 'review').id,
      officer,
      approve,
      NOW,
    );
    expect(openTasks(approved.state).map((task) => task.elementId)).toEqual(['approved']);
  });
});

describe('parallel gateway', () => {
  let model: ProcessModel;
  beforeAll(async () => {
    model = await deploy([
      startEvent(),
      parallelGateway('split'),
      userTask('risk'),
      userTask('legal'),
      parallelGateway('join'),
      userTask('final'),
      endEvent(),
      flow('start', 'split'),
      flow('split', 'risk'),
      flow('split', 'legal'),
      flow('risk', 'join'),
      flow('legal', 'join'),
      flow('join', 'final'),
      flow('final', 'end'),
    ]);
  });

  it('forks into one task per branch, each token in its own branch', async () => {
    const { state } = await start(model, {}, NOW, starter);
    expect(openTasks(state).map((task) => task.elementId)).toEqual(['risk', 'legal']);
    expect(state.tokens.map((token) => token.branch)).toEqual([['fork-1.0'], ['fork-1.1']]);
  });

  it('waits at the join until every branch has arrived', async () => {
    let { state } = await start(model, {}, NOW, starter);
    ({ state } = await completeTask(
      model,
      state,
      openTaskAt(state, 'risk').id,
      officer,
      approve,
      NOW,
    ));
    expect(openTasks(state).map((task) => task.elementId)).toEqual(['legal']);
    expect(state.tokens).toContainEqual(
      expect.objectContaining({
        elementId: 'join',
        wait: { type: 'join', flowId: 'flow_risk_join' },
      }),
    );
    ({ state } = await completeTask(
      model,
      state,
      openTaskAt(state, 'legal').id,
      officer,
      approve,
      NOW,
    ));
    expect(openTasks(state).map((task) => task.elementId)).toEqual(['final']);
    expect(state.tokens).toEqual([expect.objectContaining({ elementId: 'final', branch: [] })]);
  });

  it('ends everything at a terminate end event', async () => {
    const terminating = await deploy([
      startEvent(),
      parallelGateway('split'),
      userTask('a'),
      userTask('b'),
      endEvent('stop', { terminate: true }),
      endEvent(),
      flow('start', 'split'),
      flow('split', 'a'),
      flow('split', 'b'),
      flow('a', 'stop'),
      flow('b', 'end'),
    ]);
    const { state } = await start(terminating, {}, NOW, starter);
    const done = await completeTask(
      terminating,
      state,
      openTaskAt(state, 'a').id,
      officer,
      approve,
      NOW,
    );
    expect(done.state.status).toBe('terminated');
    expect(done.state.tokens).toEqual([]);
    expect(done.state.tasks.find((task) => task.elementId === 'b')!.status).toBe('cancelled');
    expect(done.effects).toContainEqual(
      expect.objectContaining({
        type: 'processCompleted',
        status: 'terminated',
        endEventId: 'stop',
      }),
    );
  });

  it('ends normally only when the last branch reaches an end event', async () => {
    const twoEnds = await deploy([
      startEvent(),
      parallelGateway('split'),
      userTask('a'),
      userTask('b'),
      endEvent('endA'),
      endEvent('endB'),
      flow('start', 'split'),
      flow('split', 'a'),
      flow('split', 'b'),
      flow('a', 'endA'),
      flow('b', 'endB'),
    ]);
    let { state } = await start(twoEnds, {}, NOW, starter);
    ({ state } = await completeTask(
      twoEnds,
      state,
      openTaskAt(state, 'a').id,
      officer,
      approve,
      NOW,
    ));
    expect(state.status).toBe('active');
    ({ state } = await completeTask(
      twoEnds,
      state,
      openTaskAt(state, 'b').id,
      officer,
      approve,
      NOW,
    ));
    expect(state.status).toBe('completed');
  });
});
