// OpenAPI 3.1 paths and schemas of the loan accounts (the accounting service), merged into
// openApiDocument: `paths: { ...accountingPaths }` and `components.schemas: { ...accountingSchemas }`.
// They refer to Problem and ScheduleRequest of the main document.
import { repaymentMethodSchema } from './vocabulary-schemas';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});
const json = (schema: object, description = 'OK') => ({
  description,
  content: { 'application/json': { schema } },
});
const body = (schema: object) => ({ required: true, content: { 'application/json': { schema } } });
const pathId = (name: string, format: string | undefined = 'uuid') => ({
  name,
  in: 'path',
  required: true,
  schema: format ? { type: 'string', format } : { type: 'string' },
});
const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Same key and body → the recorded response again; same key, other body → 422. The service also runs the command once per key, so a retry that reaches it again changes nothing again.',
  schema: { type: 'string', maxLength: 255 },
};
const page = [
  {
    name: 'pageSize',
    in: 'query',
    schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 },
  },
  {
    name: 'pageToken',
    in: 'query',
    schema: { type: 'string' },
    description: 'nextPageToken of the previous page',
  },
];
const errors = {
  400: problem('Invalid input; `errors` lists each field and reason'),
  401: problem('No or invalid token'),
  403: problem('Role or branch scope does not allow it'),
};
const noLoan = problem('No such loan');
const notNow = problem('Not allowed in the current state (e.g. the loan is closed)');
const reused = problem('Idempotency key reused');

const money = { type: 'string', pattern: '^-?\\d{1,15}(\\.\\d{1,2})?$', examples: ['150000.00'] };
const rate = {
  type: 'string',
  description:
    'Percent a year; in answers four fraction digits (more only where the rate has more, never rounded)',
  examples: ['4.3500'],
};
const date = { type: 'string', format: 'date' };
const classification = {
  type: 'string',
  enum: ['normal', 'special_mention', 'substandard', 'doubtful', 'loss'],
};
const object = (properties: Record<string, object>, required: string[] = []) => ({
  type: 'object',
  ...(required.length ? { required } : {}),
  properties,
});
const input = (properties: Record<string, object>, required: string[] = []) => ({
  ...object(properties, required),
  additionalProperties: false,
});

export const accountingPaths = {
  '/loans': {
    post: {
      summary:
        '放款: open the loan of an approved application under its contract signed by every party, on the contract’s disbursement date, with every term from the contract (disbursement reviewers)',
      parameters: [idempotencyKey],
      requestBody: body(ref('OpenLoanInput')),
      responses: {
        201: json(ref('Loan'), 'Opened; Location is the loan'),
        ...errors,
        409: problem(
          'No contract signed by every party, documents missing for disbursement, another business date than the contract’s, no LPR published, or the application already has a loan',
        ),
        422: reused,
      },
    },
    get: {
      summary: 'Loan accounts, by id (branch-scoped; head office sees every branch)',
      parameters: [
        { name: 'branchId', in: 'query', schema: { type: 'string' } },
        {
          name: 'status',
          in: 'query',
          schema: { type: 'string', enum: ['active', 'closed', 'written_off'] },
        },
        { name: 'classification', in: 'query', schema: classification },
        { name: 'minDaysPastDue', in: 'query', schema: { type: 'integer', minimum: 0 } },
        { name: 'customerId', in: 'query', schema: { type: 'string', format: 'uuid' } },
        ...page,
      ],
      responses: { 200: json(ref('LoanPage')), ...errors },
    },
  },
  '/loan-imports': {
    post: {
      summary:
        'Loans migrated from another system: one administrator requests a batch (maker); nothing is booked until another approves it',
      parameters: [idempotencyKey],
      requestBody: body(ref('LoanImportInput')),
      responses: { 201: json(ref('LoanImport'), 'Requested; Location is the batch'), ...errors },
    },
  },
  '/loan-imports/{importId}': {
    get: {
      summary: 'A loan import: what was asked, by whom and when, who decided, the loans opened',
      parameters: [{ name: 'importId', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { 200: json(ref('LoanImport')), ...errors },
    },
  },
  '/loan-imports/{importId}:approve': {
    post: {
      summary:
        'The checker (another administrator) approves: every loan is opened on the open business date, all or none',
      parameters: [
        { name: 'importId', in: 'path', required: true, schema: { type: 'string' } },
        idempotencyKey,
      ],
      requestBody: { content: { 'application/json': { schema: ref('DecisionInput') } } },
      responses: {
        200: json(ref('LoanImport')),
        ...errors,
        409: problem('Already decided'),
      },
    },
  },
  '/loan-imports/{importId}:reject': {
    post: {
      summary: 'The checker rejects, with the reason (comment)',
      parameters: [
        { name: 'importId', in: 'path', required: true, schema: { type: 'string' } },
        idempotencyKey,
      ],
      requestBody: { content: { 'application/json': { schema: ref('DecisionInput') } } },
      responses: {
        200: json(ref('LoanImport')),
        ...errors,
        409: problem('Already decided'),
      },
    },
  },
  '/loans/{loanId}': {
    get: {
      summary: 'One loan account with its installments',
      parameters: [pathId('loanId')],
      responses: { 200: json(ref('Loan')), ...errors, 404: noLoan },
    },
  },
  '/loans/{loanId}/tranches': {
    post: {
      summary: 'Pay out a further tranche, within the approved amount (disbursement reviewers)',
      parameters: [pathId('loanId'), idempotencyKey],
      requestBody: body(ref('TrancheInput')),
      responses: {
        201: json(ref('Loan'), 'Disbursed; the loan after it'),
        ...errors,
        404: noLoan,
        409: notNow,
        422: reused,
      },
    },
  },
  '/loans/{loanId}/repayments': {
    post: {
      summary: '还款: a repayment, prepayment or payoff on the open business date',
      parameters: [pathId('loanId'), idempotencyKey],
      requestBody: body(ref('RepaymentInput')),
      responses: {
        201: json(ref('RepaymentResult'), 'Posted'),
        ...errors,
        404: noLoan,
        409: notNow,
        422: reused,
      },
    },
  },
  '/repayments/{repaymentId}:reverse': {
    post: {
      summary:
        '冲正: reverse a repayment posted in error; the loan is run again without it and one correcting entry is posted',
      parameters: [pathId('repaymentId'), idempotencyKey],
      requestBody: body(input({ reason: { type: 'string', maxLength: 1000 } }, ['reason'])),
      responses: {
        200: json(ref('ReversalResult')),
        ...errors,
        404: problem('No such repayment'),
        409: problem('Already reversed, or the loan is written off'),
        422: reused,
      },
    },
  },
  '/loans/{loanId}/rate-changes': {
    post: {
      summary: 'A rate change by agreement of a fixed-rate loan, from a later business date',
      parameters: [pathId('loanId'), idempotencyKey],
      requestBody: body(ref('RateChangeInput')),
      responses: {
        201: json(object({ id: { type: 'string', format: 'uuid' }, effectiveDate: date })),
        ...errors,
        404: noLoan,
        409: notNow,
        422: reused,
      },
    },
  },
  '/lpr': {
    post: {
      summary:
        'Publish a loan prime rate (LPR); floating loans take it on their next repricing date (admin, risk managers)',
      requestBody: body(ref('LprInput')),
      responses: {
        200: json(ref('Lpr')),
        ...errors,
        409: problem('Already published with another rate'),
      },
    },
  },
  '/business-days/{date}:close': {
    post: {
      summary:
        '日终: close the open business date (accrual, billing, overdue, classification) and open the next (admin)',
      parameters: [pathId('date', 'date')],
      responses: {
        200: json(ref('DayClose')),
        ...errors,
        409: problem(
          'The end of day is already running, or the date is later than today and no simulation allows it',
        ),
      },
    },
  },
  '/business-days:simulate': {
    post: {
      summary:
        'Allow closing business dates later than today (Asia/Shanghai) up to a date, for a recorded reason: a simulated run of the book (admin). Without one, closing a date after today is refused (409); catching up dates up to today needs none',
      requestBody: body(ref('SimulationInput')),
      responses: { 201: json(ref('SimulationStarted'), 'Recorded'), ...errors },
    },
  },
  '/business-days/current': {
    get: {
      summary:
        'The open business date beside today’s calendar date, and the simulations recorded (who, when, through which date, why, the dates they closed)',
      responses: { 200: json(ref('BusinessDate')), ...errors },
    },
  },
  '/loans/{loanId}/statement': {
    get: {
      summary:
        '分段利息清单: interest segment by segment (normal, penalty, compound) for a date range, as JSON, CSV or PDF',
      parameters: [
        pathId('loanId'),
        { name: 'from', in: 'query', required: true, schema: date },
        {
          name: 'to',
          in: 'query',
          required: true,
          schema: date,
          description: 'Inclusive; at most the last accrued date',
        },
        {
          name: 'format',
          in: 'query',
          schema: { type: 'string', enum: ['json', 'csv', 'pdf'], default: 'json' },
        },
      ],
      responses: {
        200: {
          description:
            'The statement; CSV and PDF come as an attachment named <loanNumber>-<from>-<to>.csv|pdf',
          content: {
            'application/json': { schema: ref('Statement') },
            'text/csv': { schema: { type: 'string' } },
            'application/pdf': { schema: { type: 'string', format: 'binary' } },
          },
        },
        ...errors,
        404: noLoan,
      },
    },
  },
  '/ledger/trial-balance': {
    get: {
      summary: '试算平衡表: debit and credit totals per account',
      parameters: [
        {
          name: 'asOf',
          in: 'query',
          schema: date,
          description: 'Through this business date; default everything posted',
        },
      ],
      responses: { 200: json(ref('TrialBalance')), ...errors },
    },
  },
  '/ledger/reconciliation': {
    get: {
      summary: "对账: each loan's balances against its sub-ledger; lists every difference",
      parameters: [{ name: 'branchId', in: 'query', schema: { type: 'string' } }],
      responses: { 200: json(ref('Reconciliation')), ...errors },
    },
  },
  '/loans/{loanId}/classification-changes': {
    post: {
      summary:
        'Propose a five-tier classification (五级分类); a second person approves or rejects it',
      parameters: [pathId('loanId')],
      requestBody: body(ref('ClassificationInput')),
      responses: {
        201: json(ref('ClassificationChange'), 'Waiting for approval'),
        ...errors,
        404: noLoan,
        409: problem('A change is already waiting, or the loan is not active'),
      },
    },
  },
  '/classification-changes/{changeId}:approve': {
    post: {
      summary: 'Approve a proposed classification (risk managers; not the proposer)',
      parameters: [pathId('changeId')],
      requestBody: { content: { 'application/json': { schema: ref('DecisionInput') } } },
      responses: {
        200: json(ref('ClassificationDecision')),
        ...errors,
        404: problem('No such change'),
        409: problem('Already decided, or the days past due now require worse'),
      },
    },
  },
  '/classification-changes/{changeId}:reject': {
    post: {
      summary: 'Reject a proposed classification (risk managers; not the proposer)',
      parameters: [pathId('changeId')],
      requestBody: { content: { 'application/json': { schema: ref('DecisionInput') } } },
      responses: {
        200: json(ref('ClassificationDecision')),
        ...errors,
        404: problem('No such change'),
        409: problem('Already decided'),
      },
    },
  },
  '/loans/{loanId}:write-off': {
    post: {
      summary:
        '核销: write off every balance of a doubtful or loss loan against the loss allowance (risk managers)',
      parameters: [pathId('loanId'), idempotencyKey],
      requestBody: body(input({ reason: { type: 'string', maxLength: 1000 } }, ['reason'])),
      responses: {
        200: json(object({ loan: ref('Loan'), amountWrittenOff: money })),
        ...errors,
        404: noLoan,
        409: problem('Not active, or not classified doubtful or loss'),
        422: reused,
      },
    },
  },
  '/loans/{loanId}/recoveries': {
    post: {
      summary: 'Money recovered on a written-off loan (back to the loss allowance)',
      parameters: [pathId('loanId'), idempotencyKey],
      requestBody: body(
        input({ amount: money, reference: { type: 'string', maxLength: 100 } }, ['amount']),
      ),
      responses: {
        201: json(object({ loan: ref('Loan'), recoveredTotal: money }), 'Recorded'),
        ...errors,
        404: noLoan,
        409: problem('The loan is not written off'),
        422: reused,
      },
    },
  },
  '/loans/{loanId}/credit-refunds': {
    post: {
      summary: 'Pay a credit balance (an overpayment held on the loan) back to the borrower',
      parameters: [pathId('loanId'), idempotencyKey],
      requestBody: body(
        input(
          {
            amount: { ...money, description: 'Default: the whole credit balance' },
            reference: { type: 'string', maxLength: 100 },
          },
          [],
        ),
      ),
      responses: {
        201: json(object({ loan: ref('Loan'), refunded: money }), 'Refunded'),
        ...errors,
        404: noLoan,
        409: problem('The loan holds no credit balance'),
        422: reused,
      },
    },
  },
};

const payee = input(
  {
    paymentMethod: {
      type: 'string',
      enum: ['entrusted', 'self'],
      description: 'entrusted (受托支付, to the counterparty) or self (自主支付, to the borrower)',
    },
    counterpartyName: { type: 'string', maxLength: 200 },
    counterpartyAccount: { type: 'string', maxLength: 40 },
    counterpartyBank: { type: 'string', maxLength: 200 },
  },
  ['paymentMethod'],
);
const bucket = {
  type: 'string',
  enum: [
    'compound',
    'penalty',
    'overdue_interest',
    'overdue_principal',
    'due_interest',
    'due_principal',
  ],
};
const allocation = object(
  Object.fromEntries(
    [
      'compound',
      'penalty',
      'overdueInterest',
      'overduePrincipal',
      'dueInterest',
      'duePrincipal',
      'accruedInterest',
      'principal',
      'credit',
      'fromCredit',
    ].map((k) => [k, money]),
  ),
);

export const accountingSchemas = {
  Payee: payee,
  OpenLoanInput: input(
    {
      applicationId: {
        type: 'string',
        format: 'uuid',
        description:
          'The approved application; its contract signed by every party governs the loan',
      },
      contractId: {
        type: 'string',
        format: 'uuid',
        description: 'Optional: must be the application’s signed contract',
      },
      customerId: { type: 'string', format: 'uuid' },
      borrowerName: {
        type: 'string',
        maxLength: 200,
        description: 'The borrower’s name, kept with the loan and printed on its statements',
      },
      branchId: { type: 'string' },
      productCode: { type: 'string' },
      approvedAmount: { ...money, description: 'Tranches together may not exceed it' },
      schedule: {
        ...ref('ScheduleRequest'),
        description: 'Optional: taken from the contract; any field named must be the contract’s',
      },
      rateType: { type: 'string', enum: ['fixed', 'floating'] },
      lprTerm: { type: 'string', enum: ['1Y', '5Y'], description: 'Floating loans' },
      spreadBp: { type: 'integer', description: 'Floating loans: basis points over the LPR' },
      repricing: {
        type: 'string',
        enum: ['january_first', 'anniversary'],
        description: 'Floating loans',
      },
      penaltyMarkupPercent: {
        type: 'string',
        default: '50',
        description: 'Penalty rate = contract rate × (1 + markup)',
      },
      graceDays: { type: 'integer', minimum: 0 },
      allocationOrder: { type: 'array', items: bucket },
      payee: ref('Payee'),
    },
    ['applicationId', 'payee'],
  ),
  ImportedLoanInput: input(
    {
      externalReference: {
        type: 'string',
        description: 'The loan’s number in the system it comes from',
      },
      customerId: { type: 'string', format: 'uuid' },
      branchId: { type: 'string' },
      productCode: { type: 'string' },
      approvedAmount: { ...money, description: 'Tranches together may not exceed it' },
      schedule: {
        ...ref('ScheduleRequest'),
        description:
          'As POST /schedules:preview takes it; principal = the first tranche, disbursementDate = the open business date',
      },
      rateType: { type: 'string', enum: ['fixed', 'floating'] },
      lprTerm: { type: 'string', enum: ['1Y', '5Y'], description: 'Floating loans' },
      spreadBp: { type: 'integer', description: 'Floating loans: basis points over the LPR' },
      repricing: {
        type: 'string',
        enum: ['january_first', 'anniversary'],
        description: 'Floating loans',
      },
      penaltyMarkupPercent: {
        type: 'string',
        default: '50',
        description: 'Penalty rate = contract rate × (1 + markup)',
      },
      graceDays: { type: 'integer', minimum: 0 },
      allocationOrder: { type: 'array', items: bucket },
      payee: ref('Payee'),
    },
    [
      'externalReference',
      'customerId',
      'borrowerName',
      'branchId',
      'productCode',
      'approvedAmount',
      'schedule',
      'rateType',
      'payee',
    ],
  ),
  LoanImportInput: input(
    {
      sourceSystem: { type: 'string' },
      reason: { type: 'string' },
      loans: { type: 'array', items: ref('ImportedLoanInput'), minItems: 1, maxItems: 500 },
    },
    ['sourceSystem', 'reason', 'loans'],
  ),
  LoanImport: {
    type: 'object',
    properties: {
      id: { type: 'string', format: 'uuid' },
      status: { type: 'string', enum: ['pending', 'approved', 'rejected'] },
      sourceSystem: { type: 'string' },
      reason: { type: 'string' },
      loans: { type: 'array', items: { type: 'object' } },
      requestedBy: { type: 'string' },
      requestedAt: { type: 'string', format: 'date-time' },
      decidedBy: { type: 'string' },
      decidedAt: { type: 'string' },
      decisionComment: { type: 'string' },
      loanIds: { type: 'array', items: { type: 'string', format: 'uuid' } },
    },
  },
  TrancheInput: input({ amount: money, payee: ref('Payee') }, ['amount', 'payee']),
  RepaymentInput: input(
    {
      amount: money,
      kind: { type: 'string', enum: ['regular', 'prepayment', 'payoff'], default: 'regular' },
      prepaymentOption: {
        type: 'string',
        enum: ['shorten_term', 'lower_installment'],
        default: 'lower_installment',
        description: 'Prepayments only',
      },
      reference: {
        type: 'string',
        maxLength: 100,
        description:
          "The bank's own reference of the payment (the asset register id for a settlement in kind)",
      },
      source: {
        type: 'string',
        enum: ['cash', 'repossessed_asset'],
        default: 'cash',
        description:
          'cash, or repossessed_asset (以物抵债: booked to repossessed assets, post-loan staff only)',
      },
    },
    ['amount'],
  ),
  RateChangeInput: input(
    {
      annualRatePercent: rate,
      effectiveDate: { ...date, description: 'After the open business date' },
      reference: {
        type: 'string',
        maxLength: 100,
        description: 'The agreement that changes the rate',
      },
    },
    ['annualRatePercent', 'effectiveDate', 'reference'],
  ),
  LprInput: input(
    { term: { type: 'string', enum: ['1Y', '5Y'] }, ratePercent: rate, effectiveDate: date },
    ['term', 'ratePercent', 'effectiveDate'],
  ),
  Lpr: object({ term: { type: 'string' }, ratePercent: rate, effectiveDate: date }),
  ClassificationInput: input({ classification, reason: { type: 'string', maxLength: 2000 } }, [
    'classification',
    'reason',
  ]),
  DecisionInput: input({ comment: { type: 'string', maxLength: 2000 } }),
  Balances: object({
    principal: { ...money, description: 'Not yet billed' },
    duePrincipal: money,
    dueInterest: money,
    overduePrincipal: money,
    overdueInterest: money,
    accruedInterest: money,
    penaltyInterest: money,
    compoundInterest: money,
    creditBalance: money,
    payoffAmount: { ...money, description: 'What paying off on the open business date costs' },
  }),
  LoanInstallment: object({
    period: { type: 'integer' },
    dueDate: date,
    principal: money,
    scheduledInterest: money,
    billedInterest: { type: 'string', description: 'Empty until billed' },
    principalPaid: money,
    interestPaid: money,
    status: { type: 'string', enum: ['scheduled', 'due', 'overdue', 'paid'] },
    paidOn: { type: 'string' },
    total: { ...money, description: 'Principal + interest (billed, or scheduled until billed)' },
    balance: { ...money, description: 'Principal still owed after this installment' },
  }),
  Loan: object({
    id: { type: 'string', format: 'uuid' },
    loanNumber: { type: 'string' },
    applicationId: { type: 'string' },
    customerId: { type: 'string' },
    branchId: { type: 'string' },
    productCode: { type: 'string' },
    currency: { type: 'string' },
    approvedAmount: money,
    disbursedAmount: money,
    status: { type: 'string', enum: ['active', 'closed', 'written_off'] },
    openedOn: date,
    maturityDate: date,
    rateType: { type: 'string', enum: ['fixed', 'floating'] },
    annualRatePercent: rate,
    penaltyRatePercent: rate,
    lprTerm: { type: 'string' },
    spreadBp: { type: 'integer' },
    nextRepricingDate: { type: 'string' },
    graceDays: { type: 'integer' },
    balances: ref('Balances'),
    daysPastDue: { type: 'integer' },
    classification,
    nextDueDate: { type: 'string' },
    accruedThrough: date,
    version: { type: 'integer' },
    allocationOrder: { type: 'array', items: bucket },
    installments: {
      type: 'array',
      items: ref('LoanInstallment'),
      description: 'On GET /loans/{loanId} and after postings; empty in lists',
    },
    repaymentMethod: repaymentMethodSchema,
    contractNumber: {
      type: 'string',
      description: 'The signed contract the loan was opened under',
    },
    contractId: { type: 'string' },
    origin: { type: 'string', enum: ['contract', 'import'] },
    importId: { type: 'string', description: 'Imported loans: the batch that brought them in' },
  }),
  LoanPage: object({
    items: { type: 'array', items: ref('Loan') },
    nextPageToken: { type: ['string', 'null'] },
  }),
  Repayment: object({
    id: { type: 'string', format: 'uuid' },
    loanId: { type: 'string' },
    valueDate: date,
    amount: money,
    kind: { type: 'string', enum: ['regular', 'prepayment', 'payoff'] },
    prepaymentOption: { type: 'string' },
    allocation,
    status: { type: 'string', enum: ['posted', 'reversed'] },
    reference: { type: 'string' },
  }),
  RepaymentResult: object({ repayment: ref('Repayment'), loan: ref('Loan') }),
  ReversalResult: object({
    repayment: ref('Repayment'),
    loan: ref('Loan'),
    adjustments: {
      type: 'array',
      description: 'The correcting entry per account: positive debit, negative credit',
      items: object({ accountCode: { type: 'string' }, amount: money }),
    },
  }),
  DayClose: object({
    day: object({
      businessDate: date,
      status: { type: 'string', enum: ['open', 'closing', 'closed'] },
      loansAccrued: { type: 'integer' },
      normalInterest: money,
      penaltyInterest: money,
      compoundInterest: money,
      closedBy: { type: 'string', description: 'User id of who closed it' },
      aheadOfCalendar: {
        type: 'boolean',
        description: 'Closed before the calendar reached the date (under a simulation)',
      },
      simulationId: { type: 'string', description: 'The simulation that allowed it, if ahead' },
    }),
    alreadyClosed: {
      type: 'boolean',
      description: 'The date had been closed before: nothing was done again',
    },
    nextBusinessDate: date,
  }),
  BusinessDate: object({
    openBusinessDate: date,
    lastClosedDate: date,
    calendarDate: { ...date, description: 'Today in the bank’s time zone' },
    timeZone: { type: 'string', examples: ['Asia/Shanghai'] },
    aheadOfCalendar: {
      type: 'boolean',
      description: 'The book has closed a date later than today (under a simulation)',
    },
    activeSimulation: ref('Simulation'),
    simulations: {
      type: 'array',
      items: ref('Simulation'),
      description: 'Newest first, 50 at most',
    },
  }),
  Simulation: object({
    id: { type: 'string', format: 'uuid' },
    throughDate: { ...date, description: 'The latest business date it allows to close' },
    startedOn: { ...date, description: 'Calendar date it was started' },
    fromBusinessDate: { ...date, description: 'The open business date then' },
    reason: { type: 'string' },
    startedBy: { type: 'string' },
    startedAt: { type: 'string', format: 'date-time' },
    datesClosed: {
      type: 'array',
      items: date,
      description: 'Dates it closed ahead of the calendar',
    },
  }),
  SimulationInput: object(
    {
      throughDate: { ...date, description: 'After today, at most ten years ahead' },
      reason: { type: 'string', maxLength: 1000 },
    },
    ['throughDate', 'reason'],
  ),
  SimulationStarted: object({ simulation: ref('Simulation') }),
  Statement: object({
    loanId: { type: 'string' },
    loanNumber: { type: 'string' },
    fromDate: date,
    toDate: date,
    header: object({
      bankName: { type: 'string', description: 'BANK_NAME' },
      bankNameZh: { type: 'string', description: 'BANK_NAME_ZH' },
      customerId: { type: 'string', format: 'uuid' },
      customerName: {
        type: 'string',
        description:
          'The borrower’s name kept with the loan at opening (the signed contract’s, or the import’s); empty for loans booked before names were kept',
      },
      branchId: { type: 'string' },
      productCode: { type: 'string' },
      currency: { type: 'string' },
      dayCount: { type: 'string', enum: ['ACT/360', 'ACT/365'] },
      interestBasis: {
        type: 'string',
        enum: ['daily', 'period'],
        description:
          'daily: annual rate / day-count year a day; period: annual rate × months / 12 a period',
      },
      annualRatePercent: { ...rate, description: 'The loan’s current normal rate' },
      rateType: { type: 'string', enum: ['fixed', 'floating'] },
      lprTerm: { type: 'string', description: 'Floating loans: 1Y or 5Y; empty for fixed ones' },
      spreadBp: { type: 'integer', description: 'Floating loans: basis points over the LPR' },
      timeZone: {
        type: 'string',
        description: 'The IANA zone whose calendar the business dates are (ACCOUNTING_TIME_ZONE)',
      },
      generatedAt: { type: 'string', format: 'date-time' },
    }),
    lines: {
      type: 'array',
      items: object({
        kind: { type: 'string', enum: ['normal', 'penalty', 'compound'] },
        start: date,
        end: { ...date, description: 'Last day, inclusive' },
        days: { type: 'integer' },
        base: money,
        annualRatePercent: rate,
        interest: money,
      }),
    },
    totals: object({ normal: money, penalty: money, compound: money, total: money }),
  }),
  TrialBalance: object({
    lines: {
      type: 'array',
      items: object({
        accountCode: { type: 'string' },
        name: { type: 'string' },
        nameZh: { type: 'string' },
        category: { type: 'string' },
        debit: money,
        credit: money,
        balance: { ...money, description: 'Debit minus credit' },
      }),
    },
    totalDebit: money,
    totalCredit: money,
    balanced: { type: 'boolean' },
  }),
  Reconciliation: object({
    loansChecked: { type: 'integer' },
    mismatches: {
      type: 'array',
      items: object({
        loanId: { type: 'string' },
        accountCode: { type: 'string' },
        loanBalance: money,
        ledgerBalance: money,
      }),
    },
  }),
  ClassificationChange: object({
    id: { type: 'string', format: 'uuid' },
    loanId: { type: 'string' },
    fromClassification: classification,
    toClassification: classification,
    cause: { type: 'string', enum: ['days_past_due', 'manual'] },
    reason: { type: 'string' },
    status: { type: 'string', enum: ['pending', 'approved', 'rejected'] },
    requestedBy: { type: 'string' },
    decidedBy: { type: 'string' },
    businessDate: date,
  }),
  ClassificationDecision: object({ change: ref('ClassificationChange'), loan: ref('Loan') }),
};
