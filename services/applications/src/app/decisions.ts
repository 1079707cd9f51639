import type { Logger, PoolClient } from '@loanflow/platform';
import { appendHistory, applicationById, recordDecision } from '../infra/application-repo';

/** How an approval process ended (workflow's process.completed), as decoded from the event. */
export interface ProcessOutcome {
  eventId: string;
  occurredAt: string;
  instanceId: string;
  /** The application id, when the process was about an application (else not a UUID). */
  applicationId: string;
  /** approved | rejected | terminated (or nothing). */
  decision: string;
  /** Two decimals, when approved with an amount. */
  approvedAmount?: string;
  /** Four decimals, when approved with a rate. */
  approvedRatePercent?: string;
  approvedTermMonths?: number;
  at?: string;
}

/**
 * The approval process finished (workflow's process.completed): the application takes the
 * decision and, when approved, the approved amount, rate and term. Runs in the inbox
 * transaction, so a redelivered event changes nothing twice.
 */
export async function recordProcessDecision(
  tx: PoolClient,
  done: ProcessOutcome,
  log: Logger,
): Promise<void> {
  if (done.decision !== 'approved' && done.decision !== 'rejected') {
    log.warn(
      { eventId: done.eventId, decision: done.decision },
      'process ended without a decision; application left as it is',
    );
    return;
  }
  const decision = {
    status: done.decision,
    approvedAmount: done.approvedAmount,
    approvedRatePercent: done.approvedRatePercent,
    approvedTermMonths: done.approvedTermMonths,
    processInstanceId: done.instanceId,
    decidedAt: done.at || done.occurredAt,
  } as const;
  // Only a submitted application takes a decision: a withdrawn (declined, expired) one stays
  // as it is, whatever a process still running somewhere decided.
  const recorded = await recordDecision(tx, done.applicationId, decision);
  if (!recorded) {
    const app = await applicationById(tx, done.applicationId);
    log.warn(
      {
        eventId: done.eventId,
        applicationId: done.applicationId,
        decision: done.decision,
        status: app?.status ?? 'unknown',
      },
      `process.completed (${done.decision}) refused: the application is ${app?.status ?? 'not known here'}, not submitted`,
    );
    return;
  }
  await appendHistory(tx, done.applicationId, {
    action: decision.status,
    at: decision.decidedAt,
    details: Object.fromEntries(
      Object.entries({
        approvedAmount: decision.approvedAmount,
        approvedRatePercent: decision.approvedRatePercent,
        approvedTermMonths: decision.approvedTermMonths?.toString(),
        processInstanceId: decision.processInstanceId,
      }).filter((e): e is [string, string] => !!e[1]),
    ),
  });
}
