import { createHash } from 'node:crypto';
import {
  DomainError,
  failedPrecondition,
  invalidArgument,
  notFound,
  uuidv7,
  withTransaction,
  type ErrorCode,
  type EventEnvelope,
  type Logger,
  type Pool,
  type PoolClient,
} from '@loanflow/platform';
import { applicationEventsV1 } from '@loanflow/proto';
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
  insertInstance,
  instanceById,
  saveInstance,
  type StoredInstance,
} from '../infra/instance-store';
import { todayInShanghai } from './dates';
import { recordEffects, type InstanceRef } from './effects';

export interface WorkflowDeps {
  pool: Pool;
  log: Logger;
  /** BPMN process id started for submitted applications. */
  creditProcess: string;
  now?: () => Date;
  /**
   * Required documents still missing for `stage` of the application, asked on the caller's
   * behalf (their token); absent when the deployment has no document gate.
   */
  missingDocuments?: (applicationId: string, stage: string, token: string) => Promise<string[]>;
}

export const SYSTEM: Actor = { userId: 'system', groups: [] };

const nowOf = (deps: WorkflowDeps) => (deps.now?.() ?? new Date()).toISOString();

/** Engine errors keep their meaning at the edge: INVALID_ARGUMENT, FAILED_PRECONDITION, ... */
export function asDomainError(err: unknown): unknown {
  if (err instanceof engine.EngineError) return new DomainError(err.code as ErrorCode, err.message);
  return err;
}

const refOf = (
  i: { id: string; businessKey: string; context: StoredInstance['context'] },
  d: StoredDefinition,
): InstanceRef => ({
  id: i.id,
  businessKey: i.businessKey,
  context: i.context,
  definitionKey: d.key,
  definitionVersion: d.version,
});

/**
 * Starts the credit approval for a submitted application (application.submitted): one instance
 * per application however often the event arrives (unique business key + inbox).
 */
export async function startForApplication(
  deps: WorkflowDeps,
  tx: PoolClient,
  event: EventEnvelope,
): Promise<string | undefined> {
  const submitted = applicationEventsV1.ApplicationSubmitted.fromJSON(event.data);
  const definition = await latestDefinition(tx, deps.creditProcess);
  if (!definition) throw new Error(`no process definition ${deps.creditProcess} is deployed`);
  const variables: Variables = {
    applicationId: submitted.applicationId,
    customerId: submitted.customerId,
    customerType: submitted.customerType.replace('CUSTOMER_TYPE_', '').toLowerCase(),
    productCode: submitted.productCode,
    productCategory: submitted.productCategory,
    branchId: submitted.branchId,
    // FEEL compares numbers; the exact decimal stays in amountText for the decision.
    amount: Number(submitted.amount),
    amountText: submitted.amount,
    termMonths: submitted.termMonths,
    repaymentMethod: submitted.repaymentMethod.replace('REPAYMENT_METHOD_', '').toLowerCase(),
    initialOpinion: submitted.initialOpinion.replace('OPINION_', '').toLowerCase(),
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
  await recordEffects(tx, refOf({ id, businessKey, context }, definition), undefined, result, now);
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

/**
 * Runs one engine command on an instance under its row lock (one writer per instance): load,
 * apply, save state, task list, timers, jobs and events, all in one transaction or none.
 */
export async function runCommand(
  deps: WorkflowDeps,
  instanceId: string,
  command: Command,
  tx?: PoolClient,
  /** Checks the caller may act on this instance (e.g. branch scope), under the lock. */
  authorize?: (instance: StoredInstance) => void,
): Promise<CommandOutcome> {
  const run = async (client: PoolClient): Promise<CommandOutcome> => {
    const instance = await instanceById(client, instanceId, true);
    if (!instance) throw notFound(`process instance ${instanceId}`);
    authorize?.(instance);
    if (instance.status !== 'active')
      throw failedPrecondition(`process instance ${instanceId} has ended (${instance.status})`);
    const definition = (await cachedDefinition(client, instance.definitionId))!;
    const now = nowOf(deps);
    let result: CommandResult;
    try {
      result = await command(definition.model, instance.state, now);
      result = await handOverForAbsences(client, definition.model, instance.state, result, now);
    } catch (err) {
      throw asDomainError(err);
    }
    await saveInstance(client, {
      id: instance.id,
      revision: instance.revision,
      state: result.state,
    });
    const changedTasks = await recordEffects(
      client,
      refOf(instance, definition),
      instance.state,
      result,
      now,
    );
    return {
      instance: {
        ...instance,
        state: result.state,
        status: result.state.status,
        revision: instance.revision + 1,
      },
      definition,
      changedTasks,
    };
  };
  return tx ? run(tx) : withTransaction(deps.pool, run);
}

/** Hash of a command's input, so a reused idempotency key with other input is refused. */
export const requestHash = (input: unknown): string =>
  createHash('sha256').update(JSON.stringify(input)).digest('hex');

/** Replays the first answer to a command with the same key, or runs it and records the answer. */
export async function once<T>(
  deps: WorkflowDeps,
  actor: string,
  key: string,
  input: unknown,
  work: (tx: PoolClient) => Promise<T>,
): Promise<T> {
  if (!key || key.length > 255)
    throw invalidArgument([
      { field: 'idempotencyKey', reason: 'is required (1 to 255 characters)' },
    ]);
  const hash = requestHash(input);
  return withTransaction(deps.pool, async (tx) => {
    // Claiming the key takes its unique-index entry: a retry of the same key waits here until
    // the first commits (then replays its answer) or rolls back (then runs itself).
    const claim = await tx.query(
      `INSERT INTO command_results (actor, key, request_hash, response) VALUES ($1, $2, $3, 'null')
       ON CONFLICT DO NOTHING`,
      [actor, key, hash],
    );
    if (claim.rowCount === 0) {
      const prior = await tx.query<{ request_hash: string; response: T }>(
        'SELECT request_hash, response FROM command_results WHERE actor = $1 AND key = $2',
        [actor, key],
      );
      if (prior.rows[0]!.request_hash !== hash) {
        throw invalidArgument([
          { field: 'idempotencyKey', reason: 'was already used for a different command' },
        ]);
      }
      return prior.rows[0]!.response;
    }
    const response = await work(tx);
    await tx.query('UPDATE command_results SET response = $3 WHERE actor = $1 AND key = $2', [
      actor,
      key,
      JSON.stringify(response),
    ]);
    return response;
  });
}

/**
 * 委托 for new work: a task the command just assigned to someone who is away today goes to their
 * proxy at once, as a transfer in the instance's history.
 */
async function handOverForAbsences(
  tx: PoolClient,
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
  const { rows } = await tx.query<{ user_id: string; proxy_user_id: string }>(
    'SELECT user_id, proxy_user_id FROM proxies WHERE user_id = ANY($1) AND from_date <= $2 AND to_date >= $2',
    [assigned.map((t) => t.assignee), todayInShanghai(new Date(now))],
  );
  const proxyOf = new Map(rows.map((r) => [r.user_id, r.proxy_user_id]));
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
