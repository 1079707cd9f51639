import { DomainError, invalidArgument, toProblem } from '@loanflow/platform';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from '@loanflow/platform';

/**
 * The `instance` of a problem: the path without the query, which may hold a resident ID number
 * or a mobile number searched for (personal data never goes back in a response body).
 */
export const problemInstance = (url: string): string => url.split('?', 1)[0]!;

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
    if (err instanceof DomainError) domain = err;
    else if (e.type === 'entity.parse.failed')
      domain = invalidArgument(
        [{ field: '(body)', reason: `malformed JSON: ${e.message}` }],
        'the request body is not valid JSON',
      );
    else if (e.type === 'entity.too.large') {
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
      domain = invalidArgument([{ field: '(body)', reason: e.message ?? 'unsupported encoding' }]);
    } else {
      log.error({ err, path: req.path }, 'unhandled error');
      domain = new DomainError('internal', 'internal error');
    }
    sendProblem(res, domain, req.originalUrl);
  };
}
