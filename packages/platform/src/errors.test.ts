import { describe, expect, it } from '@jest/globals';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import {
  alreadyExists,
  conflict,
  DomainError,
  ERROR_DETAIL_TRAILER,
  failedPrecondition,
  fromGrpcError,
  invalidArgument,
  notFound,
  permissionDenied,
  resourceExhausted,
  RETRY_AFTER_TRAILER,
  toGrpcError,
  toProblem,
  unauthenticated,
  type ErrorCode,
} from './errors';

// Typed as a Record so that a new ErrorCode without an expectation here fails to compile.
const expected: Record<ErrorCode, { http: number; grpc: status; title: string; type: string }> = {
  invalid_argument: {
    http: 400,
    grpc: status.INVALID_ARGUMENT,
    title: 'Invalid request',
    type: 'invalid-argument',
  },
  not_found: { http: 404, grpc: status.NOT_FOUND, title: 'Not found', type: 'not-found' },
  already_exists: {
    http: 409,
    grpc: status.ALREADY_EXISTS,
    title: 'Already exists',
    type: 'already-exists',
  },
  conflict: { http: 409, grpc: status.ABORTED, title: 'Conflict', type: 'conflict' },
  failed_precondition: {
    http: 409,
    grpc: status.FAILED_PRECONDITION,
    title: 'Not allowed in the current state',
    type: 'failed-precondition',
  },
  unauthenticated: {
    http: 401,
    grpc: status.UNAUTHENTICATED,
    title: 'Authentication required',
    type: 'unauthenticated',
  },
  permission_denied: {
    http: 403,
    grpc: status.PERMISSION_DENIED,
    title: 'Forbidden',
    type: 'permission-denied',
  },
  resource_exhausted: {
    http: 429,
    grpc: status.RESOURCE_EXHAUSTED,
    title: 'Too many requests',
    type: 'resource-exhausted',
  },
  unavailable: {
    http: 503,
    grpc: status.UNAVAILABLE,
    title: 'Service unavailable',
    type: 'unavailable',
  },
  internal: { http: 500, grpc: status.INTERNAL, title: 'Internal error', type: 'internal' },
};
const codes = Object.keys(expected) as ErrorCode[];

/** What a grpc-js client sees for a status sent by the server. */
const asServiceError = (payload: {
  code: status;
  details: string;
  metadata: Metadata;
}): ServiceError =>
  Object.assign(new Error(`${payload.code} ${status[payload.code]}: ${payload.details}`), payload);

describe('toProblem', () => {
  it.each(codes)('%s → RFC 9457 problem with its HTTP status, title and type', (code) => {
    const problem = toProblem(new DomainError(code, `the ${code} message`), '/v1/applications/42');
    const e = expected[code];
    expect(problem).toEqual({
      type: `https://loanflow.dev/problems/${e.type}`,
      title: e.title,
      status: e.http,
      detail: code === 'internal' ? 'internal error' : `the ${code} message`,
      code,
      instance: '/v1/applications/42',
    });
  });

  it('lists field violations as `errors`, and leaves out empty ones and a missing instance', () => {
    const violations = [
      { field: 'amount', reason: 'must be positive' },
      { field: 'individual.residentId', reason: 'checksum does not match' },
    ];
    expect(toProblem(invalidArgument(violations))).toEqual({
      type: 'https://loanflow.dev/problems/invalid-argument',
      title: 'Invalid request',
      status: 400,
      detail: 'amount: must be positive; individual.residentId: checksum does not match',
      code: 'invalid_argument',
      errors: violations,
    });
    const plain = toProblem(notFound('application 42'));
    expect(plain).not.toHaveProperty('errors');
    expect(plain).not.toHaveProperty('instance');
    expect(plain.detail).toBe('application 42 not found');
  });

  it('never shows the message of an internal error', () => {
    const problem = toProblem(new DomainError('internal', 'pg: relation "ledger" does not exist'));
    expect(JSON.stringify(problem)).not.toContain('ledger');
  });
});

describe('toGrpcError / fromGrpcError', () => {
  it.each(codes)('%s survives the round trip with its message and violations', (code) => {
    const violations =
      code === 'invalid_argument' ? [{ field: 'termMonths', reason: 'at most 360' }] : [];
    const payload = toGrpcError(new DomainError(code, `about ${code}`, violations));
    expect(payload.code).toBe(expected[code].grpc);
    expect(payload.details).toBe(`about ${code}`);

    const back = fromGrpcError(asServiceError(payload));
    expect(back).toBeInstanceOf(DomainError);
    expect({ code: back.code, message: back.message, violations: back.violations }).toEqual({
      code,
      message: `about ${code}`,
      violations,
    });
  });

  it('each helper makes the code it is named after', () => {
    expect(
      [
        invalidArgument([]),
        notFound('x'),
        alreadyExists('x'),
        conflict('x'),
        failedPrecondition('x'),
        unauthenticated(),
        permissionDenied('x'),
      ].map((e) => e.code),
    ).toEqual([
      'invalid_argument',
      'not_found',
      'already_exists',
      'conflict',
      'failed_precondition',
      'unauthenticated',
      'permission_denied',
    ]);
    expect(unauthenticated().message).toBe('authentication required');
  });

  it('maps an unknown error to INTERNAL "internal error" with no detail trailer', () => {
    const payload = toGrpcError(new Error('ECONNREFUSED 10.0.0.7:5432'));
    expect(payload.code).toBe(status.INTERNAL);
    expect(payload.details).toBe('internal error');
    expect(payload.metadata.get(ERROR_DETAIL_TRAILER)).toEqual([]);
    expect(toGrpcError('a thrown string').details).toBe('internal error');
  });

  it('falls back to the status code without a trailer (errors from proxies and grpc-js itself)', () => {
    const plain = (code: status, details: string) =>
      asServiceError({ code, details, metadata: new Metadata() });
    expect(fromGrpcError(plain(status.NOT_FOUND, 'no such customer'))).toMatchObject({
      code: 'not_found',
      message: 'no such customer',
      violations: [],
    });
    expect(fromGrpcError(plain(status.ABORTED, 'version mismatch')).code).toBe('conflict');
    expect(fromGrpcError(plain(status.DEADLINE_EXCEEDED, 'Deadline exceeded')).code).toBe(
      'unavailable',
    );
    expect(fromGrpcError(plain(status.UNAVAILABLE, 'No connection established')).code).toBe(
      'unavailable',
    );
    expect(fromGrpcError(plain(status.RESOURCE_EXHAUSTED, 'too big')).code).toBe('internal');
    expect(fromGrpcError(plain(status.UNKNOWN, '')).message).toBe('2 UNKNOWN: ');
  });

  it('ignores a trailer that is not JSON', () => {
    const metadata = new Metadata();
    metadata.set(ERROR_DETAIL_TRAILER, Buffer.from('{oops'));
    const err = fromGrpcError(
      asServiceError({ code: status.PERMISSION_DENIED, details: 'branch SH02', metadata }),
    );
    expect(err).toMatchObject({
      code: 'permission_denied',
      message: 'branch SH02',
      violations: [],
    });
  });
});

describe('resourceExhausted', () => {
  it('carries the seconds to wait in the retry-after trailer and back to the caller', () => {
    const err = resourceExhausted('too many failed log-ins; try again later', 61.2);
    const { code, details, metadata } = toGrpcError(err);
    expect(code).toBe(status.RESOURCE_EXHAUSTED);
    expect(details).toBe('too many failed log-ins; try again later');
    expect(metadata.get(RETRY_AFTER_TRAILER)).toEqual(['62']);
    const back = fromGrpcError(
      Object.assign(new Error(details), { code, details, metadata }) as ServiceError,
    );
    expect(back).toMatchObject({ code: 'resource_exhausted', extensions: { retryAfter: '62' } });
    expect(toProblem(back)).toMatchObject({ status: 429, title: 'Too many requests' });
  });
});
