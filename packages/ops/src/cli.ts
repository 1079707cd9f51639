// The topology module alone: the platform's index loads gRPC, OpenTelemetry and the database
// driver, start-up an operator's command does not need (topology.ts imports nothing).
// eslint-disable-next-line no-restricted-imports
import { DEPLOYABLES } from '@loanflow/platform/dist/topology';

/** The services the ops tool acts on: every deployable of the topology (Deployment `loanflow-<name>`). */
export const SERVICES: readonly string[] = DEPLOYABLES.map((d) => d.name);

export type Command =
  | { kind: 'help' }
  | { kind: 'status'; nats: string | undefined; stream: string }
  | { kind: 'scale'; service: string; replicas: number }
  | { kind: 'restart'; service: string }
  | { kind: 'eod'; date: string; timeoutMs: number; intervalMs: number }
  | { kind: 'smoke'; gateway: string; timeoutMs: number };

export interface Invocation {
  command: Command;
  json: boolean;
  namespace: string | undefined;
}

export const USAGE = `usage: npm run ops -- <command> [options]

commands:
  status                 deployments (desired/ready/updated, image, restarts, HPA), JetStream
                         consumer lag and the last end-of-day run
  scale <service> <n>    set the replicas of loanflow-<service>
  restart <service>      rollout restart of loanflow-<service>
  eod <YYYY-MM-DD>       run the end of day for that date as a Job from CronJob loanflow-eod,
                         follow it to the end and print its log
  smoke --gateway <url>  log in, create a customer, submit an application, see it listed

options:
  -n, --namespace <ns>   namespace (default: the kubeconfig context's, else loanflow)
  --json                 machine-readable output
  --nats <url>           NATS for consumer lag (default: NATS_URL)
  --stream <name>        JetStream stream of the events (default: LOANFLOW)
  --timeout <seconds>    eod: how long to follow the Job (default 3600);
                         smoke: how long to wait for /readyz (default 60)
  --interval <seconds>   eod: how often to look at the Job (default 2)

services: ${SERVICES.join(', ')}`;

/** A bad command line: exit 2 with this message and the usage. */
export class UsageError extends Error {}

const OPTIONS_WITH_VALUE = new Set([
  '-n',
  '--namespace',
  '--nats',
  '--stream',
  '--timeout',
  '--interval',
  '--gateway',
]);
const FLAGS = new Set(['--json', '-h', '--help']);

/** Reads the command line (after `node main.js`); throws UsageError naming the bad argument. */
export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): Invocation {
  const positional: string[] = [];
  const options = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (OPTIONS_WITH_VALUE.has(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
      options.set(name === '-n' ? '--namespace' : name, value);
    } else if (FLAGS.has(arg)) {
      flags.add(arg === '-h' ? '--help' : arg);
    } else if (arg.startsWith('-') && !/^-\d/.test(arg)) {
      // A negative number is an argument (a bad replica count), not an option.
      throw new UsageError(`unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  const base = { json: flags.has('--json'), namespace: options.get('--namespace') };
  if (flags.has('--help') || positional.length === 0) return { ...base, command: { kind: 'help' } };

  const [verb, ...rest] = positional;
  const allow = (...names: string[]) => {
    for (const o of options.keys())
      if (o !== '--namespace' && !names.includes(o))
        throw new UsageError(`option ${o} does not apply to ${verb}`);
  };
  const arity = (n: number, shape: string) => {
    if (rest.length !== n)
      throw new UsageError(
        `${verb} takes ${shape}; got ${rest.length ? rest.join(' ') : 'nothing'}`,
      );
  };
  switch (verb) {
    case 'status':
      arity(0, 'no arguments');
      allow('--nats', '--stream');
      return {
        ...base,
        command: {
          kind: 'status',
          nats: options.get('--nats') ?? (env.NATS_URL || undefined),
          stream: options.get('--stream') ?? 'LOANFLOW',
        },
      };
    case 'scale':
      arity(2, '<service> <n>');
      allow();
      return {
        ...base,
        command: { kind: 'scale', service: service(rest[0]!), replicas: replicas(rest[1]!) },
      };
    case 'restart':
      arity(1, '<service>');
      allow();
      return { ...base, command: { kind: 'restart', service: service(rest[0]!) } };
    case 'eod':
      arity(1, '<YYYY-MM-DD>');
      allow('--timeout', '--interval');
      return {
        ...base,
        command: {
          kind: 'eod',
          date: businessDate(rest[0]!),
          timeoutMs: seconds('--timeout', options.get('--timeout') ?? '3600'),
          intervalMs: seconds('--interval', options.get('--interval') ?? '2'),
        },
      };
    case 'smoke': {
      arity(0, 'no arguments');
      allow('--gateway', '--timeout');
      const gateway = options.get('--gateway') ?? env.GATEWAY_URL;
      if (!gateway) throw new UsageError('smoke needs --gateway <url> (or GATEWAY_URL)');
      return {
        ...base,
        command: {
          kind: 'smoke',
          gateway: url('--gateway', gateway),
          timeoutMs: seconds('--timeout', options.get('--timeout') ?? '60'),
        },
      };
    }
    default:
      throw new UsageError(`unknown command ${verb}`);
  }
}

function service(name: string): string {
  if (!SERVICES.includes(name))
    throw new UsageError(`unknown service ${name}: expected one of ${SERVICES.join(', ')}`);
  return name;
}

function replicas(text: string): number {
  // Digits only: "1e2", "0x3", " 3" and "3.0" are not replica counts a person means.
  if (!/^\d{1,4}$/.test(text))
    throw new UsageError(`n must be a non-negative integer (0 to 9999); got ${text}`);
  return Number(text);
}

/** A real calendar date: 2026-02-30 is refused, not rolled over into March. */
function businessDate(text: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== text)
    throw new UsageError(`date must be a calendar date YYYY-MM-DD; got ${text}`);
  return text;
}

function seconds(option: string, text: string): number {
  const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!(value > 0))
    throw new UsageError(`${option} must be a positive number of seconds; got ${text}`);
  return Math.round(value * 1000);
}

function url(option: string, text: string): string {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new UsageError(`${option} must be an http(s) URL; got ${text}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new UsageError(`${option} must be an http(s) URL; got ${text}`);
  return text.replace(/\/+$/, '');
}
