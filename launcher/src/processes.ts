import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Client, credentials, Metadata } from '@grpc/grpc-js';
import { addrVariable, START_ORDER } from './compose';
import { REPO_ROOT } from './infra';
import { reservablePort } from './ports';
import {
  deployable,
  TRACING_IMPORT,
  type ComponentName,
  type Deployable,
  type ServiceName,
} from './topology';

/** Where each component listens: its traffic port and its Prometheus port. */
export interface ComponentPorts {
  traffic: Record<ComponentName, number>;
  metrics: Record<ComponentName, number>;
}

/**
 * The environment of one deployed component, as its pod gets it: the shared variables, its own,
 * where it listens, `<PEER>_ADDR` of each peer, its telemetry name and its metrics port. Pure, so
 * that a test can hold it against the manifests' variables.
 */
export function componentEnvironment(
  component: Deployable,
  opts: {
    env: NodeJS.ProcessEnv;
    own?: NodeJS.ProcessEnv;
    /** Host it listens on; peers are reached there too. */
    host: string;
    trafficPorts: Record<ComponentName, number>;
    metricsPort: number;
  },
): NodeJS.ProcessEnv {
  const peers: NodeJS.ProcessEnv = {};
  for (const peer of component.peers)
    peers[addrVariable(peer)] = `${opts.host}:${opts.trafficPorts[peer]}`;
  return {
    ...opts.env,
    ...opts.own,
    [component.hostVariable]: opts.host,
    [component.portVariable]: String(opts.trafficPorts[component.name]),
    ...peers,
    OTEL_SERVICE_NAME: component.name,
    METRICS_PORT: String(opts.metricsPort),
  };
}

export interface ProcessesOptions {
  /** The variables every component reads (DATABASE_URL, NATS_URL, the keys, PATH, ...). */
  env: NodeJS.ProcessEnv;
  /** Variables of one component only (its schema, bucket, object store ...). */
  serviceEnv?: Partial<Record<ComponentName, NodeJS.ProcessEnv>>;
  /** Fixed traffic ports; the rest are chosen before anything starts. */
  ports?: Partial<Record<ComponentName, number>>;
  /** Every component listens on this host (127.0.0.1 by default). */
  host?: string;
  /** Where the components' output goes, each line prefixed `[name]`; the parent's stdout by default. */
  output?: NodeJS.WritableStream;
  /** How long a component may take to be ready after its start (60 s by default). */
  readyTimeoutMs?: number;
  /** How long stop() waits for a component to drain before SIGKILL (20 s by default). */
  stopTimeoutMs?: number;
}

export interface RunningProcesses {
  /** host:port of each gRPC service. */
  addresses: Record<ServiceName, string>;
  /** The gateway's URL. */
  baseUrl: string;
  ports: ComponentPorts;
  /** The process id of each running component. */
  pids(): Partial<Record<ComponentName, number>>;
  /** SIGTERM to one component; resolves with its exit code once it has exited. */
  terminate(name: ComponentName): Promise<number>;
  /** Starts a terminated component again (same ports, same environment) and waits until ready. */
  start(name: ComponentName): Promise<void>;
  /** Stops every component in reverse start order: SIGTERM, then SIGKILL after the deadline. */
  stop(): Promise<void>;
}

/**
 * The system as separate OS processes on this machine, one per deployable, started in order and
 * each waited for (gRPC health SERVING, the gateway's /readyz) before the next: what
 * `npm run start:services` runs and what the processes e2e test drives.
 */
export async function startProcesses(opts: ProcessesOptions): Promise<RunningProcesses> {
  const host = opts.host ?? '127.0.0.1';
  const output = opts.output ?? process.stdout;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 60000;
  const stopTimeoutMs = opts.stopTimeoutMs ?? 20000;
  // Every port is fixed before the first start: callers get their peers' addresses up front, and
  // a restarted process comes back where its callers look for it.
  const traffic = {} as Record<ComponentName, number>;
  const metrics = {} as Record<ComponentName, number>;
  for (const name of START_ORDER) traffic[name] = opts.ports?.[name] ?? (await reservablePort());
  for (const name of START_ORDER) metrics[name] = await reservablePort();
  const envOf = (name: ComponentName) =>
    componentEnvironment(deployable(name), {
      env: opts.env,
      own: opts.serviceEnv?.[name],
      host,
      trafficPorts: traffic,
      metricsPort: metrics[name],
    });
  const baseUrl = `http://${host}:${traffic.gateway}`;
  const children = new Map<ComponentName, Child>();

  const launch = async (name: ComponentName) => {
    if (children.get(name)?.running()) throw new Error(`${name} is already running`);
    const child = spawnComponent(deployable(name), envOf(name), output);
    children.set(name, child);
    const address = `${host}:${traffic[name]}`;
    await child.ready(
      name === 'gateway' ? () => httpReady(`${baseUrl}/readyz`) : () => grpcServing(address),
      readyTimeoutMs,
    );
  };
  // A parent that dies without stopping them leaves no component behind.
  const killAll = () => children.forEach((c) => c.kill('SIGKILL'));
  process.once('exit', killAll);

  let stopped: Promise<void> | undefined;
  const stopAll = async () => {
    for (const name of [...START_ORDER].reverse()) {
      const child = children.get(name);
      if (child?.running()) await child.stop(stopTimeoutMs);
    }
    process.removeListener('exit', killAll);
  };
  try {
    for (const name of START_ORDER) await launch(name);
  } catch (err) {
    await stopAll();
    throw err;
  }
  const addresses = {} as Record<ServiceName, string>;
  for (const name of START_ORDER)
    if (name !== 'gateway') addresses[name] = `${host}:${traffic[name]}`;

  return {
    addresses,
    baseUrl,
    ports: { traffic, metrics },
    pids: () => {
      const pids: Partial<Record<ComponentName, number>> = {};
      for (const [name, child] of children) if (child.running()) pids[name] = child.pid;
      return pids;
    },
    terminate: async (name) => {
      const child = children.get(name);
      if (!child?.running()) throw new Error(`${name} is not running`);
      return child.terminate();
    },
    start: launch,
    stop: () => (stopped ??= stopAll()),
  };
}

interface Child {
  pid: number;
  running(): boolean;
  ready(probe: () => Promise<boolean>, timeoutMs: number): Promise<void>;
  terminate(): Promise<number>;
  stop(timeoutMs: number): Promise<void>;
  kill(signal: NodeJS.Signals): void;
}

function spawnComponent(
  component: Deployable,
  env: NodeJS.ProcessEnv,
  output: NodeJS.WritableStream,
): Child {
  // Its own process group: Ctrl-C in the terminal reaches the parent only, which stops the
  // components in reverse order rather than all at once.
  const proc: ChildProcess = spawn(
    process.execPath,
    ['--import', `./${TRACING_IMPORT}`, component.entry],
    { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  const lastLines: string[] = [];
  for (const stream of [proc.stdout!, proc.stderr!])
    createInterface({ input: stream }).on('line', (line) => {
      lastLines.push(line);
      if (lastLines.length > 20) lastLines.shift();
      output.write(`[${component.name}] ${line}\n`);
    });
  const exited = new Promise<number>((resolve) =>
    proc.once('exit', (code, signal) =>
      resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : 1)),
    ),
  );
  let exitCode: number | undefined;
  void exited.then((code) => (exitCode = code));
  const running = () => exitCode === undefined;

  return {
    pid: proc.pid!,
    running,
    async ready(probe, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (!running())
          throw new Error(
            `${component.name} exited (${exitCode}) before it was ready:\n${lastLines.join('\n')}`,
          );
        if (await probe()) return;
        if (Date.now() > deadline) {
          proc.kill('SIGKILL');
          throw new Error(
            `${component.name} was not ready within ${timeoutMs} ms:\n${lastLines.join('\n')}`,
          );
        }
        await Promise.race([exited, new Promise((r) => setTimeout(r, 100))]);
      }
    },
    terminate() {
      proc.kill('SIGTERM');
      return exited;
    },
    async stop(timeoutMs) {
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
    kill(signal) {
      if (running()) proc.kill(signal);
    },
  };
}

/** grpc.health.v1.Health/Check of the whole server (service ''), by hand: one byte to decode. */
async function grpcServing(address: string): Promise<boolean> {
  const client = new Client(address, credentials.createInsecure());
  try {
    const reply = await new Promise<Buffer | undefined>((resolve) =>
      client.makeUnaryRequest(
        '/grpc.health.v1.Health/Check',
        () => Buffer.alloc(0), // HealthCheckRequest { service: '' } encodes to nothing
        (bytes: Buffer) => bytes,
        {},
        new Metadata(),
        { deadline: Date.now() + 1000 },
        (err, res) => resolve(err ? undefined : res),
      ),
    );
    // HealthCheckResponse { status: SERVING (1) }: field 1, varint 1.
    return reply !== undefined && reply.equals(Buffer.from([0x08, 0x01]));
  } finally {
    client.close();
  }
}

async function httpReady(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}
