import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

/**
 * The load generator of gateway-bench, run in a worker thread so that the clients' own work
 * (JSON, HTTP parsing) does not share the event loop of the in-process gateway and service.
 * It deliberately imports nothing heavy: only Node built-ins and the global fetch (undici, which
 * keeps connections alive).
 */

export interface ClientsJob {
  baseUrl: string;
  token: string;
  /** One customer per client; the clients are as many as the ids. */
  customerIds: string[];
  warmupMs: number;
  measureMs: number;
  /** Upper bound on pairs measured at this level, whatever the time. */
  maxPairs: number;
  requestTimeoutMs: number;
}

export type ClientsMessage =
  | { kind: 'measuring' }
  | {
      kind: 'done';
      /** Latency of each measured create+submit pair, ms. */
      pairMs: Float64Array;
      createMs: Float64Array;
      submitMs: Float64Array;
      warmupPairs: number;
      /** Failed calls in the measured window (and during the warm-up, apart). */
      errors: number;
      warmupErrors: number;
      errorSamples: string[];
      /** From the start of the measured window until the last measured pair finished. */
      elapsedMs: number;
      /** CPU of this thread in the measured window, ms (Linux; NaN elsewhere). */
      cpuMs: number;
    };

/** CPU time of the calling thread, ms (USER_HZ = 100). */
function threadCpuMs(): number {
  try {
    const s = readFileSync('/proc/thread-self/stat', 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return NaN;
  }
}

const HOST = /^http:\/\/127\.0\.0\.1:\d+$/;

async function post(
  job: ClientsJob,
  path: string,
  body: unknown,
): Promise<{ status: number; json: Record<string, unknown> | undefined; text: string }> {
  const res = await fetch(`${job.baseUrl}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${job.token}`,
      'idempotency-key': randomUUID(),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(job.requestTimeoutMs),
  });
  const text = await res.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

async function run(job: ClientsJob): Promise<void> {
  if (!HOST.test(job.baseUrl)) throw new Error(`only 127.0.0.1 is benchmarked: ${job.baseUrl}`);
  const t0 = process.hrtime.bigint();
  const ms = (t: bigint) => Number(t - t0) / 1e6;
  const measureFrom = job.warmupMs;
  const measureUntil = job.warmupMs + job.measureMs;
  const pairMs: number[] = [];
  const createMs: number[] = [];
  const submitMs: number[] = [];
  const errorSamples = new Set<string>();
  let warmupPairs = 0;
  let errors = 0;
  let warmupErrors = 0;
  let lastEnd = measureFrom;
  let signalled = false;
  let cpu0 = threadCpuMs();
  const measuring = setTimeout(() => {
    signalled = true;
    cpu0 = threadCpuMs();
    parentPort?.postMessage({ kind: 'measuring' } satisfies ClientsMessage);
  }, job.warmupMs);

  const fail = (measured: boolean, what: string) => {
    if (measured) errors++;
    else warmupErrors++;
    if (errorSamples.size < 5) errorSamples.add(what.slice(0, 300));
  };

  const client = async (customerId: string) => {
    for (;;) {
      const start = process.hrtime.bigint();
      const at = ms(start);
      if (at >= measureUntil || pairMs.length >= job.maxPairs) return;
      const measured = at >= measureFrom;
      try {
        const created = await post(job, '/api/v1/applications', {
          customerId,
          productCode: 'PERSONAL_CONSUMER',
          amount: '120000.00',
          termMonths: 36,
          repaymentMethod: 'equal_installments',
          purpose: 'Wedding expenses',
          existingMonthlyDebtPayments: '1500.00',
        });
        const mid = process.hrtime.bigint();
        if (created.status !== 201 || typeof created.json?.id !== 'string') {
          fail(measured, `create ${created.status}: ${created.text}`);
          continue;
        }
        const submitted = await post(
          job,
          `/api/v1/applications/${created.json.id}/submit`,
          undefined,
        );
        const end = process.hrtime.bigint();
        if (submitted.status !== 200 || submitted.json?.status !== 'submitted') {
          fail(measured, `submit ${submitted.status}: ${submitted.text}`);
          continue;
        }
        if (measured) {
          pairMs.push(Number(end - start) / 1e6);
          createMs.push(Number(mid - start) / 1e6);
          submitMs.push(Number(end - mid) / 1e6);
          lastEnd = Math.max(lastEnd, ms(end));
        } else {
          warmupPairs++;
        }
      } catch (err) {
        fail(measured, `${(err as Error).name}: ${(err as Error).message}`);
        // Do not spin on a refused connection.
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };

  await Promise.all(job.customerIds.map(client));
  clearTimeout(measuring);
  if (!signalled) parentPort?.postMessage({ kind: 'measuring' } satisfies ClientsMessage);
  const message: ClientsMessage = {
    kind: 'done',
    pairMs: Float64Array.from(pairMs),
    createMs: Float64Array.from(createMs),
    submitMs: Float64Array.from(submitMs),
    warmupPairs,
    errors,
    warmupErrors,
    errorSamples: [...errorSamples],
    elapsedMs: lastEnd - measureFrom,
    cpuMs: threadCpuMs() - cpu0,
  };
  parentPort?.postMessage(message);
}

if (!isMainThread && parentPort) {
  run(workerData as ClientsJob).catch((err: unknown) => {
    // Surfaces as the worker's 'error' event in the main thread.
    throw err;
  });
}
