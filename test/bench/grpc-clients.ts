import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Metadata } from '@grpc/grpc-js';
import {
  createGrpcClient,
  createLogger,
  createPool,
  JetStreamBus,
  promiseClient,
  type Pool,
} from '@loanflow/platform';
import { workflowV1 } from '@loanflow/proto';
import {
  formFor,
  SUBMITTED_SUBJECT,
  submittedEnvelope,
  userFor,
  type CreditPath,
} from './credit-chain';

/**
 * The load generator of workflow-bench, run in a worker thread so that the clients' own work
 * (protobuf, HTTP/2, JSON) does not share the event loop of the in-process workflow service.
 * Each client walks instances of the default credit process to their end over gRPC (ActOnTask
 * "complete" with the step's form data, the next task taken from the answer's nextTasks):
 *
 *   mode "tasks":     the instances are already started; each client walks its own list of them,
 *                     starting at their open market_routing task.
 *   mode "instances": each client starts its instance itself by publishing application.submitted
 *                     on NATS, waits for its first task to appear, and walks it.
 */

export interface FirstTask {
  taskId: string;
  path: CreditPath;
}

export interface ChainJob {
  mode: 'tasks' | 'instances';
  /** host:port of the workflow gRPC server (127.0.0.1 only). */
  address: string;
  /** Bearer token per user id. */
  tokens: Record<string, string>;
  clients: number;
  /** mode "tasks": one list of instances per client, by their open first task. */
  queues: FirstTask[][];
  /** mode "instances": where to publish application.submitted and look for the first task. */
  natsUrl: string;
  databaseUrl: string;
  schema: string;
  warmupMs: number;
  measureMs: number;
  requestTimeoutMs: number;
}

export type ChainMessage =
  | { kind: 'measuring' }
  | {
      kind: 'done';
      /** Latency of each task completion that ended in the measured window, ms. */
      completionMs: Float64Array;
      /** Instances that reached their end in the measured window, and each one's start-to-end, ms. */
      instanceMs: Float64Array;
      /** mode "instances": publish of application.submitted → its first task seen, ms. */
      startMs: Float64Array;
      errors: number;
      warmupErrors: number;
      errorSamples: string[];
      /** The measured window, or less when every client ran out of instances before its end. */
      elapsedMs: number;
      /** Clients that ran out of instances to walk before the end of the window. */
      exhausted: number;
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

interface OpenTask {
  id: string;
  elementId: string;
  step: string;
  assignee: string;
}

/** Waits for the first task of instances started by event: one query for all waiting clients. */
class FirstTaskWatcher {
  private readonly waiting = new Map<string, (t: OpenTask) => void>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(
    private readonly db: Pool,
    private readonly everyMs: number,
  ) {}

  wait(businessKey: string): Promise<OpenTask> {
    return new Promise((resolve) => {
      this.waiting.set(businessKey, resolve);
      this.timer ??= setTimeout(() => void this.poll(), this.everyMs);
    });
  }

  private async poll(): Promise<void> {
    this.timer = undefined;
    if (this.polling || this.waiting.size === 0) return;
    this.polling = true;
    try {
      // tasks has no index on business_key; process_instances has a unique one.
      const { rows } = await this.db.query<OpenTask & { business_key: string }>(
        `SELECT t.id, t.element_id AS "elementId", t.step, coalesce(t.assignee, '') AS assignee,
                p.business_key
           FROM process_instances p JOIN tasks t ON t.instance_id = p.id
          WHERE p.business_key = ANY($1::text[]) AND t.state = 'open'`,
        [[...this.waiting.keys()]],
      );
      for (const r of rows) {
        const resolve = this.waiting.get(r.business_key);
        if (!resolve) continue;
        this.waiting.delete(r.business_key);
        resolve({ id: r.id, elementId: r.elementId, step: r.step, assignee: r.assignee });
      }
    } finally {
      this.polling = false;
      if (this.waiting.size > 0) this.timer ??= setTimeout(() => void this.poll(), this.everyMs);
    }
  }
}

async function run(job: ChainJob): Promise<void> {
  if (!/^127\.0\.0\.1:\d+$/.test(job.address))
    throw new Error(`only 127.0.0.1 is benchmarked: ${job.address}`);
  const client = promiseClient(createGrpcClient(workflowV1.WorkflowServiceClient, job.address));
  const metadata = new Map<string, Metadata>();
  for (const [user, token] of Object.entries(job.tokens)) {
    const m = new Metadata();
    m.set('authorization', `Bearer ${token}`);
    metadata.set(user, m);
  }
  let bus: JetStreamBus | undefined;
  let db: Pool | undefined;
  let watcher: FirstTaskWatcher | undefined;
  if (job.mode === 'instances') {
    bus = await JetStreamBus.connect({
      url: job.natsUrl,
      name: `workflow-bench-${job.schema}`,
      log: createLogger('workflow-bench', 'silent'),
    });
    db = createPool({
      connectionString: job.databaseUrl,
      schema: job.schema,
      max: 1,
      applicationName: 'workflow-bench',
    });
    watcher = new FirstTaskWatcher(db, 2);
  }

  const t0 = process.hrtime.bigint();
  const ms = (t: bigint) => Number(t - t0) / 1e6;
  const from = job.warmupMs;
  const until = job.warmupMs + job.measureMs;
  const completionMs: number[] = [];
  const instanceMs: number[] = [];
  const startMs: number[] = [];
  const errorSamples = new Set<string>();
  let errors = 0;
  let warmupErrors = 0;
  let exhausted = 0;
  let lastEnd = from;
  let signalled = false;
  let cpu0 = threadCpuMs();
  const measuring = setTimeout(() => {
    signalled = true;
    cpu0 = threadCpuMs();
    parentPort?.postMessage({ kind: 'measuring' } satisfies ChainMessage);
  }, job.warmupMs);
  const now = () => ms(process.hrtime.bigint());
  const inWindow = (at: number) => at >= from && at < until;
  const fail = (at: number, what: string) => {
    if (inWindow(at)) errors++;
    else if (at < from) warmupErrors++;
    if (errorSamples.size < 5) errorSamples.add(what.slice(0, 300));
  };

  const complete = (t: OpenTask) => {
    const user = userFor(t.step, t.assignee || null);
    return client.actOnTask(
      {
        taskId: t.id,
        action: 'complete',
        idempotencyKey: randomUUID(),
        outcome: 'approve',
        opinion: 'agreed',
        formData: formFor(t.step),
        targetElementId: '',
        userId: '',
        position: '',
        reason: '',
      },
      { metadata: metadata.get(user)!.clone(), timeoutMs: job.requestTimeoutMs },
    );
  };

  /** Completes the instance's tasks one by one until it ends; false when stopped or failed. */
  const walk = async (first: OpenTask, startedAt: number): Promise<boolean> => {
    const queue = [first];
    while (queue.length > 0) {
      if (now() >= until) return false;
      const t = queue.shift()!;
      const start = now();
      let res: workflowV1.ActOnTaskResponse;
      try {
        res = await complete(t);
      } catch (err) {
        fail(start, `${t.step}: ${(err as Error).message}`);
        return false;
      }
      const end = now();
      if (inWindow(end)) {
        completionMs.push(end - start);
        lastEnd = Math.max(lastEnd, end);
      }
      const next = res.nextTasks.map((n) => ({
        id: n.id,
        elementId: n.elementId,
        step: n.step,
        assignee: n.assignee,
      }));
      // A decided vote cancels the votes still open: drop them when the flow moved past it.
      if (next.some((n) => n.elementId !== t.elementId)) {
        for (let i = queue.length - 1; i >= 0; i--)
          if (queue[i]!.elementId === t.elementId) queue.splice(i, 1);
      }
      queue.push(...next);
      if (queue.length === 0) {
        const status = res.instance?.status ?? '';
        if (status === 'active') {
          fail(end, `instance ${res.instance?.id} waits with no task the benchmark can act on`);
          return false;
        }
        if (inWindow(end)) instanceMs.push(end - startedAt);
      }
    }
    return true;
  };

  const fromList = async (list: FirstTask[]) => {
    for (const first of list) {
      if (now() >= until) return;
      await walk(
        { id: first.taskId, elementId: 'Task_MarketRouting', step: 'market_routing', assignee: '' },
        now(),
      );
    }
    if (now() < until) exhausted++;
  };

  const byEvent = async (index: number) => {
    for (let n = 0; now() < until; n++) {
      const path: CreditPath = (index + n) % 2 === 0 ? 'small-loan' : 'committee';
      const businessKey = randomUUID();
      const startedAt = now();
      try {
        await bus!.publish(SUBMITTED_SUBJECT, submittedEnvelope(businessKey, path), {
          msgId: randomUUID(),
        });
      } catch (err) {
        fail(startedAt, `publish: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      let timeout: NodeJS.Timeout | undefined;
      const first = await Promise.race([
        watcher!.wait(businessKey),
        new Promise<undefined>(
          (r) => (timeout = setTimeout(() => r(undefined), job.requestTimeoutMs)),
        ),
      ]);
      clearTimeout(timeout);
      if (!first) {
        fail(startedAt, `no first task for ${businessKey} after ${job.requestTimeoutMs} ms`);
        continue;
      }
      const seen = now();
      if (inWindow(seen)) startMs.push(seen - startedAt);
      await walk(first, startedAt);
    }
  };

  try {
    if (job.mode === 'tasks') await Promise.all(job.queues.map(fromList));
    else await Promise.all(Array.from({ length: job.clients }, (_, i) => byEvent(i)));
  } finally {
    clearTimeout(measuring);
    client.close();
    await bus?.close();
    await db?.end();
  }
  if (!signalled) parentPort?.postMessage({ kind: 'measuring' } satisfies ChainMessage);
  const message: ChainMessage = {
    kind: 'done',
    completionMs: Float64Array.from(completionMs),
    instanceMs: Float64Array.from(instanceMs),
    startMs: Float64Array.from(startMs),
    errors,
    warmupErrors,
    errorSamples: [...errorSamples],
    elapsedMs: exhausted === job.clients ? lastEnd - from : job.measureMs,
    exhausted,
    cpuMs: threadCpuMs() - cpu0,
  };
  parentPort?.postMessage(message);
}

if (!isMainThread && parentPort) {
  run(workerData as ChainJob).catch((err: unknown) => {
    // Surfaces as the worker's 'error' event in the main thread.
    throw err;
  });
}
