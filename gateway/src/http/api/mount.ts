/**
 * Makes Express handlers from route declarations. The order is the same for every route:
 * authenticate (401) → authorise by role (403, before the input is looked at) → parse the body
 * with the route's limit (only once the caller is known) → refuse hazards (NUL, depth) → validate
 * params, query, headers and body (400 with each field) → Idempotency-Key → the handler.
 */
import { isUtf8 } from 'node:buffer';
import { createHash, randomUUID } from 'node:crypto';
import { Metadata } from '@grpc/grpc-js';
import {
  hasRole,
  invalidArgument,
  permissionDenied,
  type FieldViolation,
  type Principal,
} from '@loanflow/platform';
import express, { Router, type RequestHandler } from 'express';
import type { z } from 'zod';
import { expressPath, type Reply, type RouteSpec } from './route';
import { requireJson } from '../middleware';
import { jsonHazard } from './schemas';

export interface MountDeps {
  /** Verifies the bearer token and sets res.locals.principal and res.locals.token (401 otherwise). */
  authenticate: RequestHandler;
  /** Idempotency-Key replay for writes (see idempotency.ts). */
  idempotency: RequestHandler;
  rpcTimeoutMs: number;
  /** The gateway's JSON body limit, for routes that name none. */
  bodyLimit: string;
}

/** Parses a part of the request with its schema; every problem becomes a field violation. */
export function parsePart<S extends z.ZodType>(
  schema: S,
  input: unknown,
  prefix = '',
  name: (field: string) => string = (f) => f,
  /** What a problem of the whole part is reported as (a rule across query parameters). */
  whole = '(body)',
): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const violations: FieldViolation[] = [];
  for (const issue of parsed.error.issues) {
    // Array positions as the services write them: `holidays[1].firstDay`.
    const path = [prefix, ...issue.path.map((p) => (typeof p === 'number' ? p : name(String(p))))]
      .filter((p) => p !== '')
      .reduce<string>(
        (at, p) => (typeof p === 'number' ? `${at}[${p}]` : at ? `${at}.${p}` : p),
        '',
      );
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        violations.push({
          field: [path, key].filter(Boolean).join('.'),
          reason: 'is not a known field',
        });
    } else {
      violations.push({ field: path || whole, reason: issue.message });
    }
  }
  throw invalidArgument(violations);
}

/** NUL anywhere or nesting too deep in a parsed JSON body → 400, before anything looks at it. */
export const refuseHazards: RequestHandler = (req, _res, next) => {
  const hazard = req.body === undefined ? undefined : jsonHazard(req.body);
  next(hazard ? invalidArgument([hazard]) : undefined);
};

const authorise =
  (spec: RouteSpec): RequestHandler =>
  (_req, res, next) => {
    if (!('roles' in spec.access)) return next();
    const principal = res.locals.principal as Principal;
    if (hasRole(principal, ...spec.access.roles)) return next();
    next(permissionDenied(`this action needs one of the roles ${spec.access.roles.join(', ')}`));
  };

/** The command id of a write, bound to the caller, the method, the path and the body. */
export function commandIdOf(
  key: string | undefined,
  principal: Principal | undefined,
  method: string,
  path: string,
  body: unknown,
): string {
  if (key === undefined) return randomUUID();
  const scope = [principal?.userId ?? '', `${method} ${path}`, key, JSON.stringify(body ?? null)];
  return `http:${createHash('sha256').update(scope.join('\n')).digest('base64url')}`;
}

/** `if-match` → `If-Match`: a refused header is named as the HTTP specifications spell it. */
const headerName = (h: string) =>
  h.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());

/**
 * The body's bytes must be UTF-8: the JSON parser would otherwise put U+FFFD where the bytes were
 * wrong, and the record would keep text nobody sent.
 */
const utf8Only = (_req: unknown, _res: unknown, body: Buffer): void => {
  if (!isUtf8(body))
    throw invalidArgument([{ field: '(body)', reason: 'must be UTF-8 (the bytes are not)' }]);
};

interface Input {
  params: unknown;
  query: unknown;
  headers: unknown;
  body: unknown;
}

/** Validates every part of the request before anything is recorded or called. */
const validate =
  (spec: RouteSpec): RequestHandler =>
  (req, res, next) => {
    try {
      res.locals.route = spec.path;
      const r = spec.request ?? {};
      if (r.body !== undefined && req.body !== undefined) {
        const hazard = jsonHazard(req.body);
        if (hazard) throw invalidArgument([hazard]);
      }
      const input: Input = {
        params: r.params ? parsePart(r.params, { ...req.params }) : undefined,
        query: r.query
          ? parsePart(r.query, { ...(req.query as object) }, '', undefined, '(query)')
          : undefined,
        headers: r.headers ? parsePart(r.headers, { ...req.headers }, '', headerName) : undefined,
        body: r.body ? parsePart(r.body, req.body ?? {}) : undefined,
      };
      res.locals.input = input;
      next();
    } catch (err) {
      next(err);
    }
  };

function handlerOf(spec: RouteSpec, deps: MountDeps): RequestHandler {
  return async (req, res, next) => {
    try {
      const input = res.locals.input as Input;
      const metadata = new Metadata();
      if (res.locals.token) metadata.set('authorization', `Bearer ${res.locals.token as string}`);
      metadata.set('x-request-id', res.locals.requestId as string);
      const key = spec.idempotent ? req.get('idempotency-key') : undefined;
      const principal = res.locals.principal as Principal;
      const reply: Reply | undefined = await spec.handle({
        ...(input as { params: never; query: never; headers: never; body: never }),
        principal,
        call: { metadata, timeoutMs: deps.rpcTimeoutMs },
        commandId: commandIdOf(key, principal, req.method, req.baseUrl + req.path, req.body),
        idempotent: key !== undefined,
        req,
        res,
      });
      if (reply === undefined || res.headersSent) return;
      for (const [h, v] of Object.entries(reply.headers ?? {})) res.setHeader(h, v);
      res.status(reply.status);
      if (reply.body === undefined) res.end();
      else res.json(reply.body);
    } catch (err) {
      next(err);
    }
  };
}

/**
 * Registers every declared route on a router. Routes are registered in the order given; a
 * literal path (`/tasks/counts`) must come before a parameter at the same place (`/tasks/{id}`).
 */
export function mountRoutes(routes: readonly RouteSpec[], deps: MountDeps): Router {
  const router = Router();
  for (const spec of routes) {
    const chain: RequestHandler[] = [];
    if (!('public' in spec.access)) chain.push(deps.authenticate);
    chain.push(authorise(spec));
    if (spec.request?.body !== undefined) {
      chain.push(
        requireJson,
        express.json({ limit: spec.bodyLimit ?? deps.bodyLimit, strict: true, verify: utf8Only }),
      );
    }
    chain.push(validate(spec));
    if (spec.idempotent) chain.push(deps.idempotency);
    chain.push(handlerOf(spec, deps));
    router[spec.method](expressPath(spec.path), ...chain);
  }
  return router;
}
