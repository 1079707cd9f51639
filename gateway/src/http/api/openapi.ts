/**
 * The OpenAPI 3.1 document, made from the route declarations with zod 4's own JSON Schema output
 * (draft 2020-12, the dialect of OpenAPI 3.1, so no translation layer is needed). Schemas with a
 * `.meta({ id })` become components; requests are described as zod reads them (`io: 'input'`:
 * defaults make fields optional), responses as the gateway writes them (`io: 'output'`).
 */
import { z } from 'zod';
import type { RouteSpec } from './route';
import { Problem } from './schemas';

export type JsonSchema = Record<string, unknown>;

interface Converter {
  convert(schema: z.ZodType, io: 'input' | 'output'): JsonSchema;
  components: Record<string, JsonSchema>;
}

/** Converts schemas, hoisting named ones into components (an input twin gets an `Input` suffix). */
function converter(): Converter {
  const components: Record<string, JsonSchema> = {};
  /** Outputs take the plain name; an input takes it too unless an output differs from it. */
  const rename = (id: string, io: 'input' | 'output', def: JsonSchema): string => {
    const existing = components[id];
    if (existing === undefined || same(existing, def)) {
      components[id] = def;
      return id;
    }
    if (io === 'output') throw new Error(`two different schemas are named ${id}`);
    const name = `${id}Input`;
    if (components[name] !== undefined && !same(components[name], def))
      throw new Error(`two different input schemas are named ${id}`);
    components[name] = def;
    return name;
  };
  const convert = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
    const out = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'any',
      reused: 'inline',
    }) as JsonSchema;
    delete out.$schema;
    const defs = (out.$defs ?? {}) as Record<string, JsonSchema>;
    delete out.$defs;
    const names: Record<string, string> = {};
    const rewrite = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(rewrite);
      if (v && typeof v === 'object') {
        const o: JsonSchema = {};
        for (const [k, x] of Object.entries(v)) {
          if (k === '$ref' && typeof x === 'string' && x.startsWith('#/$defs/')) {
            const id = x.slice('#/$defs/'.length);
            o.$ref = `#/components/schemas/${names[id] ?? id}`;
          } else if (k === '$ref' && x === '#') {
            o.$ref = '#';
          } else o[k] = rewrite(x);
        }
        return o;
      }
      return v;
    };
    // A def that refers to a sibling is named after it (zod lists the ones referred to first).
    for (const [id, def] of Object.entries(defs))
      names[id] = rename(id, io, rewrite(def) as JsonSchema);
    // The root itself may be a named schema (inlined at the root, or a $ref to its def).
    const rootId = z.globalRegistry.get(schema)?.id;
    const root = rewrite(out) as JsonSchema;
    if (rootId !== undefined && root.$ref === undefined) {
      delete root.id;
      const final = rename(rootId, io, root);
      return { $ref: `#/components/schemas/${final}` };
    }
    return root;
  };
  return { convert, components };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function parametersOf(
  c: Converter,
  schema: z.ZodType | undefined,
  location: 'path' | 'query' | 'header',
): JsonSchema[] {
  if (schema === undefined) return [];
  const json = c.convert(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, s]) => {
    const { description, ...rest } = s;
    return {
      name,
      in: location,
      required: location === 'path' || required.has(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

export interface ApiInfo {
  title: string;
  version: string;
  description: string;
}

/** The document for a set of routes; served at /openapi.json. */
export function openApiDocument(routes: readonly RouteSpec[], info: ApiInfo): JsonSchema {
  const c = converter();
  const problemRef = c.convert(Problem, 'output');
  const problem = (description: string) => ({
    description,
    content: { 'application/problem+json': { schema: problemRef } },
  });
  const paths: Record<string, Record<string, unknown>> = {};
  const ids = new Set<string>();
  const responsesFor = (spec: RouteSpec): Record<string, unknown> => {
    const responses: Record<string, unknown> = {};
    for (const [status, res] of Object.entries(spec.responses)) {
      const headers = res.headers
        ? Object.fromEntries(
            Object.entries(res.headers).map(([h, d]) => [
              h,
              { description: d.description, schema: c.convert(d.schema, 'output') },
            ]),
          )
        : undefined;
      const type = res.contentType ?? 'application/json';
      const content: Record<string, unknown> | undefined = res.schema
        ? { [type]: { schema: c.convert(res.schema, 'output') } }
        : Number(status) >= 400
          ? { 'application/problem+json': { schema: problemRef } }
          : type !== 'application/json'
            ? { [type]: { schema: { type: 'string', format: 'binary' } } }
            : undefined;
      responses[status] = {
        description: res.description,
        ...(headers ? { headers } : {}),
        ...(content ? { content } : {}),
      };
      if (res.alternatives) {
        const r = responses[status] as { content?: Record<string, unknown> };
        r.content ??= {};
        for (const [t, schema] of Object.entries(res.alternatives))
          r.content[t] = {
            schema: schema ? c.convert(schema, 'output') : { type: 'string', format: 'binary' },
          };
      }
    }
    return responses;
  };
  // Responses first, so that a schema used both ways is named after what the gateway answers.
  const responsesOf = new Map<RouteSpec, Record<string, unknown>>();
  for (const spec of routes) {
    if (ids.has(spec.operationId)) throw new Error(`operationId ${spec.operationId} is used twice`);
    ids.add(spec.operationId);
    responsesOf.set(spec, responsesFor(spec));
  }
  for (const spec of routes) {
    const r = spec.request ?? {};
    const responses = responsesOf.get(spec)!;
    const parameters = [
      ...parametersOf(c, r.params, 'path'),
      ...parametersOf(c, r.query, 'query'),
      ...parametersOf(c, r.headers, 'header'),
    ];
    if (spec.idempotent && !parameters.some((p) => p.name === 'idempotency-key'))
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description:
          'Same key, caller, path and body → the recorded response again; same key, other body → 422',
        schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
      });
    if (!('public' in spec.access) && responses[401] === undefined)
      responses[401] = problem('No token, or a token that is expired or revoked');
    if ('roles' in spec.access && responses[403] === undefined)
      responses[403] = problem(`Needs one of the roles ${spec.access.roles.join(', ')}`);
    if (parameters.length > 0 || r.body !== undefined) {
      responses[400] ??= problem('Invalid input: `errors` names each field and reason');
    }
    responses.default = problem('Any other error (RFC 9457 problem details)');
    const grpc = spec.grpc === undefined ? [] : [spec.grpc].flat();
    const roles = 'roles' in spec.access ? spec.access.roles : undefined;
    const operation: Record<string, unknown> = {
      operationId: spec.operationId,
      tags: [spec.tag],
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      ...('public' in spec.access ? { security: [] } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(r.body !== undefined
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: c.convert(r.body, 'input') } },
            },
          }
        : r.rawBody !== undefined
          ? {
              requestBody: {
                required: true,
                ...(r.rawBody.description ? { description: r.rawBody.description } : {}),
                content: {
                  [r.rawBody.contentType]: { schema: c.convert(r.rawBody.schema, 'input') },
                },
              },
            }
          : {}),
      responses,
      ...(roles ? { 'x-roles': roles } : {}),
      ...(grpc.length > 0 ? { 'x-grpc': grpc } : {}),
    };
    const path = spec.path;
    paths[path] ??= {};
    if (paths[path]![spec.method]) throw new Error(`${spec.method} ${path} is declared twice`);
    paths[path]![spec.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info,
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: c.components,
    },
  };
}
