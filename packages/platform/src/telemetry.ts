import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { Counter, Registry } from 'prom-client';

export { SpanKind } from '@opentelemetry/api';

let provider: NodeTracerProvider | undefined;

/**
 * Registers the global tracer provider, the AsyncLocalStorage context manager and the W3C
 * trace-context propagator. Spans are always created (so trace ids reach logs and message
 * headers); they are exported only when OTEL_EXPORTER_OTLP_ENDPOINT is set. Idempotent.
 */
export function initTracing(serviceName = process.env.OTEL_SERVICE_NAME ?? 'loanflow'): void {
  if (provider) return;
  const spanProcessors: SpanProcessor[] = [];
  if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) {
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
  }
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors,
  });
  provider.register();
}

/** Flushes and stops exporting; part of graceful shutdown. */
export async function shutdownTracing(): Promise<void> {
  const p = provider;
  provider = undefined;
  if (p) await p.shutdown();
}

export const tracer = () => trace.getTracer('loanflow');

/** Writes the active (or given) context into a string carrier: gRPC metadata, NATS/Kafka headers. */
export function injectTraceContext(
  carrier: Record<string, string> = {},
  ctx: Context = context.active(),
): Record<string, string> {
  propagation.inject(ctx, carrier);
  return carrier;
}

export function extractTraceContext(carrier: Record<string, string | undefined>): Context {
  return propagation.extract(context.active(), carrier, {
    get: (c, key) => c[key],
    keys: (c) => Object.keys(c),
  });
}

/** Runs `fn` inside a new span, recording an exception and an error status when it throws. */
export async function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; parent?: Context; attributes?: Record<string, string | number> },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (err) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw err;
  } finally {
    span.end();
  }
}

export function currentTraceId(): string | undefined {
  return trace.getActiveSpan()?.spanContext().traceId;
}

/**
 * The process's Prometheus metrics; a service serves `metricsRegistry.metrics()` (text exposition
 * format) where it exposes them.
 */
export const metricsRegistry = new Registry();

/** Events a consumer parked as dead letters (see consumeOnce), by consumer and subject. */
export const deadLetteredEvents = new Counter({
  name: 'loanflow_events_dead_lettered_total',
  help: 'Events parked as dead letters because they could not be decoded',
  labelNames: ['consumer', 'subject'] as const,
  registers: [metricsRegistry],
});
