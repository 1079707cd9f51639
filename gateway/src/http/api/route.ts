/**
 * One declaration per REST route: method, path, who may call it, the schemas of its parameters,
 * query, headers and body, the schema of each response, its summary and tag, and the gRPC call
 * it makes. The Express handler (mount.ts) and the OpenAPI operation (openapi.ts) are both made
 * from it, so the document cannot drift from what the gateway accepts and answers.
 */
import type { Principal, Role } from '@loanflow/platform';
import type { Request, Response } from 'express';
import type { z } from 'zod';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Who may call a route. The owning service checks again, with the branch scope. */
export type Access =
  /** No token: log-in. */
  | { public: true }
  /** Any signed-in user (the service decides what they see). */
  | { signedIn: true }
  /** Users with one of these roles; others get 403 before their input is looked at. */
  | { roles: readonly Role[] };

export interface ResponseSpec {
  description: string;
  /** The body's schema (JSON); absent for an empty body. */
  schema?: z.ZodType;
  /** `application/json` unless said otherwise (e.g. `application/pdf`: a binary body). */
  contentType?: string;
  /**
   * Other content types of the same status, chosen by the request (a statement as CSV or PDF, a
   * definition as XML): each with its schema, or undefined for a binary body. The handler writes
   * those to ctx.res.
   */
  alternatives?: Record<string, z.ZodType | undefined>;
  /** Response headers worth documenting (ETag, Location, Retry-After…). */
  headers?: Record<string, { description: string; schema: z.ZodType }>;
}

export interface RequestSpec<
  P extends z.ZodType,
  Q extends z.ZodType,
  H extends z.ZodType,
  B extends z.ZodType,
> {
  params?: P;
  query?: Q;
  /** Only the headers that mean something to the route (names in lower case). */
  headers?: H;
  body?: B;
  /**
   * A body that is not JSON (multipart upload): described here for the document; the handler
   * reads the stream itself, and the JSON body parser is not used.
   */
  rawBody?: { contentType: string; schema: z.ZodType; description?: string };
}

/** What the handler gets: the validated input, the caller, and the call options for gRPC. */
export interface RouteContext<P, Q, H, B> {
  params: P;
  query: Q;
  headers: H;
  body: B;
  /** The signed-in caller (undefined only on public routes). */
  principal: Principal;
  /** Metadata (the caller's token, the request id) and deadline for the upstream call. */
  call: { metadata: import('@grpc/grpc-js').Metadata; timeoutMs: number };
  /**
   * The command id of a write: derived from the Idempotency-Key bound to the caller, the method,
   * the path and the body; a fresh id when no key was sent (so nothing is deduplicated by accident).
   */
  commandId: string;
  /** True when the client sent an Idempotency-Key. */
  idempotent: boolean;
  req: Request;
  res: Response;
}

/** A JSON reply; handlers that stream (downloads) write to `ctx.res` and return undefined. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteSpec<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  H extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  /** Unique, camelCase: the OpenAPI operationId. */
  operationId: string;
  method: Method;
  /** OpenAPI form: `/customers/{id}`, custom methods as `/contracts/{id}:sign` (AIP-136). */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  access: Access;
  /** The gRPC method(s) it calls: `applications.v1.ApplicationsService/CreateCustomer`. */
  grpc?: string | readonly string[];
  /** Takes an Idempotency-Key (writes): a retry with the same key and body replays the answer. */
  idempotent?: boolean;
  /** Largest JSON body accepted (bytes, like `64kb`); the gateway's limit if absent. */
  bodyLimit?: string;
  request?: RequestSpec<P, Q, H, B>;
  /** Success (and expected error) responses by status; any other status is a Problem. */
  responses: Record<number, ResponseSpec>;
  handle(
    ctx: RouteContext<z.output<P>, z.output<Q>, z.output<H>, z.output<B>>,
  ): Promise<Reply | undefined> | Reply | undefined;
}

/** Declares a route; the type parameters come from the schemas, so the handler is typed. */
export function defineRoute<
  P extends z.ZodType = z.ZodUndefined,
  Q extends z.ZodType = z.ZodUndefined,
  H extends z.ZodType = z.ZodUndefined,
  B extends z.ZodType = z.ZodUndefined,
>(spec: RouteSpec<P, Q, H, B>): RouteSpec {
  return spec as unknown as RouteSpec;
}

export const ok = (body: unknown, headers?: Record<string, string>): Reply => ({
  status: 200,
  body,
  headers,
});
export const created = (body: unknown, headers?: Record<string, string>): Reply => ({
  status: 201,
  body,
  headers,
});
export const noContent = (): Reply => ({ status: 204 });

/** `/customers/{id}:sign` → `/customers/:id\:sign` for Express (path-to-regexp v8). */
export function expressPath(path: string): string {
  return path.replace(/:/g, '\\:').replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, ':$1');
}
