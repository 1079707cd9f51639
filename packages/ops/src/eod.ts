import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { call, EOD_CRONJOB, OpsError, selectorOf, type Cluster, type K8s } from './kube';
import { jobOutcome, type JobOutcome } from './status';

type CronJob = InstanceType<K8s['V1CronJob']>;
type Job = InstanceType<K8s['V1Job']>;

/** The entry point of the end-of-day container; its container gets `--date`. */
const CLOSE_DAY = 'close-day.js';

/**
 * The Job `kubectl create job --from=cronjob/loanflow-eod` would make — the CronJob's job template,
 * owned by the CronJob (so its history and cleanup apply), marked as started by hand — with
 * `--date <date>` appended to the end-of-day container's arguments.
 */
export function jobFromCronJob(cronJob: CronJob, date: string, suffix: string): Job {
  const template = cronJob.spec?.jobTemplate;
  const spec = structuredClone(template?.spec);
  const containers = spec?.template.spec?.containers ?? [];
  const eod =
    containers.find((c) =>
      [...(c.command ?? []), ...(c.args ?? [])].some((a) => a.endsWith(CLOSE_DAY)),
    ) ?? containers[0];
  if (!spec || !eod)
    throw new OpsError(`CronJob ${EOD_CRONJOB} has no job template with a container`);
  // Arguments follow the command, whether the template puts the entry point in command or args.
  eod.args = [...(eod.args ?? []), '--date', date];
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: `${EOD_CRONJOB}-${date}-${suffix}`,
      labels: template?.metadata?.labels,
      annotations: {
        ...template?.metadata?.annotations,
        'cronjob.kubernetes.io/instantiate': 'manual',
      },
      ownerReferences: [
        {
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          name: cronJob.metadata?.name ?? EOD_CRONJOB,
          uid: cronJob.metadata?.uid ?? '',
          controller: true,
        },
      ],
    },
    spec,
  };
}

export interface EodRun {
  job: string;
  namespace: string;
  date: string;
  outcome: JobOutcome;
  /** Each pod's log, oldest attempt first. */
  logs: { pod: string; log: string }[];
}

/** Starts the end of day for `date` and follows its Job until it succeeds, fails or the deadline passes. */
export async function runEod(
  cluster: Cluster,
  opts: { date: string; timeoutMs: number; intervalMs: number; progress: (line: string) => void },
): Promise<EodRun> {
  const { namespace } = cluster;
  const cronJob = await call(cluster, `read CronJob ${EOD_CRONJOB}`, () =>
    cluster.batch.readNamespacedCronJob({ name: EOD_CRONJOB, namespace }),
  );
  const body = jobFromCronJob(cronJob, opts.date, randomBytes(3).toString('hex'));
  const created = await call(cluster, `create the end-of-day Job`, () =>
    cluster.batch.createNamespacedJob({ namespace, body }),
  );
  const name = created.metadata?.name ?? body.metadata!.name!;
  opts.progress(`job ${name} created in ${namespace} for ${opts.date}`);

  const deadline = Date.now() + opts.timeoutMs;
  let job = created;
  let seen = '';
  for (;;) {
    const outcome = jobOutcome(job);
    const counts = `active ${job.status?.active ?? 0}, succeeded ${job.status?.succeeded ?? 0}, failed ${job.status?.failed ?? 0}`;
    if (counts !== seen) opts.progress(`job ${name}: ${counts}`);
    seen = counts;
    if (outcome !== 'running')
      return { job: name, namespace, date: opts.date, outcome, logs: await logsOf(cluster, job) };
    if (Date.now() >= deadline)
      throw new OpsError(
        `job ${name} still running after ${opts.timeoutMs / 1000}s; it goes on in the cluster (kubectl -n ${namespace} logs -f job/${name})`,
      );
    await sleep(Math.min(opts.intervalMs, Math.max(0, deadline - Date.now())));
    job = await call(cluster, `read Job ${name}`, () =>
      cluster.batch.readNamespacedJob({ name, namespace }),
    );
  }
}

/** The logs of the Job's pods, found by the selector the Job controller gave it. */
async function logsOf(cluster: Cluster, job: Job): Promise<EodRun['logs']> {
  const { namespace } = cluster;
  const selector = selectorOf(job.spec?.selector?.matchLabels);
  if (!selector) return [];
  const pods = await call(cluster, `list the pods of job ${job.metadata?.name}`, () =>
    cluster.core.listNamespacedPod({ namespace, labelSelector: selector }),
  );
  const sorted = [...pods.items].sort(
    (a, b) =>
      new Date(a.metadata?.creationTimestamp ?? 0).getTime() -
      new Date(b.metadata?.creationTimestamp ?? 0).getTime(),
  );
  const logs: EodRun['logs'] = [];
  for (const pod of sorted) {
    const name = pod.metadata?.name ?? '';
    const containers = pod.spec?.containers ?? [];
    const container =
      containers.find((c) =>
        [...(c.command ?? []), ...(c.args ?? [])].some((a) => a.endsWith(CLOSE_DAY)),
      )?.name ?? containers[0]?.name;
    const log = await call(cluster, `read the log of pod ${name}`, () =>
      cluster.core.readNamespacedPodLog({ name, namespace, container }),
    );
    logs.push({ pod: name, log });
  }
  return logs;
}
