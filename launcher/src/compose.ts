import {
  loadAccountingConfig,
  start as startAccounting,
  type RunningAccounting,
} from '@loanflow/accounting';
import {
  loadApplicationsConfig,
  start as startApplications,
  type RunningApplications,
} from '@loanflow/applications';
import {
  loadDocumentsConfig,
  start as startDocuments,
  type RunningDocuments,
} from '@loanflow/documents';
import { loadGatewayConfig, start as startGateway, type RunningGateway } from '@loanflow/gateway';
import {
  loadNotificationsConfig,
  start as startNotifications,
  type RunningNotifications,
} from '@loanflow/notifications';
import {
  loadReportingConfig,
  start as startReporting,
  type RunningReporting,
} from '@loanflow/reporting';
import {
  loadIdentityConfig,
  start as startIdentity,
  type RunningIdentity,
} from '@loanflow/identity';
import type { EventBus, Logger } from '@loanflow/platform';
import {
  loadWorkflowConfig,
  start as startWorkflow,
  type RunningWorkflow,
} from '@loanflow/workflow';
import { reservablePort } from './ports';
import { PEERS, type ComponentName, type ServiceName } from './topology';

export { PEERS, type ComponentName, type ServiceName } from './topology';

/**
 * The start order: the directory first (the gateway logs in through it, the workflow checks
 * people with it, and callers seed it), the notifications next (its copy of the directory comes
 * from the directory's events, so it listens before anyone is seeded), the reporting with it (its
 * read models start at the first event), the gateway last (no
 * request before its peers serve).
 */
export const START_ORDER: readonly ComponentName[] = [
  'identity',
  'notifications',
  'reporting',
  'accounting',
  'applications',
  'documents',
  'workflow',
  'gateway',
];

/** The peer-address variable of a service: `DOCUMENTS_ADDR` for documents. */
export const addrVariable = (service: ServiceName): string => `${service.toUpperCase()}_ADDR`;

export interface ComposeOptions {
  /**
   * The variables every component reads (DATABASE_URL, NATS_URL, the keys, LOG_LEVEL, ...).
   * Listening host/port and peer addresses are compose()'s and override what is here.
   */
  env: NodeJS.ProcessEnv;
  /** Variables of one component only (its schema, bucket, object store, first business date...). */
  serviceEnv?: Partial<Record<ComponentName, NodeJS.ProcessEnv>>;
  /** Host the gRPC servers listen on and are reached at; 127.0.0.1 by default. */
  host?: string;
  /** Host the gateway's HTTP server listens on; 127.0.0.1 by default. */
  gatewayHost?: string;
  /** Fixed ports; where absent the OS chooses one (or compose() does, for a peer needed early). */
  ports?: Partial<Record<ComponentName, number>>;
  /** One event bus shared by the services; each connects to NATS_URL on its own if absent. */
  bus?: EventBus;
  /** One logger for every component; each makes its own (named after it) if absent. */
  log?: Logger;
  /** Injected clocks (tests); real time where absent. */
  clocks?: {
    applications?: () => Date;
    accounting?: () => Date;
    workflow?: () => Date;
    notifications?: () => Date;
    reporting?: () => Date;
  };
  /** Runs once the directory serves, before anything that asks it starts (e.g. to seed users). */
  afterIdentity?(identity: RunningIdentity): Promise<void>;
}

export interface ComposedSystem {
  identity: RunningIdentity;
  applications: RunningApplications;
  workflow: RunningWorkflow;
  accounting: RunningAccounting;
  documents: RunningDocuments;
  notifications: RunningNotifications;
  reporting: RunningReporting;
  gateway: RunningGateway;
  /** host:port of each service, as its peers were given it. */
  addresses: Record<ServiceName, string>;
  /** The gateway's URL (http://host:port). */
  baseUrl: string;
  /** The durable event consumers of every service (a test deployment deletes them). */
  consumers(): string[];
  /** Stops the components in reverse start order. */
  stop(): Promise<void>;
}

/**
 * The whole system in this process, as separate deployments would be: identity, notifications,
 * reporting, accounting, applications, documents, workflow and the gateway, each with its own server and configuration,
 * the configurations derived here from one environment plus each component's own variables.
 * The one composition root of the launcher (`npm start`) and of the test harness.
 */
export async function compose(opts: ComposeOptions): Promise<ComposedSystem> {
  const host = opts.host ?? '127.0.0.1';
  const peerHost = connectable(host);
  const ports = opts.ports ?? {};
  const running: { -readonly [K in ServiceName]?: { grpcPort: number } } = {};
  const reserved: Partial<Record<ServiceName, number>> = {};
  const stops: Array<() => Promise<void>> = [];

  const portOf = async (peer: ServiceName): Promise<number> =>
    running[peer]?.grpcPort ?? ports[peer] ?? (reserved[peer] ??= await reservablePort());

  /** The configuration environment of one component. */
  const envFor = async (name: ComponentName): Promise<NodeJS.ProcessEnv> => {
    const peers: NodeJS.ProcessEnv = {};
    for (const peer of PEERS[name]) peers[addrVariable(peer)] = `${peerHost}:${await portOf(peer)}`;
    const listen =
      name === 'gateway'
        ? {
            GATEWAY_HTTP_HOST: opts.gatewayHost ?? '127.0.0.1',
            GATEWAY_HTTP_PORT: String(ports.gateway ?? 0),
          }
        : {
            [`${name.toUpperCase()}_GRPC_HOST`]: host,
            [`${name.toUpperCase()}_GRPC_PORT`]: String(ports[name] ?? reserved[name] ?? 0),
          };
    return { ...opts.env, ...opts.serviceEnv?.[name], ...listen, ...peers };
  };
  const started = <T extends { stop(): Promise<void> }>(handle: T): T => {
    stops.push(() => handle.stop());
    return handle;
  };
  const { log, bus, clocks = {} } = opts;

  try {
    const identity = started(
      await startIdentity(loadIdentityConfig(await envFor('identity')), { log, bus }),
    );
    running.identity = identity;

    const notifications = started(
      await startNotifications(loadNotificationsConfig(await envFor('notifications')), {
        log,
        bus,
        now: clocks.notifications,
      }),
    );
    running.notifications = notifications;

    const reporting = started(
      await startReporting(loadReportingConfig(await envFor('reporting')), {
        log,
        bus,
        now: clocks.reporting,
      }),
    );
    running.reporting = reporting;
    await opts.afterIdentity?.(identity);

    const accounting = started(
      await startAccounting(loadAccountingConfig(await envFor('accounting')), {
        log,
        bus,
        now: clocks.accounting,
      }),
    );
    running.accounting = accounting;

    const applications = started(
      await startApplications(loadApplicationsConfig(await envFor('applications')), {
        log,
        bus,
        now: clocks.applications,
      }),
    );
    running.applications = applications;

    const documents = started(
      await startDocuments(loadDocumentsConfig(await envFor('documents')), { log, bus }),
    );
    running.documents = documents;

    // The documents gate is always on: a step waits for its checklist's documents.
    const workflow = started(
      await startWorkflow(loadWorkflowConfig(await envFor('workflow')), {
        log,
        bus,
        now: clocks.workflow,
      }),
    );
    running.workflow = workflow;

    const gateway = started(
      await startGateway(loadGatewayConfig(await envFor('gateway')), { log }),
    );

    const addressOf = (s: { grpcPort: number }) => `${peerHost}:${s.grpcPort}`;
    let stopped: Promise<void> | undefined;
    return {
      identity,
      applications,
      workflow,
      accounting,
      documents,
      notifications,
      reporting,
      gateway,
      addresses: {
        identity: addressOf(identity),
        applications: addressOf(applications),
        workflow: addressOf(workflow),
        accounting: addressOf(accounting),
        documents: addressOf(documents),
        notifications: addressOf(notifications),
        reporting: addressOf(reporting),
      },
      baseUrl: `http://${connectable(opts.gatewayHost ?? '127.0.0.1')}:${gateway.httpPort}`,
      consumers: () => [
        ...identity.consumers,
        ...applications.consumers,
        ...workflow.consumers,
        ...accounting.consumers,
        ...documents.consumers,
        ...notifications.consumers,
        ...reporting.consumers,
      ],
      stop: () => (stopped ??= stopAll(stops)),
    };
  } catch (err) {
    // What started before the failure stops again, so a failed start leaves nothing serving.
    await stopAll(stops).catch(() => undefined);
    throw err;
  }
}

async function stopAll(stops: Array<() => Promise<void>>): Promise<void> {
  const errors: unknown[] = [];
  for (const stop of [...stops].reverse()) await stop().catch((err: unknown) => errors.push(err));
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, 'components failed to stop');
}

/** A wildcard listening address is reached on the loopback interface. */
const connectable = (listenHost: string) =>
  listenHost === '0.0.0.0' || listenHost === '::' ? '127.0.0.1' : listenHost;
