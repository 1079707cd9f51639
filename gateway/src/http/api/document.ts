import type { RouteSpec } from './route';
import { openApiDocument, type JsonSchema } from './openapi';

/** The gateway's OpenAPI document: served at /openapi.json and the source of the workbench's API types. */
export function apiDocument(routes: readonly RouteSpec[]): JsonSchema {
  return openApiDocument(routes, {
    title: 'LoanFlow API',
    version: '1.0.0',
    description:
      'Credit approval and servicing. Money is a decimal string in yuan, never a JSON number. Errors are RFC 9457 problem details.',
  });
}
