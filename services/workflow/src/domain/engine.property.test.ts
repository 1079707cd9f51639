// Random sequences of valid and invalid approval actions must keep the instance consistent.
import fc from 'fast-check';
import { chain, endEvent, flow, parallelGateway, startEvent, userTask } from './bpmn/bpmn-fixture';
import type { ProcessModel } from './bpmn/process-model';
import {
  claimTask,
  completeTask,
  EngineError,
  sendBack,
  start,
  withdraw,
  type Actor,
  type CommandResult,
  type InstanceState,
} from './engine';
import { deploy, NOW } from './engine-test-support';

const users = ['am1', 'co1', 'm1', 'm2', 'm3', 'x9'];
const asActor = (userId: string): Actor => ({ userId, groups: ['staff'] });

type Action =
  | { kind: 'complete'; task: number; user: number; approve: boolean }
  | { kind: 'completeTwice'; task: number }
  | { kind: 'claim'; task: number; user: number }
  | { kind: 'sendBack'; task: number; target: number }
  | { kind: 'withdraw'; task: number; user: number }
  | { kind: 'unknownTask'; user: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('complete' as const),
      task: fc.nat(9),
      user: fc.nat(9),
      approve: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('completeTwice' as const), task: fc.nat(9) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('claim' as const), task: fc.nat(9), user: fc.nat(9) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('sendBack' as const),
      task: fc.nat(9),
      target: fc.nat(9),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('withdraw' as const),
      task: fc.nat(30),
      user: fc.nat(9),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('unknownTask' as const), user: fc.nat(9) }),
  },
);

const userTaskIds = ['submit', 'investigate', 'risk', 'committee', 'final'];

/** Every token waits at something that will wake it; every open task belongs to a live token. */
function checkInvariants(model: ProcessModel, state: InstanceState): void {
  const open = state.tasks.filter((task) => task.status === 'open');
  for (const token of state.tokens) {
    const element = model.elements[token.elementId]!;
    const tokenTasks = open.filter((task) => task.tokenId === token.id);
    switch (token.wait.type) {
      case 'task':
        expect(element.kind).toBe('userTask');
        expect(tokenTasks.map((task) => task.id)).toEqual([token.wait.taskId]);
        break;
      case 'multiInstance': {
        const bodyId = token.wait.bodyId;
        const body = state.multiInstanceBodies.find((candidate) => candidate.id === bodyId);
        expect(body?.tokenId).toBe(token.id);
        expect(tokenTasks.length).toBeGreaterThan(0);
        expect(tokenTasks.every((task) => task.bodyId === bodyId)).toBe(true);
        break;
      }
      case 'join':
        expect(element.kind).toBe('parallelGateway');
        expect(element.incoming).toContain(token.wait.flowId);
        break;
      case 'job':
      case 'message':
        throw new Error(`this process has no ${token.wait.type} waits`);
    }
  }
  for (const task of state.tasks.filter(
    (candidate) => candidate.status === 'open' || candidate.status === 'suspended',
  )) {
    expect(state.tokens.map((token) => token.id)).toContain(task.tokenId);
  }
  for (const body of state.multiInstanceBodies) {
    expect(
      state.tokens.filter(
        (token) => token.wait.type === 'multiInstance' && token.wait.bodyId === body.id,
      ),
    ).toHaveLength(1);
  }
  expect(state.tokens.length === 0).toBe(state.status !== 'active');
  expect(JSON.parse(JSON.stringify(state))).toEqual(state);
}

async function attempt(command: Promise<CommandResult>): Promise<CommandResult | EngineError> {
  try {
    return await command;
  } catch (error) {
    if (error instanceof EngineError) return error;
    throw error;
  }
}

let model: ProcessModel;
beforeAll(async () => {
  model = await deploy([
    startEvent(),
    userTask('submit'),
    userTask('investigate'),
    parallelGateway('split'),
    userTask('risk'),
    userTask('committee', {
      assignee: '=member',
      multiInstance: {
        inputCollection: '=members',
        inputElement: 'member',
        completionCondition: '=approvals >= 2 or rejections >= 2',
      },
    }),
    parallelGateway('join'),
    userTask('final'),
    endEvent(),
    chain('start', 'submit', 'investigate', 'split'),
    flow('split', 'risk'),
    flow('split', 'committee'),
    flow('risk', 'join'),
    flow('committee', 'join'),
    chain('join', 'final', 'end'),
  ]);
});

it('random approval actions never orphan a token, lose a task or let a task complete twice', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 40 }), async (actions) => {
      let { state } = await start(model, { members: ['m1', 'm2', 'm3'] }, NOW, asActor('am1'));
      checkInvariants(model, state);
      for (const step of actions) {
        const open = state.tasks.filter((task) => task.status === 'open');
        const pick =
          open.length > 0 ? open[('task' in step ? step.task : 0) % open.length] : undefined;
        let outcome: CommandResult | EngineError | null = null;
        switch (step.kind) {
          case 'complete':
          case 'completeTwice': {
            if (!pick) break;
            const user =
              step.kind === 'complete' && step.user % 4 === 3
                ? users[step.user % users.length]!
                : (pick.assignee ?? 'co1');
            const input = {
              outcome:
                step.kind === 'complete' && !step.approve
                  ? ('reject' as const)
                  : ('approve' as const),
            };
            outcome = await attempt(completeTask(model, state, pick.id, asActor(user), input, NOW));
            if (step.kind === 'completeTwice' && !(outcome instanceof EngineError)) {
              const again = await attempt(
                completeTask(model, outcome.state, pick.id, asActor(user), input, NOW),
              );
              expect(again).toBeInstanceOf(EngineError);
              expect((again as EngineError).code).toBe('failed_precondition');
            }
            break;
          }
          case 'claim':
            if (pick)
              outcome = await attempt(
                claimTask(model, state, pick.id, asActor(users[step.user % users.length]!), NOW),
              );
            break;
          case 'sendBack':
            if (pick) {
              const target = userTaskIds[step.target % userTaskIds.length]!;
              outcome = await attempt(
                sendBack(
                  model,
                  state,
                  pick.id,
                  asActor(pick.assignee ?? 'co1'),
                  target,
                  'property test',
                  NOW,
                ),
              );
              if (
                outcome instanceof EngineError &&
                !state.tasks.some(
                  (task) => task.elementId === target && task.status === 'completed',
                )
              ) {
                expect(['failed_precondition', 'invalid_argument']).toContain(outcome.code);
              }
            }
            break;
          case 'withdraw': {
            const done = state.tasks.filter((task) => task.status === 'completed');
            const previous = done[step.task % Math.max(done.length, 1)];
            if (previous)
              outcome = await attempt(
                withdraw(model, state, previous.id, asActor(users[step.user % users.length]!), NOW),
              );
            break;
          }
          case 'unknownTask': {
            outcome = await attempt(
              completeTask(
                model,
                state,
                'task-9999',
                asActor(users[step.user % users.length]!),
                { outcome: 'approve' },
                NOW,
              ),
            );
            expect(outcome).toBeInstanceOf(EngineError);
            expect((outcome as EngineError).code).toBe(
              state.status === 'active' ? 'not_found' : 'failed_precondition',
            );
            break;
          }
        }
        if (outcome && !(outcome instanceof EngineError)) state = outcome.state;
        checkInvariants(model, state);
      }
    }),
    { numRuns: 150 },
  );
});

it('a task completed once is refused on every later completion, whatever happened in between', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }), async (approvals) => {
      let { state } = await start(model, { members: ['m1', 'm2', 'm3'] }, NOW, asActor('am1'));
      const completed: { id: string; user: string }[] = [];
      for (const approve of approvals) {
        const task = state.tasks.find((candidate) => candidate.status === 'open');
        if (!task) break;
        const user = task.assignee ?? 'co1';
        state = (
          await completeTask(
            model,
            state,
            task.id,
            asActor(user),
            { outcome: approve ? 'approve' : 'reject' },
            NOW,
          )
        ).state;
        completed.push({ id: task.id, user });
        for (const earlier of completed) {
          const again = await attempt(
            completeTask(
              model,
              state,
              earlier.id,
              asActor(earlier.user),
              { outcome: 'approve' },
              NOW,
            ),
          );
          expect(again).toBeInstanceOf(EngineError);
        }
      }
    }),
    { numRuns: 60 },
  );
});
