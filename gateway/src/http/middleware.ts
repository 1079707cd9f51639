import { randomUUID } from 'node:crypto';
import { SpanKind, context, trace, type Span } from '@opentelemetry/api';
import {
  bearerToken,
  DomainError,
  extractTraceContext,
  hasRole,
  permissionDenied,
  tracer,
  verifyAccessToken,
  type Logger,
  type Principal,
  type Role,
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

/** Verifies the bearer token; the same token goes on to the services, which check it again. */
export function authenticate(publicKey: string): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    try {
      const token = bearerToken(req.get('authorization'));
      res.locals.principal = verifyAccessToken(token, publicKey);
      res.locals.token = token;
      next();
    } catch (err) {
      sendProblem(res, err as DomainError, req.originalUrl);
    }
  };
}

/** Edge check of the role; the owning service checks it again, with the branch scope. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, res, next) => {
    const p = res.locals.principal as Principal;
    if (hasRole(p, ...roles)) return next();
    sendProblem(
      res,
      permissionDenied(`this action needs one of the roles ${roles.join(', ')}`),
      req.originalUrl,
    );
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
