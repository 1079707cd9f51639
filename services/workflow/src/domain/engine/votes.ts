// 会签: a multi-instance user task is a vote. Each voter gets a task; the vote is decided when
// every voter has voted or the completion condition holds, and its tally is published.
import type { UserTaskDef } from '../bpmn/process-model';
import { EngineError } from '../engine-error';
import type { MultiInstanceBody, Outcome, TaskState, Token } from '../instance-state';
import type { Execution } from './execution';
import { cancelTask, createVoterTask } from './tasks';

/** Opens the vote of `token` over the input collection: all voters at once, or the first in turn. */
export function openVote(run: Execution, element: UserTaskDef, token: Token): MultiInstanceBody {
  const multiInstance = element.multiInstance!;
  const items = run.evaluate(
    multiInstance.inputCollection,
    run.state.variables,
    `input collection of "${element.id}"`,
  );
  if (!Array.isArray(items)) {
    throw new EngineError(
      'failed_precondition',
      `input collection of "${element.id}" is not a list`,
    );
  }
  const body: MultiInstanceBody = {
    id: run.nextId('body'),
    elementId: element.id,
    tokenId: token.id,
    isSequential: multiInstance.isSequential,
    items,
    nextIndex: 0,
    completed: 0,
    approvals: 0,
    rejections: 0,
  };
  token.wait = { type: 'multiInstance', bodyId: body.id };
  run.state.multiInstanceBodies.push(body);
  if (items.length === 0) return body; // decided at once, with no voter
  const first = body.isSequential ? 1 : items.length;
  for (let index = 0; index < first; index += 1) createVoterTask(run, element, token, body);
  return body;
}

/**
 * Counts a voter's outcome. Returns the vote when it is now decided (the caller moves past it);
 * otherwise a sequential vote asks its next voter and null is returned.
 */
export function recordVote(
  run: Execution,
  task: TaskState,
  outcome: Outcome,
): { body: MultiInstanceBody; element: UserTaskDef } | null {
  const body = run.state.multiInstanceBodies.find((candidate) => candidate.id === task.bodyId);
  if (!body)
    throw new EngineError('failed_precondition', `the vote of task "${task.id}" is no longer open`);
  const element = run.userTaskDef(body.elementId);
  body.completed += 1;
  if (outcome === 'approve') body.approvals += 1;
  else body.rejections += 1;
  const active = run.state.tasks.filter(
    (candidate) => candidate.bodyId === body.id && candidate.status === 'open',
  ).length;
  const voteVariables = {
    ...run.state.variables,
    nrOfInstances: body.items.length,
    nrOfCompletedInstances: body.completed,
    nrOfActiveInstances: active,
    approvals: body.approvals,
    rejections: body.rejections,
  };
  const condition = element.multiInstance?.completionCondition ?? null;
  let decided = body.completed >= body.items.length;
  if (!decided && condition !== null) {
    try {
      decided = run.feel.isTrue(condition, voteVariables);
    } catch (error) {
      throw new EngineError(
        'failed_precondition',
        `completion condition of "${element.id}": ${(error as Error).message}`,
      );
    }
  }
  if (decided) return { body, element };
  if (body.isSequential) createVoterTask(run, element, run.token(body.tokenId), body);
  return null;
}

/** Cancels the votes not cast and publishes the tally as `<stepCode>Votes`. */
export function closeVote(run: Execution, body: MultiInstanceBody, element: UserTaskDef): void {
  for (const task of run.state.tasks.filter((candidate) => candidate.bodyId === body.id)) {
    cancelTask(run, task, 'vote decided');
  }
  run.state.multiInstanceBodies = run.state.multiInstanceBodies.filter(
    (candidate) => candidate.id !== body.id,
  );
  run.state.variables[`${element.stepCode}Votes`] = {
    nrOfInstances: body.items.length,
    nrOfCompletedInstances: body.completed,
    approvals: body.approvals,
    rejections: body.rejections,
  };
}
