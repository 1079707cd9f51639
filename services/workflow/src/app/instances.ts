import { createHash } from 'node:crypto';
import {
  businessDateInChina,
  conflict,
  DomainError,
  failedPrecondition,
  invalidArgument,
  isUniqueViolation,
  notFound,
  outboxRows,
  runCommitHooks,
  runCommitHooksNow,
  uuidv7,
  type ErrorCode,
  type Logger,
  type Pool,
  type PoolClient,
  type Queryable,
} from '@loanflow/platform';
import * as engine from '../domain/engine';
import type { Actor, CommandResult, InstanceState, TaskState } from '../domain/engine';
import type { ProcessModel } from '../domain/bpmn/process-model';
import type { Variables } from '../domain/feel';
import {
  cachedDefinition,
  latestDefinition,
  type StoredDefinition,
} from '../infra/definition-repo';
import {
  endedApplication,
  insertInstance,
  persistCommand,
  readForCommand,
  type CommandRecord,
  type InstanceWrite,
  type StoredInstance,
} from '../infra/instance-store';
import { proxiesOn } from '../infra/proxy-repo';
import type { UserDirectory } from './directory';
import { planEffects, SOURCE, type EffectPlan, type InstanceRef } from '../infra/effects';

export interface WorkflowDeps {
  pool: Pool;
  log: Logger;
  /** BPMN process id started for submitted applications. */
  creditProcess: string;
  now?: () => Date;
  /**
   * Required documents still missing for `stage` of the application, asked on the caller's
   * behalf (their token): the gate on every approval step.
   */
  missingDocuments: (applicationId: string, stage: string, token: string) => Promise<string[]>;
  /** Who the people named in commands are (the identity service). */
  directory: UserDirectory;
}

export const SYSTEM: Actor = { userId: 'system', groups: [] };

export const nowOf = (deps: WorkflowDeps): string => (deps.now?.() ?? new Date()).toISOString();

/** Engine errors keep their meaning at the edge: INVALID_ARGUMENT, FAILED_PRECONDITION, ... */
export function asDomainError(err: unknown): unknown {
  if (err instanceof engine.EngineError) return new DomainError(err.code as ErrorCode, err.message);
  return err;
}

export const refOf = (
  i: { id: string; businessKey: string; context: StoredInstance['context'] },
  d: StoredDefinition,
): InstanceRef => ({
  id: i.id,
  businessKey: i.businessKey,
  context: i.context,
  definitionKey: d.key,
  definitionVersion: d.version,
});

/** A submitted application, as the applications service announced it (application.submitted). */
export interface Submission {
  applicationId: string;
  customerId: string;
  /** individual | corporate */
  customerType: string;
  productCode: string;
  productCategory: string;
  branchId: string;
  /** Decimal string. */
  amount: string;
  termMonths: number;
  /** equal_installments, ... */
  repaymentMethod: string;
  /** recommend, ... */
  initialOpinion: string;
  score: number;
  submittedBy: string;
  /** Absent in events of older producers. */
  customerName?: string;
}

/**
 * Starts the credit approval for a submitted application (application.submitted): one instance
 * per application however often the event arrives (unique business key + inbox).
 */
export async function startForApplication(
  deps: WorkflowDeps,
  tx: PoolClient,
  submitted: Submission,
): Promise<string | undefined> {
  const ended = await endedApplication(tx, submitted.applicationId);
  if (ended) {
    // The withdrawal (or decline, expiry) was seen first: there is nothing left to approve.
    deps.log.info(
      { applicationId: submitted.applicationId, cause: ended.cause },
      'application ended before its submission was seen; no process started',
    );
    return undefined;
  }
  const definition = await latestDefinition(tx, deps.creditProcess);
  if (!definition) throw new Error(`no process definition ${deps.creditProcess} is deployed`);
  const variables: Variables = {
    applicationId: submitted.applicationId,
    customerId: submitted.customerId,
    customerType: submitted.customerType,
    productCode: submitted.productCode,
    productCategory: submitted.productCategory,
    branchId: submitted.branchId,
    // FEEL compares numbers; the exact decimal stays in amountText for the decision.
    amount: Number(submitted.amount),
    amountText: submitted.amount,
    termMonths: submitted.termMonths,
    repaymentMethod: submitted.repaymentMethod,
    initialOpinion: submitted.initialOpinion,
    score: submitted.score,
    accountManager: submitted.submittedBy,
  };
  return startInstance(
    deps,
    tx,
    definition,
    submitted.applicationId,
    variables,
    { userId: submitted.submittedBy, groups: [] },
    {
      productCode: submitted.productCode,
      amount: submitted.amount,
      branchId: submitted.branchId,
      ...(submitted.customerName ? { customerName: submitted.customerName } : {}),
    },
  );
}

export async function startInstance(
  deps: WorkflowDeps,
  tx: PoolClient,
  definition: StoredDefinition,
  businessKey: string,
  variables: Variables,
  actor: Actor,
  context: StoredInstance['context'],
): Promise<string | undefined> {
  const now = nowOf(deps);
  const result = await engine
    .start(definition.model, variables, now, actor)
    .then((started) => handOverForAbsences(tx, definition.model, undefined, started, now))
    .catch((err: unknown) => {
      throw asDomainError(err);
    });
  const id = uuidv7();
  const inserted = await insertInstance(tx, {
    id,
    definitionId: definition.id,
    businessKey,
    state: result.state,
    context,
  });
  if (!inserted) {
    deps.log.info({ businessKey }, 'an instance already exists for this business key');
    return undefined;
  }
  const ref = refOf({ id, businessKey, context }, definition);
  await persist(tx, ref, planEffects(ref, undefined, result, now));
  return id;
}

export type Command = (
  model: ProcessModel,
  state: InstanceState,
  now: string,
) => Promise<CommandResult>;

export interface CommandOutcome {
  instance: StoredInstance;
  definition: StoredDefinition;
  changedTasks: TaskState[];
}

/** Idempotency of a command: its answer is kept under (actor, key) and replayed to a retry. */
export interface Remember<T> {
  actor: string;
  key: string;
  input: unknown;
  /** The answer to keep, from the command's outcome. */
  answer: (outcome: CommandOutcome) => T;
}

/** Attempts of a command that keep losing the race for its instance before it gives up. */
const MAX_ATTEMPTS = 100;

/**
 * Runs one engine command on an instance: one writer per instance, all or nothing.
 *
 * Inside a caller's transaction (`tx`: an event handler with its inbox row, a timer being fired)
 * the instance row is locked while the command runs. On its own, a command runs optimistically:
 * one statement reads the instance (with today's proxies and any earlier answer under its
 * idempotency key), the pure engine computes, and one statement writes everything only if the
 * instance's revision is still the one read — two round trips in all. A command that lost the
 * race reads again and runs on the winner's state (where e.g. completing the same task is
 * refused with FAILED_PRECONDITION).
 */
export async function runCommand(
  deps: WorkflowDeps,
  instanceId: string,
  command: Command,
  tx?: PoolClient,
  /** Checks the caller may act on this instance (e.g. branch scope) before anything is written. */
  authorize?: (instance: StoredInstance) => void,
  /** Run the command on an ended instance too (it must then change nothing), instead of refusing. */
  allowEnded = false,
): Promise<CommandOutcome> {
  const done = await execute<never>(deps, instanceId, command, { tx, authorize, allowEnded });
  return done.outcome!;
}

/** `runCommand` with an idempotency key: a retry gets the first answer, whatever happened since. */
export async function runCommandOnce<T>(
  deps: WorkflowDeps,
  instanceId: string,
  command: Command,
  remember: Remember<T>,
  authorize?: (instance: StoredInstance) => void,
  allowEnded = false,
  /**
   * A check that needs the command to have been accepted first (the caller is the assignee or a
   * candidate): the documents gate, so that a stranger learns nothing of what is missing.
   */
  accepted?: () => Promise<void>,
): Promise<T> {
  if (!remember.key || remember.key.length > 255)
    throw invalidArgument([
      { field: 'idempotencyKey', reason: 'is required (1 to 255 characters)' },
    ]);
  const done = await execute(deps, instanceId, command, {
    authorize,
    remember,
    allowEnded,
    accepted,
  });
  return done.answer as T;
}

/** The outcome of a command that ran, or (for a retry) only the answer it gave the first time. */
interface Executed<T> {
  outcome?: CommandOutcome;
  answer?: T;
}

async function execute<T>(
  deps: WorkflowDeps,
  instanceId: string,
  command: Command,
  opts: {
    tx?: PoolClient;
    authorize?: (instance: StoredInstance) => void;
    remember?: Remember<T>;
    allowEnded?: boolean;
    accepted?: () => Promise<void>;
  },
): Promise<Executed<T>> {
  const db = opts.tx ?? deps.pool;
  const remember = opts.remember;
  const hash = remember ? requestHash(remember.input) : '';
  const cache = opts.tx ? undefined : instanceCache(deps.pool);
  for (let attempt = 1; ; attempt++) {
    const now = nowOf(deps);
    // Without a lock the state read is only a guess that the write's revision guard confirms;
    // the state this process last wrote is as good a guess, and costs no read.
    const cached = attempt === 1 ? cache?.get(instanceId) : undefined;
    let instance = cached;
    if (!cached) {
      const read = await readForCommand(db, instanceId, {
        lock: opts.tx !== undefined,
        record: remember && { actor: remember.actor, key: remember.key },
      });
      if (read.prior) return { answer: replay(read.prior, hash) as T };
      instance = read.instance;
    }
    if (!instance) throw notFound(`process instance ${instanceId}`);
    opts.authorize?.(instance);
    if (instance.status !== 'active' && !opts.allowEnded)
      throw failedPrecondition(
        instance.state.termination
          ? engine.endedMessage(instance.state)
          : `process instance ${instanceId} has ended (${instance.status})`,
      );
    const definition = (await cachedDefinition(db, instance.definitionId))!;
    let result: CommandResult;
    try {
      result = await command(definition.model, instance.state, now);
      result = await handOverForAbsences(db, definition.model, instance.state, result, now);
    } catch (err) {
      // Refused on the remembered state: read the instance (and any earlier answer under this
      // key — a retry of a command that went through must get its answer, not a refusal).
      if (cached) {
        cache!.delete(instanceId);
        continue;
      }
      throw asDomainError(err);
    }
    await opts.accepted?.();
    const ref = refOf(instance, definition);
    const plan = planEffects(ref, instance.state, result, now);
    const outcome: CommandOutcome = {
      instance: {
        ...instance,
        state: result.state,
        status: result.state.status,
        revision: instance.revision + 1,
      },
      definition,
      changedTasks: plan.changedTasks,
    };
    const answer = remember?.answer(outcome);
    let applied: boolean;
    try {
      applied = await persist(
        db,
        ref,
        plan,
        { id: instance.id, revision: instance.revision, state: result.state },
        remember && {
          actor: remember.actor,
          key: remember.key,
          requestHash: hash,
          response: answer,
        },
      );
    } catch (err) {
      // A retry of the same key committed its answer first: read again and replay it.
      if (remember && !opts.tx && isUniqueViolation(err, 'command_results_pkey')) continue;
      throw err;
    }
    if (applied) {
      // A caller's transaction may still roll back: only a committed state is remembered.
      if (cache) keepInCache(cache, outcome.instance);
      else instanceCache(deps.pool).delete(instanceId);
      if (plan.events.length > 0) {
        if (opts.tx) runCommitHooks(opts.tx);
        else runCommitHooksNow(deps.pool);
      }
      return { outcome, answer };
    }
    cache?.delete(instanceId);
    // Under a row lock nobody else can have written; without one, another writer won the race.
    if (opts.tx) throw new Error(`instance ${instanceId} changed under a locked command`);
    if (attempt >= MAX_ATTEMPTS)
      throw conflict(`process instance ${instanceId} is too busy; try again`);
  }
}

function replay(prior: { requestHash: string; response: unknown }, hash: string): unknown {
  if (prior.requestHash !== hash) {
    throw invalidArgument([
      { field: 'idempotencyKey', reason: 'was already used for a different command' },
    ]);
  }
  return prior.response;
}

/** Writes a command's result (and its answer, if it keeps one) in one statement. */
function persist(
  db: Queryable,
  ref: InstanceRef,
  plan: EffectPlan,
  write?: InstanceWrite,
  record?: CommandRecord,
): Promise<boolean> {
  return persistCommand(db, {
    instance: ref,
    write,
    changedTasks: plan.changedTasks,
    timers: plan.timers,
    jobsCreated: plan.jobsCreated,
    jobsFinished: plan.jobsFinished,
    outboxJson: plan.events.length > 0 ? outboxRows(SOURCE, plan.events).json : undefined,
    record,
  });
}

/** Hash of a command's input, so a reused idempotency key with other input is refused. */
export const requestHash = (input: unknown): string =>
  createHash('sha256').update(JSON.stringify(input)).digest('hex');

/** Instances as this process last wrote them, most recent last (a bounded LRU per pool). */
const instanceCaches = new WeakMap<Pool, Map<string, StoredInstance>>();
// A parsed state takes some tens of kilobytes: a thousand is a few dozen megabytes at most.
const INSTANCES_REMEMBERED = 1000;

function instanceCache(pool: Pool): Map<string, StoredInstance> {
  let cache = instanceCaches.get(pool);
  if (!cache) instanceCaches.set(pool, (cache = new Map()));
  return cache;
}

function keepInCache(cache: Map<string, StoredInstance>, instance: StoredInstance): void {
  cache.delete(instance.id);
  if (instance.status !== 'active') return;
  if (cache.size >= INSTANCES_REMEMBERED) cache.delete(cache.keys().next().value!);
  cache.set(instance.id, instance);
}

/**
 * 委托 for new work: a task the command just assigned to someone who is away today goes to their
 * proxy at once, as a transfer in the instance's history.
 */
async function handOverForAbsences(
  db: Queryable,
  model: ProcessModel,
  before: InstanceState | undefined,
  result: CommandResult,
  now: string,
): Promise<CommandResult> {
  const previous = new Map((before?.tasks ?? []).map((t) => [t.id, t.assignee]));
  const assigned = result.state.tasks.filter(
    (t) => t.status === 'open' && t.assignee !== null && previous.get(t.id) !== t.assignee,
  );
  if (assigned.length === 0) return result;
  const proxyOf = await proxiesOn(
    db,
    assigned.map((t) => t.assignee!),
    businessDateInChina(new Date(now)),
  );
  let current = result;
  for (const task of assigned) {
    const proxy = proxyOf.get(task.assignee!);
    if (!proxy) continue;
    const next = await engine.transfer(
      model,
      current.state,
      task.id,
      { userId: task.assignee!, groups: [] },
      proxy,
      now,
    );
    current = { state: next.state, effects: [...current.effects, ...next.effects] };
  }
  return current;
}
