// OpenAPI 3.1 paths and schemas of the post-loan registers (贷后管理), to merge into
// openApiDocument: `paths: { ...postLoanPaths }` and `components.schemas: { ...postLoanSchemas }`.
// They refer to #/components/schemas/Problem of the main document.
import { POST_LOAN_WORDS as W } from './post-loan-routes';

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
const pathId = (name: string) => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'string', format: 'uuid' },
});
const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Same key and body → the recorded response again. Also the requestId of the create when the body has none.',
  schema: { type: 'string', maxLength: 255 },
};
const page = [
  {
    name: 'pageSize',
    in: 'query',
    schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
  },
  {
    name: 'pageToken',
    in: 'query',
    schema: { type: 'string' },
    description: 'nextPageToken of the previous page',
  },
];
const branchFilter = {
  name: 'branchId',
  in: 'query',
  schema: { type: 'string' },
  description: 'Head-office staff may narrow to one branch; others always see their own.',
};
const errors = {
  400: problem('Invalid input; `errors` lists each field and reason'),
  401: problem('No or invalid token'),
  403: problem('Role or branch scope does not allow it'),
};
const notFound = problem('No such record (or loan)');
const conflict = problem('Not allowed in the current state (e.g. a closed case or loan)');

const money = { type: 'string', pattern: '^\\d{1,15}(\\.\\d{1,2})?$', examples: ['1500.00'] };
/** Differences (gain or loss) may be negative. */
const signedMoney = { type: 'string', pattern: '^-?\\d{1,15}\\.\\d{2}$', examples: ['-4800.00'] };
const date = { type: 'string', format: 'date' };
const nullableDate = { type: ['string', 'null'], format: 'date' };
const timestamp = { type: 'string', format: 'date-time' };
const text = (maxLength: number) => ({ type: 'string', maxLength });
const words = (list: string[]) => ({ type: 'string', enum: list });
const requestId = {
  type: 'string',
  maxLength: 128,
  description:
    'Chosen by the client (e.g. a UUID); the same requestId again returns the record made the first time. Defaults to the Idempotency-Key header.',
};
const list = (item: object) => ({
  type: 'object',
  properties: { items: { type: 'array', items: item } },
});
const pageOf = (item: object) => ({
  type: 'object',
  properties: {
    items: { type: 'array', items: item },
    nextPageToken: { type: ['string', 'null'] },
  },
});

export const postLoanPaths = {
  '/inspection-plans': {
    get: {
      summary: '贷后检查 plans: per product, the first inspection and the cycle in days',
      tags: ['post-loan'],
      responses: { 200: json(list(ref('InspectionPlan'))), 401: errors[401], 403: errors[403] },
    },
  },
  '/inspection-plans/{productCode}': {
    put: {
      summary: 'Set the inspection plan of a product (administrators)',
      tags: ['post-loan'],
      parameters: [{ name: 'productCode', in: 'path', required: true, schema: { type: 'string' } }],
      requestBody: body({
        type: 'object',
        required: ['frequencyDays', 'firstAfterDays'],
        additionalProperties: false,
        properties: {
          frequencyDays: { type: 'integer', minimum: 1, maximum: 3660 },
          firstAfterDays: { type: 'integer', minimum: 0, maximum: 3660 },
        },
      }),
      responses: { 200: json(ref('InspectionPlan')), ...errors },
    },
  },
  '/loans/{loanId}/inspections': {
    parameters: [pathId('loanId')],
    post: {
      summary: 'Record a post-loan inspection (moves the next due date)',
      tags: ['post-loan'],
      parameters: [idempotencyKey],
      requestBody: body(ref('InspectionInput')),
      responses: {
        201: json(
          {
            type: 'object',
            properties: { inspection: ref('Inspection'), nextDueOn: nullableDate },
          },
          'Recorded (or the one recorded before with this requestId)',
        ),
        ...errors,
        404: notFound,
        409: conflict,
      },
    },
    get: {
      summary: "A loan's inspections (newest first), its plan and next due date",
      tags: ['post-loan'],
      responses: {
        200: json({
          type: 'object',
          properties: {
            items: { type: 'array', items: ref('Inspection') },
            plan: { oneOf: [ref('InspectionPlan'), { type: 'null' }] },
            nextDueOn: nullableDate,
          },
        }),
        ...errors,
        404: notFound,
      },
    },
  },
  '/inspections:due': {
    get: {
      summary: 'Active loans whose next inspection is due on or before a date (earliest first)',
      tags: ['post-loan'],
      parameters: [
        {
          name: 'date',
          in: 'query',
          schema: date,
          description: 'Due on or before this date; today (China Standard Time) when absent.',
        },
        branchFilter,
        ...page,
      ],
      responses: { 200: json(pageOf(ref('DueInspection'))), ...errors },
    },
  },
  '/loans/{loanId}/collection-cases': {
    parameters: [pathId('loanId')],
    post: {
      summary: 'Open a collection case (催收); one open case per loan at a time',
      tags: ['post-loan'],
      parameters: [idempotencyKey],
      requestBody: body({
        type: 'object',
        required: ['openedOn'],
        additionalProperties: false,
        properties: {
          requestId,
          openedOn: date,
          officer: { ...text(100), description: 'The officer in charge; the caller when absent.' },
          reason: text(1000),
        },
      }),
      responses: {
        201: json(ref('CollectionCase'), 'Opened (emits accounting.collection.case-opened)'),
        ...errors,
        404: notFound,
        409: problem('The loan already has an open case, or is closed'),
      },
    },
    get: {
      summary: "A loan's collection cases, newest first",
      tags: ['post-loan'],
      parameters: [{ name: 'status', in: 'query', schema: words(W.caseStatus) }, ...page],
      responses: { 200: json(pageOf(ref('CollectionCase'))), ...errors, 404: notFound },
    },
  },
  '/collection-cases': {
    get: {
      summary: 'Collection cases by branch and status, newest first',
      tags: ['post-loan'],
      parameters: [
        branchFilter,
        { name: 'status', in: 'query', schema: words(W.caseStatus) },
        ...page,
      ],
      responses: { 200: json(pageOf(ref('CollectionCase'))), ...errors },
    },
  },
  '/collection-cases/{id}': {
    get: {
      summary: 'A collection case with its actions and promises to pay',
      tags: ['post-loan'],
      parameters: [pathId('id')],
      responses: { 200: json(ref('CollectionCase')), ...errors, 404: notFound },
    },
  },
  '/collection-cases/{id}:close': {
    post: {
      summary: 'Close a collection case (its promises must be marked kept or broken first)',
      tags: ['post-loan'],
      parameters: [pathId('id')],
      requestBody: body({
        type: 'object',
        required: ['reason', 'closedOn'],
        additionalProperties: false,
        properties: {
          reason: words(W.closeReason),
          closedOn: date,
          notes: { ...text(4000), description: 'Required when the reason is other.' },
        },
      }),
      responses: {
        200: json(ref('CollectionCase')),
        ...errors,
        404: notFound,
        409: problem('Promises still pending, or already closed otherwise'),
      },
    },
  },
  '/collection-cases/{id}/actions': {
    post: {
      summary: 'Record a collection action: call, visit, letter, SMS or legal notice',
      tags: ['post-loan'],
      parameters: [pathId('id'), idempotencyKey],
      requestBody: body({
        type: 'object',
        required: ['kind', 'actionOn', 'contactPerson', 'outcome'],
        additionalProperties: false,
        properties: {
          requestId,
          kind: words(W.actionKind),
          actionOn: date,
          officer: text(100),
          contactPerson: text(200),
          notes: text(4000),
          outcome: {
            ...words(W.outcome),
            description:
              'A call or visit: reached, not_reached, promised_to_pay, refused_to_pay, disputed, other. A letter, SMS or legal notice: delivered, undeliverable, other (other needs notes).',
          },
        },
      }),
      responses: { 201: json(ref('CollectionAction')), ...errors, 404: notFound, 409: conflict },
    },
  },
  '/collection-cases/{id}/promises': {
    post: {
      summary: 'Record a promise to pay',
      tags: ['post-loan'],
      parameters: [pathId('id'), idempotencyKey],
      requestBody: body({
        type: 'object',
        required: ['amount', 'promisedDate'],
        additionalProperties: false,
        properties: { requestId, amount: money, promisedDate: date, notes: text(4000) },
      }),
      responses: { 201: json(ref('PaymentPromise')), ...errors, 404: notFound, 409: conflict },
    },
  },
  '/promises/{id}': {
    patch: {
      summary:
        'Mark a promise to pay kept or broken (broken only after its date; emits accounting.collection.promise-broken)',
      tags: ['post-loan'],
      parameters: [pathId('id')],
      requestBody: body({
        type: 'object',
        required: ['status', 'resolvedOn'],
        additionalProperties: false,
        properties: {
          status: { type: 'string', enum: ['kept', 'broken'] },
          resolvedOn: date,
          notes: text(4000),
        },
      }),
      responses: {
        200: json(ref('PaymentPromise')),
        ...errors,
        404: notFound,
        409: problem('Already marked the other way'),
      },
    },
  },
  '/loans/{loanId}/litigations': {
    parameters: [pathId('loanId')],
    post: {
      summary: 'Record a lawsuit (起诉) over a loan, status filed',
      tags: ['post-loan'],
      parameters: [idempotencyKey],
      requestBody: body({
        type: 'object',
        required: ['court', 'filedOn'],
        additionalProperties: false,
        properties: {
          requestId,
          court: text(200),
          caseNumber: { ...text(100), description: '案号; may come with acceptance instead.' },
          filedOn: date,
          legalCosts: money,
          notes: text(4000),
        },
      }),
      responses: {
        201: json(ref('Litigation')),
        ...errors,
        404: notFound,
        409: problem('The loan is closed, or the case number is already recorded'),
      },
    },
    get: {
      summary: "A loan's lawsuits with their status history",
      tags: ['post-loan'],
      responses: { 200: json(list(ref('Litigation'))), ...errors, 404: notFound },
    },
  },
  '/litigations/{id}': {
    get: {
      summary: 'A lawsuit with its status history',
      tags: ['post-loan'],
      parameters: [pathId('id')],
      responses: { 200: json(ref('Litigation')), ...errors, 404: notFound },
    },
  },
  '/litigations/{id}/status': {
    post: {
      summary:
        'Move a lawsuit on: filed → accepted → in_trial → judged → enforcing → closed (emits accounting.litigation.status-changed)',
      tags: ['post-loan'],
      parameters: [pathId('id')],
      requestBody: body({
        type: 'object',
        required: ['status', 'changedOn'],
        additionalProperties: false,
        properties: {
          status: words(W.litigationStatus),
          changedOn: date,
          judgementAmount: { ...money, description: 'Required exactly when judged.' },
          judgementDate: { ...date, description: 'Required exactly when judged.' },
          legalCosts: { ...money, description: 'Costs so far, replacing the recorded figure.' },
          caseNumber: { ...text(100), description: 'Required on acceptance unless given before.' },
          notes: text(4000),
        },
      }),
      responses: {
        200: json(ref('Litigation'), 'Changed (the same status again changes nothing)'),
        ...errors,
        404: notFound,
        409: problem('The procedure does not allow this move'),
      },
    },
  },
  '/loans/{loanId}/repossessed-assets': {
    parameters: [pathId('loanId')],
    post: {
      summary: 'Register a repossessed asset (抵债资产) taken in settlement of a loan',
      tags: ['post-loan'],
      parameters: [idempotencyKey],
      requestBody: body({
        type: 'object',
        required: [
          'assetType',
          'description',
          'valuationAmount',
          'valuationDate',
          'acquiredOn',
          'settledAmount',
          'bookValue',
        ],
        additionalProperties: false,
        properties: {
          requestId,
          assetType: words(W.assetType),
          description: text(2000),
          valuationAmount: money,
          valuationDate: date,
          acquiredOn: date,
          settledAmount: { ...money, description: 'The part of the loan settled by the asset.' },
          bookValue: money,
          notes: text(4000),
        },
      }),
      responses: { 201: json(ref('RepossessedAsset')), ...errors, 404: notFound },
    },
    get: {
      summary: "A loan's repossessed assets",
      tags: ['post-loan'],
      responses: { 200: json(list(ref('RepossessedAsset'))), ...errors, 404: notFound },
    },
  },
  '/repossessed-assets/{id}': {
    get: {
      summary: 'A repossessed asset',
      tags: ['post-loan'],
      parameters: [pathId('id')],
      responses: { 200: json(ref('RepossessedAsset')), ...errors, 404: notFound },
    },
  },
  '/repossessed-assets/{id}/disposal': {
    post: {
      summary: 'Record the disposal of a repossessed asset (once; on or after its acquisition)',
      tags: ['post-loan'],
      parameters: [pathId('id')],
      requestBody: body({
        type: 'object',
        required: ['disposedOn', 'proceeds', 'method'],
        additionalProperties: false,
        properties: {
          disposedOn: date,
          proceeds: money,
          method: words(W.disposalMethod),
          notes: { ...text(4000), description: 'Required when the method is other.' },
        },
      }),
      responses: {
        200: json(ref('RepossessedAsset'), 'Recorded (the same disposal again changes nothing)'),
        ...errors,
        404: notFound,
        409: problem('Already disposed of otherwise'),
      },
    },
  },
};

const loanRef = {
  type: 'object',
  properties: {
    loanId: { type: 'string', format: 'uuid' },
    loanNumber: { type: 'string' },
    branchId: { type: 'string' },
    customerId: { type: 'string', format: 'uuid' },
    productCode: { type: 'string' },
  },
};

export const postLoanSchemas = {
  PostLoanLoanRef: loanRef,
  InspectionPlan: {
    type: 'object',
    properties: {
      productCode: { type: 'string' },
      frequencyDays: { type: 'integer' },
      firstAfterDays: { type: 'integer' },
      updatedBy: { type: 'string' },
      updatedAt: timestamp,
    },
  },
  InspectionInput: {
    type: 'object',
    required: ['inspectedOn', 'kind', 'findings', 'result'],
    additionalProperties: false,
    properties: {
      requestId,
      inspectedOn: date,
      inspector: { ...text(100), description: 'Who inspected; the caller when absent.' },
      kind: words(W.inspectionKind),
      findings: text(4000),
      riskSignals: {
        type: 'array',
        maxItems: 20,
        items: text(200),
        description: 'At least one when the result is risk.',
      },
      result: words(W.inspectionResult),
    },
  },
  Inspection: {
    type: 'object',
    properties: {
      id: { type: 'string', format: 'uuid' },
      requestId: { type: 'string' },
      loanId: { type: 'string', format: 'uuid' },
      inspectedOn: date,
      inspector: { type: 'string' },
      kind: words(W.inspectionKind),
      findings: { type: 'string' },
      riskSignals: { type: 'array', items: { type: 'string' } },
      result: words(W.inspectionResult),
      recordedBy: { type: 'string' },
      createdAt: timestamp,
    },
  },
  DueInspection: {
    type: 'object',
    properties: {
      loan: ref('PostLoanLoanRef'),
      openedOn: date,
      lastInspectedOn: nullableDate,
      dueOn: date,
      daysOverdue: { type: 'integer', description: '0 on the due date' },
      plan: ref('InspectionPlan'),
    },
  },
  CollectionAction: {
    type: 'object',
    properties: {
      id: { type: 'string', format: 'uuid' },
      requestId: { type: 'string' },
      caseId: { type: 'string', format: 'uuid' },
      kind: words(W.actionKind),
      actionOn: date,
      officer: { type: 'string' },
      contactPerson: { type: 'string' },
      notes: { type: 'string' },
      outcome: words(W.outcome),
      recordedBy: { type: 'string' },
      createdAt: timestamp,
    },
  },
  PaymentPromise: {
    type: 'object',
    properties: {
      id: { type: 'string', format: 'uuid' },
      requestId: { type: 'string' },
      caseId: { type: 'string', format: 'uuid' },
      amount: money,
      promisedDate: date,
      notes: { type: 'string' },
      status: words(W.promiseStatus),
      resolvedOn: nullableDate,
      resolutionNotes: { type: ['string', 'null'] },
      resolvedBy: { type: ['string', 'null'] },
      recordedBy: { type: 'string' },
      createdAt: timestamp,
    },
  },
  CollectionCase: {
    type: 'object',
    properties: {
      id: { type: 'string', format: 'uuid' },
      requestId: { type: 'string' },
      loan: ref('PostLoanLoanRef'),
      status: words(W.caseStatus),
      openedOn: date,
      officer: { type: 'string' },
      reason: { type: 'string' },
      daysPastDueAtOpen: { type: 'integer' },
      openedBy: { type: 'string' },
      closedOn: nullableDate,
      closeReason: { type: ['string', 'null'], enum: [...W.closeReason, null] },
      closeNotes: { type: ['string', 'null'] },
      closedBy: { type: ['string', 'null'] },
      createdAt: timestamp,
      updatedAt: timestamp,
      actions: {
        type: 'array',
        items: ref('CollectionAction'),
        description: 'On a single case (not in lists); oldest first',
      },
      promises: { type: 'array', items: ref('PaymentPromise') },
    },
  },
  Litigation: {
    type: 'object',
    properties: {
      id: { type: 'string', format: 'uuid' },
      requestId: { type: 'string' },
      loan: ref('PostLoanLoanRef'),
      court: { type: 'string' },
      caseNumber: { type: ['string', 'null'] },
      filedOn: date,
      status: words(W.litigationStatus),
      judgementAmount: { ...money, type: ['string', 'null'] },
      judgementDate: nullableDate,
      legalCosts: { ...money, type: ['string', 'null'] },
      notes: { type: 'string' },
      filedBy: { type: 'string' },
      createdAt: timestamp,
      updatedAt: timestamp,
      history: {
        type: 'array',
        description: 'Oldest first, starting with the filing (fromStatus null)',
        items: {
          type: 'object',
          properties: {
            fromStatus: { type: ['string', 'null'], enum: [...W.litigationStatus, null] },
            toStatus: words(W.litigationStatus),
            changedOn: date,
            changedBy: { type: 'string' },
            notes: { type: 'string' },
            createdAt: timestamp,
          },
        },
      },
    },
  },
  RepossessedAsset: {
    type: 'object',
    properties: {
      id: { type: 'string', format: 'uuid' },
      requestId: { type: 'string' },
      loan: ref('PostLoanLoanRef'),
      assetType: words(W.assetType),
      description: { type: 'string' },
      valuationAmount: money,
      valuationDate: date,
      acquiredOn: date,
      settledAmount: money,
      bookValue: money,
      notes: { type: 'string' },
      registeredBy: { type: 'string' },
      createdAt: timestamp,
      updatedAt: timestamp,
      disposal: {
        oneOf: [
          { type: 'null' },
          {
            type: 'object',
            properties: {
              disposedOn: date,
              proceeds: money,
              method: words(W.disposalMethod),
              notes: { type: 'string' },
              disposedBy: { type: 'string' },
              gainOrLoss: { ...signedMoney, description: 'Proceeds less book value' },
            },
          },
        ],
      },
    },
  },
};
