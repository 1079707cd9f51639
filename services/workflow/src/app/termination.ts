import {
  canAccessBranch,
  hasRole,
  invalidArgument,
  permissionDenied,
  type Principal,
  type PoolClient,
} from '@loanflow/platform';
import * as engine from '../domain/engine';
import type { TerminationCause } from '../domain/engine';
import {
  instanceByBusinessKey,
  recordEndedApplication,
  type StoredInstance,
} from '../infra/instance-store';
import {
  runCommand,
  runCommandOnce,
  type Command,
  type CommandOutcome,
  type WorkflowDeps,
} from './instances';

const CAUSES: readonly TerminationCause[] = ['withdrawn', 'declined', 'expired'];

/** The applications service's events that end an application's approval, and their cause. */
export const ENDING_EVENTS: Record<TerminationCause, string> = {
  withdrawn: 'loanflow.applications.application.withdrawn',
  declined: 'loanflow.applications.application.declined',
  expired: 'loanflow.applications.application.expired',
};

export interface Ending {
  applicationId: string;
  cause: TerminationCause;
  reason: string;
  actor: string;
}

/** Who may end an application's process directly: those who withdraw applications, and admins. */
const MAY_TERMINATE = ['account_manager', 'corporate_lending', 'admin'] as const;

export function requireTerminator(p: Principal): void {
  if (!hasRole(p, ...MAY_TERMINATE))
    throw permissionDenied(`ending a process needs one of the roles ${MAY_TERMINATE.join(', ')}`);
}

function terminate(ending: Ending, wasActive: { value: boolean }): Command {
  return (model, state, now) => {
    wasActive.value = state.status === 'active';
    return engine.terminateProcess(model, state, ending, now);
  };
}

/**
 * The application was withdrawn, declined or expired (its event, in the inbox transaction): its
 * process ends now. An application whose submission has not been seen yet is remembered, so that
 * a late submission starts nothing; a redelivered event or an ended process changes nothing.
 */
export async function endApplication(
  deps: WorkflowDeps,
  tx: PoolClient,
  ending: Ending,
): Promise<void> {
  const instance = await instanceByBusinessKey(tx, ending.applicationId);
  if (!instance) {
    await recordEndedApplication(tx, { businessKey: ending.applicationId, ...ending });
    return;
  }
  await runCommand(deps, instance.id, terminate(ending, { value: false }), tx, undefined, true);
}

/**
 * TerminateProcess: the gateway ends the process right after the applications service accepted
 * the withdrawal, so that nobody acts on its tasks in between; the event does it again, as a no-op.
 */
export async function terminateProcess<T>(
  deps: WorkflowDeps,
  principal: Principal,
  req: { applicationId: string; cause: string; reason: string; idempotencyKey: string },
  /** The answer in the caller's wire format; kept and replayed to a retry. */
  present: (ended: { outcome: CommandOutcome | undefined; terminated: boolean }) => T,
): Promise<T> {
  requireTerminator(principal);
  const violations = [];
  if (!req.applicationId) violations.push({ field: 'applicationId', reason: 'is required' });
  if (!(CAUSES as readonly string[]).includes(req.cause))
    violations.push({ field: 'cause', reason: `must be one of ${CAUSES.join(', ')}` });
  if (req.reason.length > 1000)
    violations.push({ field: 'reason', reason: 'must be at most 1000 characters' });
  if (violations.length > 0) throw invalidArgument(violations);
  const ending: Ending = {
    applicationId: req.applicationId,
    cause: req.cause as TerminationCause,
    reason: req.reason,
    actor: principal.userId,
  };
  const instance = await instanceByBusinessKey(deps.pool, req.applicationId);
  if (!instance) {
    // Not started yet (or a draft that never was submitted): a late submission starts nothing.
    await recordEndedApplication(deps.pool, { businessKey: req.applicationId, ...ending });
    return present({ outcome: undefined, terminated: false });
  }
  const authorize = (i: StoredInstance) => {
    const branch = i.context.branchId;
    if (branch && !canAccessBranch(principal, branch))
      throw permissionDenied(`the application belongs to branch ${branch}`);
  };
  const wasActive = { value: false };
  return runCommandOnce(
    deps,
    instance.id,
    terminate(ending, wasActive),
    {
      actor: principal.userId,
      key: req.idempotencyKey,
      input: { applicationId: req.applicationId, cause: req.cause, reason: req.reason },
      answer: (o) => present({ outcome: o, terminated: wasActive.value }),
    },
    authorize,
    true,
  );
}
