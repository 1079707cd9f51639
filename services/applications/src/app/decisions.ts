import { isUuid, type EventEnvelope, type Logger, type PoolClient } from '@loanflow/platform';
import { workflowEventsV1 } from '@loanflow/proto';
import { formatAmount, parseAmount, parseRatePercent } from '../domain/money';
import { appendHistory, applicationById, recordDecision } from '../infra/application-repo';

/**
 * The approval process finished (workflow's process.completed): the application takes the
 * decision and, when approved, the approved amount, rate and term. Runs in the inbox
 * transaction, so a redelivered event changes nothing twice.
 */
export async function recordProcessDecision(
  tx: PoolClient,
  event: EventEnvelope,
  log: Logger,
): Promise<void> {
  const done = workflowEventsV1.ProcessCompleted.fromJSON(event.data);
  if (!isUuid(done.businessKey)) {
    log.warn(
      { eventId: event.id, businessKey: done.businessKey },
      'process.completed for something that is not an application',
    );
    return;
  }
  if (done.decision !== 'approved' && done.decision !== 'rejected') {
    log.warn(
      { eventId: event.id, decision: done.decision },
      'process ended without a decision; application left as it is',
    );
    return;
  }
  const amount = done.approvedAmount ? parseAmount(done.approvedAmount) : undefined;
  const rate = done.approvedRatePercent ? parseRatePercent(done.approvedRatePercent) : undefined;
  if ((amount && !amount.ok) || (rate && !rate.ok)) {
    // A malformed decision is a bug upstream: refuse loudly rather than store a wrong figure.
    throw new Error(`process.completed ${event.id} carries an invalid approved amount or rate`);
  }
  const decision = {
    status: done.decision,
    approvedAmount: amount?.ok ? formatAmount(amount.value) : undefined,
    approvedRatePercent: rate?.ok ? rate.value.toFixed(4) : undefined,
    approvedTermMonths: done.approvedTermMonths || undefined,
    processInstanceId: done.instanceId,
    decidedAt: done.at || event.occurredAt,
  } as const;
  // Only a submitted application takes a decision: a withdrawn (declined, expired) one stays
  // as it is, whatever a process still running somewhere decided.
  const recorded = await recordDecision(tx, done.businessKey, decision);
  if (!recorded) {
    const app = await applicationById(tx, done.businessKey);
    log.warn(
      {
        eventId: event.id,
        applicationId: done.businessKey,
        decision: done.decision,
        status: app?.status ?? 'unknown',
      },
      `process.completed (${done.decision}) refused: the application is ${app?.status ?? 'not known here'}, not submitted`,
    );
    return;
  }
  await appendHistory(tx, done.businessKey, {
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
