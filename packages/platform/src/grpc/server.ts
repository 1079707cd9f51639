import {
  Server,
  ServerCredentials,
  ServerInterceptingCall,
  status as Status,
  type Metadata,
  type ServerInterceptor,
  type sendUnaryData,
  type ServerReadableStream,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { SpanKind } from '@opentelemetry/api';
import { HealthImplementation } from 'grpc-health-check';
import { bearerToken, verifyAccessToken, type Principal } from '../auth';
import { DomainError, toGrpcError } from '../errors';
import type { Logger } from '../logger';
import {
  grpcCodeName,
  grpcServerHandled,
  grpcServerHandling,
  serviceOfGrpcName,
  splitGrpcPath,
} from '../metrics';
import { extractTraceContext, inSpan } from '../telemetry';

/** What a handler knows about its call. */
export interface CallContext {
  metadata: Metadata;
  /** The verified caller; throws UNAUTHENTICATED when the call carries no valid token. */
  principal(): Principal;
  /** The caller's bearer token, to call another service on the caller's behalf (after principal()). */
  token(): string;
  log: Logger;
}

export type UnaryHandler<Req, Res> = (request: Req, ctx: CallContext) => Promise<Res>;

export interface ServiceBinding {
  /** Fully qualified name, for the health service: `loanflow.applications.v1.ApplicationsService`. */
  name: string;
  definition: ServiceDefinition;
  implementation: UntypedServiceImplementation;
}

const metadataCarrier = (md: Metadata): Record<string, string> => {
  const carrier: Record<string, string> = {};
  for (const [k, v] of Object.entries(md.getMap())) if (typeof v === 'string') carrier[k] = v;
  return carrier;
};

/**
 * A gRPC server with the standard health service, trace-context extraction, error mapping and a
 * graceful shutdown that stops accepting calls but lets the accepted ones finish.
 */
export class GrpcServer {
  private readonly server: Server;
  private readonly health: HealthImplementation;
  private boundPort = 0;

  constructor(
    private readonly opts: {
      log: Logger;
      services: ServiceBinding[];
      /** The `service` label of its metrics; by default from the package `loanflow.<service>.v1`. */
      service?: string;
    },
  ) {
    const service =
      opts.service ??
      opts.services.map((s) => serviceOfGrpcName(s.name)).find(Boolean) ??
      String(opts.log.bindings().service ?? 'unknown');
    this.server = new Server({
      'grpc.max_receive_message_length': 8 * 1024 * 1024,
      interceptors: [callMetrics(service)],
    });
    const statuses: Record<string, 'SERVING'> = { '': 'SERVING' };
    for (const s of opts.services) {
      this.server.addService(s.definition, s.implementation);
      statuses[s.name] = 'SERVING';
    }
    this.health = new HealthImplementation(statuses);
    this.health.addToServer(this.server);
  }

  get port(): number {
    return this.boundPort;
  }

  async listen(host: string, port: number): Promise<number> {
    this.boundPort = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (err, bound) =>
        err ? reject(err) : resolve(bound),
      ),
    );
    this.opts.log.info({ port: this.boundPort }, 'gRPC server listening');
    return this.boundPort;
  }

  /**
   * NOT_SERVING first, held for `notServingMs` so that probes and load balancers see it and stop
   * sending; then stop accepting and drain the calls in flight, with a deadline.
   */
  async shutdown(timeoutMs: number, notServingMs = 0): Promise<void> {
    this.health.setStatus('', 'NOT_SERVING');
    for (const s of this.opts.services) this.health.setStatus(s.name, 'NOT_SERVING');
    if (notServingMs > 0) await new Promise((r) => setTimeout(r, notServingMs));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.opts.log.warn('gRPC drain deadline passed; cancelling the calls still running');
        this.server.forceShutdown();
        resolve();
      }, timeoutMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/**
 * Counts every call of a registered method (health checks included) once, when its status is
 * sent (a handler's error mapped to its code) or when the caller cancels it, and times it from
 * its start.
 */
function callMetrics(service: string): ServerInterceptor {
  return (method, call) => {
    const at = splitGrpcPath(method.path) ?? { service: 'unknown', method: method.path };
    const labels = { service, grpc_service: at.service, grpc_method: at.method };
    const stopTimer = grpcServerHandling.startTimer(labels);
    let counted = false;
    const count = (code: number) => {
      if (counted) return;
      counted = true;
      stopTimer();
      grpcServerHandled.inc({ ...labels, grpc_code: grpcCodeName(code) });
    };
    return new ServerInterceptingCall(call, {
      start: (next) => next({ onCancel: () => count(Status.CANCELLED) }),
      sendStatus: (status, next) => {
        count(status.code);
        next(status);
      },
    });
  };
}

function callContext(metadata: Metadata, deps: { log: Logger; jwtPublicKey: string }): CallContext {
  let cached: Principal | undefined;
  const raw = () => {
    const header = metadata.get('authorization')[0];
    return bearerToken(typeof header === 'string' ? header : undefined);
  };
  return {
    metadata,
    log: deps.log,
    principal: () => (cached ??= verifyAccessToken(raw(), deps.jwtPublicKey)),
    token: raw,
  };
}

/** Runs a handler in a SERVER span continuing the caller's trace; logs what is not a domain error. */
function served<T>(
  serviceName: string,
  method: string,
  metadata: Metadata,
  log: Logger,
  run: () => Promise<T>,
): Promise<T> {
  return inSpan(
    `${serviceName}/${method}`,
    {
      kind: SpanKind.SERVER,
      parent: extractTraceContext(metadataCarrier(metadata)),
      attributes: { 'rpc.system': 'grpc', 'rpc.service': serviceName, 'rpc.method': method },
    },
    run,
  ).catch((err: unknown) => {
    if (!(err instanceof DomainError))
      log.error({ err, method }, 'unhandled error in gRPC handler');
    throw err;
  });
}

const statusOf = (err: unknown) => {
  const { code, details, metadata } = toGrpcError(err);
  return { code, details, metadata, name: 'Error', message: details };
};

/**
 * Adapts promise handlers to grpc-js: a SERVER span continuing the caller's trace, the verified
 * principal on demand, and domain errors mapped to status codes with field violations.
 */
export function implement<S extends Record<string, UnaryHandler<never, unknown>>>(
  serviceName: string,
  handlers: S,
  deps: { log: Logger; jwtPublicKey: string },
): UntypedServiceImplementation {
  const impl: UntypedServiceImplementation = {};
  for (const [method, handler] of Object.entries(handlers)) {
    impl[method] = (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
      const ctx = callContext(call.metadata, deps);
      served(serviceName, method, call.metadata, deps.log, () =>
        (handler as UnaryHandler<unknown, unknown>)(call.request, ctx),
      ).then(
        (res) => callback(null, res),
        (err: unknown) => callback(statusOf(err)),
      );
    };
  }
  return impl;
}

/** A client-streaming handler: the requests as they arrive (back-pressured), one answer. */
export type ClientStreamHandler<Req, Res> = (
  requests: AsyncIterable<Req>,
  ctx: CallContext,
) => Promise<Res>;
/** A server-streaming handler: `send` resolves when the message may be followed by the next. */
export type ServerStreamHandler<Req, Res> = (
  request: Req,
  ctx: CallContext,
  send: (message: Res) => Promise<void>,
  /** Aborted when the caller goes away: a handler waiting for something to send stops then. */
  cancelled: AbortSignal,
) => Promise<void>;

/** The same wiring as `implement` for streaming methods. */
export function implementStreams(
  serviceName: string,
  handlers: {
    client?: Record<string, ClientStreamHandler<never, unknown>>;
    // `send` is contravariant: any handler's send fits `never`.
    server?: Record<
      string,
      (request: never, ctx: CallContext, send: never, cancelled: AbortSignal) => Promise<void>
    >;
  },
  deps: { log: Logger; jwtPublicKey: string },
): UntypedServiceImplementation {
  const impl: UntypedServiceImplementation = {};
  for (const [method, handler] of Object.entries(handlers.client ?? {})) {
    impl[method] = (
      call: ServerReadableStream<unknown, unknown>,
      callback: sendUnaryData<unknown>,
    ) => {
      const ctx = callContext(call.metadata, deps);
      // A caller that goes away ends the requests with an error, so the handler stops and cleans up.
      call.on('cancelled', () =>
        call.destroy(new DomainError('unavailable', 'the caller cancelled the call')),
      );
      served(serviceName, method, call.metadata, deps.log, () =>
        (handler as ClientStreamHandler<unknown, unknown>)(call, ctx),
      ).then(
        (res) => callback(null, res),
        (err: unknown) => callback(statusOf(err)),
      );
    };
  }
  for (const [method, handler] of Object.entries(handlers.server ?? {})) {
    impl[method] = (call: ServerWritableStream<unknown, unknown>) => {
      const ctx = callContext(call.metadata, deps);
      const cancelled = new AbortController();
      call.on('cancelled', () => cancelled.abort());
      const send = (message: unknown) =>
        new Promise<void>((resolve, reject) => {
          if (call.cancelled) return reject(new DomainError('unavailable', 'the caller went away'));
          if (call.write(message)) return resolve();
          call.once('drain', () => resolve());
        });
      served(serviceName, method, call.metadata, deps.log, () =>
        (handler as unknown as ServerStreamHandler<unknown, unknown>)(
          call.request,
          ctx,
          send,
          cancelled.signal,
        ),
      ).then(
        () => call.end(),
        (err: unknown) => {
          if (!call.cancelled) call.emit('error', statusOf(err));
        },
      );
    };
  }
  return impl;
}
