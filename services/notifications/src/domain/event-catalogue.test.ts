import { EVENT_CATALOGUE, templateVariables, variablesOf } from './event-catalogue';
import { renderTemplate } from './templates';

const context = { recipientName: '王芳', customerName: '客户甲', applicationId: 'APP-CTX' };

// Event data as the publishers write it: the proto3 JSON of the payload (ts-proto toJSON).
const taskUrged = {
  task: {
    id: 'inst-1:task-2',
    instanceId: 'inst-1',
    businessKey: 'APP-20261207-0042',
    name: '贷前调查',
    step: 'investigation',
    state: 'open',
    assignee: 'li.ming',
    candidateGroups: ['credit_officers'],
    dueAt: '2026-12-07T09:30:00.000Z',
    productCode: 'PERSONAL_CONSUMER',
    amount: '300000.00',
    customerName: '赵六',
  },
  actor: 'zhao.li',
  reason: '客户急需用款',
  at: '2026-12-06T01:00:00.000Z',
};

describe('templateVariables takes each value from the event data', () => {
  test('a task event: the task fields, data before context', () => {
    expect(templateVariables('workflow.task.urged', taskUrged, context)).toEqual({
      recipientName: '王芳',
      customerName: '赵六',
      applicationId: 'APP-20261207-0042',
      taskId: 'inst-1:task-2',
      taskName: '贷前调查',
      step: 'investigation',
      productCode: 'PERSONAL_CONSUMER',
      amount: '300000.00',
      dueAt: '2026-12-07T09:30:00.000Z',
      actor: 'zhao.li',
      reason: '客户急需用款',
      at: '2026-12-06T01:00:00.000Z',
    });
  });

  test('what the event lacks is the context value, else empty (never "undefined")', () => {
    // A service-level reminder carries no amount, customer or actor.
    const reminder = { task: { id: 't', businessKey: 'APP-1', name: '审查', step: 'review' } };
    const values = templateVariables('workflow.task.reminder', reminder, { recipientName: '王芳' });
    expect(values.amount).toBe('');
    expect(values.customerName).toBe('');
    expect(values.actor).toBe('');
    expect(values.applicationId).toBe('APP-1');
    expect(templateVariables('workflow.task.reminder', reminder, context).customerName).toBe(
      '客户甲',
    );
    expect(Object.values(templateVariables('workflow.task.reminder', null, context))).not.toContain(
      'undefined',
    );
  });

  test('numbers and booleans of proto3 JSON become strings', () => {
    const posted = {
      amount: '23642.51',
      valueDate: '2027-03-09',
      kind: 'payoff',
      loanClosed: true,
    };
    expect(templateVariables('accounting.loan.repayment-posted', posted, context)).toMatchObject({
      amount: '23642.51',
      valueDate: '2027-03-09',
      kind: 'payoff',
      loanClosed: 'true',
      customerName: '客户甲',
      applicationId: 'APP-CTX',
    });
    const due = { installment: 3, dueDate: '2027-03-09', amountDue: '100.00', daysBefore: 3 };
    expect(templateVariables('accounting.installment.due-soon', due, context)).toMatchObject({
      installment: '3',
      daysBefore: '3',
    });
  });

  test('sums of money are added as decimals: 0.10 + 0.20 is 0.30', () => {
    const overdue = { loanNumber: 'DK1', overduePrincipal: '0.10', overdueInterest: '0.20' };
    expect(templateVariables('accounting.loan.overdue', overdue, context).overdueAmount).toBe(
      '0.30',
    );
    expect(
      templateVariables(
        'accounting.loan.overdue',
        { overduePrincipal: '9007199254740993.00' },
        context,
      ).overdueAmount,
    ).toBe('9007199254740993.00');
    expect(templateVariables('accounting.loan.overdue', {}, context).overdueAmount).toBe('');
    const posted = {
      allocation: {
        overduePrincipal: '100.00',
        principal: '0.01',
        dueInterest: '1.50',
        penalty: '0.25',
      },
    };
    expect(templateVariables('accounting.loan.repayment-posted', posted, context)).toMatchObject({
      principalPaid: '100.01',
      interestPaid: '1.75',
    });
  });

  test('classification tiers come from `from` and `to`', () => {
    const classified = {
      loanNumber: 'DK1',
      from: 'special_mention',
      to: 'substandard',
      cause: 'days_past_due',
      daysPastDue: 91,
    };
    expect(templateVariables('accounting.loan.classified', classified, context)).toMatchObject({
      fromTier: 'special_mention',
      toTier: 'substandard',
      cause: 'days_past_due',
      daysPastDue: '91',
    });
  });

  test('contract and approval events', () => {
    expect(
      templateVariables(
        'documents.contract.signed',
        {
          contractNumber: 'HT1',
          borrowerName: '钱七',
          signedAt: '2026-12-08T03:20:00Z',
          terms: { amount: '50000.00' },
        },
        context,
      ),
    ).toMatchObject({
      contractNumber: 'HT1',
      customerName: '钱七',
      borrowerName: '钱七',
      amount: '50000.00',
    });
    expect(
      templateVariables(
        'workflow.process.completed',
        {
          businessKey: 'APP-9',
          decision: 'approved',
          approvedAmount: '80000.00',
          approvedRatePercent: '4.3500',
          approvedTermMonths: 36,
        },
        context,
      ),
    ).toMatchObject({
      applicationId: 'APP-9',
      customerName: '客户甲',
      decision: 'approved',
      approvedRate: '4.3500',
      approvedTermMonths: '36',
    });
    expect(
      templateVariables(
        'accounting.loan.disbursed',
        { amount: '80000.00', accountTail: '6688', valueDate: '2026-12-09' },
        context,
      ),
    ).toMatchObject({
      amount: '80000.00',
      accountTail: '6688',
      valueDate: '2026-12-09',
      loanNumber: '',
    });
  });

  test('an unknown event type has no variables', () => {
    expect(templateVariables('nothing.happened', taskUrged, context)).toEqual({});
    expect(variablesOf('nothing.happened')).toEqual([]);
  });
});

describe('the catalogue', () => {
  const eventTypes = [
    'workflow.task.created',
    'workflow.task.assigned',
    'workflow.task.reminder',
    'workflow.task.overdue',
    'workflow.task.urged',
    'workflow.task.escalated',
    'workflow.process.completed',
    'documents.contract.generated',
    'documents.contract.signed',
    'accounting.loan.disbursed',
    'accounting.installment.due-soon',
    'accounting.loan.overdue',
    'accounting.loan.repayment-posted',
    'accounting.loan.classified',
    'digest',
  ];

  test('has the events the rules use', () => {
    expect(Object.keys(EVENT_CATALOGUE).sort()).toEqual([...eventTypes].sort());
  });

  test.each(eventTypes)(
    '%s: every variable has a source, a description and a sample of its kind',
    (type) => {
      const entry = EVENT_CATALOGUE[type]!;
      expect(entry.variables.recipientName?.context).toBe('recipientName');
      for (const [name, v] of Object.entries(entry.variables)) {
        expect([name, v.from !== undefined || v.context !== undefined]).toEqual([name, true]);
        expect(v.description.length).toBeGreaterThan(3);
        // A sample that is not of its kind would make the preview fail.
        expect(() =>
          renderTemplate(
            { subject: '', body: `{${name}}`, html: '', locale: 'zh-CN' },
            { [name]: v.sample },
            { [name]: v.kind },
          ),
        ).not.toThrow();
      }
    },
  );

  test('events about an application let the consumer add the customer and application', () => {
    for (const type of eventTypes.filter((t) => t !== 'digest')) {
      expect([type, EVENT_CATALOGUE[type]!.variables.customerName?.context]).toEqual([
        type,
        'customerName',
      ]);
      expect([type, EVENT_CATALOGUE[type]!.variables.applicationId?.context]).toEqual([
        type,
        'applicationId',
      ]);
    }
  });
});
