// OpenAPI 3.1 description of the public REST API, served at /openapi.json and rendered at /docs.
import { APPLICATION_STATUSES } from './validation';
import { documentTypeSchema, repaymentMethodSchema as method } from './vocabulary-schemas';
import { documentsPaths, documentsSchemas } from './documents-openapi';
import { identityPaths, identitySchemas } from './identity-openapi';

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
const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description: 'Same key and body → the recorded response again; same key, other body → 422.',
  schema: { type: 'string', maxLength: 255 },
};
const idParam = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', format: 'uuid' },
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
const errors = {
  400: problem('Invalid input; `errors` lists each field and reason'),
  401: problem('No or invalid token'),
  403: problem('Role or branch scope does not allow it'),
};
const money = { type: 'string', pattern: '^\\d{1,15}(\\.\\d{1,2})?$', examples: ['150000.00'] };
const rate = {
  type: 'string',
  pattern: '^\\d{1,2}\\.\\d{4}$',
  description: 'Annual rate in percent, exactly four fraction digits',
  examples: ['3.6000'],
};

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'LoanFlow API',
    version: '1.0.0',
    description:
      'Credit approval and servicing. Money is a decimal string in yuan, never a JSON number. Errors are RFC 9457 problem details.',
  },
  servers: [{ url: '/api/v1' }],
  security: [{ bearer: [] }],
  paths: {
    '/auth/login': {
      post: {
        summary: 'Log in; returns a bearer access token (ES256 JWT)',
        security: [],
        requestBody: body(ref('LoginRequest')),
        responses: { 200: json(ref('LoginResponse')), 400: errors[400], 401: errors[401] },
      },
    },
    '/schedules:preview': {
      post: {
        summary:
          'Repayment schedule without saving anything (stable contract; outside tools compare against it)',
        requestBody: body(ref('ScheduleRequest')),
        responses: { 200: json(ref('Schedule')), ...errors },
      },
    },
    '/me': {
      get: {
        summary: 'The signed-in user',
        responses: { 200: json(ref('Principal')), 401: errors[401] },
      },
    },
    '/products': {
      get: {
        summary: 'Loan products',
        responses: {
          200: json({
            type: 'object',
            properties: { items: { type: 'array', items: ref('Product') } },
          }),
          401: errors[401],
        },
      },
    },
    '/products/{code}': {
      get: {
        summary: 'One loan product',
        parameters: [{ name: 'code', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: json(ref('Product')), 401: errors[401], 404: problem('No such product') },
      },
    },
    '/customers': {
      post: {
        summary: 'Enter a customer (account manager, corporate lending)',
        parameters: [idempotencyKey],
        requestBody: body(ref('CustomerInput')),
        responses: {
          201: json(ref('Customer'), 'Created'),
          ...errors,
          409: problem(
            'The identity number or credit code is already a customer; `existingCustomerId` names them',
          ),
          422: problem('Idempotency key reused'),
        },
      },
      get: {
        summary:
          'Find customers by exactly one of residentId, creditCode, mobile (exact) or name (prefix)',
        parameters: [
          { name: 'residentId', in: 'query', schema: { type: 'string' } },
          { name: 'creditCode', in: 'query', schema: { type: 'string' } },
          { name: 'mobile', in: 'query', schema: { type: 'string' } },
          { name: 'name', in: 'query', schema: { type: 'string' } },
          ...page,
        ],
        responses: { 200: json(ref('CustomerPage')), ...errors },
      },
    },
    '/customers/{id}': {
      get: {
        summary: 'One customer',
        parameters: [idParam],
        responses: { 200: json(ref('Customer')), ...errors, 404: problem('No such customer') },
      },
    },
    '/applications': {
      post: {
        summary: 'Create a draft loan application',
        parameters: [idempotencyKey],
        requestBody: body(ref('ApplicationInput')),
        responses: {
          201: json(ref('Application'), 'Created'),
          ...errors,
          422: problem('Idempotency key reused'),
        },
      },
      get: {
        summary: 'List applications, newest first (branch-scoped)',
        parameters: [
          {
            name: 'status',
            in: 'query',
            schema: { type: 'string', enum: [...APPLICATION_STATUSES] },
          },
          { name: 'customerId', in: 'query', schema: { type: 'string', format: 'uuid' } },
          { name: 'productCode', in: 'query', schema: { type: 'string' } },
          { name: 'branchId', in: 'query', schema: { type: 'string' } },
          ...page,
        ],
        responses: { 200: json(ref('ApplicationPage')), ...errors },
      },
    },
    '/applications/{id}': {
      get: {
        summary: 'One application (ETag = version)',
        parameters: [idParam],
        responses: {
          200: json(ref('Application')),
          ...errors,
          404: problem('No such application'),
        },
      },
      patch: {
        summary: 'Edit a draft; send If-Match with the ETag to guard against lost updates',
        parameters: [idParam, { name: 'If-Match', in: 'header', schema: { type: 'string' } }],
        requestBody: body(ref('ApplicationPatch')),
        responses: {
          200: json(ref('Application')),
          ...errors,
          404: problem('No such application'),
          409: problem('Changed since If-Match, or not a draft'),
        },
      },
    },
    '/applications/{id}/submit': {
      post: {
        summary: 'Submit a draft: runs the pre-assessment and starts the approval process',
        parameters: [idParam, idempotencyKey],
        responses: {
          200: json(ref('Application')),
          ...errors,
          404: problem('No such application'),
          409: problem('Not a draft'),
        },
      },
    },
    '/applications/{id}/withdraw': {
      post: {
        summary:
          'Withdraw a draft or submitted application; its approval process ends before the answer (open tasks cancelled with the reason)',
        parameters: [idParam, idempotencyKey],
        requestBody: body({
          type: 'object',
          required: ['reason'],
          properties: { reason: { type: 'string', maxLength: 1000 } },
          additionalProperties: false,
        }),
        responses: {
          200: json(ref('Application')),
          ...errors,
          404: problem('No such application'),
          409: problem('Cannot be withdrawn now'),
        },
      },
    },

    '/tasks': {
      get: {
        summary:
          "我的业务: my tasks (scope=mine), my groups' unclaimed tasks (group), or all (auditors, head office)",
        parameters: [
          {
            name: 'scope',
            in: 'query',
            schema: { type: 'string', enum: ['mine', 'group', 'all'], default: 'mine' },
          },
          {
            name: 'state',
            in: 'query',
            schema: {
              type: 'string',
              enum: ['open', 'suspended', 'completed', 'cancelled'],
              default: 'open',
            },
          },
          { name: 'step', in: 'query', schema: { type: 'string' } },
          { name: 'productCode', in: 'query', schema: { type: 'string' } },
          { name: 'minAmount', in: 'query', schema: money },
          { name: 'maxAmount', in: 'query', schema: money },
          { name: 'overdue', in: 'query', schema: { type: 'string', enum: ['true', 'false'] } },
          { name: 'dueBefore', in: 'query', schema: { type: 'string', format: 'date-time' } },
          {
            name: 'applicationId',
            in: 'query',
            schema: { type: 'string', format: 'uuid' },
            description: 'Only the tasks of this application',
          },
          ...page,
        ],
        responses: {
          200: json({
            type: 'object',
            properties: {
              items: { type: 'array', items: ref('Task') },
              nextPageToken: { type: ['string', 'null'] },
            },
          }),
          ...errors,
        },
      },
    },
    '/tasks/counts': {
      get: {
        summary: 'Open and overdue tasks per step',
        responses: { 200: json({ type: 'object' }), ...errors },
      },
    },
    '/tasks/{id}': {
      get: {
        summary:
          "One task with its step's form (a JSON Schema of formData, from the definition the process runs) and the actions the caller may take on it now",
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          200: json({
            allOf: [
              ref('Task'),
              {
                type: 'object',
                properties: {
                  form: {
                    type: ['object', 'null'],
                    description:
                      'JSON Schema (2020-12) of formData; x-loanflow-assigns names the step a named user will hold, x-loanflow-required-when the FEEL condition under which a field is required',
                  },
                  allowedActions: {
                    type: 'array',
                    items: {
                      type: 'string',
                      enum: [
                        'claim',
                        'unclaim',
                        'complete',
                        'send-back',
                        'withdraw',
                        'transfer',
                        'delegate',
                        'add-signer',
                        'urge',
                      ],
                    },
                  },
                  sendBackTargets: { type: 'array', items: { type: 'string' } },
                  processStatus: { type: 'string', enum: ['active', 'completed', 'terminated'] },
                  terminationReason: { type: ['string', 'null'] },
                },
              },
            ],
          }),
          ...errors,
          404: problem('No such task'),
        },
      },
    },
    '/tasks/{taskAction}': {
      post: {
        summary:
          'An approval action as a custom method: POST /tasks/{id}:claim | :unclaim | :complete | :send-back | :withdraw | :transfer | :delegate | :add-signer | :urge',
        parameters: [
          {
            name: 'taskAction',
            in: 'path',
            required: true,
            schema: { type: 'string' },
            description: 'The task id, a colon and the action',
          },
          idempotencyKey,
        ],
        requestBody: { content: { 'application/json': { schema: ref('TaskAction') } } },
        responses: {
          200: json(ref('TaskActionResult')),
          ...errors,
          404: problem('No such task'),
          409: problem('The task is not open, or the action does not fit its state'),
        },
      },
    },
    '/tasks/{id}/{action}': {
      post: {
        summary: 'The same approval actions, as a sub-resource path',
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'action', in: 'path', required: true, schema: { type: 'string' } },
          idempotencyKey,
        ],
        requestBody: { content: { 'application/json': { schema: ref('TaskAction') } } },
        responses: {
          200: json(ref('TaskActionResult')),
          ...errors,
          404: problem('No such task'),
          409: problem('Not allowed now'),
        },
      },
    },
    '/process-definitions': {
      post: {
        summary:
          'Deploy BPMN 2.0 XML (from the bpmn-js designer) as the next version (administrators)',
        requestBody: body({
          type: 'object',
          required: ['xml'],
          properties: { xml: { type: 'string' } },
          additionalProperties: false,
        }),
        responses: {
          201: json({ type: 'object' }, 'Deployed'),
          200: json({ type: 'object' }, 'Same as the latest version; nothing deployed'),
          ...errors,
        },
      },
      get: {
        summary: 'Deployed definitions, every version',
        parameters: [{ name: 'key', in: 'query', schema: { type: 'string' } }],
        responses: { 200: json({ type: 'object' }), ...errors },
      },
    },
    '/process-definitions/{id}': {
      get: {
        summary: 'One definition; ?format=xml returns the BPMN XML for the designer',
        parameters: [
          idParam,
          { name: 'format', in: 'query', schema: { type: 'string', enum: ['json', 'xml'] } },
        ],
        responses: { 200: json({ type: 'object' }), ...errors, 404: problem('No such definition') },
      },
    },
    '/process-definitions/{key}/migrations': {
      post: {
        summary:
          'Move instances waiting at user tasks from one version to another (administrators)',
        parameters: [{ name: 'key', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: body({
          type: 'object',
          required: ['fromVersion', 'toVersion'],
          properties: {
            fromVersion: { type: 'integer' },
            toVersion: { type: 'integer' },
            instanceIds: { type: 'array', items: { type: 'string' } },
          },
        }),
        responses: {
          200: json({
            type: 'object',
            properties: { migrated: { type: 'array' }, refused: { type: 'array' } },
          }),
          ...errors,
        },
      },
    },
    '/process-instances/{id}': {
      get: {
        summary: 'State, history timeline and active element ids (for drawing on the diagram)',
        parameters: [idParam],
        responses: {
          200: json(ref('ProcessInstance')),
          ...errors,
          404: problem('No such instance'),
        },
      },
    },
    '/applications/{id}/process': {
      get: {
        summary: 'The approval process of an application',
        parameters: [idParam],
        responses: {
          200: json(ref('ProcessInstance')),
          ...errors,
          404: problem('No process for this application'),
        },
      },
    },
    '/proxies': {
      post: {
        summary:
          '委托: hand my tasks to a colleague while I am away (administrators may set it for anyone)',
        requestBody: body({
          type: 'object',
          required: ['proxyUserId', 'fromDate', 'toDate'],
          properties: {
            userId: { type: 'string' },
            proxyUserId: { type: 'string' },
            fromDate: { type: 'string', format: 'date' },
            toDate: { type: 'string', format: 'date' },
          },
        }),
        responses: {
          200: json({ type: 'object', properties: { tasksHandedOver: { type: 'integer' } } }),
          ...errors,
        },
      },
    },
    '/calendar/holiday-years': {
      get: {
        summary:
          'Public holidays and make-up working days (调休) that due dates and cycle times count with, by year',
        responses: {
          200: json({
            type: 'object',
            properties: {
              items: { type: 'array', items: ref('HolidayYear') },
              warning: {
                type: ['string', 'null'],
                description:
                  'Set when this year, or from October next year, has no arrangements (due dates then count Monday to Friday only)',
              },
            },
          }),
          ...errors,
        },
      },
    },
    '/calendar/holiday-years/{year}': {
      put: {
        summary:
          "Enter a year's arrangements from the State Council's notice, or correct them (administrators)",
        parameters: [
          { name: 'year', in: 'path', required: true, schema: { type: 'integer', example: 2027 } },
        ],
        requestBody: body({
          type: 'object',
          required: ['notice', 'holidays'],
          additionalProperties: false,
          properties: {
            notice: { type: 'string', example: '国务院办公厅关于2027年部分节假日安排的通知' },
            holidays: { type: 'array', maxItems: 20, items: ref('HolidayArrangement') },
          },
        }),
        responses: { 200: json(ref('HolidayYear')), ...errors },
      },
    },
    ...identityPaths,
    ...documentsPaths,
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    schemas: {
      ...identitySchemas,
      ...documentsSchemas,
      HolidayArrangement: {
        type: 'object',
        required: ['name', 'firstDay', 'lastDay'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', example: 'Spring Festival (春节)' },
          firstDay: { type: 'string', format: 'date' },
          lastDay: { type: 'string', format: 'date' },
          workdays: {
            type: 'array',
            maxItems: 5,
            items: { type: 'string', format: 'date' },
            description: 'Saturdays or Sundays declared working days',
          },
        },
      },
      HolidayYear: {
        type: 'object',
        properties: {
          year: { type: 'integer' },
          notice: { type: 'string' },
          holidays: { type: 'array', items: ref('HolidayArrangement') },
          source: { type: 'string', enum: ['built_in', 'published'] },
          publishedBy: { type: 'string' },
          publishedAt: { type: 'string' },
        },
      },
      Problem: {
        type: 'object',
        required: ['type', 'title', 'status', 'detail'],
        properties: {
          type: { type: 'string' },
          title: { type: 'string' },
          status: { type: 'integer' },
          detail: { type: 'string' },
          code: { type: 'string' },
          instance: { type: 'string' },
          requestId: { type: 'string' },
          errors: {
            type: 'array',
            items: {
              type: 'object',
              properties: { field: { type: 'string' }, reason: { type: 'string' } },
            },
          },
        },
      },
      LoginRequest: {
        type: 'object',
        required: ['username', 'password'],
        properties: { username: { type: 'string' }, password: { type: 'string' } },
        additionalProperties: false,
      },
      LoginResponse: {
        type: 'object',
        properties: {
          accessToken: { type: 'string' },
          tokenType: { const: 'Bearer' },
          expiresIn: { type: 'integer' },
          user: ref('Principal'),
        },
      },
      Principal: {
        type: 'object',
        properties: {
          userId: { type: 'string' },
          username: { type: 'string' },
          displayName: { type: 'string' },
          roles: { type: 'array', items: { type: 'string' } },
          branchId: { type: 'string' },
          branchScope: {
            description:
              "The branches whose data the user sees: their branch's subtree, or all from the head office",
            oneOf: [{ type: 'array', items: { type: 'string' } }, { const: 'all' }],
          },
        },
      },
      Product: {
        type: 'object',
        properties: {
          code: { type: 'string' },
          name: { type: 'string' },
          nameZh: { type: 'string' },
          customerType: { type: 'string', enum: ['individual', 'corporate'] },
          category: { type: 'string' },
          minAmount: money,
          maxAmount: money,
          minTermMonths: { type: 'integer' },
          maxTermMonths: { type: 'integer' },
          repaymentMethods: { type: 'array', items: method },
          minRatePercent: rate,
          maxRatePercent: rate,
          referenceRatePercent: rate,
          requiredDocuments: {
            type: 'array',
            items: documentTypeSchema,
            description: "What the product's checklists ask for across the approval steps",
          },
          decisionValidityDays: {
            type: 'integer',
            description: 'A submitted application not decided within this many days expires',
          },
          approvalValidityDays: {
            type: 'integer',
            description: 'An approval not contracted within this many days expires',
          },
        },
      },
      CustomerInput: {
        type: 'object',
        required: ['type', 'name'],
        additionalProperties: false,
        properties: {
          type: { type: 'string', enum: ['individual', 'corporate'] },
          name: { type: 'string', maxLength: 200 },
          branchId: { type: 'string', description: "Defaults to the caller's branch" },
          individual: {
            type: 'object',
            required: ['residentId', 'mobile'],
            properties: {
              residentId: { type: 'string', description: 'GB 11643 resident ID number (checked)' },
              mobile: { type: 'string' },
              address: { type: 'string' },
              occupation: { type: 'string' },
              employer: { type: 'string' },
              monthlyIncome: money,
            },
          },
          corporate: {
            type: 'object',
            required: ['creditCode', 'legalRepresentative'],
            properties: {
              creditCode: {
                type: 'string',
                description: 'GB 32100 unified social credit code (checked)',
              },
              legalRepresentative: { type: 'string' },
              registeredCapital: money,
              industry: { type: 'string' },
              annualRevenue: money,
              contactMobile: { type: 'string' },
            },
          },
        },
      },
      Customer: {
        type: 'object',
        properties: {
          id: { type: 'string', format: 'uuid' },
          type: { type: 'string' },
          name: { type: 'string' },
          branchId: { type: 'string' },
          individual: { type: ['object', 'null'], description: 'ID number and mobile are masked' },
          corporate: { type: ['object', 'null'] },
          createdBy: { type: 'string' },
          createdAt: { type: 'string', format: 'date-time' },
          updatedAt: { type: 'string', format: 'date-time' },
        },
      },
      CustomerPage: {
        type: 'object',
        properties: {
          items: { type: 'array', items: ref('Customer') },
          nextPageToken: { type: ['string', 'null'] },
        },
      },
      ApplicationInput: {
        type: 'object',
        required: [
          'customerId',
          'productCode',
          'amount',
          'termMonths',
          'repaymentMethod',
          'purpose',
        ],
        additionalProperties: false,
        properties: {
          customerId: { type: 'string', format: 'uuid' },
          productCode: { type: 'string' },
          amount: money,
          termMonths: { type: 'integer', minimum: 1 },
          repaymentMethod: method,
          ratePercent: {
            type: 'string',
            description:
              "Annual rate in percent, up to four fraction digits; defaults to the product's reference rate",
          },
          purpose: { type: 'string' },
          businessSituation: { type: 'string' },
          monthlyIncome: money,
          existingMonthlyDebtPayments: money,
        },
      },
      ApplicationPatch: {
        type: 'object',
        additionalProperties: false,
        description: 'Any fields of ApplicationInput',
      },
      Application: {
        type: 'object',
        properties: {
          id: { type: 'string', format: 'uuid' },
          customerId: { type: 'string' },
          customerType: { type: 'string' },
          customerName: { type: 'string' },
          productCode: { type: 'string' },
          branchId: { type: 'string' },
          amount: money,
          termMonths: { type: 'integer' },
          repaymentMethod: method,
          ratePercent: rate,
          purpose: { type: 'string' },
          businessSituation: { type: 'string' },
          status: { type: 'string', enum: [...APPLICATION_STATUSES] },
          approvedAmount: { type: ['string', 'null'] },
          approvedRatePercent: { ...rate, type: ['string', 'null'] },
          approvedTermMonths: { type: ['integer', 'null'] },
          contractId: { type: ['string', 'null'], description: 'The signed loan contract' },
          contractNumber: { type: ['string', 'null'] },
          loanId: { type: ['string', 'null'], description: 'The loan paid out under it' },
          loanNumber: { type: ['string', 'null'] },
          history: {
            type: 'array',
            description: 'Oldest first (GET /applications/{id}, submit and withdraw answers)',
            items: {
              type: 'object',
              properties: {
                action: {
                  type: 'string',
                  enum: APPLICATION_STATUSES.filter((s) => s !== 'draft'),
                },
                at: { type: 'string', format: 'date-time' },
                actor: { type: ['string', 'null'], description: 'User id; null for a service' },
                reason: { type: ['string', 'null'] },
                details: { type: 'object', additionalProperties: { type: 'string' } },
              },
            },
          },
          preAssessment: {
            type: ['object', 'null'],
            properties: {
              ruleSetVersion: { type: 'string' },
              score: { type: 'integer' },
              opinion: { type: 'string', enum: ['recommend', 'caution', 'decline'] },
              results: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    ruleId: { type: 'string' },
                    outcome: { type: 'string', enum: ['pass', 'warn', 'fail'] },
                    reason: { type: 'string' },
                  },
                },
              },
              assessedAt: { type: 'string', format: 'date-time' },
            },
          },
          version: { type: 'integer' },
        },
      },
      Task: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          instanceId: { type: 'string' },
          businessKey: { type: 'string', description: 'The application id' },
          elementId: { type: 'string' },
          name: { type: 'string' },
          step: { type: 'string' },
          state: { type: 'string' },
          assignee: { type: 'string' },
          candidateGroups: { type: 'array', items: { type: 'string' } },
          candidateUsers: { type: 'array', items: { type: 'string' } },
          owner: { type: 'string' },
          createdAt: { type: 'string' },
          dueAt: { type: 'string' },
          overdue: { type: 'boolean' },
          productCode: { type: 'string' },
          amount: money,
          branchId: { type: 'string' },
          customerName: { type: 'string' },
          cancelReason: { type: 'string', description: 'why a cancelled task was cancelled' },
        },
      },
      TaskAction: {
        type: 'object',
        additionalProperties: false,
        properties: {
          outcome: { type: 'string', enum: ['approve', 'reject'], description: 'complete' },
          opinion: { type: 'string' },
          formData: {
            type: 'object',
            description:
              "The step's form fields (GET /tasks/{id} gives its JSON Schema), checked on complete: missing or wrong fields are a 400 naming formData.<field>. They become process variables (e.g. creditOfficer, recommendedAmount); users are named by id or username and stored as ids",
          },
          targetElementId: {
            type: 'string',
            description: 'send-back: an earlier user task of this instance',
          },
          userId: { type: 'string', description: 'transfer, delegate, add-signer' },
          position: { type: 'string', enum: ['before', 'after'], description: 'add-signer' },
          reason: { type: 'string', description: 'send-back' },
        },
      },
      TaskActionResult: {
        type: 'object',
        properties: {
          task: ref('Task'),
          nextTasks: { type: 'array', items: ref('Task') },
          instance: ref('ProcessInstance'),
        },
      },
      ProcessInstance: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          definitionKey: { type: 'string' },
          definitionVersion: { type: 'integer' },
          businessKey: { type: 'string' },
          status: { type: 'string', enum: ['active', 'completed', 'terminated'] },
          variables: { type: 'object' },
          activeElementIds: { type: 'array', items: { type: 'string' } },
          history: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                at: { type: 'string' },
                actor: { type: 'string' },
                action: { type: 'string' },
                elementId: { type: 'string' },
                elementName: { type: 'string' },
                opinion: { type: 'string' },
              },
            },
          },
        },
      },
      ScheduleRequest: {
        type: 'object',
        additionalProperties: false,
        required: [
          'principal',
          'annualRatePercent',
          'term',
          'termUnit',
          'repaymentMethod',
          'disbursementDate',
        ],
        properties: {
          principal: money,
          annualRatePercent: { type: 'string', examples: ['4.35'] },
          term: { type: 'integer', minimum: 1 },
          termUnit: { type: 'string', enum: ['month', 'week', 'day'] },
          repayEvery: { type: 'integer', minimum: 1, default: 1 },
          repaymentMethod: method,
          disbursementDate: { type: 'string', format: 'date' },
          firstRepaymentDate: { type: 'string', format: 'date' },
          repaymentDay: {
            oneOf: [{ type: 'integer', minimum: 1, maximum: 28 }, { const: 'month_end' }],
          },
          interestBasis: { type: 'string', enum: ['period', 'daily'], default: 'period' },
          dayCount: {
            type: 'string',
            enum: ['ACT/360', 'ACT/365', 'ACT/ACT', '30/360'],
            default: 'ACT/360',
          },
          roundingMode: { type: 'string', enum: ['half_up', 'half_even'], default: 'half_up' },
          decimals: { type: 'integer', minimum: 0, maximum: 6, default: 2 },
          installmentMultiple: { type: 'string', examples: ['1'] },
          graceOnPrincipalPeriods: { type: 'integer', minimum: 0 },
          graceOnInterestPeriods: { type: 'integer', minimum: 0 },
        },
      },
      Schedule: {
        type: 'object',
        properties: {
          installments: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                period: { type: 'integer' },
                dueDate: { type: 'string', format: 'date' },
                principal: money,
                interest: money,
                total: money,
                balance: money,
              },
            },
          },
          totalInterest: money,
          totalPayment: money,
        },
      },
      ApplicationPage: {
        type: 'object',
        properties: {
          items: { type: 'array', items: ref('Application') },
          nextPageToken: { type: ['string', 'null'] },
        },
      },
    },
  },
};
