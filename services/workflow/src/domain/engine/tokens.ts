// Token semantics: entering an element, following sequence flows through gateways, waiting at
// tasks, jobs and messages, and leaving again (moving on, or being cancelled).
import type { ElementDef, UserTaskDef } from '../bpmn/process-model';
import { EngineError } from '../engine-error';
import type { MultiInstanceBody, Token } from '../instance-state';
import { commonPrefix, startsWith } from './branches';
import type { Execution } from './execution';
import { activateServiceTask } from './jobs';
import { subscribe } from './messages';
import { cancelTask, createTask } from './tasks';
import { cancelTimersOf, scheduleBoundaryTimers } from './timers';
import { closeVote, openVote } from './votes';

/** Guards against a cycle of gateways that never reaches a wait state. */
const MAX_STEPS_PER_COMMAND = 10_000;

export function enter(
  run: Execution,
  elementId: string,
  branch: string[],
  viaFlowId: string | null,
): void {
  if (run.state.status !== 'active') return;
  run.steps += 1;
  if (run.steps > MAX_STEPS_PER_COMMAND) {
    throw new EngineError(
      'failed_precondition',
      `the process loops at "${elementId}" without reaching a wait state`,
    );
  }
  const element = run.element(elementId);
  run.state.visited.push(elementId);
  switch (element.kind) {
    case 'startEvent':
    case 'timerBoundaryEvent':
      leave(run, element, branch);
      return;
    case 'endEvent':
      run.lastEndEventId = element.id;
      if (element.terminate) terminate(run);
      return;
    case 'userTask':
      activateUserTask(run, element, branch, null);
      return;
    case 'serviceTask':
      activateServiceTask(run, element, branch);
      return;
    case 'exclusiveGateway':
      takeFlow(run, chooseFlow(run, element), branch);
      return;
    case 'parallelGateway':
      passParallelGateway(run, element, branch, viaFlowId);
      return;
    case 'messageCatchEvent':
      subscribe(run, element, branch);
      return;
  }
}

/** Re-enters a user task after send-back or withdraw, for the given person if any. */
export function visitAgain(
  run: Execution,
  element: UserTaskDef,
  branch: string[],
  assignee: string | null,
): void {
  run.state.visited.push(element.id);
  activateUserTask(run, element, branch, assignee);
}

function leave(run: Execution, element: ElementDef, branch: string[]): void {
  for (const flowId of element.outgoing) takeFlow(run, flowId, branch);
}

function takeFlow(run: Execution, flowId: string, branch: string[]): void {
  const flow = run.model.flows[flowId];
  if (!flow)
    throw new EngineError('failed_precondition', `sequence flow "${flowId}" is not in the process`);
  enter(run, flow.targetRef, branch, flowId);
}

/** First flow (in document order) whose condition is exactly true, else the default. */
function chooseFlow(
  run: Execution,
  gateway: Extract<ElementDef, { kind: 'exclusiveGateway' }>,
): string {
  if (gateway.outgoing.length === 1 && run.model.flows[gateway.outgoing[0]!]?.condition === null) {
    return gateway.outgoing[0]!;
  }
  for (const flowId of gateway.outgoing) {
    const condition = run.model.flows[flowId]?.condition;
    if (flowId === gateway.defaultFlowId || condition === null || condition === undefined) continue;
    let passes: boolean;
    try {
      passes = run.feel.isTrue(condition, run.state.variables);
    } catch (error) {
      throw new EngineError(
        'failed_precondition',
        `incident at gateway "${gateway.id}": ${(error as Error).message}`,
      );
    }
    if (passes) return flowId;
  }
  if (gateway.defaultFlowId !== null) return gateway.defaultFlowId;
  throw new EngineError(
    'failed_precondition',
    `incident at gateway "${gateway.id}": no outgoing condition is true and there is no default flow`,
    { elementId: gateway.id },
  );
}

/** A join waits for a token on every incoming flow; a fork opens one branch per outgoing flow. */
function passParallelGateway(
  run: Execution,
  gateway: Extract<ElementDef, { kind: 'parallelGateway' }>,
  branch: string[],
  viaFlowId: string | null,
): void {
  let outgoingBranch = branch;
  if (gateway.incoming.length > 1) {
    run.newToken(gateway.id, branch, { type: 'join', flowId: viaFlowId ?? '' });
    const waiting = gateway.incoming.map((flowId) =>
      run.state.tokens.find(
        (token) =>
          token.elementId === gateway.id &&
          token.wait.type === 'join' &&
          token.wait.flowId === flowId,
      ),
    );
    if (waiting.some((token) => token === undefined)) return;
    const joined = waiting as Token[];
    run.state.tokens = run.state.tokens.filter((token) => !joined.includes(token));
    outgoingBranch = commonPrefix(joined.map((token) => token.branch));
  }
  if (gateway.outgoing.length === 1) {
    takeFlow(run, gateway.outgoing[0]!, outgoingBranch);
    return;
  }
  const fork = run.nextId('fork');
  gateway.outgoing.forEach((flowId, index) =>
    takeFlow(run, flowId, [...outgoingBranch, `${fork}.${index}`]),
  );
}

function activateUserTask(
  run: Execution,
  element: UserTaskDef,
  branch: string[],
  assignee: string | null,
): void {
  const token = run.newToken(element.id, branch, { type: 'task', taskId: '' });
  if (element.multiInstance) {
    const body = openVote(run, element, token);
    if (body.items.length === 0) {
      finishVote(run, body, element);
      return;
    }
  } else {
    const task = createTask(run, element, token, {}, assignee);
    token.wait = { type: 'task', taskId: task.id };
  }
  scheduleBoundaryTimers(run, element, token);
}

/** The vote is decided: close it and move past the multi-instance task. */
export function finishVote(run: Execution, body: MultiInstanceBody, element: UserTaskDef): void {
  closeVote(run, body, element);
  moveOn(run, run.token(body.tokenId));
}

/** Removes a token and everything it waits for: tasks, vote, job, subscription and timers. */
export function cancelToken(run: Execution, token: Token, reason: string): void {
  for (const task of run.state.tasks.filter((candidate) => candidate.tokenId === token.id)) {
    cancelTask(run, task, reason);
  }
  const wait = token.wait;
  if (wait.type === 'multiInstance') {
    run.state.multiInstanceBodies = run.state.multiInstanceBodies.filter(
      (body) => body.id !== wait.bodyId,
    );
  }
  if (wait.type === 'job') {
    const job = run.state.jobs.find((candidate) => candidate.id === wait.jobId);
    if (job && job.status === 'open') {
      job.status = 'cancelled';
      run.effects.push({ type: 'jobCancelled', jobId: job.id });
    }
  }
  run.state.subscriptions = run.state.subscriptions.filter(
    (subscription) => subscription.tokenId !== token.id,
  );
  cancelTimersOf(run, token.id);
  run.state.tokens = run.state.tokens.filter((candidate) => candidate.id !== token.id);
}

/** The token's work is done: drop it and its timers, and move on along its outgoing flows. */
export function moveOn(run: Execution, token: Token): void {
  cancelTimersOf(run, token.id);
  run.state.tokens = run.state.tokens.filter((candidate) => candidate.id !== token.id);
  leave(run, run.element(token.elementId), token.branch);
}

/** Cancels every token inside `branch` (the target's branch and all branches nested in it). */
export function cancelBranch(run: Execution, branch: string[], reason: string): void {
  for (const token of run.state.tokens.filter((candidate) =>
    startsWith(candidate.branch, branch),
  )) {
    cancelToken(run, token, reason);
  }
}

/** A terminate end event: every token is cancelled and the process ends. */
function terminate(run: Execution): void {
  for (const token of [...run.state.tokens]) cancelToken(run, token, 'process terminated');
  run.endProcess('terminated');
}
