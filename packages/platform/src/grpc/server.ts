import {
  Server,
  ServerCredentials,
  type Metadata,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { SpanKind } from '@opentelemetry/api';
import { HealthImplementation } from 'grpc-health-check';
import { bearerToken, verifyAccessToken, type Principal } from '../auth';
import { DomainError, toGrpcError } from '../errors';
import type { Logger } from '../logger';
import { extractTraceContext, inSpan } from '../telemetry';

/** What a handler knows about its call. */
export interface CallContext {
  metadata: Metadata;
  /** The verified caller; throws UNAUTHENTICATED when the call carries no valid token. */
  principal(): Principal;
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
  private readonly server = new Server({ 'grpc.max_receive_message_length': 8 * 1024 * 1024 });
  private readonly health: HealthImplementation;
  private boundPort = 0;

  constructor(private readonly opts: { log: Logger; services: ServiceBinding[] }) {
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
      let cached: Principal | undefined;
      const ctx: CallContext = {
        metadata: call.metadata,
        log: deps.log,
        principal: () => {
          if (!cached) {
            const header = call.metadata.get('authorization')[0];
            cached = verifyAccessToken(
              bearerToken(typeof header === 'string' ? header : undefined),
              deps.jwtPublicKey,
            );
          }
          return cached;
        },
      };
      inSpan(
        `${serviceName}/${method}`,
        {
          kind: SpanKind.SERVER,
          parent: extractTraceContext(metadataCarrier(call.metadata)),
          attributes: { 'rpc.system': 'grpc', 'rpc.service': serviceName, 'rpc.method': method },
        },
        () => (handler as UnaryHandler<unknown, unknown>)(call.request, ctx),
      ).then(
        (res) => callback(null, res),
        (err: unknown) => {
          if (!(err instanceof DomainError))
            deps.log.error({ err, method }, 'unhandled error in gRPC handler');
          const { code, details, metadata } = toGrpcError(err);
          callback({ code, details, metadata, name: 'Error', message: details });
        },
      );
    };
  }
  return impl;
}
