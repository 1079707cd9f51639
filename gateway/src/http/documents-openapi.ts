// OpenAPI 3.1 paths and schemas of document imaging, the archive and contracts, merged into
// openApiDocument. They refer to #/components/schemas/Problem of the main document.

import { documentTypeSchema, rateBasisSchema, repaymentMethodSchema } from './vocabulary-schemas';

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
const id = (name = 'id') => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'string', format: 'uuid' },
});
const query = (name: string, schema: object, description?: string) => ({
  name,
  in: 'query',
  schema,
  ...(description ? { description } : {}),
});
const errors = {
  400: problem('Invalid input; `errors` lists each field and reason'),
  401: problem('No or invalid token'),
  403: problem('The caller may not see the application (or lacks the role)'),
  404: problem('No such document, owner or contract'),
  409: problem(
    'Not allowed in the current state (archived, already signed, documents missing, ...)',
  ),
};
const rendition = query('rendition', {
  type: 'string',
  enum: ['original', 'thumbnail', 'preview'],
  default: 'original',
});
const ownerKind = { type: 'string', enum: ['application', 'customer', 'loan'] };

export const documentsSchemas = {
  Document: {
    type: 'object',
    properties: {
      id: { type: 'string', format: 'uuid' },
      owner: {
        type: 'object',
        properties: { kind: ownerKind, id: { type: 'string', format: 'uuid' } },
      },
      applicationId: { type: 'string' },
      branchId: { type: 'string' },
      documentType: documentTypeSchema,
      version: { type: 'integer' },
      current: { type: 'boolean' },
      mediaType: {
        type: 'string',
        enum: ['image/jpeg', 'image/png', 'image/tiff', 'application/pdf'],
      },
      size: { type: 'string', description: 'bytes (int64 as a string)' },
      sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      pages: { type: 'integer' },
      fileName: { type: 'string' },
      uploadedBy: { type: 'string' },
      uploadedAt: { type: 'string', format: 'date-time' },
      status: { type: 'string', enum: ['stored', 'superseded', 'archived', 'deleted'] },
      hasThumbnail: { type: 'boolean' },
      hasPreview: { type: 'boolean' },
      archiveNumber: { type: 'string' },
      retainUntil: { type: 'string' },
      legalHold: { type: 'boolean' },
    },
  },
  Archive: {
    type: 'object',
    properties: {
      archiveNumber: { type: 'string', examples: ['DA202600000001'] },
      owner: { type: 'object', properties: { kind: ownerKind, id: { type: 'string' } } },
      archivedAt: { type: 'string', format: 'date-time' },
      reason: { type: 'string' },
      documents: { type: 'integer' },
      branchId: { type: 'string' },
    },
  },
  ContractParty: {
    type: 'object',
    required: ['role', 'name', 'signerUserId'],
    properties: {
      role: { type: 'string', enum: ['lender', 'borrower', 'guarantor'] },
      name: { type: 'string' },
      signerUserId: { type: 'string', description: 'The user who signs for the party' },
      idNumberMasked: { type: 'string' },
      address: { type: 'string' },
    },
  },
  ContractSignature: {
    type: 'object',
    properties: {
      partyRole: { type: 'string' },
      signer: { type: 'string' },
      signedAt: { type: 'string', format: 'date-time' },
      timestampTime: {
        type: 'string',
        format: 'date-time',
        description: 'genTime of the RFC 3161 token',
      },
      certificateSubject: { type: 'string' },
      valid: { type: 'boolean' },
      reason: { type: 'string' },
    },
  },
  Contract: {
    type: 'object',
    properties: {
      id: { type: 'string', format: 'uuid' },
      contractNumber: { type: 'string' },
      applicationId: { type: 'string' },
      templateCode: { type: 'string' },
      templateVersion: { type: 'integer' },
      parties: { type: 'array', items: ref('ContractParty') },
      sha256: { type: 'string' },
      status: { type: 'string', enum: ['generated', 'signing', 'signed'] },
      signatures: { type: 'array', items: ref('ContractSignature') },
      generatedAt: { type: 'string', format: 'date-time' },
      amount: { type: 'string' },
      amountInCapitals: { type: 'string', examples: ['壹拾万元整'] },
      loanId: { type: 'string', description: 'The loan opened under the contract, once disbursed' },
      customerId: { type: 'string', format: 'uuid' },
      branchId: { type: 'string' },
      productCode: { type: 'string' },
      terms: ref('LoanTerms'),
    },
  },
  LoanTerms: {
    type: 'object',
    description: 'The terms the contract fixes; the loan opened under it takes every one of them',
    properties: {
      amount: { type: 'string', examples: ['700000.00'] },
      annualRatePercent: { type: 'string', examples: ['4.2000'] },
      rateBasis: rateBasisSchema,
      spreadBp: { type: 'integer' },
      repricing: { type: 'string', enum: ['', 'january_first', 'anniversary'] },
      termMonths: { type: 'integer' },
      repaymentMethod: repaymentMethodSchema,
      repaymentDay: { type: 'string', examples: ['7', 'month_end'] },
      disbursementDate: { type: 'string', format: 'date' },
      firstDueDate: { type: 'string', format: 'date' },
      maturityDate: { type: 'string', format: 'date' },
      penaltyMarkupPercent: { type: 'string', examples: ['50.00'] },
      schedule: {
        type: 'array',
        items: {
          type: 'object',
          properties: Object.fromEntries(
            ['dueDate', 'principal', 'interest', 'total', 'balance']
              .map((k) => [k, { type: 'string' }])
              .concat([['period', { type: 'integer' }]]),
          ),
        },
      },
      totalInterest: { type: 'string' },
      totalPayment: { type: 'string' },
    },
  },
  ContractTemplate: {
    type: 'object',
    properties: {
      code: { type: 'string', examples: ['SMALL_BUSINESS_LOAN'] },
      version: { type: 'integer' },
      productCodes: { type: 'array', items: { type: 'string' } },
      title: { type: 'string', examples: ['小微企业经营借款合同'] },
      requiredParties: {
        type: 'array',
        items: { type: 'string', enum: ['lender', 'borrower', 'guarantor'] },
      },
      clausesSummary: {
        type: 'array',
        items: { type: 'string' },
        description: 'Clause headings in order (借款金额, 保证担保, 抵押担保, ...)',
      },
    },
  },
};

const documentResponse = json({ type: 'object', properties: { document: ref('Document') } });
const contractResponse = json({ type: 'object', properties: { contract: ref('Contract') } });

export const documentsPaths = {
  '/documents': {
    post: {
      tags: ['documents'],
      summary: 'Upload a scan (streamed to the object store; type detected from the bytes)',
      parameters: [
        { name: 'Idempotency-Key', in: 'header', schema: { type: 'string', maxLength: 255 } },
      ],
      requestBody: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              required: ['ownerKind', 'ownerId', 'documentType', 'file'],
              properties: {
                ownerKind,
                ownerId: { type: 'string', format: 'uuid' },
                documentType: documentTypeSchema,
                size: {
                  type: 'string',
                  description: 'Optional: the file size, checked against the bytes',
                },
                file: {
                  type: 'string',
                  format: 'binary',
                  description: 'Last part; JPEG, PNG, TIFF or PDF',
                },
              },
            },
          },
        },
      },
      responses: {
        201: json(
          {
            type: 'object',
            properties: { document: ref('Document'), duplicate: { type: 'boolean' } },
          },
          'Stored',
        ),
        200: json(
          {
            type: 'object',
            properties: { document: ref('Document'), duplicate: { type: 'boolean' } },
          },
          'The same bytes were already filed',
        ),
        ...errors,
      },
    },
    get: {
      tags: ['documents'],
      summary: 'Documents of an application, customer or loan',
      parameters: [
        query('ownerKind', ownerKind),
        query('ownerId', { type: 'string', format: 'uuid' }),
        query('includeSuperseded', { type: 'string', enum: ['true', 'false'] }),
      ],
      responses: {
        200: json({
          type: 'object',
          properties: { documents: { type: 'array', items: ref('Document') } },
        }),
        ...errors,
      },
    },
  },
  '/documents/{id}': {
    get: {
      tags: ['documents'],
      summary: 'Metadata',
      parameters: [id()],
      responses: { 200: documentResponse, ...errors },
    },
  },
  '/documents/{id}/versions': {
    get: {
      tags: ['documents'],
      summary: 'Every version of the document type',
      parameters: [id()],
      responses: {
        200: json({
          type: 'object',
          properties: { versions: { type: 'array', items: ref('Document') } },
        }),
        ...errors,
      },
    },
  },
  '/documents/{id}/views': {
    get: {
      tags: ['documents'],
      summary: '调阅记录: who viewed the document, when, how',
      parameters: [id()],
      responses: {
        200: json({
          type: 'object',
          properties: { views: { type: 'array', items: { type: 'object' } } },
        }),
        ...errors,
      },
    },
  },
  '/documents/{id}/url': {
    get: {
      tags: ['documents'],
      summary: 'A short-lived presigned URL (the view is recorded)',
      parameters: [id(), rendition],
      responses: {
        200: json({
          type: 'object',
          properties: {
            url: { type: 'string' },
            expiresAt: { type: 'string', format: 'date-time' },
          },
        }),
        ...errors,
      },
    },
  },
  '/documents/{id}/content': {
    get: {
      tags: ['documents'],
      summary: 'The bytes, streamed (the view is recorded); thumbnail and preview are JPEG',
      parameters: [id(), rendition],
      responses: {
        200: {
          description: 'The document',
          content: { '*/*': { schema: { type: 'string', format: 'binary' } } },
        },
        ...errors,
      },
    },
  },
  '/documents/{id}:delete': {
    post: {
      tags: ['documents'],
      summary:
        'Withdraw a document (archived ones only after retention, without legal hold, by an administrator)',
      parameters: [id()],
      requestBody: body({
        type: 'object',
        required: ['reason'],
        properties: { reason: { type: 'string' } },
      }),
      responses: { 200: documentResponse, ...errors },
    },
  },
  '/documents/{id}/legal-hold': {
    post: {
      tags: ['archive'],
      summary: 'Set or release a legal hold',
      parameters: [id()],
      requestBody: body({
        type: 'object',
        required: ['hold', 'reason'],
        properties: { hold: { type: 'boolean' }, reason: { type: 'string' } },
      }),
      responses: { 200: documentResponse, ...errors },
    },
  },
  '/applications/{id}/checklist': {
    get: {
      tags: ['documents'],
      summary: 'Required documents per stage of the approval flow, and what is missing',
      parameters: [
        id(),
        query('stage', { type: 'string' }, 'A step code, e.g. market_routing or investigation'),
      ],
      responses: {
        200: json({
          type: 'object',
          properties: {
            applicationId: { type: 'string' },
            productCode: { type: 'string' },
            items: { type: 'array', items: { type: 'object' } },
            missing: { type: 'array', items: { type: 'string' } },
            complete: { type: 'boolean' },
          },
        }),
        ...errors,
      },
    },
  },
  '/archives': {
    post: {
      tags: ['archive'],
      summary: 'Archive an owner’s documents (归档); immutable from then on',
      requestBody: body({
        type: 'object',
        required: ['ownerKind', 'ownerId', 'reason'],
        properties: {
          ownerKind,
          ownerId: { type: 'string', format: 'uuid' },
          reason: { type: 'string' },
        },
      }),
      responses: {
        201: json(
          {
            type: 'object',
            properties: { archive: ref('Archive'), alreadyArchived: { type: 'boolean' } },
          },
          'Archived',
        ),
        200: json(
          {
            type: 'object',
            properties: { archive: ref('Archive'), alreadyArchived: { type: 'boolean' } },
          },
          'Already archived',
        ),
        ...errors,
      },
    },
    get: {
      tags: ['archive'],
      summary: 'Search the central archive',
      parameters: [
        'archiveNumber',
        'applicationId',
        'customerId',
        'branchId',
        'documentType',
        'archivedFrom',
        'archivedTo',
        'pageToken',
      ]
        .map((n) => query(n, { type: 'string' }))
        .concat([query('pageSize', { type: 'integer', minimum: 1, maximum: 200 })]),
      responses: {
        200: json({
          type: 'object',
          properties: {
            archives: { type: 'array', items: ref('Archive') },
            documents: { type: 'array', items: ref('Document') },
            nextPageToken: { type: 'string' },
          },
        }),
        ...errors,
      },
    },
  },
  '/contracts': {
    post: {
      tags: ['contracts'],
      summary: 'Generate the contract of an approved application from its product’s template (PDF)',
      requestBody: body({
        type: 'object',
        required: ['applicationId', 'parties', 'disbursementDate'],
        properties: {
          applicationId: { type: 'string', format: 'uuid' },
          templateCode: { type: 'string' },
          parties: { type: 'array', items: ref('ContractParty') },
          amount: { type: 'string' },
          annualRatePercent: { type: 'string' },
          termMonths: { type: 'integer' },
          repaymentMethod: repaymentMethodSchema,
          disbursementDate: {
            type: 'string',
            format: 'date',
            description: 'The loan can be opened on this business date only',
          },
          repaymentAccount: { type: 'string' },
          rateBasis: { ...rateBasisSchema, default: 'fixed' },
          spreadBp: { type: 'integer', description: 'LPR bases: basis points over the LPR' },
          repricing: { type: 'string', enum: ['january_first', 'anniversary'] },
          repaymentDay: {
            type: 'string',
            description: '"1" to "28" or "month_end"; default: the disbursement date’s day',
          },
          collateral: {
            type: 'string',
            description: 'The mortgaged property (templates with a collateral clause)',
          },
        },
      }),
      responses: { 201: contractResponse, ...errors },
    },
  },
  '/contract-templates': {
    get: {
      tags: ['contracts'],
      summary: 'The active contract templates, per product',
      parameters: [query('productCode', { type: 'string' })],
      responses: {
        200: json({
          type: 'object',
          properties: { templates: { type: 'array', items: ref('ContractTemplate') } },
        }),
        ...errors,
      },
    },
  },
  '/applications/{id}/disbursement-review': {
    get: {
      tags: ['contracts'],
      summary:
        '集中审查放款: the application’s contract, its signatures verified, and the checklist of stage disbursement',
      parameters: [id()],
      responses: {
        200: json({
          type: 'object',
          properties: {
            applicationId: { type: 'string', format: 'uuid' },
            contract: ref('Contract'),
            verification: { type: 'object' },
            checklist: { type: 'object' },
            ready: { type: 'boolean' },
            blockers: { type: 'array', items: { type: 'string' } },
          },
        }),
        ...errors,
      },
    },
  },
  '/contracts/{id}': {
    get: {
      tags: ['contracts'],
      summary: 'A contract and its signatures',
      parameters: [id()],
      responses: { 200: contractResponse, ...errors },
    },
  },
  '/contracts/{id}:sign': {
    post: {
      tags: ['contracts'],
      summary: 'Sign for a party (CMS signature with an RFC 3161 timestamp)',
      parameters: [id()],
      requestBody: body({
        type: 'object',
        required: ['partyRole'],
        properties: { partyRole: { type: 'string', enum: ['lender', 'borrower', 'guarantor'] } },
      }),
      responses: { 200: contractResponse, ...errors },
    },
  },
  '/contracts/{id}:verify': {
    post: {
      tags: ['contracts'],
      summary: 'Verify the signatures and timestamps over the stored PDF, or over the bytes given',
      parameters: [id()],
      requestBody: {
        required: false,
        content: {
          'application/json': {
            schema: { type: 'object', properties: { pdfBase64: { type: 'string' } } },
          },
        },
      },
      responses: {
        200: json({
          type: 'object',
          properties: {
            intact: { type: 'boolean' },
            allPartiesSigned: { type: 'boolean' },
            sha256: { type: 'string' },
            signatures: { type: 'array', items: ref('ContractSignature') },
          },
        }),
        ...errors,
      },
    },
  },
};
