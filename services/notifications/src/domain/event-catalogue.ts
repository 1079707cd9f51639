// What each event lets a template say: the variables it carries, where each comes from in the
// event's data (the proto3 JSON of its payload message), and a sample for previews. A template
// naming anything else is refused when it is registered (templates.ts).
import { Decimal } from 'decimal.js';

export type VariableKind = 'text' | 'money' | 'date' | 'datetime' | 'count' | 'percent';

export interface TemplateVariable {
  kind: VariableKind;
  sample: string;
  description: string;
  /**
   * Where the value is in the event's data: a dotted path in its proto3 JSON, or a function for a
   * value worked out from several fields. Absent for a value only the consumer knows.
   */
  from?: string | ((data: JsonObject) => string);
  /** Set when the consumer supplies it (TemplateContext); used when the event's data has none. */
  context?: keyof TemplateContext;
}

export interface EventEntry {
  description: string;
  variables: Record<string, TemplateVariable>;
}

/** What the consumer knows beyond the event: whom it writes to, and whose application it is. */
export interface TemplateContext {
  recipientName: string;
  customerName?: string;
  applicationId?: string;
}

type JsonObject = { [key: string]: unknown };

const recipientName: TemplateVariable = {
  kind: 'text',
  sample: '李明',
  description: 'the name of the person the message goes to',
  context: 'recipientName',
};
const customerName = (from?: string): TemplateVariable => ({
  kind: 'text',
  sample: '张三',
  description: 'the borrower (customer) the application is of',
  ...(from === undefined ? {} : { from }),
  context: 'customerName',
});
const applicationId = (from?: string): TemplateVariable => ({
  kind: 'text',
  sample: 'APP-20261207-0001',
  description: 'the loan application id',
  ...(from === undefined ? {} : { from }),
  context: 'applicationId',
});

const taskEvent = (description: string): EventEntry => ({
  description,
  variables: {
    recipientName,
    customerName: customerName('task.customerName'),
    applicationId: applicationId('task.businessKey'),
    taskId: { kind: 'text', sample: 'T-7F3A', description: 'the task id', from: 'task.id' },
    taskName: {
      kind: 'text',
      sample: '贷前调查',
      description: 'the task as the approval chain names it',
      from: 'task.name',
    },
    step: {
      kind: 'text',
      sample: 'investigation',
      description: 'step code of the approval chain (investigation, review, approval …)',
      from: 'task.step',
    },
    productCode: {
      kind: 'text',
      sample: 'PERSONAL_CONSUMER',
      description: 'the loan product code',
      from: 'task.productCode',
    },
    amount: {
      kind: 'money',
      sample: '1000000.00',
      description: 'the amount applied for, yuan',
      from: 'task.amount',
    },
    dueAt: {
      kind: 'datetime',
      sample: '2026-12-07T09:30:00Z',
      description: 'when the task is due',
      from: 'task.dueAt',
    },
    actor: {
      kind: 'text',
      sample: 'zhao.li',
      description: 'who acted (who urged, assigned or completed)',
      from: 'actor',
    },
    reason: {
      kind: 'text',
      sample: '客户急需用款',
      description: 'the reason given (for an urge, assignment or escalation)',
      from: 'reason',
    },
    at: {
      kind: 'datetime',
      sample: '2026-12-05T02:00:00Z',
      description: 'when it happened',
      from: 'at',
    },
  },
});

const DECIMAL = /^-?\d+(\.\d+)?$/;

function sumOfMoney(...paths: string[]): (data: JsonObject) => string {
  return (data) => {
    const parts = paths.map((p) => textAt(data, p)).filter((v) => DECIMAL.test(v));
    // Decimal, not number: money is never a float.
    return parts.length === 0 ? '' : parts.reduce((s, v) => s.plus(v), new Decimal(0)).toFixed(2);
  };
}

export const EVENT_CATALOGUE: Record<string, EventEntry> = {
  'workflow.task.created': taskEvent('a task of the approval chain was created'),
  'workflow.task.assigned': taskEvent('a task was assigned (claimed, delegated or transferred)'),
  'workflow.task.reminder': taskEvent('a task is due soon'),
  'workflow.task.overdue': taskEvent('a task is past its due time'),
  'workflow.task.urged': taskEvent('someone urged the task (催办)'),
  'workflow.task.escalated': taskEvent('a task was escalated after its time limit'),
  'workflow.process.completed': {
    description: "an application's approval ended",
    variables: {
      recipientName,
      customerName: customerName(),
      applicationId: applicationId('businessKey'),
      decision: {
        kind: 'text',
        sample: 'approved',
        description: 'approved | rejected | terminated (use a select)',
        from: 'decision',
      },
      approvedAmount: {
        kind: 'money',
        sample: '800000.00',
        description: 'the amount approved, yuan',
        from: 'approvedAmount',
      },
      approvedRate: {
        kind: 'percent',
        sample: '4.3500',
        description: 'the annual rate approved, percent',
        from: 'approvedRatePercent',
      },
      approvedTermMonths: {
        kind: 'count',
        sample: '36',
        description: 'the term approved, months',
        from: 'approvedTermMonths',
      },
      completedAt: {
        kind: 'datetime',
        sample: '2026-12-07T06:15:00Z',
        description: 'when the approval ended',
        from: 'at',
      },
    },
  },
  'documents.contract.generated': {
    description: 'the loan contract was generated and waits for signatures',
    variables: {
      recipientName,
      customerName: customerName(),
      applicationId: applicationId('applicationId'),
      contractNumber: {
        kind: 'text',
        sample: 'HT2026120700012',
        description: 'the contract number',
        from: 'contractNumber',
      },
    },
  },
  'documents.contract.signed': {
    description: 'the last party signed the loan contract',
    variables: {
      recipientName,
      customerName: customerName('borrowerName'),
      applicationId: applicationId('applicationId'),
      contractNumber: {
        kind: 'text',
        sample: 'HT2026120700012',
        description: 'the contract number',
        from: 'contractNumber',
      },
      borrowerName: {
        kind: 'text',
        sample: '张三',
        description: 'the borrower as named in the contract',
        from: 'borrowerName',
      },
      productCode: {
        kind: 'text',
        sample: 'PERSONAL_CONSUMER',
        description: 'the loan product code',
        from: 'productCode',
      },
      amount: {
        kind: 'money',
        sample: '800000.00',
        description: 'the contract amount, yuan',
        from: 'terms.amount',
      },
      signedAt: {
        kind: 'datetime',
        sample: '2026-12-08T03:20:00Z',
        description: 'when the last party signed',
        from: 'signedAt',
      },
    },
  },
  'accounting.loan.disbursed': {
    description: 'a loan (or a further tranche) was paid out',
    variables: {
      recipientName,
      customerName: customerName(),
      applicationId: applicationId('applicationId'),
      loanNumber: {
        kind: 'text',
        sample: 'DK2026120900031',
        description: 'the loan number',
        from: 'loanNumber',
      },
      contractNumber: {
        kind: 'text',
        sample: 'HT2026120700012',
        description: 'the contract number',
        from: 'contractNumber',
      },
      tranche: { kind: 'count', sample: '1', description: 'which payout', from: 'tranche' },
      amount: {
        kind: 'money',
        sample: '800000.00',
        description: 'the amount paid out, yuan',
        from: 'amount',
      },
      valueDate: {
        kind: 'date',
        sample: '2026-12-09',
        description: 'the value date (起息日)',
        from: 'valueDate',
      },
      maturityDate: {
        kind: 'date',
        sample: '2029-12-09',
        description: 'the maturity date',
        from: 'maturityDate',
      },
      annualRate: {
        kind: 'percent',
        sample: '4.3500',
        description: 'the annual rate, percent',
        from: 'annualRatePercent',
      },
      accountTail: {
        kind: 'text',
        sample: '6688',
        description: 'the last four characters of the account paid into',
        from: 'accountTail',
      },
    },
  },
  'accounting.installment.due-soon': {
    description: 'an installment falls due in a few days',
    variables: {
      recipientName,
      customerName: customerName(),
      applicationId: applicationId('applicationId'),
      loanNumber: {
        kind: 'text',
        sample: 'DK2026120900031',
        description: 'the loan number',
        from: 'loanNumber',
      },
      installment: {
        kind: 'count',
        sample: '3',
        description: 'which installment (期次)',
        from: 'installment',
      },
      dueDate: {
        kind: 'date',
        sample: '2027-03-09',
        description: 'the due date',
        from: 'dueDate',
      },
      amountDue: {
        kind: 'money',
        sample: '23642.51',
        description: 'principal and interest still unpaid for that date, yuan',
        from: 'amountDue',
      },
      daysBefore: {
        kind: 'count',
        sample: '3',
        description: 'days until the due date',
        from: 'daysBefore',
      },
      businessDate: {
        kind: 'date',
        sample: '2027-03-06',
        description: 'the business date of the notice',
        from: 'businessDate',
      },
    },
  },
  'accounting.loan.overdue': {
    description: 'a loan fell overdue',
    variables: {
      recipientName,
      customerName: customerName(),
      applicationId: applicationId(),
      loanNumber: {
        kind: 'text',
        sample: 'DK2026120900031',
        description: 'the loan number',
        from: 'loanNumber',
      },
      overduePrincipal: {
        kind: 'money',
        sample: '20000.00',
        description: 'principal past due, yuan',
        from: 'overduePrincipal',
      },
      overdueInterest: {
        kind: 'money',
        sample: '3642.51',
        description: 'interest past due, yuan',
        from: 'overdueInterest',
      },
      overdueAmount: {
        kind: 'money',
        sample: '23642.51',
        description: 'principal and interest past due, yuan',
        from: sumOfMoney('overduePrincipal', 'overdueInterest'),
      },
      oldestUnpaidDue: {
        kind: 'date',
        sample: '2027-03-09',
        description: 'the oldest due date not paid',
        from: 'oldestUnpaidDue',
      },
      businessDate: {
        kind: 'date',
        sample: '2027-03-10',
        description: 'the business date it fell overdue',
        from: 'businessDate',
      },
    },
  },
  'accounting.loan.repayment-posted': {
    description: 'a repayment was posted to a loan',
    variables: {
      recipientName,
      customerName: customerName(),
      applicationId: applicationId(),
      amount: {
        kind: 'money',
        sample: '23642.51',
        description: 'the amount repaid, yuan',
        from: 'amount',
      },
      principalPaid: {
        kind: 'money',
        sample: '20000.00',
        description: 'of which principal, yuan',
        from: sumOfMoney(
          'allocation.overduePrincipal',
          'allocation.duePrincipal',
          'allocation.principal',
        ),
      },
      interestPaid: {
        kind: 'money',
        sample: '3642.51',
        description: 'of which interest, penalty and compound interest, yuan',
        from: sumOfMoney(
          'allocation.overdueInterest',
          'allocation.dueInterest',
          'allocation.accruedInterest',
          'allocation.penalty',
          'allocation.compound',
        ),
      },
      valueDate: {
        kind: 'date',
        sample: '2027-03-09',
        description: 'the value date of the repayment',
        from: 'valueDate',
      },
      kind: {
        kind: 'text',
        sample: 'regular',
        description: 'regular | prepayment | payoff (use a select)',
        from: 'kind',
      },
      loanClosed: {
        kind: 'text',
        sample: 'false',
        description: '"true" when the repayment settled the loan (use a select)',
        from: 'loanClosed',
      },
      reference: {
        kind: 'text',
        sample: 'RP20270309000123',
        description: 'the repayment reference',
        from: 'reference',
      },
    },
  },
  'accounting.loan.classified': {
    description: "a loan's five-tier classification changed",
    variables: {
      recipientName,
      customerName: customerName(),
      applicationId: applicationId(),
      loanNumber: {
        kind: 'text',
        sample: 'DK2026120900031',
        description: 'the loan number',
        from: 'loanNumber',
      },
      fromTier: {
        kind: 'text',
        sample: 'special_mention',
        description: 'normal | special_mention | substandard | doubtful | loss (use a select)',
        from: 'from',
      },
      toTier: {
        kind: 'text',
        sample: 'substandard',
        description: 'normal | special_mention | substandard | doubtful | loss (use a select)',
        from: 'to',
      },
      cause: {
        kind: 'text',
        sample: 'days_past_due',
        description: 'days_past_due | manual (use a select)',
        from: 'cause',
      },
      daysPastDue: {
        kind: 'count',
        sample: '91',
        description: 'days past due',
        from: 'daysPastDue',
      },
      businessDate: {
        kind: 'date',
        sample: '2027-06-08',
        description: 'the business date of the change',
        from: 'businessDate',
      },
      reason: {
        kind: 'text',
        sample: '借款人经营困难',
        description: 'why (a manual change)',
        from: 'reason',
      },
    },
  },
  // Not an event on the bus: the consumer's daily digest of what a user was not mailed one by one.
  digest: {
    description: "the daily digest e-mail of a user's notifications",
    variables: {
      recipientName,
      count: { kind: 'count', sample: '3', description: 'how many items', from: 'count' },
      items: {
        kind: 'text',
        sample: '· 张三 ¥1,000,000.00 贷前调查\n· 李四 ¥500,000.00 审查\n· 王五 ¥200,000.00 审批',
        description: 'the items, one a line',
        from: 'items',
      },
    },
  },
};

/** The text at a dotted path of JSON data; '' where there is none. */
function textAt(data: unknown, path: string): string {
  let here: unknown = data;
  for (const key of path.split('.')) {
    if (here === null || typeof here !== 'object' || Array.isArray(here)) return '';
    here = (here as JsonObject)[key];
  }
  if (typeof here === 'string') return here;
  if (typeof here === 'number' || typeof here === 'boolean' || typeof here === 'bigint')
    return String(here);
  return '';
}

/**
 * The values a template of `eventType` may use, as strings (money a decimal string, dates
 * YYYY-MM-DD, datetimes RFC 3339): each taken from the event's data, else from the context;
 * '' where neither has it. Unknown event types have no variables.
 */
export function templateVariables(
  eventType: string,
  data: unknown,
  context: TemplateContext,
): Record<string, string> {
  const entry = EVENT_CATALOGUE[eventType];
  if (entry === undefined) return {};
  const object: JsonObject =
    data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as JsonObject) : {};
  const values: Record<string, string> = {};
  for (const [name, variable] of Object.entries(entry.variables)) {
    const { from } = variable;
    let value =
      from === undefined ? '' : typeof from === 'string' ? textAt(object, from) : from(object);
    if (value === '' && variable.context !== undefined) value = context[variable.context] ?? '';
    values[name] = value;
  }
  return values;
}

/** The names of the variables an event carries, in the catalogue's order. */
export function variablesOf(eventType: string): string[] {
  return Object.keys(EVENT_CATALOGUE[eventType]?.variables ?? {});
}
