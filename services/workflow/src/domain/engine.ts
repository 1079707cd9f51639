// The approval engine: pure, deterministic commands over an InstanceState. Each command copies the
// state, applies itself to the copy and returns it with its effects, or throws an EngineError and
// changes nothing. Time comes only from `now`; ids only from the counters in the state.
import type { ElementDef, ProcessModel, UserTaskDef } from './bpmn/process-model';
import { EngineError } from './engine-error';
import { FeelError, loadFeel, type Feel, type JsonValue, type Variables } from './feel';
import type {
  Actor,
  CommandResult,
  EngineEffect,
  HistoryEntry,
  InstanceState,
  MultiInstanceBody,
  Outcome,
  TaskState,
  TerminationCause,
  Token,
  TokenWait,
} from './instance-state';
import { addDuration, parseCycle, parseDateTime } from './timer-schedule';

import { dueAt as workingDaysDue } from './calendar';
export { EngineError } from './engine-error';
export type * from './instance-state';

/** Guards against a cycle of gateways that never reaches a wait state. */
const MAX_STEPS_PER_COMMAND = 10_000;

export interface CompletionInput {
  outcome: Outcome;
  opinion?: string;
  formData?: Variables;
  variables?: Variables;
}

type HistoryInput = Omit<HistoryEntry, 'seq' | 'at' | 'taskId' | 'elementId'> & {
  taskId?: string | null;
  elementId?: string | null;
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function startsWith(branch: string[], prefix: string[]): boolean {
  return prefix.every((part, index) => branch[index] === part);
}

function commonPrefix(branches: string[][]): string[] {
  const [first = [], ...rest] = branches;
  const prefix: string[] = [];
  for (const [index, part] of first.entries()) {
    if (rest.some((branch) => branch[index] !== part)) break;
    prefix.push(part);
  }
  return prefix;
}

function requireText(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new EngineError('invalid_argument', `${what} must be a non-empty string`);
  }
  return value;
}

function requireActor(actor: Actor): Actor {
  if (!isPlainObject(actor) || typeof actor.userId !== 'string' || actor.userId === '') {
    throw new EngineError('invalid_argument', 'the actor must have a userId');
  }
  if (!Array.isArray(actor.groups))
    throw new EngineError('invalid_argument', 'the actor must list its groups');
  return actor;
}

function requireVariables(variables: unknown, what = 'variables'): Variables {
  if (variables === undefined) return {};
  if (!isPlainObject(variables))
    throw new EngineError('invalid_argument', `${what} must be a JSON object`);
  return JSON.parse(JSON.stringify(variables)) as Variables;
}

function requireNow(now: string): string {
  if (typeof now !== 'string' || Number.isNaN(Date.parse(now))) {
    throw new EngineError(
      'invalid_argument',
      `now must be an ISO-8601 date-time, got "${String(now)}"`,
    );
  }
  return new Date(now).toISOString();
}

/**
 * Why nothing may be done on an instance that has ended: for a withdrawn, declined or expired
 * application, in those words (the people who still hold the task need to know why it went).
 */
export function endedMessage(state: InstanceState): string {
  const t = state.termination;
  if (!t) return `the process instance is ${state.status}`;
  return `the application was ${t.cause}${t.reason ? ` (${t.reason})` : ''}: its approval process has ended`;
}

/** Counter-based ids: a well-formed id at or below the counter was issued and has since ended. */
function wasIssued(id: string, prefix: string, counter: number): boolean {
  const match = new RegExp(`^${prefix}-(\\d+)$`).exec(id);
  return match !== null && Number(match[1]) <= counter;
}

function emptyState(model: ProcessModel, variables: Variables, now: string): InstanceState {
  return {
    processId: model.id,
    status: 'active',
    startedAt: now,
    endedAt: null,
    variables,
    tokens: [],
    tasks: [],
    multiInstanceBodies: [],
    timers: [],
    jobs: [],
    subscriptions: [],
    visited: [],
    history: [],
    seq: { token: 0, task: 0, body: 0, timer: 0, job: 0, subscription: 0, fork: 0, history: 0 },
  };
}

/** One command being applied to a private copy of the state. */
class Execution {
  readonly effects: EngineEffect[] = [];
  private steps = 0;
  private lastEndEventId: string | null = null;
  /** The task whose completion is moving tokens now; tasks created meanwhile point back to it. */
  private cause: string | null = null;

  constructor(
    readonly model: ProcessModel,
    readonly state: InstanceState,
    readonly now: string,
    private readonly feel: Feel,
  ) {}

  result(): CommandResult {
    if (this.state.status === 'active' && this.state.tokens.length === 0) {
      this.endProcess('completed');
    }
    return { state: this.state, effects: this.effects };
  }

  // ---- lookups

  element(id: string): ElementDef {
    const element = this.model.elements[id];
    if (!element) {
      throw new EngineError(
        'failed_precondition',
        `element "${id}" is not in process "${this.model.id}"`,
      );
    }
    return element;
  }

  userTaskDef(id: string): UserTaskDef {
    const element = this.element(id);
    if (element.kind !== 'userTask') {
      throw new EngineError('failed_precondition', `element "${id}" is not a user task`);
    }
    return element;
  }

  token(id: string): Token {
    const token = this.state.tokens.find((candidate) => candidate.id === id);
    if (!token) throw new EngineError('failed_precondition', `token "${id}" is no longer active`);
    return token;
  }

  task(taskId: string): TaskState {
    const task = this.state.tasks.find((candidate) => candidate.id === taskId);
    if (!task)
      throw new EngineError('not_found', `task "${taskId}" does not exist in this instance`);
    return task;
  }

  openTask(taskId: string): TaskState {
    requireText(taskId, 'taskId');
    this.requireActive();
    const task = this.task(taskId);
    if (task.status === 'suspended') {
      throw new EngineError(
        'failed_precondition',
        `task "${taskId}" waits for an added signer to finish first`,
      );
    }
    if (task.status !== 'open') {
      throw new EngineError('failed_precondition', `task "${taskId}" is already ${task.status}`);
    }
    return task;
  }

  requireActive(): void {
    if (this.state.status !== 'active') {
      throw new EngineError('failed_precondition', endedMessage(this.state));
    }
  }

  variablesFor(task: TaskState | null): Variables {
    return task ? { ...this.state.variables, ...task.localVariables } : this.state.variables;
  }

  // ---- bookkeeping

  nextId(kind: keyof InstanceState['seq']): string {
    this.state.seq[kind] += 1;
    return `${kind}-${this.state.seq[kind]}`;
  }

  record(entry: HistoryInput): void {
    this.state.seq.history += 1;
    const full: HistoryEntry = {
      seq: this.state.seq.history,
      at: this.now,
      ...entry,
      elementId: entry.elementId ?? null,
      taskId: entry.taskId ?? null,
    };
    this.state.history.push(full);
    this.effects.push({ type: 'history', entry: full });
  }

  mergeVariables(variables: Variables): void {
    Object.assign(this.state.variables, variables);
  }

  evaluate(expression: string, variables: Variables, where: string): JsonValue {
    try {
      return this.feel.valueOf(expression, variables);
    } catch (error) {
      if (error instanceof FeelError) {
        throw new EngineError('failed_precondition', `${where}: ${error.message}`);
      }
      throw error;
    }
  }

  // ---- authorisation

  /** The assignee acts; an unclaimed task is open to its candidate users and groups. */
  mayWorkOn(task: TaskState, actor: Actor): boolean {
    if (task.assignee !== null) return task.assignee === actor.userId;
    if (task.candidateUsers.length === 0 && task.candidateGroups.length === 0) return true;
    return (
      task.candidateUsers.includes(actor.userId) ||
      task.candidateGroups.some((group) => actor.groups.includes(group))
    );
  }

  requireWorker(task: TaskState, actor: Actor): void {
    if (!this.mayWorkOn(task, actor)) {
      throw new EngineError(
        'permission_denied',
        task.assignee !== null
          ? `task "${task.id}" is assigned to ${task.assignee}, not ${actor.userId}`
          : `${actor.userId} is not a candidate for task "${task.id}"`,
      );
    }
  }

  requireAssignee(task: TaskState, actor: Actor, action: string): void {
    if (task.assignee !== actor.userId) {
      throw new EngineError(
        'permission_denied',
        `only the assignee of task "${task.id}" may ${action} it`,
      );
    }
  }

  /** 审贷分离: whoever completed a step named in `separatedFrom` may not act on this task. */
  requireSeparation(task: TaskState, userId: string): void {
    const definition = this.model.elements[task.elementId];
    if (!definition || definition.kind !== 'userTask') return;
    for (const step of definition.separatedFrom) {
      const conflict = this.state.history.find(
        (entry) =>
          entry.actor === userId &&
          (entry.action === 'completed' || entry.action === 'resolved') &&
          entry.elementId !== null &&
          this.isStep(entry.elementId, step),
      );
      if (conflict) {
        throw new EngineError(
          'permission_denied',
          `separation of investigation and approval: ${userId} completed step "${step}" of this application and may not act on "${task.stepCode}"`,
          { step, userId },
        );
      }
    }
  }

  isStep(elementId: string, step: string): boolean {
    const element = this.model.elements[elementId];
    return elementId === step || (element?.kind === 'userTask' && element.stepCode === step);
  }

  // ---- moving tokens

  /** Re-enters a user task after send-back or withdraw, for the given person if any. */
  visitAgain(element: UserTaskDef, branch: string[], assignee: string | null): void {
    this.state.visited.push(element.id);
    this.activateUserTask(element, branch, assignee);
  }

  enter(elementId: string, branch: string[], viaFlowId: string | null): void {
    if (this.state.status !== 'active') return;
    this.steps += 1;
    if (this.steps > MAX_STEPS_PER_COMMAND) {
      throw new EngineError(
        'failed_precondition',
        `the process loops at "${elementId}" without reaching a wait state`,
      );
    }
    const element = this.element(elementId);
    this.state.visited.push(elementId);
    switch (element.kind) {
      case 'startEvent':
      case 'timerBoundaryEvent':
        this.leave(element, branch);
        return;
      case 'endEvent':
        this.lastEndEventId = element.id;
        if (element.terminate) this.terminate();
        return;
      case 'userTask':
        this.activateUserTask(element, branch, null);
        return;
      case 'serviceTask':
        this.activateServiceTask(element, branch);
        return;
      case 'exclusiveGateway':
        this.takeFlow(this.chooseFlow(element), branch);
        return;
      case 'parallelGateway':
        this.passParallelGateway(element, branch, viaFlowId);
        return;
      case 'messageCatchEvent':
        this.subscribe(element, branch);
        return;
    }
  }

  leave(element: ElementDef, branch: string[]): void {
    for (const flowId of element.outgoing) this.takeFlow(flowId, branch);
  }

  takeFlow(flowId: string, branch: string[]): void {
    const flow = this.model.flows[flowId];
    if (!flow)
      throw new EngineError(
        'failed_precondition',
        `sequence flow "${flowId}" is not in the process`,
      );
    this.enter(flow.targetRef, branch, flowId);
  }

  /** First flow (in document order) whose condition is exactly true, else the default. */
  chooseFlow(gateway: Extract<ElementDef, { kind: 'exclusiveGateway' }>): string {
    if (
      gateway.outgoing.length === 1 &&
      this.model.flows[gateway.outgoing[0]!]?.condition === null
    ) {
      return gateway.outgoing[0]!;
    }
    for (const flowId of gateway.outgoing) {
      const condition = this.model.flows[flowId]?.condition;
      if (flowId === gateway.defaultFlowId || condition === null || condition === undefined)
        continue;
      let passes: boolean;
      try {
        passes = this.feel.isTrue(condition, this.state.variables);
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

  passParallelGateway(
    gateway: Extract<ElementDef, { kind: 'parallelGateway' }>,
    branch: string[],
    viaFlowId: string | null,
  ): void {
    let outgoingBranch = branch;
    if (gateway.incoming.length > 1) {
      const arrival: Token = {
        id: this.nextId('token'),
        elementId: gateway.id,
        branch,
        wait: { type: 'join', flowId: viaFlowId ?? '' },
      };
      this.state.tokens.push(arrival);
      const waiting = gateway.incoming.map((flowId) =>
        this.state.tokens.find(
          (token) =>
            token.elementId === gateway.id &&
            token.wait.type === 'join' &&
            token.wait.flowId === flowId,
        ),
      );
      if (waiting.some((token) => token === undefined)) return;
      const joined = waiting as Token[];
      this.state.tokens = this.state.tokens.filter((token) => !joined.includes(token));
      outgoingBranch = commonPrefix(joined.map((token) => token.branch));
    }
    if (gateway.outgoing.length === 1) {
      this.takeFlow(gateway.outgoing[0]!, outgoingBranch);
      return;
    }
    const fork = this.nextId('fork');
    gateway.outgoing.forEach((flowId, index) =>
      this.takeFlow(flowId, [...outgoingBranch, `${fork}.${index}`]),
    );
  }

  newToken(elementId: string, branch: string[], wait: TokenWait): Token {
    const token: Token = { id: this.nextId('token'), elementId, branch, wait };
    this.state.tokens.push(token);
    return token;
  }

  activateUserTask(element: UserTaskDef, branch: string[], assignee: string | null): Token {
    const token = this.newToken(element.id, branch, { type: 'task', taskId: '' });
    if (element.multiInstance) {
      const items = this.evaluate(
        element.multiInstance.inputCollection,
        this.state.variables,
        `input collection of "${element.id}"`,
      );
      if (!Array.isArray(items)) {
        throw new EngineError(
          'failed_precondition',
          `input collection of "${element.id}" is not a list`,
        );
      }
      const body: MultiInstanceBody = {
        id: this.nextId('body'),
        elementId: element.id,
        tokenId: token.id,
        isSequential: element.multiInstance.isSequential,
        items,
        nextIndex: 0,
        completed: 0,
        approvals: 0,
        rejections: 0,
      };
      token.wait = { type: 'multiInstance', bodyId: body.id };
      this.state.multiInstanceBodies.push(body);
      if (items.length === 0) {
        this.finishVote(body, element);
        return token;
      }
      const first = body.isSequential ? 1 : items.length;
      for (let index = 0; index < first; index += 1) this.createVoterTask(element, token, body);
    } else {
      const task = this.createTask(element, token, {}, assignee);
      token.wait = { type: 'task', taskId: task.id };
    }
    this.scheduleBoundaryTimers(element, token);
    return token;
  }

  createVoterTask(element: UserTaskDef, token: Token, body: MultiInstanceBody): TaskState {
    const index = body.nextIndex;
    body.nextIndex += 1;
    const local: Variables = { loopCounter: index + 1 };
    const inputElement = element.multiInstance?.inputElement;
    if (inputElement) local[inputElement] = body.items[index] ?? null;
    const task = this.createTask(element, token, local, null);
    task.bodyId = body.id;
    task.loopIndex = index;
    return task;
  }

  createTask(
    element: UserTaskDef,
    token: Token,
    localVariables: Variables,
    assignee: string | null,
  ): TaskState {
    const variables = { ...this.state.variables, ...localVariables };
    const task: TaskState = {
      id: this.nextId('task'),
      elementId: element.id,
      stepCode: element.stepCode,
      name: element.name,
      tokenId: token.id,
      branch: token.branch,
      status: 'open',
      assignee: assignee ?? this.assigneeOf(element, variables),
      claimed: assignee !== null,
      owner: null,
      candidateGroups: this.namesOf(
        element.candidateGroups,
        variables,
        `candidate groups of "${element.id}"`,
      ),
      candidateUsers: this.namesOf(
        element.candidateUsers,
        variables,
        `candidate users of "${element.id}"`,
      ),
      dueAt: this.dueDateOf(element, variables),
      createdAt: this.now,
      finishedAt: null,
      completedBy: null,
      outcome: null,
      previousTaskId: this.cause,
      bodyId: null,
      loopIndex: null,
      signerFor: null,
      signersAfter: [],
      localVariables,
    };
    this.state.tasks.push(task);
    this.effects.push({ type: 'taskCreated', task: { ...task } });
    return task;
  }

  assigneeOf(element: UserTaskDef, variables: Variables): string | null {
    if (element.assignee === null) return null;
    const value = this.evaluate(element.assignee, variables, `assignee of "${element.id}"`);
    if (value === null || value === '') return null;
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new EngineError('failed_precondition', `assignee of "${element.id}" is not a user id`);
    }
    return String(value);
  }

  /** Candidate lists: a FEEL list, or a comma-separated literal or string. */
  namesOf(source: string | null, variables: Variables, where: string): string[] {
    if (source === null) return [];
    const value = this.evaluate(source, variables, where);
    const names = Array.isArray(value)
      ? value
      : typeof value === 'string'
        ? value.split(',')
        : value === null
          ? []
          : [value];
    return names.map((name) => String(name).trim()).filter((name) => name !== '');
  }

  /** A date-time, or a duration counted from task creation. */
  dueDateOf(element: UserTaskDef, variables: Variables): string | null {
    if (element.dueDate === null) {
      // A service level in working days: due at 18:00 (Shanghai) on the n-th working day.
      if (element.dueInWorkingDays === null || element.dueInWorkingDays === undefined) return null;
      return workingDaysDue(new Date(this.now), element.dueInWorkingDays).toISOString();
    }
    const value = this.evaluate(element.dueDate, variables, `due date of "${element.id}"`);
    if (value === null) return null;
    try {
      const text = String(value);
      return text.startsWith('P') ? addDuration(this.now, text) : parseDateTime(text);
    } catch (error) {
      throw new EngineError(
        'failed_precondition',
        `due date of "${element.id}": ${(error as Error).message}`,
      );
    }
  }

  activateServiceTask(
    element: Extract<ElementDef, { kind: 'serviceTask' }>,
    branch: string[],
  ): void {
    const token = this.newToken(element.id, branch, { type: 'job', jobId: '' });
    const type = this.evaluate(
      element.jobType,
      this.state.variables,
      `job type of "${element.id}"`,
    );
    const job = {
      id: this.nextId('job'),
      elementId: element.id,
      tokenId: token.id,
      type: String(type),
      retries: element.retries,
      status: 'open' as const,
      createdAt: this.now,
    };
    token.wait = { type: 'job', jobId: job.id };
    this.state.jobs.push(job);
    this.effects.push({ type: 'jobCreated', job: { ...job } });
    this.scheduleBoundaryTimers(element, token);
  }

  subscribe(element: Extract<ElementDef, { kind: 'messageCatchEvent' }>, branch: string[]): void {
    const token = this.newToken(element.id, branch, { type: 'message', subscriptionId: '' });
    const name = this.evaluate(
      element.messageName,
      this.state.variables,
      `message name of "${element.id}"`,
    );
    const key =
      element.correlationKey === null
        ? null
        : this.evaluate(
            element.correlationKey,
            this.state.variables,
            `correlation key of "${element.id}"`,
          );
    const subscription = {
      id: this.nextId('subscription'),
      elementId: element.id,
      tokenId: token.id,
      messageName: String(name),
      correlationKey: key === null ? null : String(key),
    };
    token.wait = { type: 'message', subscriptionId: subscription.id };
    this.state.subscriptions.push(subscription);
  }

  scheduleBoundaryTimers(
    element: UserTaskDef | Extract<ElementDef, { kind: 'serviceTask' }>,
    token: Token,
  ): void {
    for (const boundaryId of element.boundaryEventIds) {
      const boundary = this.element(boundaryId);
      if (boundary.kind !== 'timerBoundaryEvent') continue;
      const value = String(
        this.evaluate(boundary.timer.value, this.state.variables, `timer of "${boundary.id}"`),
      );
      let dueAt: string;
      let cycle: { interval: string; remainingAfterThis: number | null } | null = null;
      try {
        if (boundary.timer.type === 'date') dueAt = parseDateTime(value);
        else if (boundary.timer.type === 'duration') dueAt = addDuration(this.now, value);
        else {
          const parsed = parseCycle(value);
          dueAt = addDuration(this.now, parsed.interval);
          cycle = {
            interval: parsed.interval,
            remainingAfterThis: parsed.repetitions === null ? null : parsed.repetitions - 1,
          };
        }
      } catch (error) {
        throw new EngineError(
          'failed_precondition',
          `timer of "${boundary.id}": ${(error as Error).message}`,
        );
      }
      const timer = {
        id: this.nextId('timer'),
        boundaryEventId: boundary.id,
        hostElementId: element.id,
        hostTokenId: token.id,
        interrupting: boundary.interrupting,
        dueAt,
        cycle,
      };
      this.state.timers.push(timer);
      this.effects.push({ type: 'timerScheduled', timer: { ...timer } });
    }
  }

  // ---- ending things

  cancelTask(task: TaskState, reason: string): void {
    if (task.status !== 'open' && task.status !== 'suspended') return;
    task.status = 'cancelled';
    task.finishedAt = this.now;
    task.cancelReason = reason;
    this.effects.push({
      type: 'taskCancelled',
      taskId: task.id,
      elementId: task.elementId,
      reason,
    });
  }

  cancelTimersOf(tokenId: string): void {
    for (const timer of this.state.timers.filter(
      (candidate) => candidate.hostTokenId === tokenId,
    )) {
      this.effects.push({ type: 'timerCancelled', timerId: timer.id });
    }
    this.state.timers = this.state.timers.filter((timer) => timer.hostTokenId !== tokenId);
  }

  /** Removes a token and everything it waits for: tasks, vote, job, subscription and timers. */
  cancelToken(token: Token, reason: string): void {
    for (const task of this.state.tasks.filter((candidate) => candidate.tokenId === token.id)) {
      this.cancelTask(task, reason);
    }
    if (token.wait.type === 'multiInstance') {
      const bodyId = token.wait.bodyId;
      this.state.multiInstanceBodies = this.state.multiInstanceBodies.filter(
        (body) => body.id !== bodyId,
      );
    }
    if (token.wait.type === 'job') {
      const job = this.state.jobs.find(
        (candidate) => candidate.id === (token.wait as { jobId: string }).jobId,
      );
      if (job && job.status === 'open') {
        job.status = 'cancelled';
        this.effects.push({ type: 'jobCancelled', jobId: job.id });
      }
    }
    this.state.subscriptions = this.state.subscriptions.filter(
      (subscription) => subscription.tokenId !== token.id,
    );
    this.cancelTimersOf(token.id);
    this.state.tokens = this.state.tokens.filter((candidate) => candidate.id !== token.id);
  }

  /** The token's work is done: drop it and its timers, and move on along its outgoing flows. */
  moveOn(token: Token): void {
    this.cancelTimersOf(token.id);
    this.state.tokens = this.state.tokens.filter((candidate) => candidate.id !== token.id);
    this.leave(this.element(token.elementId), token.branch);
  }

  terminate(): void {
    for (const token of [...this.state.tokens]) this.cancelToken(token, 'process terminated');
    this.endProcess('terminated');
  }

  endProcess(status: 'completed' | 'terminated'): void {
    this.state.status = status;
    this.state.endedAt = this.now;
    this.record({ actor: null, action: 'ended', elementId: this.lastEndEventId });
    this.effects.push({
      type: 'processCompleted',
      status,
      endEventId: this.lastEndEventId,
      variables: structuredClone(this.state.variables),
    });
  }

  // ---- votes (会签)

  recordVote(task: TaskState, outcome: Outcome): void {
    const body = this.state.multiInstanceBodies.find((candidate) => candidate.id === task.bodyId);
    if (!body)
      throw new EngineError(
        'failed_precondition',
        `the vote of task "${task.id}" is no longer open`,
      );
    const element = this.userTaskDef(body.elementId);
    body.completed += 1;
    if (outcome === 'approve') body.approvals += 1;
    else body.rejections += 1;
    const active = this.state.tasks.filter(
      (candidate) => candidate.bodyId === body.id && candidate.status === 'open',
    ).length;
    const voteVariables = {
      ...this.state.variables,
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
        decided = this.feel.isTrue(condition, voteVariables);
      } catch (error) {
        throw new EngineError(
          'failed_precondition',
          `completion condition of "${element.id}": ${(error as Error).message}`,
        );
      }
    }
    if (decided) this.finishVote(body, element);
    else if (body.isSequential) this.createVoterTask(element, this.token(body.tokenId), body);
  }

  /** Publishes the tally as `<stepCode>Votes` and moves past the multi-instance task. */
  finishVote(body: MultiInstanceBody, element: UserTaskDef): void {
    for (const task of this.state.tasks.filter((candidate) => candidate.bodyId === body.id)) {
      this.cancelTask(task, 'vote decided');
    }
    this.state.multiInstanceBodies = this.state.multiInstanceBodies.filter(
      (candidate) => candidate.id !== body.id,
    );
    this.state.variables[`${element.stepCode}Votes`] = {
      nrOfInstances: body.items.length,
      nrOfCompletedInstances: body.completed,
      approvals: body.approvals,
      rejections: body.rejections,
    };
    this.moveOn(this.token(body.tokenId));
  }

  withCause<T>(taskId: string, run: () => T): T {
    this.cause = taskId;
    try {
      return run();
    } finally {
      this.cause = null;
    }
  }

  /** Cancels every token inside `branch` (the target's branch and all branches nested in it). */
  cancelBranch(branch: string[], reason: string): void {
    for (const token of this.state.tokens.filter((candidate) =>
      startsWith(candidate.branch, branch),
    )) {
      this.cancelToken(token, reason);
    }
  }
}

async function execute(
  model: ProcessModel,
  state: InstanceState,
  now: string,
  command: (execution: Execution) => void,
): Promise<CommandResult> {
  const feel = await loadFeel();
  const execution = new Execution(model, structuredClone(state), requireNow(now), feel);
  command(execution);
  return execution.result();
}

// ---------------------------------------------------------------------------------------------
// Commands

/** Starts an instance at the model's start event. */
export async function start(
  model: ProcessModel,
  variables: Variables,
  now: string,
  actor: Actor,
): Promise<CommandResult> {
  requireActor(actor);
  const initial = requireVariables(variables);
  const state = emptyState(model, initial, requireNow(now));
  return execute(model, state, now, (run) => {
    run.record({ actor: actor.userId, action: 'started', elementId: model.startEventId });
    run.effects.push({
      type: 'processStarted',
      processId: model.id,
      startedBy: actor.userId,
      variables: structuredClone(initial),
    });
    run.enter(model.startEventId, [], null);
  });
}

export async function claimTask(
  model: ProcessModel,
  state: InstanceState,
  taskId: string,
  actor: Actor,
  now: string,
): Promise<CommandResult> {
  requireActor(actor);
  return execute(model, state, now, (run) => {
    const task = run.openTask(taskId);
    if (task.assignee === actor.userId) {
      throw new EngineError(
        'failed_precondition',
        `task "${taskId}" is already assigned to ${actor.userId}`,
      );
    }
    if (task.assignee !== null) {
      throw new EngineError(
        'failed_precondition',
        `task "${taskId}" is already claimed by ${task.assignee}`,
      );
    }
    run.requireWorker(task, actor);
    run.requireSeparation(task, actor.userId);
    task.assignee = actor.userId;
    task.claimed = true;
    run.effects.push({
      type: 'taskAssigned',
      taskId: task.id,
      assignee: actor.userId,
      previousAssignee: null,
      reason: 'claim',
    });
    run.record({
      actor: actor.userId,
      action: 'claimed',
      elementId: task.elementId,
      taskId: task.id,
    });
  });
}

/** Gives a claimed task back to its candidate queue. */
export async function unclaimTask(
  model: ProcessModel,
  state: InstanceState,
  taskId: string,
  actor: Actor,
  now: string,
): Promise<CommandResult> {
  requireActor(actor);
  return execute(model, state, now, (run) => {
    const task = run.openTask(taskId);
    run.requireAssignee(task, actor, 'unclaim');
    if (task.owner !== null) {
      throw new EngineError(
        'failed_precondition',
        `task "${taskId}" is delegated; resolve it instead`,
      );
    }
    if (task.candidateGroups.length === 0 && task.candidateUsers.length === 0) {
      throw new EngineError(
        'failed_precondition',
        `task "${taskId}" has no candidates to return it to`,
      );
    }
    task.assignee = null;
    task.claimed = false;
    run.effects.push({
      type: 'taskAssigned',
      taskId: task.id,
      assignee: null,
      previousAssignee: actor.userId,
      reason: 'unclaim',
    });
    run.record({
      actor: actor.userId,
      action: 'unclaimed',
      elementId: task.elementId,
      taskId: task.id,
    });
  });
}

/**
 * Completes a task with an approve/reject decision. The command's variables are merged into the
 * instance; a single task also sets `<stepCode>Outcome`; a vote updates its tally (see recordVote).
 * A delegated task is resolved instead: it goes back to its owner and the flow does not move.
 */
export async function completeTask(
  model: ProcessModel,
  state: InstanceState,
  taskId: string,
  actor: Actor,
  input: CompletionInput,
  now: string,
): Promise<CommandResult> {
  requireActor(actor);
  if (!isPlainObject(input) || (input.outcome !== 'approve' && input.outcome !== 'reject')) {
    throw new EngineError('invalid_argument', 'outcome must be "approve" or "reject"');
  }
  if (input.opinion !== undefined && typeof input.opinion !== 'string') {
    throw new EngineError('invalid_argument', 'opinion must be a string');
  }
  const variables = requireVariables(input.variables);
  const formData = requireVariables(input.formData, 'formData');
  return execute(model, state, now, (run) => {
    const task = run.openTask(taskId);
    run.requireWorker(task, actor);
    run.requireSeparation(task, actor.userId);
    const details = {
      actor: actor.userId,
      elementId: task.elementId,
      taskId: task.id,
      outcome: input.outcome,
      formData,
      ...(input.opinion === undefined ? {} : { opinion: input.opinion }),
    };
    run.mergeVariables(variables);

    if (task.owner !== null) {
      run.record({ ...details, action: 'resolved' });
      run.effects.push({
        type: 'taskAssigned',
        taskId: task.id,
        assignee: task.owner,
        previousAssignee: task.assignee,
        reason: 'resolve',
      });
      task.assignee = task.owner;
      task.owner = null;
      return;
    }

    task.status = 'completed';
    task.finishedAt = run.now;
    task.completedBy = actor.userId;
    task.outcome = input.outcome;
    if (task.assignee === null) task.assignee = actor.userId;
    run.record({ ...details, action: 'completed' });
    run.effects.push({
      type: 'taskCompleted',
      taskId: task.id,
      elementId: task.elementId,
      completedBy: actor.userId,
      outcome: input.outcome,
    });

    const token = run.token(task.tokenId);
    run.withCause(task.id, () => {
      if (task.signerFor !== null) {
        const signed = run.task(task.signerFor);
        signed.status = 'open';
        token.wait = { type: 'task', taskId: signed.id };
        return;
      }
      if (task.signersAfter.length > 0) {
        const [next, ...rest] = task.signersAfter;
        const signer = run.createTask(
          run.userTaskDef(task.elementId),
          token,
          task.localVariables,
          next!,
        );
        signer.signersAfter = rest;
        token.wait = { type: 'task', taskId: signer.id };
        return;
      }
      if (task.bodyId !== null) {
        run.recordVote(task, input.outcome);
        return;
      }
      run.state.variables[`${task.stepCode}Outcome`] = input.outcome;
      run.moveOn(token);
    });
  });
}

/**
 * 回退: sends the flow back to an earlier user task this instance completed. Every token inside
 * the target's parallel branch is cancelled (sibling branches, join arrivals and votes included)
 * and the target task is created again for whoever completed it last.
 */
export async function sendBack(
  model: ProcessModel,
  state: InstanceState,
  taskId: string,
  actor: Actor,
  targetElementId: string,
  reason: string,
  now: string,
): Promise<CommandResult> {
  requireActor(actor);
  requireText(targetElementId, 'the send-back target');
  requireText(reason, 'the send-back reason');
  return execute(model, state, now, (run) => {
    const task = run.openTask(taskId);
    run.requireWorker(task, actor);
    run.requireSeparation(task, actor.userId);
    const target = model.elements[targetElementId];
    if (!target || target.kind !== 'userTask') {
      throw new EngineError(
        'invalid_argument',
        `"${targetElementId}" is not a user task of process "${model.id}"`,
      );
    }
    if (targetElementId === task.elementId) {
      throw new EngineError(
        'invalid_argument',
        `a task cannot be sent back to its own step "${targetElementId}"`,
      );
    }
    const earlier = [...run.state.tasks]
      .reverse()
      .find(
        (candidate) =>
          candidate.elementId === targetElementId &&
          candidate.status === 'completed' &&
          candidate.signerFor === null,
      );
    if (!earlier || !run.state.visited.includes(targetElementId)) {
      throw new EngineError(
        'failed_precondition',
        `step "${targetElementId}" was never completed in this instance; it cannot be a send-back target`,
      );
    }
    const token = run.token(task.tokenId);
    if (!startsWith(token.branch, earlier.branch)) {
      throw new EngineError(
        'failed_precondition',
        `step "${targetElementId}" lies in a parallel branch that does not contain "${task.elementId}"`,
      );
    }
    run.effects.push({
      type: 'taskSentBack',
      taskId: task.id,
      fromElementId: task.elementId,
      toElementId: targetElementId,
      actor: actor.userId,
      reason,
    });
    run.record({
      actor: actor.userId,
      action: 'sentBack',
      elementId: task.elementId,
      taskId: task.id,
      reason,
      targetElementId,
    });
    run.cancelBranch(earlier.branch, `sent back to ${targetElementId}`);
    run.withCause(task.id, () => {
      run.visitAgain(target, earlier.branch, target.multiInstance ? null : earlier.completedBy);
    });
  });
}

/**
 * 撤回: whoever completed a task takes it back while every task that completion created is still
 * open and unclaimed. Those tasks are cancelled and the step is given back to the actor.
 */
export async function withdraw(
  model: ProcessModel,
  state: InstanceState,
  previousTaskId: string,
  actor: Actor,
  now: string,
): Promise<CommandResult> {
  requireActor(actor);
  return execute(model, state, now, (run) => {
    requireText(previousTaskId, 'previousTaskId');
    run.requireActive();
    const previous = run.task(previousTaskId);
    if (previous.status !== 'completed') {
      throw new EngineError(
        'failed_precondition',
        `task "${previousTaskId}" is ${previous.status}, not completed`,
      );
    }
    if (previous.completedBy !== actor.userId) {
      throw new EngineError(
        'permission_denied',
        `only ${previous.completedBy ?? 'its completer'} may withdraw task "${previousTaskId}"`,
      );
    }
    if (previous.bodyId !== null) {
      throw new EngineError(
        'failed_precondition',
        `a vote cannot be withdrawn (task "${previousTaskId}")`,
      );
    }
    const next = run.state.tasks.filter((task) => task.previousTaskId === previous.id);
    if (next.length === 0) {
      throw new EngineError(
        'failed_precondition',
        `completing "${previousTaskId}" created no task that could be taken back`,
      );
    }
    const started = next.filter(
      (task) => task.status !== 'open' || task.claimed || task.owner !== null,
    );
    if (started.length > 0) {
      throw new EngineError(
        'failed_precondition',
        `the next task(s) ${started.map((task) => task.id).join(', ')} are already claimed or finished`,
      );
    }
    if (next.some((task) => !startsWith(task.branch, previous.branch))) {
      throw new EngineError(
        'failed_precondition',
        `completing "${previousTaskId}" joined parallel branches; use send-back instead`,
      );
    }
    run.record({
      actor: actor.userId,
      action: 'withdrawn',
      elementId: previous.elementId,
      taskId: previous.id,
    });
    run.cancelBranch(previous.branch, `withdrawn by ${actor.userId}`);
    run.visitAgain(run.userTaskDef(previous.elementId), previous.branch, actor.userId);
  });
}

export async function transfer(
  model: ProcessModel,
  state: InstanceState,
  taskId: string,
  actor: Actor,
  toUser: string,
  now: string,
): Promise<CommandResult> {
  requireActor(actor);
  requireText(toUser, 'toUser');
  return execute(model, state, now, (run) => {
    const task = run.openTask(taskId);
    run.requireWorker(task, actor);
    if (task.owner !== null)
      throw new EngineError(
        'failed_precondition',
        `task "${taskId}" is delegated; resolve it first`,
      );
    if (toUser === (task.assignee ?? actor.userId)) {
      throw new EngineError('invalid_argument', `task "${taskId}" is already with ${toUser}`);
    }
    run.requireSeparation(task, toUser);
    const previousAssignee = task.assignee;
    task.assignee = toUser;
    task.claimed = true;
    run.effects.push({
      type: 'taskAssigned',
      taskId: task.id,
      assignee: toUser,
      previousAssignee,
      reason: 'transfer',
    });
    run.record({
      actor: actor.userId,
      action: 'transferred',
      elementId: task.elementId,
      taskId: task.id,
      toUser,
    });
  });
}

/** 委派: the assignee lends the task; the delegate's completion returns it to the owner. */
export async function delegate(
  model: ProcessModel,
  state: InstanceState,
  taskId: string,
  actor: Actor,
  toUser: string,
  now: string,
): Promise<CommandResult> {
  requireActor(actor);
  requireText(toUser, 'toUser');
  return execute(model, state, now, (run) => {
    const task = run.openTask(taskId);
    run.requireAssignee(task, actor, 'delegate');
    if (task.owner !== null)
      throw new EngineError('failed_precondition', `task "${taskId}" is already delegated`);
    if (toUser === actor.userId)
      throw new EngineError('invalid_argument', 'a task cannot be delegated to its own assignee');
    run.requireSeparation(task, toUser);
    task.owner = actor.userId;
    task.assignee = toUser;
    task.claimed = true;
    run.effects.push({
      type: 'taskAssigned',
      taskId: task.id,
      assignee: toUser,
      previousAssignee: actor.userId,
      reason: 'delegate',
    });
    run.record({
      actor: actor.userId,
      action: 'delegated',
      elementId: task.elementId,
      taskId: task.id,
      toUser,
    });
  });
}

/**
 * 加签: `before` suspends the task until the added signer completes; `after` queues the signer to
 * sign once the assignee has completed it (the last signer's outcome is the step's outcome).
 */
export async function addSigner(
  model: ProcessModel,
  state: InstanceState,
  taskId: string,
  actor: Actor,
  user: string,
  position: 'before' | 'after',
  now: string,
): Promise<CommandResult> {
  requireActor(actor);
  requireText(user, 'the added signer');
  if (position !== 'before' && position !== 'after') {
    throw new EngineError('invalid_argument', 'position must be "before" or "after"');
  }
  return execute(model, state, now, (run) => {
    const task = run.openTask(taskId);
    run.requireAssignee(task, actor, 'add a signer to');
    if (task.bodyId !== null)
      throw new EngineError(
        'failed_precondition',
        'signers cannot be added to a vote; the voters come from the input collection',
      );
    if (task.owner !== null)
      throw new EngineError('failed_precondition', `task "${taskId}" is delegated`);
    if (user === actor.userId)
      throw new EngineError('invalid_argument', 'the assignee cannot add themselves as a signer');
    run.requireSeparation(task, user);
    run.record({
      actor: actor.userId,
      action: 'signerAdded',
      elementId: task.elementId,
      taskId: task.id,
      toUser: user,
      reason: position,
    });
    if (position === 'after') {
      task.signersAfter.push(user);
      return;
    }
    const token = run.token(task.tokenId);
    const signer = run.withCause(task.id, () =>
      run.createTask(run.userTaskDef(task.elementId), token, task.localVariables, user),
    );
    signer.signerFor = task.id;
    task.status = 'suspended';
    token.wait = { type: 'task', taskId: signer.id };
  });
}

/** 催办: anyone following the application may remind the people who hold an open task. */
export async function urge(
  model: ProcessModel,
  state: InstanceState,
  taskId: string,
  actor: Actor,
  now: string,
): Promise<CommandResult> {
  requireActor(actor);
  return execute(model, state, now, (run) => {
    const task = run.openTask(taskId);
    run.effects.push({
      type: 'taskUrged',
      taskId: task.id,
      elementId: task.elementId,
      urgedBy: actor.userId,
      assignee: task.assignee,
      candidateGroups: task.candidateGroups,
      candidateUsers: task.candidateUsers,
    });
    run.record({
      actor: actor.userId,
      action: 'urged',
      elementId: task.elementId,
      taskId: task.id,
    });
  });
}

/**
 * A due timer fires. Interrupting: the task (or vote, or job) is cancelled and the flow follows
 * the boundary event. Non-interrupting: the task stays, a token follows the boundary event's flow
 * (if any), and a cycle is rescheduled from its previous due time.
 */
export async function fireTimer(
  model: ProcessModel,
  state: InstanceState,
  timerId: string,
  now: string,
): Promise<CommandResult> {
  return execute(model, state, now, (run) => {
    requireText(timerId, 'timerId');
    run.requireActive();
    const timer = run.state.timers.find((candidate) => candidate.id === timerId);
    if (!timer) {
      if (wasIssued(timerId, 'timer', run.state.seq.timer)) {
        throw new EngineError('failed_precondition', `timer "${timerId}" is no longer scheduled`);
      }
      throw new EngineError('not_found', `timer "${timerId}" does not exist in this instance`);
    }
    if (Date.parse(run.now) < Date.parse(timer.dueAt)) {
      throw new EngineError('failed_precondition', `timer "${timerId}" is due at ${timer.dueAt}`);
    }
    const host = run.token(timer.hostTokenId);
    const openTasks = run.state.tasks.filter(
      (task) => task.tokenId === host.id && task.status === 'open',
    );
    run.effects.push({
      type: 'timerFired',
      timerId: timer.id,
      boundaryEventId: timer.boundaryEventId,
      hostElementId: timer.hostElementId,
      interrupting: timer.interrupting,
      taskIds: openTasks.map((task) => task.id),
    });
    run.record({ actor: null, action: 'timerFired', elementId: timer.boundaryEventId });
    const boundary = run.element(timer.boundaryEventId);
    if (timer.interrupting) {
      run.cancelToken(host, `timer ${timer.boundaryEventId} fired`);
    } else if (timer.cycle && timer.cycle.remainingAfterThis !== 0) {
      timer.dueAt = addDuration(timer.dueAt, timer.cycle.interval);
      if (timer.cycle.remainingAfterThis !== null) timer.cycle.remainingAfterThis -= 1;
      run.effects.push({ type: 'timerScheduled', timer: structuredClone(timer) });
    } else {
      run.state.timers = run.state.timers.filter((candidate) => candidate.id !== timer.id);
    }
    run.enter(boundary.id, host.branch, null);
  });
}

/** A worker finished a job. At-least-once delivery: completing a completed job changes nothing. */
export async function completeJob(
  model: ProcessModel,
  state: InstanceState,
  jobId: string,
  variables: Variables,
  now: string,
): Promise<CommandResult> {
  const output = requireVariables(variables);
  const job = state.jobs.find((candidate) => candidate.id === jobId);
  if (job?.status === 'completed') return { state, effects: [] };
  return execute(model, state, now, (run) => {
    requireText(jobId, 'jobId');
    const current = run.state.jobs.find((candidate) => candidate.id === jobId);
    if (!current)
      throw new EngineError('not_found', `job "${jobId}" does not exist in this instance`);
    if (current.status === 'cancelled')
      throw new EngineError('failed_precondition', `job "${jobId}" was cancelled`);
    run.requireActive();
    current.status = 'completed';
    run.mergeVariables(output);
    run.record({ actor: null, action: 'jobCompleted', elementId: current.elementId });
    run.moveOn(run.token(current.tokenId));
  });
}

/** Delivers a message to the first subscription with its name and correlation key. */
export async function correlateMessage(
  model: ProcessModel,
  state: InstanceState,
  messageName: string,
  correlationKey: string | null,
  variables: Variables,
  now: string,
): Promise<CommandResult> {
  requireText(messageName, 'messageName');
  const payload = requireVariables(variables);
  return execute(model, state, now, (run) => {
    run.requireActive();
    const subscription = run.state.subscriptions.find(
      (candidate) =>
        candidate.messageName === messageName &&
        (candidate.correlationKey === null || candidate.correlationKey === correlationKey),
    );
    if (!subscription) {
      throw new EngineError(
        'not_found',
        `no one waits for message "${messageName}" with key "${correlationKey ?? ''}"`,
      );
    }
    run.state.subscriptions = run.state.subscriptions.filter(
      (candidate) => candidate.id !== subscription.id,
    );
    run.mergeVariables(payload);
    run.record({
      actor: null,
      action: 'messageCorrelated',
      elementId: subscription.elementId,
      reason: messageName,
    });
    run.moveOn(run.token(subscription.tokenId));
  });
}

/**
 * Moves an instance to another version of its process. Allowed only when every token waits at a
 * user task that exists, as a user task of the same kind (single or vote), in the new version.
 * Timers of boundary events the new version no longer has are cancelled.
 */
export async function migrateInstance(
  state: InstanceState,
  fromModel: ProcessModel,
  toModel: ProcessModel,
  now: string,
): Promise<CommandResult> {
  return execute(toModel, state, now, (run) => {
    run.requireActive();
    if (state.processId !== fromModel.id) {
      throw new EngineError(
        'invalid_argument',
        `the instance runs process "${state.processId}", not "${fromModel.id}"`,
      );
    }
    const blocking = run.state.tokens
      .filter((token) => {
        const before = fromModel.elements[token.elementId];
        const after = toModel.elements[token.elementId];
        return (
          before?.kind !== 'userTask' ||
          after?.kind !== 'userTask' ||
          (before.multiInstance === null) !== (after.multiInstance === null)
        );
      })
      .map((token) => token.elementId);
    if (blocking.length > 0) {
      const ids = [...new Set(blocking)];
      throw new EngineError(
        'failed_precondition',
        `cannot migrate: tokens wait at ${ids.join(', ')}, which are not user tasks of the same kind in both versions`,
        { blockingElementIds: ids },
      );
    }
    for (const timer of [...run.state.timers]) {
      const boundary = toModel.elements[timer.boundaryEventId];
      if (boundary?.kind !== 'timerBoundaryEvent' || boundary.attachedTo !== timer.hostElementId) {
        run.state.timers = run.state.timers.filter((candidate) => candidate.id !== timer.id);
        run.effects.push({ type: 'timerCancelled', timerId: timer.id });
      }
    }
    for (const task of run.state.tasks) {
      const element = toModel.elements[task.elementId];
      if (element?.kind === 'userTask' && (task.status === 'open' || task.status === 'suspended')) {
        task.stepCode = element.stepCode;
        task.name = element.name;
      }
    }
    run.state.processId = toModel.id;
    run.record({
      actor: null,
      action: 'migrated',
      elementId: null,
      reason: `${fromModel.id} → ${toModel.id}`,
    });
  });
}

const TERMINATION_CAUSES: readonly TerminationCause[] = ['withdrawn', 'declined', 'expired'];

/**
 * The application left the approval before a decision (withdrawn by its account manager,
 * declined or expired in the applications service): the instance ends at once. Every open task
 * is cancelled (with the reason, so it leaves every queue), every timer, job and message wait with
 * it. An instance that has already ended is left as it is, so a repeated request or a redelivered
 * event changes nothing.
 */
export async function terminateProcess(
  model: ProcessModel,
  state: InstanceState,
  input: { cause: TerminationCause; reason: string; actor: string },
  now: string,
): Promise<CommandResult> {
  if (!TERMINATION_CAUSES.includes(input.cause)) {
    throw new EngineError(
      'invalid_argument',
      `cause must be one of ${TERMINATION_CAUSES.join(', ')}`,
    );
  }
  requireText(input.actor, 'the actor');
  if (typeof input.reason !== 'string')
    throw new EngineError('invalid_argument', 'reason must be a string');
  if (state.status !== 'active') return { state, effects: [] };
  return execute(model, state, now, (run) => {
    const why = `the application was ${input.cause}${input.reason ? `: ${input.reason}` : ''}`;
    const open = run.state.tasks.filter((t) => t.status === 'open' || t.status === 'suspended');
    for (const token of [...run.state.tokens]) run.cancelToken(token, why);
    // Whatever no token held any more (defensive: nothing may outlive the instance).
    for (const task of open) run.cancelTask(task, why);
    for (const timer of run.state.timers)
      run.effects.push({ type: 'timerCancelled', timerId: timer.id });
    run.state.timers = [];
    for (const job of run.state.jobs.filter((j) => j.status === 'open')) {
      job.status = 'cancelled';
      run.effects.push({ type: 'jobCancelled', jobId: job.id });
    }
    run.state.subscriptions = [];
    run.state.multiInstanceBodies = [];
    run.state.termination = {
      cause: input.cause,
      reason: input.reason,
      actor: input.actor,
      at: run.now,
    };
    run.state.status = 'terminated';
    run.state.endedAt = run.now;
    run.record({ actor: input.actor, action: 'terminated', elementId: null, reason: why });
    run.effects.push({
      type: 'processTerminated',
      cause: input.cause,
      reason: input.reason,
      actor: input.actor,
      cancelledTaskIds: open.map((t) => t.id),
    });
  });
}

/** The approval actions of the task API, in the order clients show them. */
export const TASK_ACTIONS = [
  'claim',
  'unclaim',
  'complete',
  'send-back',
  'withdraw',
  'transfer',
  'delegate',
  'add-signer',
  'urge',
] as const;
export type TaskAction = (typeof TASK_ACTIONS)[number];

/** What `actor` may do on a task now, and the earlier steps it could be sent back to. */
export async function allowedActions(
  model: ProcessModel,
  state: InstanceState,
  taskId: string,
  actor: Actor,
  now: string,
): Promise<{ actions: TaskAction[]; sendBackTargets: string[] }> {
  requireActor(actor);
  const none = { actions: [] as TaskAction[], sendBackTargets: [] as string[] };
  const task = state.tasks.find((t) => t.id === taskId);
  if (state.status !== 'active' || !task) return none;
  const feel = await loadFeel();
  const run = new Execution(model, state, requireNow(now), feel);
  const holds = (check: () => void): boolean => {
    try {
      check();
      return true;
    } catch (error) {
      if (error instanceof EngineError) return false;
      throw error;
    }
  };
  const actions: TaskAction[] = [];
  if (task.status === 'completed') {
    // 撤回 is the only action on a finished task: ask the command itself (it reads, then refuses).
    const taken = await withdraw(model, state, taskId, actor, now).then(
      () => true,
      (error: unknown) => {
        if (error instanceof EngineError) return false;
        throw error;
      },
    );
    return { actions: taken ? ['withdraw'] : [], sendBackTargets: [] };
  }
  if (task.status !== 'open') return none;
  const mine = task.assignee === actor.userId;
  const worker = holds(() => run.requireWorker(task, actor));
  const separated = holds(() => run.requireSeparation(task, actor.userId));
  const sendBackTargets = [
    ...new Set(
      state.tasks
        .filter(
          (t) =>
            t.status === 'completed' &&
            t.signerFor === null &&
            t.elementId !== task.elementId &&
            state.visited.includes(t.elementId) &&
            startsWith(task.branch, t.branch),
        )
        .map((t) => t.elementId),
    ),
  ];
  if (task.assignee === null && worker && separated) actions.push('claim');
  if (
    mine &&
    task.owner === null &&
    (task.candidateGroups.length > 0 || task.candidateUsers.length > 0)
  )
    actions.push('unclaim');
  if (worker && separated) actions.push('complete');
  if (worker && separated && sendBackTargets.length > 0) actions.push('send-back');
  if (worker && task.owner === null) actions.push('transfer');
  if (mine && task.owner === null) actions.push('delegate');
  if (mine && task.owner === null && task.bodyId === null) actions.push('add-signer');
  actions.push('urge');
  return { actions, sendBackTargets: actions.includes('send-back') ? sendBackTargets : [] };
}
