import { DomainError, invalidArgument, toProblem } from '@loanflow/platform';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from '@loanflow/platform';

/**
 * The `instance` of a problem: the path without the query, which may hold a resident ID number
 * or a mobile number searched for (personal data never goes back in a response body).
 */
export const problemInstance = (url: string): string => url.split('?', 1)[0]!;

/** Too many attempts (RESOURCE_EXHAUSTED upstream): 429 with Retry-After, in seconds. */
export class TooManyRequests extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = 'TooManyRequests';
  }
}

export function sendProblem(res: Response, err: DomainError, instance: string): void {
  const problem = {
    ...toProblem(err, problemInstance(instance)),
    requestId: res.locals.requestId as string | undefined,
  };
  res.status(problem.status).type('application/problem+json').json(problem);
}

export const notFoundRoute: RequestHandler = (req, res) => {
  sendProblem(
    res,
    new DomainError('not_found', `no route for ${req.method} ${req.path}`),
    req.originalUrl,
  );
};

/** The one place where errors become HTTP responses; nothing internal leaks to the client. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    const e = err as { type?: string; status?: number; message?: string; limit?: number };
    let domain: DomainError;
    if (err instanceof TooManyRequests) {
      res
        .status(429)
        .setHeader('Retry-After', String(err.retryAfterSeconds))
        .type('application/problem+json')
        .json({
          type: 'https://loanflow.dev/problems/too-many-requests',
          title: 'Too many requests',
          status: 429,
          detail: err.message,
          code: 'resource_exhausted',
          instance: problemInstance(req.originalUrl),
          requestId: res.locals.requestId,
        });
      return;
    }
    if (err instanceof DomainError) domain = err;
    else if (e.type === 'entity.parse.failed')
      domain = invalidArgument(
        [{ field: '(body)', reason: `malformed JSON: ${e.message}` }],
        'the request body is not valid JSON',
      );
    else if (e.type === 'entity.too.large') {
      // The rest of an oversized body is not worth reading: the connection ends with the answer.
      res.setHeader('Connection', 'close');
      res
        .status(413)
        .type('application/problem+json')
        .json({
          type: 'https://loanflow.dev/problems/payload-too-large',
          title: 'Payload too large',
          status: 413,
          detail: `the request body exceeds the limit of ${e.limit} bytes`,
          code: 'invalid_argument',
          instance: problemInstance(req.originalUrl),
          requestId: res.locals.requestId,
        });
      return;
    } else if (e.type === 'charset.unsupported' || e.type === 'encoding.unsupported') {
      // A body in another charset or content encoding: the media type is what is refused.
      res
        .status(415)
        .type('application/problem+json')
        .json({
          type: 'https://loanflow.dev/problems/unsupported-media-type',
          title: 'Unsupported media type',
          status: 415,
          detail: `send the body as application/json in UTF-8 (${e.message ?? 'unsupported encoding'})`,
          code: 'invalid_argument',
          instance: problemInstance(req.originalUrl),
          requestId: res.locals.requestId,
        });
      return;
    } else if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      // The router's own refusals (a path that is not valid percent-encoding): the client's error.
      domain = invalidArgument([{ field: '(path)', reason: 'is not a valid URL path' }]);
    } else {
      log.error({ err, path: req.path }, 'unhandled error');
      domain = new DomainError('internal', 'internal error');
    }
    sendProblem(res, domain, req.originalUrl);
  };
}
