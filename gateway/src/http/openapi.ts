// The hand-written OpenAPI entries still left: those of the areas whose routes are not declared
// yet (accounting, post-loan, documents). /openapi.json is made from the route declarations
// (./api/openapi.ts); this file goes once the last of these areas is declared.
import { accountingPaths, accountingSchemas } from './accounting-openapi';
import { repaymentMethodSchema as method } from './vocabulary-schemas';
import { postLoanPaths, postLoanSchemas } from './post-loan-openapi';

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
const errors = {
  400: problem('Invalid input; `errors` lists each field and reason'),
  401: problem('No or invalid token'),
  403: problem('Role or branch scope does not allow it'),
};
const money = { type: 'string', pattern: '^\\d{1,15}(\\.\\d{1,2})?$', examples: ['150000.00'] };

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
    '/schedules:preview': {
      post: {
        summary:
          'Repayment schedule without saving anything (stable contract; outside tools compare against it)',
        requestBody: body(ref('ScheduleRequest')),
        responses: { 200: json(ref('Schedule')), ...errors },
      },
    },
    ...accountingPaths,
    ...postLoanPaths,
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    schemas: {
      ...accountingSchemas,
      ...postLoanSchemas,
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
    },
  },
};
