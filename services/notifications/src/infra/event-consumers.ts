// The events the notifications service consumes: the directory's (who can be told), the
// applications' and loans' (whom an event concerns), and every event a rule may send a message
// for. Each is decoded with its proto message, then handled in the inbox transaction: a
// redelivered event changes nothing twice.
import {
  consumeOnce,
  decodeEventData,
  type EventBus,
  type EventEnvelope,
  type Logger,
  type Pool,
  type PoolClient,
  type Subscription,
} from '@loanflow/platform';
import {
  accountingEventsV1,
  applicationEventsV1,
  documentEventsV1,
  identityV1,
  workflowEventsV1,
} from '@loanflow/proto';
import type { NotificationsDeps } from '../app/deps';
import { notify, type EventFacts } from '../app/notify';
import { upsertApplication, upsertBranch, upsertLoan, upsertRecipient } from './directory-repo';

type Handler = (event: EventEnvelope, tx: PoolClient) => Promise<void>;

function taskFacts(event: EventEnvelope): EventFacts {
  const { task } = decodeEventData(workflowEventsV1.TaskEvent, event, ['task']);
  const t = task!;
  return {
    subjectKind: 'task',
    subjectId: t.id,
    applicationId: t.businessKey || undefined,
    branchId: t.branchId || undefined,
    task: {
      assignee: t.assignee,
      candidateGroups: t.candidateGroups,
      candidateUsers: t.candidateUsers,
    },
  };
}

/** What a loan event says of whom it concerns (the rest is completed from the loans table). */
function loanFacts(e: {
  loanId?: string;
  customerId?: string;
  applicationId?: string;
  branchId?: string;
}): EventFacts {
  return {
    subjectKind: 'loan',
    subjectId: e.loanId!,
    loanId: e.loanId,
    customerId: e.customerId || undefined,
    applicationId: e.applicationId || undefined,
    branchId: e.branchId || undefined,
  };
}

/** What each consumed event type means here: the facts a rule needs, or a directory change. */
function handlers(deps: NotificationsDeps): Record<string, Handler> {
  const told =
    (facts: (e: EventEnvelope) => EventFacts): Handler =>
    async (event, tx) => {
      await notify(deps, tx, event, facts(event));
    };
  const task = told(taskFacts);
  return {
    'identity.user.created': userChanged,
    'identity.user.updated': userChanged,
    'identity.user.deactivated': userChanged,
    'identity.branch.created': async (event, tx) => {
      const { branch } = decodeEventData(identityV1.BranchChanged, event, ['branch']);
      await upsertBranch(tx, branch!.code, branch!.parentCode || null);
    },
    'applications.application.created': async (event, tx) => {
      const a = decodeEventData(applicationEventsV1.ApplicationCreated, event, [
        'applicationId',
        'customerId',
      ]);
      await upsertApplication(tx, {
        applicationId: a.applicationId,
        customerId: a.customerId,
        branchId: a.branchId,
        productCode: a.productCode,
        accountManagerId: a.createdBy,
        customerName: '',
      });
    },
    'applications.application.submitted': async (event, tx) => {
      const a = decodeEventData(applicationEventsV1.ApplicationSubmitted, event, [
        'applicationId',
        'customerId',
      ]);
      await upsertApplication(tx, {
        applicationId: a.applicationId,
        customerId: a.customerId,
        branchId: a.branchId,
        productCode: a.productCode,
        accountManagerId: a.submittedBy,
        customerName: a.customerName,
      });
    },
    'workflow.task.created': task,
    'workflow.task.assigned': task,
    'workflow.task.reminder': task,
    'workflow.task.overdue': task,
    'workflow.task.urged': task,
    'workflow.task.escalated': task,
    'workflow.process.completed': told((event) => {
      const p = decodeEventData(workflowEventsV1.ProcessCompleted, event, ['instanceId']);
      return {
        subjectKind: 'application',
        subjectId: p.businessKey,
        applicationId: p.businessKey || undefined,
      };
    }),
    'documents.contract.generated': told((event) => {
      const c = decodeEventData(documentEventsV1.ContractGenerated, event, ['contractId']);
      return {
        subjectKind: 'contract',
        subjectId: c.contractId,
        applicationId: c.applicationId || undefined,
      };
    }),
    'documents.contract.signed': told((event) => {
      const c = decodeEventData(documentEventsV1.ContractSigned, event, ['contractId']);
      return {
        subjectKind: 'contract',
        subjectId: c.contractId,
        applicationId: c.applicationId || undefined,
        customerId: c.customerId || undefined,
        branchId: c.branchId || undefined,
      };
    }),
    'accounting.loan.disbursed': async (event, tx) => {
      const l = decodeEventData(accountingEventsV1.LoanDisbursed, event, ['loanId']);
      if (l.customerId && (l.tranche ?? 1) === 1)
        await upsertLoan(tx, {
          loanId: l.loanId!,
          loanNumber: l.loanNumber ?? '',
          applicationId: l.applicationId || null,
          customerId: l.customerId,
          branchId: l.branchId ?? '',
        });
      await notify(deps, tx, event, loanFacts(l));
    },
    'accounting.installment.due-soon': told((event) =>
      loanFacts(decodeEventData(accountingEventsV1.InstallmentDueSoon, event, ['loanId'])),
    ),
    'accounting.loan.overdue': told((event) =>
      loanFacts(decodeEventData(accountingEventsV1.LoanOverdue, event, ['loanId'])),
    ),
    'accounting.loan.repayment-posted': told((event) =>
      loanFacts(decodeEventData(accountingEventsV1.RepaymentPosted, event, ['loanId'])),
    ),
    'accounting.loan.classified': told((event) =>
      loanFacts(decodeEventData(accountingEventsV1.LoanClassified, event, ['loanId'])),
    ),
  };
}

async function userChanged(event: EventEnvelope, tx: PoolClient): Promise<void> {
  const { user } = decodeEventData(identityV1.UserChanged, event, ['user']);
  const u = user!;
  await upsertRecipient(tx, {
    userId: u.id,
    username: u.username,
    displayName: u.displayName,
    roles: u.roles.map(roleWord),
    branchId: u.branchId,
    email: u.email,
    mobile: u.mobile,
    language: u.language || 'zh-CN',
    active: u.active,
    version: u.version,
  });
}

/** `ROLE_CREDIT_OFFICER` (the proto enum) → `credit_officer` (the candidate groups' word). */
const roleWord = (role: string): string => role.replace(/^ROLE_/, '').toLowerCase();

/** The services whose events are read: one durable consumer each, filtered to the service's subjects. */
const SOURCES = ['identity', 'applications', 'workflow', 'documents', 'accounting'] as const;

/**
 * One durable consumer per source service; events of the same subject (task, loan, user) stay in
 * order, others run side by side. Types without a handler are acknowledged and ignored.
 */
export async function startConsumers(
  deps: NotificationsDeps,
  opts: {
    bus: EventBus;
    pool: Pool;
    log: Logger;
    schema: string;
    startAt: 'all' | 'new';
    concurrency: number;
  },
): Promise<{ consumer: string; subscription: Subscription }[]> {
  const byType = handlers(deps);
  const out: { consumer: string; subscription: Subscription }[] = [];
  for (const source of SOURCES) {
    const consumer = `${opts.schema}_${source}`;
    const subscription = await consumeOnce({
      bus: opts.bus,
      pool: opts.pool,
      log: opts.log,
      consumer,
      filterSubject: `loanflow.${source}.>`,
      startAt: opts.startAt,
      concurrency: opts.concurrency,
      handler: async (event, tx) => {
        const handle = byType[event.type];
        if (handle) await handle(event, tx);
      },
    });
    out.push({ consumer, subscription });
  }
  return out;
}
