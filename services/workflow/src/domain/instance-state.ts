// The state of one process instance: plain JSON, loaded and stored whole by the persistence layer
// for every command. Ids come from the counters in `seq`, so replaying commands gives equal states.
import type { JsonValue, Variables } from './feel';

export interface Actor {
  userId: string;
  groups: string[];
}

export type Outcome = 'approve' | 'reject';

/** What a token is waiting for. A token waiting at a parallel join is a join arrival. */
export type TokenWait =
  | { type: 'task'; taskId: string }
  | { type: 'multiInstance'; bodyId: string }
  | { type: 'job'; jobId: string }
  | { type: 'message'; subscriptionId: string }
  | { type: 'join'; flowId: string };

export interface Token {
  id: string;
  elementId: string;
  /**
   * The parallel branches this token is inside, outermost first (`fork-3.1` = branch 1 of the
   * fork numbered 3). Send-back and withdraw cancel exactly the tokens under the target's branch.
   */
  branch: string[];
  wait: TokenWait;
}

export type TaskStatus = 'open' | 'suspended' | 'completed' | 'cancelled';

export interface TaskState {
  id: string;
  elementId: string;
  stepCode: string;
  name: string | null;
  tokenId: string;
  branch: string[];
  status: TaskStatus;
  assignee: string | null;
  /** True once someone took the task (claim, transfer, withdraw); withdraw needs it false. */
  claimed: boolean;
  /** Set while the task is delegated (委派): the owner gets it back when the delegate resolves it. */
  owner: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
  dueAt: string | null;
  createdAt: string;
  finishedAt: string | null;
  completedBy: string | null;
  outcome: Outcome | null;
  /** The task whose completion created this one (for withdraw, 撤回). */
  previousTaskId: string | null;
  /** Multi-instance vote (会签): the body and the position of this voter. */
  bodyId: string | null;
  loopIndex: number | null;
  /** An added signer before (加签): the task that resumes when this one is done. */
  signerFor: string | null;
  /** Added signers after: each signs in turn once this task is completed. */
  signersAfter: string[];
  /** Variables only this task sees, e.g. the multi-instance input element. */
  localVariables: Variables;
  /** Why the task was cancelled (sent back, vote decided, the application was withdrawn …). */
  cancelReason?: string;
  /** 催办: how often the task was urged while open, and when last. */
  urgeCount?: number;
  lastUrgedAt?: string;
}

export interface MultiInstanceBody {
  id: string;
  elementId: string;
  tokenId: string;
  isSequential: boolean;
  items: JsonValue[];
  /** Index of the next item to hand out (sequential bodies hand them out one at a time). */
  nextIndex: number;
  completed: number;
  approvals: number;
  rejections: number;
}

export interface TimerState {
  id: string;
  boundaryEventId: string;
  hostElementId: string;
  hostTokenId: string;
  interrupting: boolean;
  dueAt: string;
  /** For cycles: the interval and how many more times it fires after this one (null: forever). */
  cycle: { interval: string; remainingAfterThis: number | null } | null;
}

export type JobStatus = 'open' | 'completed' | 'cancelled';

export interface JobState {
  id: string;
  elementId: string;
  tokenId: string;
  type: string;
  retries: number;
  status: JobStatus;
  createdAt: string;
}

export interface MessageSubscription {
  id: string;
  elementId: string;
  tokenId: string;
  messageName: string;
  /** null: the first message with this name matches, whatever its key. */
  correlationKey: string | null;
}

export type HistoryAction =
  | 'started'
  | 'claimed'
  | 'unclaimed'
  | 'completed'
  | 'resolved'
  | 'sentBack'
  | 'withdrawn'
  | 'transferred'
  | 'delegated'
  | 'signerAdded'
  | 'urged'
  | 'timerFired'
  | 'jobCompleted'
  | 'messageCorrelated'
  | 'migrated'
  | 'terminated'
  | 'ended';

export interface HistoryEntry {
  seq: number;
  at: string;
  /** null for the engine itself (timers, jobs, messages). */
  actor: string | null;
  action: HistoryAction;
  elementId: string | null;
  taskId: string | null;
  outcome?: Outcome;
  opinion?: string;
  formData?: Variables;
  reason?: string;
  toUser?: string;
  targetElementId?: string;
}

export type InstanceStatus = 'active' | 'completed' | 'terminated';

/** Why the application behind an instance left the approval before a decision. */
export type TerminationCause = 'withdrawn' | 'declined' | 'expired';

export interface Termination {
  cause: TerminationCause;
  reason: string;
  /** The user who withdrew, or `system` for an application declined or expired elsewhere. */
  actor: string;
  at: string;
}

export interface InstanceState {
  processId: string;
  status: InstanceStatus;
  startedAt: string;
  endedAt: string | null;
  variables: Variables;
  tokens: Token[];
  tasks: TaskState[];
  multiInstanceBodies: MultiInstanceBody[];
  timers: TimerState[];
  jobs: JobState[];
  subscriptions: MessageSubscription[];
  /** Element ids in the order tokens entered them. */
  visited: string[];
  history: HistoryEntry[];
  /** Set when the application was withdrawn, declined or expired (absent in older states). */
  termination?: Termination;
  seq: {
    token: number;
    task: number;
    body: number;
    timer: number;
    job: number;
    subscription: number;
    fork: number;
    history: number;
  };
}

export type EngineEffect =
  | { type: 'processStarted'; processId: string; startedBy: string; variables: Variables }
  | {
      type: 'processCompleted';
      status: 'completed' | 'terminated';
      endEventId: string | null;
      variables: Variables;
    }
  | {
      type: 'processTerminated';
      cause: TerminationCause;
      reason: string;
      actor: string;
      cancelledTaskIds: string[];
    }
  | { type: 'taskCreated'; task: TaskState }
  | {
      type: 'taskAssigned';
      taskId: string;
      assignee: string | null;
      previousAssignee: string | null;
      reason: 'claim' | 'unclaim' | 'transfer' | 'delegate' | 'resolve';
    }
  | {
      type: 'taskCompleted';
      taskId: string;
      elementId: string;
      completedBy: string;
      outcome: Outcome;
    }
  | { type: 'taskCancelled'; taskId: string; elementId: string; reason: string }
  | {
      type: 'taskSentBack';
      taskId: string;
      fromElementId: string;
      toElementId: string;
      actor: string;
      reason: string;
    }
  | {
      type: 'taskUrged';
      taskId: string;
      elementId: string;
      urgedBy: string;
      assignee: string | null;
      candidateGroups: string[];
      candidateUsers: string[];
      /** What the urger said (催办说明); '' when nothing. */
      reason: string;
    }
  | { type: 'timerScheduled'; timer: TimerState }
  | { type: 'timerCancelled'; timerId: string }
  | {
      type: 'timerFired';
      timerId: string;
      boundaryEventId: string;
      hostElementId: string;
      interrupting: boolean;
      /** The open tasks of the host when it fired: whom to remind or escalate. */
      taskIds: string[];
    }
  | { type: 'jobCreated'; job: JobState }
  | { type: 'jobCancelled'; jobId: string }
  | { type: 'history'; entry: HistoryEntry };

export interface CommandResult {
  state: InstanceState;
  effects: EngineEffect[];
}
