import { randomUUID } from 'node:crypto';
import { SpanKind, context, trace, type Span } from '@opentelemetry/api';
import { Metadata } from '@grpc/grpc-js';
import type { identityV1 } from '@loanflow/proto';
import {
  bearerToken,
  DomainError,
  unauthenticated,
  type PromiseClient,
  extractTraceContext,
  tracer,
  verifyAccessToken,
  type Logger,
  type Principal,
} from '@loanflow/platform';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { problemInstance, sendProblem } from './problem';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;

/** Echoes a well-formed X-Request-Id or makes one; every log line and problem carries it. */
export const requestId: RequestHandler = (req, res, next) => {
  const given = req.get('x-request-id');
  const id = given && REQUEST_ID.test(given) ? given : randomUUID();
  res.locals.requestId = id;
  res.setHeader('X-Request-Id', id);
  next();
};

/** A SERVER span per request, continuing the caller's W3C trace context when it sends one. */
export const tracing: RequestHandler = (req, res, next) => {
  const parent = extractTraceContext(req.headers as Record<string, string>);
  const span: Span = tracer().startSpan(
    `${req.method} ${req.path}`,
    {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': req.method, 'url.path': req.path },
    },
    parent,
  );
  res.setHeader('X-Trace-Id', span.spanContext().traceId);
  res.on('finish', () => {
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.locals.route) span.updateName(`${req.method} ${res.locals.route as string}`);
    span.end();
  });
  context.with(trace.setSpan(parent, span), next);
};

export function accessLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      log.info(
        {
          requestId: res.locals.requestId,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
          user: (res.locals.principal as Principal | undefined)?.username,
        },
        'request',
      );
    });
    next();
  };
}

/** Whether the user behind a token may still act: unknown, inactive and locked users may not. */
export type UserStanding = 'active' | 'unknown' | 'inactive' | 'locked';

/**
 * Asks the user directory how a user stands, with the caller's own token (a user may read their
 * own record). The answer is kept for at most `ttlMs` (1 s by default) per user: a lock or a
 * deactivation takes effect within that second, while a burst of requests costs one lookup.
 */
export function userStanding(
  identity: PromiseClient<identityV1.IdentityServiceClient>,
  opts: { ttlMs?: number; timeoutMs: number; now?: () => number },
): (userId: string, token: string) => Promise<UserStanding> {
  const ttlMs = opts.ttlMs ?? 1000;
  const now = opts.now ?? Date.now;
  const known = new Map<string, { until: number; standing: Promise<UserStanding> }>();
  return (userId, token) => {
    const hit = known.get(userId);
    if (hit && now() < hit.until) return hit.standing;
    if (known.size > 10_000) known.clear();
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    const standing = identity
      .getUsers({ ids: [userId] }, { metadata, timeoutMs: opts.timeoutMs })
      .then(({ users }): UserStanding => {
        const u = users[0];
        if (!u) return 'unknown';
        if (!u.active) return 'inactive';
        return u.locked ? 'locked' : 'active';
      })
      .catch((err: unknown): UserStanding => {
        known.delete(userId);
        // The directory refusing the token itself (unknown user id, malformed) is an unknown user;
        // any other failure is the directory's, and must not pass for a verdict.
        if (
          (err as DomainError).code === 'unauthenticated' ||
          (err as DomainError).code === 'invalid_argument'
        )
          return 'unknown';
        throw err;
      });
    known.set(userId, { until: now() + ttlMs, standing });
    return standing;
  };
}

/** The `exp` claim of a token whose signature was verified (the payload is trusted then). */
export function expiryOf(token: string): unknown {
  try {
    return (
      JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
        exp?: unknown;
      }
    ).exp;
  } catch {
    return undefined;
  }
}

const REFUSED: Record<Exclude<UserStanding, 'active'>, string> = {
  unknown: 'the token names no known user',
  inactive: 'the account is closed',
  locked: 'the account is locked',
};

/**
 * Verifies the bearer token and, when a directory is given, that its user still exists, is
 * active and not locked; a token without an expiry is refused. The same token goes on to the
 * services, which check it again.
 */
export function authenticate(
  publicKey: string,
  standingOf?: (userId: string, token: string) => Promise<UserStanding>,
): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const token = bearerToken(req.get('authorization'));
      const principal = verifyAccessToken(token, publicKey);
      if (typeof expiryOf(token) !== 'number')
        throw unauthenticated('invalid access token: it has no expiry');
      if (standingOf) {
        const standing = await standingOf(principal.userId, token);
        if (standing !== 'active') throw unauthenticated(REFUSED[standing]);
      }
      res.locals.principal = principal;
      res.locals.token = token;
      next();
    } catch (err) {
      if (err instanceof DomainError) sendProblem(res, err, req.originalUrl);
      else next(err);
    }
  };
}

/** Only JSON bodies are accepted on writes; an empty body (e.g. a bare POST …/submit) is fine. */
export const requireJson: RequestHandler = (req, res, next) => {
  const empty = req.headers['content-length'] === '0' || req.is('application/json') === null;
  if (['POST', 'PUT', 'PATCH'].includes(req.method) && !empty && !req.is('application/json')) {
    res
      .status(415)
      .type('application/problem+json')
      .json({
        type: 'https://loanflow.dev/problems/unsupported-media-type',
        title: 'Unsupported media type',
        status: 415,
        detail: 'send the body as application/json',
        code: 'invalid_argument',
        instance: problemInstance(req.originalUrl),
        requestId: res.locals.requestId,
      });
    return;
  }
  next();
};
