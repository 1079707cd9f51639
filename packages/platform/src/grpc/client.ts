import {
  credentials,
  InterceptingCall,
  Metadata,
  type CallOptions,
  type ChannelOptions,
  type ClientUnaryCall,
  type Interceptor,
  type ServiceError,
} from '@grpc/grpc-js';
import { fromGrpcError } from '../errors';
import { injectTraceContext } from '../telemetry';

/** Copies the active trace context into the outgoing metadata of every call. */
const traceInterceptor: Interceptor = (options, nextCall) =>
  new InterceptingCall(nextCall(options), {
    start(metadata, listener, next) {
      for (const [k, v] of Object.entries(injectTraceContext())) metadata.set(k, v);
      next(metadata, listener);
    },
  });

/**
 * Calls spread over every address the peer's name resolves to (round robin): a gRPC channel keeps
 * its connections, so behind one virtual IP every call of a client would go to one replica; in
 * Kubernetes a service's peers are reached through a headless Service, whose DNS name gives each
 * ready pod. With `retries`, transparent retries of calls that never reached a server
 * (UNAVAILABLE), with backoff.
 */
const serviceConfig = (serviceName: string, retries: boolean) =>
  JSON.stringify({
    loadBalancingConfig: [{ round_robin: {} }],
    methodConfig: retries
      ? [
          {
            name: [{ service: serviceName }],
            retryPolicy: {
              maxAttempts: 4,
              initialBackoff: '0.1s',
              maxBackoff: '2s',
              backoffMultiplier: 2,
              retryableStatusCodes: ['UNAVAILABLE'],
            },
          },
        ]
      : [],
  });

type ClientCtor<C> = new (
  address: string,
  creds: ReturnType<typeof credentials.createInsecure>,
  options?: Partial<ChannelOptions>,
) => C;

/**
 * A client with a trace interceptor and keepalive; unary calls retry on UNAVAILABLE. The channel
 * tries a lost peer again after 200 ms, backing off to 2 s at most (grpc-js waits up to 120 s by
 * default), so a peer that restarts — a rolling update, a process sent SIGTERM — is found again
 * within a call's deadline. Pass
 * `retries: false` for a client of streaming uploads: a retrying call keeps what it sent to replay
 * it, which for a stream of many megabytes is memory held for nothing.
 */
export function createGrpcClient<C>(
  Ctor: ClientCtor<C> & { serviceName: string },
  address: string,
  opts: { retries?: boolean } = {},
): C {
  const retries = opts.retries ?? true;
  return new Ctor(address, credentials.createInsecure(), {
    interceptors: [traceInterceptor],
    'grpc.service_config': serviceConfig(Ctor.serviceName, retries),
    // A scaled-out peer's new replicas are found without waiting for a connection to fail.
    'grpc.dns_min_time_between_resolutions_ms': 10000,
    'grpc.keepalive_time_ms': 30000,
    'grpc.initial_reconnect_backoff_ms': 200,
    'grpc.max_reconnect_backoff_ms': 2000,
    'grpc.enable_retries': retries ? 1 : 0,
  } as Partial<ChannelOptions>);
}

export interface RpcOptions {
  metadata?: Metadata;
  /** Every call has a deadline; 5 s unless said otherwise. */
  timeoutMs?: number;
}

type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Res) => void,
) => ClientUnaryCall;

/** The promise form of a ts-proto grpc-js client: `await client.getCustomer(req, { metadata })`. */
export type PromiseClient<C> = {
  [K in keyof C as C[K] extends UnaryMethod<never, unknown> ? K : never]: C[K] extends UnaryMethod<
    infer Req,
    infer Res
  >
    ? (request: Req, options?: RpcOptions) => Promise<Res>
    : never;
} & { close(): void };

/**
 * By default a call waits for its peer within its deadline (grpc-js `waitForReady`): a peer that
 * is restarting, or that refuses new calls while it drains, is waited for instead of failing the
 * caller's request at once; a peer that stays down fails the call with DEADLINE_EXCEEDED. Pass
 * `waitForReady: false` to see a refused call as UNAVAILABLE at once (the tests of a server's own
 * shutdown do, to show it turns new calls away).
 */
export function promiseClient<C extends { close(): void }>(
  client: C,
  opts: { waitForReady?: boolean } = {},
): PromiseClient<C> {
  const waitForReady = opts.waitForReady ?? true;
  return new Proxy(client as object, {
    get(target, prop) {
      if (prop === 'close') return () => client.close();
      const method = (target as Record<string | symbol, unknown>)[prop];
      if (typeof method !== 'function') return method;
      return (request: unknown, options: RpcOptions = {}) =>
        new Promise((resolve, reject) => {
          const deadline = new Date(Date.now() + (options.timeoutMs ?? 5000));
          // grpc-js takes wait-for-ready as an option of the metadata; a copy, so that the
          // caller's metadata (often reused for many calls) is left as it was.
          const metadata = options.metadata?.clone() ?? new Metadata();
          metadata.setOptions({ ...metadata.getOptions(), waitForReady });
          (method as UnaryMethod<unknown, unknown>).call(
            target,
            request,
            metadata,
            { deadline },
            (err, res) => (err ? reject(fromGrpcError(err)) : resolve(res)),
          );
        });
    },
  }) as PromiseClient<C>;
}
