import { Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';

export interface FieldViolation {
  /** JSON path of the offending field, e.g. `amount` or `individual.residentId`. */
  field: string;
  reason: string;
}

export type ErrorCode =
  | 'invalid_argument'
  | 'not_found'
  | 'already_exists'
  | 'conflict'
  | 'failed_precondition'
  | 'unauthenticated'
  | 'permission_denied'
  | 'resource_exhausted'
  | 'unavailable'
  | 'internal';

/** A typed error raised by domain and application code; mapped once at each edge. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly violations: FieldViolation[] = [],
    /** Extension members of the problem (RFC 9457 §3.2), e.g. the id of what already exists. */
    readonly extensions: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const invalidArgument = (violations: FieldViolation[], message?: string): DomainError =>
  new DomainError(
    'invalid_argument',
    message ?? violations.map((v) => `${v.field}: ${v.reason}`).join('; '),
    violations,
  );
export const notFound = (what: string): DomainError =>
  new DomainError('not_found', `${what} not found`);
export const conflict = (message: string): DomainError => new DomainError('conflict', message);
export const alreadyExists = (
  message: string,
  extensions: Record<string, string> = {},
): DomainError => new DomainError('already_exists', message, [], extensions);
export const failedPrecondition = (message: string): DomainError =>
  new DomainError('failed_precondition', message);
export const unauthenticated = (message = 'authentication required'): DomainError =>
  new DomainError('unauthenticated', message);
export const permissionDenied = (message: string): DomainError =>
  new DomainError('permission_denied', message);
/**
 * Too many attempts: the caller may try again after `retryAfterSeconds`, which rides in the
 * `retry-after` trailer (the gateway answers 429 with Retry-After) and in the `retryAfter` extension.
 */
export const resourceExhausted = (message: string, retryAfterSeconds: number): DomainError =>
  new DomainError('resource_exhausted', message, [], {
    retryAfter: String(Math.max(1, Math.ceil(retryAfterSeconds))),
  });

/** Trailer of a RESOURCE_EXHAUSTED answer: whole seconds until the caller may try again. */
export const RETRY_AFTER_TRAILER = 'retry-after';

const grpcByCode: Record<ErrorCode, GrpcStatus> = {
  invalid_argument: GrpcStatus.INVALID_ARGUMENT,
  not_found: GrpcStatus.NOT_FOUND,
  already_exists: GrpcStatus.ALREADY_EXISTS,
  conflict: GrpcStatus.ABORTED,
  failed_precondition: GrpcStatus.FAILED_PRECONDITION,
  unauthenticated: GrpcStatus.UNAUTHENTICATED,
  permission_denied: GrpcStatus.PERMISSION_DENIED,
  resource_exhausted: GrpcStatus.RESOURCE_EXHAUSTED,
  unavailable: GrpcStatus.UNAVAILABLE,
  internal: GrpcStatus.INTERNAL,
};
// Without our trailer, RESOURCE_EXHAUSTED is grpc-js refusing a message too large: no throttle.
const codeByGrpc = new Map<number, ErrorCode>(
  Object.entries(grpcByCode)
    .filter(([code]) => code !== 'resource_exhausted')
    .map(([code, grpc]) => [grpc, code as ErrorCode]),
);

/** Trailer carrying the machine-readable error (code + field violations) as JSON. */
export const ERROR_DETAIL_TRAILER = 'loanflow-error-bin';

export interface GrpcErrorPayload {
  code: GrpcStatus;
  details: string;
  metadata: Metadata;
}

/** Domain error → gRPC status. Unknown errors become INTERNAL without leaking their message. */
export function toGrpcError(err: unknown): GrpcErrorPayload {
  const metadata = new Metadata();
  if (err instanceof DomainError) {
    metadata.set(
      ERROR_DETAIL_TRAILER,
      Buffer.from(
        JSON.stringify({
          code: err.code,
          violations: err.violations,
          ...(Object.keys(err.extensions).length ? { extensions: err.extensions } : {}),
        }),
      ),
    );
    if (err.code === 'resource_exhausted' && err.extensions.retryAfter)
      metadata.set(RETRY_AFTER_TRAILER, err.extensions.retryAfter);
    return { code: grpcByCode[err.code], details: err.message, metadata };
  }
  return { code: GrpcStatus.INTERNAL, details: 'internal error', metadata };
}

/** gRPC client error → domain error, recovering field violations from the trailer. */
export function fromGrpcError(err: ServiceError): DomainError {
  const raw = err.metadata?.get(ERROR_DETAIL_TRAILER)?.[0];
  if (raw instanceof Buffer) {
    try {
      const parsed = JSON.parse(raw.toString('utf8')) as {
        code: ErrorCode;
        violations: FieldViolation[];
        extensions?: Record<string, string>;
      };
      return new DomainError(
        parsed.code,
        err.details,
        parsed.violations ?? [],
        parsed.extensions ?? {},
      );
    } catch {
      // fall through to the status code
    }
  }
  const code =
    codeByGrpc.get(err.code) ??
    (err.code === GrpcStatus.DEADLINE_EXCEEDED ? 'unavailable' : 'internal');
  return new DomainError(code, err.details || err.message);
}

const httpByCode: Record<ErrorCode, number> = {
  invalid_argument: 400,
  not_found: 404,
  already_exists: 409,
  conflict: 409,
  failed_precondition: 409,
  unauthenticated: 401,
  permission_denied: 403,
  resource_exhausted: 429,
  unavailable: 503,
  internal: 500,
};

const titleByCode: Record<ErrorCode, string> = {
  invalid_argument: 'Invalid request',
  not_found: 'Not found',
  already_exists: 'Already exists',
  conflict: 'Conflict',
  failed_precondition: 'Not allowed in the current state',
  unauthenticated: 'Authentication required',
  permission_denied: 'Forbidden',
  resource_exhausted: 'Too many requests',
  unavailable: 'Service unavailable',
  internal: 'Internal error',
};

/** RFC 9457 problem details. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  errors?: FieldViolation[];
  [extension: string]: unknown;
}

export function toProblem(err: DomainError, instance?: string): Problem {
  const problem: Problem = {
    type: `https://loanflow.dev/problems/${err.code.replace(/_/g, '-')}`,
    title: titleByCode[err.code],
    status: httpByCode[err.code],
    detail: err.code === 'internal' ? 'internal error' : err.message,
    code: err.code,
  };
  if (instance) problem.instance = instance;
  if (err.violations.length > 0) problem.errors = err.violations;
  // Extensions never replace a standard member.
  return { ...err.extensions, ...problem };
}
