import { trace } from '@opentelemetry/api';
import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/** Keys that may hold personal data or credentials; pino replaces them before writing. */
const REDACT = [
  'password',
  'token',
  'authorization',
  'residentId',
  'resident_id',
  'mobile',
  'contactMobile',
  'creditCode',
  '*.password',
  '*.token',
  '*.authorization',
  '*.residentId',
  '*.resident_id',
  '*.mobile',
  '*.contactMobile',
  'req.headers.authorization',
];

/** JSON logs with the active trace and span ids on every line. */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin() {
      const span = trace.getActiveSpan();
      if (!span) return {};
      const { traceId, spanId } = span.spanContext();
      return { trace_id: traceId, span_id: spanId };
    },
  });
}
