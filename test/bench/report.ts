import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/** Helpers shared by the benchmarks: settings from the environment, figures, CPU use, printing. */

export function intList(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (!raw) return fallback;
  const values = raw.split(',').map((s) => Number(s.trim()));
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < 1 || v > 256)) {
    throw new Error(`${name} must be a comma-separated list of integers 1..256: ${raw}`);
  }
  return values;
}

export function positive(name: string, fallback: number, max: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < 0 || v > max) throw new Error(`${name} must be 0..${max}: ${raw}`);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Figures

export interface Latencies {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles, in ms. */
export function latencies(samples: ArrayLike<number>): Latencies {
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) =>
    sorted.length === 0
      ? NaN
      : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return {
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
  };
}

/**
 * Where the CPU went during a measured window, in ms of CPU: this process's main thread (the
 * gateway and the service), the whole process (so also the load worker), PostgreSQL's processes
 * (those of every client of the server, so other work on it shows up here too) and the rest of
 * the host. The per-thread and per-process figures come from /proc (Linux); NaN elsewhere.
 */
export interface CpuSnapshot {
  at: bigint;
  hostBusyMs: number;
  mainMs: number;
  processMs: number;
  postgresMs: number;
  elu: EventLoopUtilization;
}
export interface CpuUse {
  wallMs: number;
  /** Busy share of all CPUs of the host. */
  hostBusy: number;
  mainMs: number;
  processMs: number;
  postgresMs: number;
  otherMs: number;
  /** Event-loop utilisation of the main thread (includes time it was runnable but preempted). */
  loopBusy: number;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

function statTicks(path: string): { comm: string; ticks: number } | undefined {
  try {
    const s = readFileSync(path, 'utf8');
    const close = s.lastIndexOf(')');
    const f = s.slice(close + 2).split(' ');
    return { comm: s.slice(s.indexOf('(') + 1, close), ticks: Number(f[11]) + Number(f[12]) };
  } catch {
    return undefined;
  }
}

export function postgresTicks(): number {
  let ticks = 0;
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      const st = statTicks(`/proc/${pid}/stat`);
      if (st?.comm === 'postgres') ticks += st.ticks;
    }
  } catch {
    return NaN;
  }
  return ticks;
}

export function cpuSnapshot(): CpuSnapshot {
  let hostBusyMs = 0;
  for (const c of os.cpus()) hostBusyMs += c.times.user + c.times.nice + c.times.sys + c.times.irq;
  const main = statTicks('/proc/thread-self/stat');
  const usage = process.cpuUsage();
  return {
    at: process.hrtime.bigint(),
    hostBusyMs,
    mainMs: main ? main.ticks * TICK_MS : NaN,
    processMs: (usage.user + usage.system) / 1000,
    postgresMs: postgresTicks() * TICK_MS,
    elu: performance.eventLoopUtilization(),
  };
}

export function cpuUse(a: CpuSnapshot): CpuUse {
  const b = cpuSnapshot();
  const wallMs = Number(b.at - a.at) / 1e6;
  const hostMs = b.hostBusyMs - a.hostBusyMs;
  const processMs = b.processMs - a.processMs;
  const postgresMs = b.postgresMs - a.postgresMs;
  return {
    wallMs,
    hostBusy: wallMs > 0 ? hostMs / (wallMs * os.cpus().length) : NaN,
    mainMs: b.mainMs - a.mainMs,
    processMs,
    postgresMs,
    otherMs: Math.max(0, hostMs - processMs - postgresMs),
    loopBusy: performance.eventLoopUtilization(b.elu, a.elu).utilization,
  };
}

// ---------------------------------------------------------------------------------------------
// Printing

export function table(head: string[], rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padStart(widths[i]!)).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}
export const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '-');
export const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '-');
export const pct = (v: number) => (Number.isFinite(v) ? `${Math.round(v * 100)}%` : '-');
export const progress = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

/** node version | CPUs | memory | load average at the start: the first line of every report. */
export function hostLine(loadAtStart: number[]): string {
  const cpus = os.cpus();
  return `node ${process.version} | ${cpus.length} CPU(s) ${cpus[0]?.model.trim() ?? ''} | ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB | load average at start ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}`;
}

/**
 * Runs a benchmark's main. A failure is printed and ends the process at once: services the
 * benchmark had started would otherwise keep it alive with nothing to show.
 */
export function runBench(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
