// Typed domain errors; the gRPC edge maps each code to its status once.
export type EngineErrorCode =
  'invalid_argument' | 'failed_precondition' | 'not_found' | 'permission_denied';

export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'EngineError';
  }
}
