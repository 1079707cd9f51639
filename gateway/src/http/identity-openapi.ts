// OpenAPI 3.1 paths and schemas of the user directory (the identity service), merged into
// openApiDocument. They refer to #/components/schemas/Problem of the main document.
import { ROLES } from '@loanflow/platform';

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
const idParam = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', format: 'uuid' },
};
const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description: 'Same key and body → the recorded response again; same key, other body → 422.',
  schema: { type: 'string', maxLength: 255 },
};
const errors = {
  400: problem('Invalid input; `errors` lists each field and reason'),
  401: problem('No or invalid token'),
  403: problem('Needs the admin role'),
};
const notFound = problem('No such user');
const etag = {
  ETag: { description: 'The version of the user, for If-Match', schema: { type: 'string' } },
};
const userAnswer = (description = 'OK') => ({ ...json(ref('User'), description), headers: etag });
const role = { type: 'string', enum: [...ROLES] };
const PASSWORD_RULE =
  '12 to 256 characters, not containing the username, not one character repeated, not a common password';

export const identitySchemas = {
  User: {
    type: 'object',
    description:
      'A member of staff. Administrators get every field; other callers of GET /users get id, username, displayName, roles and branchId only.',
    properties: {
      id: { type: 'string', format: 'uuid' },
      username: { type: 'string', examples: ['credit.zhou'] },
      displayName: { type: 'string' },
      roles: { type: 'array', items: role },
      branchId: { type: 'string', examples: ['SH001-01'] },
      email: { type: ['string', 'null'], format: 'email' },
      mobile: { type: ['string', 'null'], description: 'Mainland mobile number, 11 digits' },
      language: { type: 'string', enum: ['zh-CN', 'en'] },
      active: { type: 'boolean' },
      version: { type: 'integer' },
      createdAt: { type: 'string', format: 'date-time' },
      updatedAt: { type: 'string', format: 'date-time' },
    },
  },
  UserInput: {
    type: 'object',
    additionalProperties: false,
    required: ['username', 'displayName', 'roles', 'branchId', 'initialPassword'],
    properties: {
      username: { type: 'string', pattern: '^[a-z0-9._-]{3,64}$' },
      displayName: { type: 'string', maxLength: 100 },
      roles: { type: 'array', items: role, minItems: 1 },
      branchId: { type: 'string', description: 'A branch of the tree (GET /branches)' },
      email: { type: ['string', 'null'], format: 'email' },
      mobile: { type: ['string', 'null'], examples: ['13812345678'] },
      language: { type: 'string', enum: ['zh-CN', 'en'], default: 'zh-CN' },
      initialPassword: { type: 'string', description: PASSWORD_RULE },
    },
  },
  UserPatch: {
    type: 'object',
    additionalProperties: false,
    description:
      'Any of displayName, roles, branchId, email, mobile, language; null clears email or mobile',
    properties: {
      displayName: { type: 'string', maxLength: 100 },
      roles: { type: 'array', items: role, minItems: 1 },
      branchId: { type: 'string' },
      email: { type: ['string', 'null'], format: 'email' },
      mobile: { type: ['string', 'null'] },
      language: { type: 'string', enum: ['zh-CN', 'en'] },
    },
  },
  UserPage: {
    type: 'object',
    properties: {
      items: { type: 'array', items: ref('User') },
      nextPageToken: { type: ['string', 'null'] },
    },
  },
  Branch: {
    type: 'object',
    properties: {
      code: { type: 'string', examples: ['SH001-01'] },
      name: { type: 'string', examples: ['浦东支行'] },
      parentCode: { type: ['string', 'null'], description: 'null for the head office' },
      level: { type: 'string', enum: ['head_office', 'branch', 'sub_branch'] },
    },
  },
};

export const identityPaths = {
  '/users': {
    get: {
      summary:
        'Staff users, by username. Everyone: active users with public fields (to pick a credit officer, a delegate); administrators: every field, inactive users with status=inactive',
      parameters: [
        { name: 'role', in: 'query', schema: role },
        {
          name: 'branchId',
          in: 'query',
          schema: { type: 'string' },
          description: "Users of this branch's subtree",
        },
        { name: 'status', in: 'query', schema: { type: 'string', enum: ['active', 'inactive'] } },
        {
          name: 'q',
          in: 'query',
          schema: { type: 'string' },
          description: 'Part of the username or display name',
        },
        {
          name: 'pageSize',
          in: 'query',
          schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
        },
        { name: 'pageToken', in: 'query', schema: { type: 'string' } },
      ],
      responses: { 200: json(ref('UserPage')), ...errors },
    },
    post: {
      summary: 'Create a staff user (admin)',
      parameters: [idempotencyKey],
      requestBody: body(ref('UserInput')),
      responses: {
        201: userAnswer('Created'),
        ...errors,
        409: problem('The username is taken; the violation names the existing user id'),
        422: problem('Idempotency key reused'),
      },
    },
  },
  '/users/{id}': {
    get: {
      summary: 'One staff user (admin; ETag = version)',
      parameters: [idParam],
      responses: { 200: userAnswer(), ...errors, 404: notFound },
    },
    patch: {
      summary: 'Edit a user (admin); If-Match with the ETag is required',
      parameters: [
        idParam,
        { name: 'If-Match', in: 'header', required: true, schema: { type: 'string' } },
      ],
      requestBody: body(ref('UserPatch')),
      responses: {
        200: userAnswer(),
        ...errors,
        404: notFound,
        409: problem('Changed since the version in If-Match'),
      },
    },
  },
  '/users/{id}:deactivate': {
    post: {
      summary: 'Close an account (admin): the user can no longer log in',
      parameters: [idParam, idempotencyKey],
      requestBody: body({
        type: 'object',
        required: ['reason'],
        additionalProperties: false,
        properties: { reason: { type: 'string', maxLength: 500 } },
      }),
      responses: {
        200: userAnswer(),
        ...errors,
        404: notFound,
        409: problem('Your own account'),
      },
    },
  },
  '/users/{id}:reactivate': {
    post: {
      summary: 'Open a closed account again (admin)',
      parameters: [idParam, idempotencyKey],
      responses: { 200: userAnswer(), ...errors, 404: notFound },
    },
  },
  '/users/{id}:reset-password': {
    post: {
      summary: 'Set a new password (admin); a locked account opens again',
      parameters: [idParam, idempotencyKey],
      requestBody: body({
        type: 'object',
        required: ['newPassword'],
        additionalProperties: false,
        properties: { newPassword: { type: 'string', description: PASSWORD_RULE } },
      }),
      responses: { 204: { description: 'Changed' }, ...errors, 404: notFound },
    },
  },
  '/branches': {
    get: {
      summary: 'The branch tree, top down: head office, each branch followed by its sub-branches',
      responses: {
        200: json({
          type: 'object',
          properties: { items: { type: 'array', items: ref('Branch') } },
        }),
        401: errors[401],
      },
    },
    post: {
      summary: 'Open a branch under the head office or a sub-branch under a branch (admin)',
      parameters: [idempotencyKey],
      requestBody: body({
        type: 'object',
        required: ['code', 'name', 'parentCode'],
        additionalProperties: false,
        properties: {
          code: { type: 'string', examples: ['SH001-02'] },
          name: { type: 'string', maxLength: 100 },
          parentCode: { type: 'string', examples: ['SH001'] },
        },
      }),
      responses: {
        201: json(ref('Branch'), 'Created'),
        ...errors,
        409: problem('The code is taken'),
      },
    },
  },
};
