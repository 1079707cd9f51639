// One command being applied to a private copy of the state: lookups, ids, history and effects.
// Token movement, tasks, votes, timers and messages are the modules beside this one; each takes
// the Execution it works on.
import type { ElementDef, ProcessModel, UserTaskDef } from '../bpmn/process-model';
import { EngineError } from '../engine-error';
import { FeelError, loadFeel, type Feel, type JsonValue, type Variables } from '../feel';
import type {
  CommandResult,
  EngineEffect,
  HistoryEntry,
  InstanceState,
  TaskState,
  Token,
  TokenWait,
} from '../instance-state';
import { requireNow, requireText } from './inputs';

export type HistoryInput = Omit<HistoryEntry, 'seq' | 'at' | 'taskId' | 'elementId'> & {
  taskId?: string | null;
  elementId?: string | null;
};

/**
 * Why nothing may be done on an instance that has ended: for a withdrawn, declined or expired
 * application, in those words (the people who still hold the task need to know why it went).
 */
export function endedMessage(state: InstanceState): string {
  const t = state.termination;
  if (!t) return `the process instance is ${state.status}`;
  return `the application was ${t.cause}${t.reason ? ` (${t.reason})` : ''}: its approval process has ended`;
}

export function emptyState(model: ProcessModel, variables: Variables, now: string): InstanceState {
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

export class Execution {
  readonly effects: EngineEffect[] = [];
  /** Elements entered so far by this command (bounded against gateway cycles). */
  steps = 0;
  lastEndEventId: string | null = null;
  /** The task whose completion is moving tokens now; tasks created meanwhile point back to it. */
  cause: string | null = null;

  constructor(
    readonly model: ProcessModel,
    readonly state: InstanceState,
    readonly now: string,
    readonly feel: Feel,
  ) {}

  result(): CommandResult {
    if (this.state.status === 'active' && this.state.tokens.length === 0) {
      this.endProcess('completed');
    }
    return { state: this.state, effects: this.effects };
  }

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

  newToken(elementId: string, branch: string[], wait: TokenWait): Token {
    const token: Token = { id: this.nextId('token'), elementId, branch, wait };
    this.state.tokens.push(token);
    return token;
  }

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

  withCause<T>(taskId: string, run: () => T): T {
    this.cause = taskId;
    try {
      return run();
    } finally {
      this.cause = null;
    }
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
}

/** Runs `command` on a copy of `state`; the caller's state is never changed. */
export async function execute(
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

/** An Execution over the state itself, for questions that change nothing. */
export async function inspect(
  model: ProcessModel,
  state: InstanceState,
  now: string,
): Promise<Execution> {
  return new Execution(model, state, requireNow(now), await loadFeel());
}
