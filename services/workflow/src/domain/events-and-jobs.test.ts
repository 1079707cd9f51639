import {
  chain,
  endEvent,
  flow,
  messageCatchEvent,
  serviceTask,
  startEvent,
  timerBoundary,
  userTask,
} from './bpmn/bpmn-fixture';
import type { ProcessModel } from './bpmn/process-model';
import {
  completeJob,
  completeTask,
  correlateMessage,
  fireTimer,
  migrateInstance,
  start,
  type EngineError,
} from './engine';
import { actor, deploy, later, NOW, openTaskAt, openTasks } from './engine-test-support';

const starter = actor('am1');
const approve = { outcome: 'approve' as const };

async function rejection(promise: Promise<unknown>): Promise<EngineError> {
  try {
    await promise;
  } catch (error) {
    return error as EngineError;
  }
  throw new Error('expected the command to be refused');
}

describe('timer boundary events', () => {
  let model: ProcessModel;
  beforeAll(async () => {
    model = await deploy([
      startEvent(),
      userTask('review', { assignee: 'rv1' }),
      timerBoundary('remind', 'review', { cycle: 'R2/PT4H' }, { interrupting: false }),
      timerBoundary('escalate', 'review', { duration: 'P3D' }),
      userTask('leaderDecides', { assignee: 'gl1' }),
      endEvent(),
      chain('start', 'review', 'end'),
      flow('escalate', 'leaderDecides'),
      flow('leaderDecides', 'end'),
    ]);
  });

  it('schedules the host task’s timers from now', async () => {
    const { state, effects } = await start(model, {}, NOW, starter);
    expect(
      state.timers.map((timer) => [timer.boundaryEventId, timer.dueAt, timer.interrupting]),
    ).toEqual([
      ['remind', later(4), false],
      ['escalate', later(72), true],
    ]);
    expect(effects.filter((effect) => effect.type === 'timerScheduled')).toHaveLength(2);
  });

  it('cancels the timers when the task is completed', async () => {
    const { state } = await start(model, {}, NOW, starter);
    const result = await completeTask(
      model,
      state,
      openTaskAt(state, 'review').id,
      actor('rv1'),
      approve,
      NOW,
    );
    expect(result.state.timers).toEqual([]);
    expect(
      result.effects
        .filter((effect) => effect.type === 'timerCancelled')
        .map((effect) => effect.timerId),
    ).toEqual(['timer-1', 'timer-2']);
  });

  it('refuses to fire before the due time', async () => {
    const { state } = await start(model, {}, NOW, starter);
    expect((await rejection(fireTimer(model, state, 'timer-2', later(71)))).code).toBe(
      'failed_precondition',
    );
  });

  it('an interrupting timer cancels the task and escalates along its flow', async () => {
    const { state } = await start(model, {}, NOW, starter);
    const result = await fireTimer(model, state, 'timer-2', later(72));
    expect(result.state.tasks[0]!.status).toBe('cancelled');
    expect(openTasks(result.state).map((task) => [task.elementId, task.assignee])).toEqual([
      ['leaderDecides', 'gl1'],
    ]);
    expect(result.state.timers).toEqual([]);
    expect(result.effects).toContainEqual({
      type: 'timerFired',
      timerId: 'timer-2',
      boundaryEventId: 'escalate',
      hostElementId: 'review',
      interrupting: true,
      taskIds: ['task-1'],
    });
  });

  it('a non-interrupting cycle reminds without cancelling and stops after its repetitions', async () => {
    let { state } = await start(model, {}, NOW, starter);
    const first = await fireTimer(model, state, 'timer-1', later(4));
    state = first.state;
    expect(openTaskAt(state, 'review').status).toBe('open');
    expect(state.timers.find((timer) => timer.id === 'timer-1')!.dueAt).toBe(later(8));
    state = (await fireTimer(model, state, 'timer-1', later(8))).state;
    expect(state.timers.map((timer) => timer.id)).toEqual(['timer-2']);
    expect((await rejection(fireTimer(model, state, 'timer-1', later(12)))).code).toBe(
      'failed_precondition',
    );
    expect(state.status).toBe('active');
  });

  it('a non-interrupting timer with a flow starts a parallel path', async () => {
    const reminderModel = await deploy([
      startEvent(),
      userTask('review', { assignee: 'rv1' }),
      timerBoundary('remind', 'review', { duration: 'PT24H' }, { interrupting: false }),
      serviceTask('notify', 'send-reminder'),
      endEvent(),
      endEvent('reminded'),
      chain('start', 'review', 'end'),
      chain('remind', 'notify', 'reminded'),
    ]);
    const { state } = await start(reminderModel, {}, NOW, starter);
    const result = await fireTimer(reminderModel, state, 'timer-1', later(24));
    expect(openTaskAt(result.state, 'review').status).toBe('open');
    expect(result.state.jobs).toEqual([
      expect.objectContaining({ elementId: 'notify', type: 'send-reminder', status: 'open' }),
    ]);
    expect(result.state.timers).toEqual([]);
  });

  it('reports an unknown timer as not found', async () => {
    const { state } = await start(model, {}, NOW, starter);
    expect((await rejection(fireTimer(model, state, 'timer-77', later(100)))).code).toBe(
      'not_found',
    );
  });

  it('evaluates a FEEL timer duration', async () => {
    const feelTimer = await deploy([
      startEvent(),
      userTask('review'),
      timerBoundary('t', 'review', { duration: '=slaDuration' }),
      endEvent(),
      chain('start', 'review', 'end'),
      flow('t', 'end'),
    ]);
    const { state } = await start(feelTimer, { slaDuration: 'PT2H' }, NOW, starter);
    expect(state.timers[0]!.dueAt).toBe(later(2));
  });
});

describe('service tasks as jobs', () => {
  let model: ProcessModel;
  beforeAll(async () => {
    model = await deploy([
      startEvent(),
      serviceTask('score', 'credit-score'),
      userTask('review'),
      endEvent(),
      chain('start', 'score', 'review', 'end'),
    ]);
  });

  it('creates a job and waits for it', async () => {
    const { state, effects } = await start(model, {}, NOW, starter);
    expect(state.jobs).toEqual([
      {
        id: 'job-1',
        elementId: 'score',
        tokenId: 'token-1',
        type: 'credit-score',
        retries: 3,
        status: 'open',
        createdAt: NOW,
      },
    ]);
    expect(effects).toContainEqual(expect.objectContaining({ type: 'jobCreated' }));
    expect(openTasks(state)).toEqual([]);
  });

  it('moves on with the worker’s variables when the job completes', async () => {
    const { state } = await start(model, {}, NOW, starter);
    const result = await completeJob(model, state, 'job-1', { score: 712 }, NOW);
    expect(result.state.variables).toEqual({ score: 712 });
    expect(openTasks(result.state).map((task) => task.elementId)).toEqual(['review']);
    expect(result.state.jobs[0]!.status).toBe('completed');
  });

  it('treats a repeated completion as a no-op (at-least-once delivery)', async () => {
    const { state } = await start(model, {}, NOW, starter);
    const once = await completeJob(model, state, 'job-1', { score: 712 }, NOW);
    const twice = await completeJob(model, once.state, 'job-1', { score: 1 }, NOW);
    expect(twice.state).toEqual(once.state);
    expect(twice.effects).toEqual([]);
  });

  it('reports an unknown job as not found', async () => {
    const { state } = await start(model, {}, NOW, starter);
    expect((await rejection(completeJob(model, state, 'job-9', {}, NOW))).code).toBe('not_found');
  });
});

describe('message catch events', () => {
  let model: ProcessModel;
  beforeAll(async () => {
    model = await deploy([
      startEvent(),
      messageCatchEvent('documents', 'documentsComplete', '=applicationId'),
      userTask('review'),
      endEvent(),
      chain('start', 'documents', 'review', 'end'),
    ]);
  });

  it('waits for the message with the instance’s correlation key', async () => {
    const { state } = await start(model, { applicationId: 'APP-1' }, NOW, starter);
    expect(state.subscriptions).toEqual([
      {
        id: 'subscription-1',
        elementId: 'documents',
        tokenId: 'token-1',
        messageName: 'documentsComplete',
        correlationKey: 'APP-1',
      },
    ]);
    const result = await correlateMessage(
      model,
      state,
      'documentsComplete',
      'APP-1',
      { pages: 12 },
      NOW,
    );
    expect(result.state.subscriptions).toEqual([]);
    expect(result.state.variables.pages).toBe(12);
    expect(openTasks(result.state).map((task) => task.elementId)).toEqual(['review']);
  });

  it('ignores a message for another key or another name', async () => {
    const { state } = await start(model, { applicationId: 'APP-1' }, NOW, starter);
    expect(
      (await rejection(correlateMessage(model, state, 'documentsComplete', 'APP-2', {}, NOW))).code,
    ).toBe('not_found');
    expect((await rejection(correlateMessage(model, state, 'other', 'APP-1', {}, NOW))).code).toBe(
      'not_found',
    );
  });
});

describe('migrateInstance', () => {
  let v1: ProcessModel;
  beforeAll(async () => {
    v1 = await deploy([
      startEvent(),
      userTask('investigate'),
      userTask('preReview'),
      serviceTask('score', 'credit-score'),
      userTask('final'),
      endEvent(),
      timerBoundary('remind', 'investigate', { duration: 'P1D' }, { interrupting: false }),
      chain('start', 'investigate', 'preReview', 'score', 'final', 'end'),
    ]);
  });

  it('moves an instance waiting at a user task that the new version keeps', async () => {
    const v2 = await deploy([
      startEvent(),
      userTask('investigate', { name: 'Investigation v2' }),
      userTask('final'),
      endEvent(),
      chain('start', 'investigate', 'final', 'end'),
    ]);
    const { state } = await start(v1, {}, NOW, starter);
    const result = await migrateInstance(state, v1, v2, NOW);
    expect(openTaskAt(result.state, 'investigate').name).toBe('Investigation v2');
    expect(result.state.timers).toEqual([]);
    expect(result.effects).toContainEqual({ type: 'timerCancelled', timerId: 'timer-1' });
    const done = await completeTask(
      v2,
      result.state,
      openTaskAt(result.state, 'investigate').id,
      actor('x'),
      approve,
      NOW,
    );
    expect(openTasks(done.state).map((task) => task.elementId)).toEqual(['final']);
  });

  it('refuses, naming the element, when a waiting task was removed', async () => {
    const v2 = await deploy([
      startEvent(),
      userTask('final'),
      endEvent(),
      chain('start', 'final', 'end'),
    ]);
    const { state } = await start(v1, {}, NOW, starter);
    const error = await rejection(migrateInstance(state, v1, v2, NOW));
    expect(error).toMatchObject({
      code: 'failed_precondition',
      details: { blockingElementIds: ['investigate'] },
    });
  });

  it('refuses an instance waiting at a service task', async () => {
    let { state } = await start(v1, {}, NOW, starter);
    state = (
      await completeTask(v1, state, openTaskAt(state, 'investigate').id, actor('x'), approve, NOW)
    ).state;
    state = (
      await completeTask(v1, state, openTaskAt(state, 'preReview').id, actor('x'), approve, NOW)
    ).state;
    const error = await rejection(migrateInstance(state, v1, v1, NOW));
    expect(error.details).toEqual({ blockingElementIds: ['score'] });
  });
});
