/** The services that serve gRPC and are reached as peers at `<SERVICE>_ADDR`. */
export type ServiceName =
  | 'identity'
  | 'applications'
  | 'workflow'
  | 'accounting'
  | 'documents'
  | 'notifications'
  | 'reporting';
/** Every component compose() starts: the services and the gateway in front of them. */
export type ComponentName = ServiceName | 'gateway';

/**
 * Who calls whom: each component is given `<PEER>_ADDR` for these peers, and nothing else wires
 * addresses. A peer that starts after one of its callers has its port chosen before that caller
 * starts (gRPC clients connect on their first call).
 */
export const PEERS: Readonly<Record<ComponentName, readonly ServiceName[]>> = {
  identity: [],
  accounting: ['documents'],
  applications: ['accounting'],
  documents: ['applications', 'accounting'],
  workflow: ['identity', 'documents'],
  notifications: ['applications'],
  reporting: [],
  gateway: [
    'identity',
    'applications',
    'workflow',
    'accounting',
    'documents',
    'notifications',
    'reporting',
  ],
};

/**
 * What is deployed, one process (one container, one Kubernetes Deployment) each: the single
 * description `npm run start:services`, the manifests' checks and the ops tool share, so that a
 * port or an entry point is written once.
 */
export interface Deployable {
  name: ComponentName;
  /** gRPC services serve grpc.health.v1; the gateway serves HTTP /healthz and /readyz. */
  protocol: 'grpc' | 'http';
  /** The traffic port in a container (the config's default). */
  port: number;
  /** The variables that set the listening host and port. */
  hostVariable: string;
  portVariable: string;
  /** Entry point, relative to the repository (and to /app in the image). */
  entry: string;
  /** The gRPC peers it is given as `<PEER>_ADDR`. */
  peers: readonly ServiceName[];
  /**
   * Driven by NATS JetStream consumers (scaled on their lag by KEDA in the cluster); their
   * durable names begin with the service's schema.
   */
  eventDriven: boolean;
}

/** The Prometheus port of every deployed process (METRICS_PORT), apart from its traffic port. */
export const METRICS_PORT = 9464;

/** `node --import` this before the entry point: OpenTelemetry is set up before any module loads. */
export const TRACING_IMPORT = 'packages/platform/dist/tracing.js';

const grpc = (name: ServiceName, port: number, eventDriven: boolean): Deployable => ({
  name,
  protocol: 'grpc',
  port,
  hostVariable: `${name.toUpperCase()}_GRPC_HOST`,
  portVariable: `${name.toUpperCase()}_GRPC_PORT`,
  entry: `services/${name}/dist/main.js`,
  peers: PEERS[name],
  eventDriven,
});

/** In start order (compose()'s START_ORDER): the gateway last. */
export const DEPLOYABLES: readonly Deployable[] = [
  grpc('identity', 50055, false),
  grpc('notifications', 50057, true),
  grpc('reporting', 50058, true),
  grpc('accounting', 50053, true),
  grpc('applications', 50051, true),
  grpc('documents', 50054, true),
  grpc('workflow', 50052, true),
  {
    name: 'gateway',
    protocol: 'http',
    port: 8080,
    hostVariable: 'GATEWAY_HTTP_HOST',
    portVariable: 'GATEWAY_HTTP_PORT',
    entry: 'gateway/dist/main.js',
    peers: PEERS.gateway,
    eventDriven: false,
  },
];

export const deployable = (name: ComponentName): Deployable => {
  const d = DEPLOYABLES.find((x) => x.name === name);
  if (!d) throw new Error(`no deployable named ${name}`);
  return d;
};

/**
 * The accounting image's second entry point: closes the open business dates up to yesterday (or
 * the one given with --date), spreading the chunks over every accounting process. The
 * end-of-day CronJob runs it.
 */
export const CLOSE_DAY_ENTRY = 'services/accounting/dist/close-day.js';
