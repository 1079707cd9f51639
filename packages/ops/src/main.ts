#!/usr/bin/env node
// `npm run ops -- <command>`: the ops team's tool on the Kubernetes API (and the smoke check).
import { parseArgs, USAGE, UsageError, type Invocation } from './cli';
import { runEod } from './eod';
import { connectCluster, OpsError } from './kube';
import { restart, scale } from './rollout';
import { smoke, SmokeFailure } from './smoke';
import { status } from './status';

/** Runs one invocation, printing as it goes; resolves to the exit code. */
async function run(inv: Invocation): Promise<number> {
  const { command, json } = inv;
  const print = (text: string) => process.stdout.write(`${text}\n`);
  const progress = (line: string) => {
    // With --json, stdout holds one JSON document; progress goes to stderr.
    (json ? process.stderr : process.stdout).write(`${line}\n`);
  };
  switch (command.kind) {
    case 'help':
      print(USAGE);
      return 0;
    case 'smoke': {
      const steps = await smoke({
        gateway: command.gateway,
        password: process.env.SMOKE_PASSWORD || 'loanflow-demo',
        timeoutMs: command.timeoutMs,
        progress: (s) =>
          progress(`ok  ${s.step.padEnd(20)} ${String(s.ms).padStart(6)} ms  ${s.detail}`),
      });
      if (json) print(JSON.stringify({ ok: true, gateway: command.gateway, steps }, null, 2));
      else print(`smoke check passed against ${command.gateway}`);
      return 0;
    }
    default:
  }
  const cluster = await connectCluster(inv.namespace);
  switch (command.kind) {
    case 'status':
      print(await status(cluster, command.nats, command.stream, json));
      return 0;
    case 'scale': {
      const r = await scale(cluster, command.service, command.replicas);
      print(
        json
          ? JSON.stringify(r, null, 2)
          : `deployment ${r.deployment} scaled from ${r.from} to ${r.to} replicas in ${r.namespace}`,
      );
      return 0;
    }
    case 'restart': {
      const r = await restart(cluster, command.service);
      print(
        json
          ? JSON.stringify(r, null, 2)
          : `deployment ${r.deployment} restarting (restartedAt ${r.restartedAt}) in ${r.namespace}`,
      );
      return 0;
    }
    case 'eod': {
      const r = await runEod(cluster, { ...command, progress });
      if (json) print(JSON.stringify(r, null, 2));
      else {
        for (const l of r.logs) print(`--- log of pod ${l.pod}\n${l.log.trimEnd()}`);
        print(`end of day ${r.date}: job ${r.job} ${r.outcome}`);
      }
      return r.outcome === 'succeeded' ? 0 : 1;
    }
  }
}

async function main(): Promise<void> {
  let inv: Invocation;
  try {
    inv = parseArgs(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`error: ${err.message}\n(npm run ops -- --help for the usage)\n`);
    process.exitCode = 2;
    return;
  }
  try {
    process.exitCode = await run(inv);
  } catch (err) {
    if (err instanceof SmokeFailure) process.stderr.write(`FAILED ${err.message}\n`);
    else if (err instanceof OpsError) process.stderr.write(`error: ${err.message}\n`);
    else process.stderr.write(`error: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  }
}

// The Kubernetes client's connection pool keeps idle sockets open for a few seconds: once the
// answer is printed (stdout flushed), the tool is done.
void main().finally(() => process.stdout.write('', () => process.exit()));
