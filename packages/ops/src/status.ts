import { call, EOD_CRONJOB, PART_OF, selectorOf, type Cluster, type K8s } from './kube';
import { consumerLag, type LagReport } from './lag';
import { table } from './table';

type Deployment = InstanceType<K8s['V1Deployment']>;
type Hpa = InstanceType<K8s['V2HorizontalPodAutoscaler']>;
type Job = InstanceType<K8s['V1Job']>;

export interface HpaStatus {
  name: string;
  current: number;
  desired: number;
  min: number;
  max: number;
  /** Each metric the HPA scales on, its current value beside its target (as kubectl shows them). */
  metrics: { name: string; current: string; target: string }[];
}

export interface DeploymentStatus {
  name: string;
  desired: number;
  ready: number;
  updated: number;
  available: number;
  image: string;
  restarts: number;
  hpa: HpaStatus | null;
}

export interface EodStatus {
  cronJob: string;
  schedule: string;
  suspended: boolean;
  lastScheduleTime: string | null;
  lastSuccessfulTime: string | null;
  lastJob: {
    name: string;
    outcome: JobOutcome;
    startTime: string | null;
    completionTime: string | null;
  } | null;
}

export type JobOutcome = 'succeeded' | 'failed' | 'running';

export interface Status {
  namespace: string;
  deployments: DeploymentStatus[];
  lag: LagReport;
  /** null when the namespace has no end-of-day CronJob. */
  eod: EodStatus | null;
}

export async function collectStatus(
  cluster: Cluster,
  nats: string | undefined,
  stream: string,
): Promise<Status> {
  const { namespace } = cluster;
  const lag = consumerLag(nats, stream);
  const deployments = await call(cluster, `list deployments in ${namespace}`, () =>
    cluster.apps.listNamespacedDeployment({ namespace, labelSelector: PART_OF }),
  );
  const hpas = await call(cluster, `list horizontal pod autoscalers in ${namespace}`, () =>
    cluster.autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace }),
  );
  const rows: DeploymentStatus[] = [];
  for (const d of deployments.items) rows.push(await deploymentStatus(cluster, d, hpas.items));
  rows.sort((a, b) => a.name.localeCompare(b.name));
  return { namespace, deployments: rows, lag: await lag, eod: await eodStatus(cluster) };
}

async function deploymentStatus(
  cluster: Cluster,
  d: Deployment,
  hpas: Hpa[],
): Promise<DeploymentStatus> {
  const name = d.metadata?.name ?? '';
  const selector = selectorOf(d.spec?.selector.matchLabels);
  // Without matchLabels the selector would be empty and match every pod of the namespace.
  const pods = selector
    ? await call(cluster, `list pods of ${name}`, () =>
        cluster.core.listNamespacedPod({ namespace: cluster.namespace, labelSelector: selector }),
      )
    : { items: [] };
  const restarts = pods.items
    .flatMap((p) => p.status?.containerStatuses ?? [])
    .reduce((sum, c) => sum + (c.restartCount ?? 0), 0);
  // KEDA names its HPA keda-hpa-<ScaledObject>: the target, not the name, says whose it is.
  const hpa = hpas.find(
    (h) => h.spec?.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === name,
  );
  return {
    name,
    desired: d.spec?.replicas ?? 1,
    ready: d.status?.readyReplicas ?? 0,
    updated: d.status?.updatedReplicas ?? 0,
    available: d.status?.availableReplicas ?? 0,
    image: (d.spec?.template.spec?.containers ?? []).map((c) => c.image ?? '').join(','),
    restarts,
    hpa: hpa ? hpaStatus(hpa) : null,
  };
}

function hpaStatus(h: Hpa): HpaStatus {
  const current = h.status?.currentMetrics ?? [];
  const metrics = (h.spec?.metrics ?? []).map((m, i) => {
    const now = current[i];
    switch (m.type) {
      case 'Resource':
        return {
          name: m.resource!.name,
          current: quantity(now?.resource?.current),
          target: quantity(m.resource!.target),
        };
      case 'External':
        return {
          name: m.external!.metric.name,
          current: quantity(now?.external?.current),
          target: quantity(m.external!.target),
        };
      case 'Pods':
        return {
          name: m.pods!.metric.name,
          current: quantity(now?.pods?.current),
          target: quantity(m.pods!.target),
        };
      case 'Object':
        return {
          name: m.object!.metric.name,
          current: quantity(now?.object?.current),
          target: quantity(m.object!.target),
        };
      default:
        return { name: m.type, current: '<unknown>', target: '<unknown>' };
    }
  });
  return {
    name: h.metadata?.name ?? '',
    current: h.status?.currentReplicas ?? 0,
    desired: h.status?.desiredReplicas ?? 0,
    min: h.spec?.minReplicas ?? 1,
    max: h.spec?.maxReplicas ?? 0,
    metrics,
  };
}

/** A metric value or target as kubectl prints it: `70%`, or the quantity itself. */
function quantity(
  v: { averageUtilization?: number; averageValue?: string; value?: string } | undefined,
): string {
  if (!v) return '<unknown>';
  if (v.averageUtilization !== undefined) return `${v.averageUtilization}%`;
  return v.averageValue ?? v.value ?? '<unknown>';
}

async function eodStatus(cluster: Cluster): Promise<EodStatus | null> {
  const { namespace } = cluster;
  let cronJob;
  try {
    cronJob = await cluster.batch.readNamespacedCronJob({ name: EOD_CRONJOB, namespace });
  } catch (err) {
    if (err instanceof cluster.k8s.ApiException && err.code === 404) return null;
    return call(cluster, `read CronJob ${EOD_CRONJOB}`, () => Promise.reject(err));
  }
  const jobs = await call(cluster, `list jobs in ${namespace}`, () =>
    cluster.batch.listNamespacedJob({ namespace }),
  );
  // Its runs, scheduled or made by `eod`, are the Jobs it owns (as kubectl finds them).
  const runs = jobs.items
    .filter((j) => j.metadata?.ownerReferences?.some((o) => o.uid === cronJob.metadata?.uid))
    .sort((a, b) => time(b.metadata?.creationTimestamp) - time(a.metadata?.creationTimestamp));
  const last = runs[0];
  return {
    cronJob: EOD_CRONJOB,
    schedule: cronJob.spec?.schedule ?? '',
    suspended: cronJob.spec?.suspend ?? false,
    lastScheduleTime: iso(cronJob.status?.lastScheduleTime),
    lastSuccessfulTime: iso(cronJob.status?.lastSuccessfulTime),
    lastJob: last
      ? {
          name: last.metadata?.name ?? '',
          outcome: jobOutcome(last),
          startTime: iso(last.status?.startTime),
          completionTime: iso(last.status?.completionTime),
        }
      : null,
  };
}

/** Finished when the Job controller says so: condition Complete or Failed. */
export function jobOutcome(job: Job): JobOutcome {
  const conditions = job.status?.conditions ?? [];
  const holds = (type: string) => conditions.some((c) => c.type === type && c.status === 'True');
  if (holds('Complete')) return 'succeeded';
  if (holds('Failed')) return 'failed';
  return 'running';
}

const time = (d: Date | undefined): number => (d ? new Date(d).getTime() : 0);
const iso = (d: Date | undefined): string | null => (d ? new Date(d).toISOString() : null);

export async function status(
  cluster: Cluster,
  nats: string | undefined,
  stream: string,
  json: boolean,
): Promise<string> {
  const s = await collectStatus(cluster, nats, stream);
  if (json) return JSON.stringify(s, null, 2);
  const out: string[] = [`namespace ${s.namespace}`, ''];
  out.push(
    s.deployments.length === 0
      ? `no deployments labelled ${PART_OF}`
      : table(
          [
            'DEPLOYMENT',
            'DESIRED',
            'READY',
            'UPDATED',
            'RESTARTS',
            'HPA (CURRENT/DESIRED MIN-MAX)',
            'METRICS',
            'IMAGE',
          ],
          s.deployments.map((d) => [
            d.name,
            String(d.desired),
            String(d.ready),
            String(d.updated),
            String(d.restarts),
            d.hpa ? `${d.hpa.current}/${d.hpa.desired} ${d.hpa.min}-${d.hpa.max}` : '-',
            d.hpa
              ? d.hpa.metrics.map((m) => `${m.name} ${m.current}/${m.target}`).join(', ') || '-'
              : '-',
            d.image,
          ]),
        ),
  );
  out.push('');
  if (!s.lag.available) out.push(`consumer lag: unavailable (${s.lag.reason})`);
  else if (s.lag.consumers.length === 0)
    out.push(`consumer lag: no consumers on stream ${s.lag.stream}`);
  else
    out.push(
      `consumer lag on stream ${s.lag.stream}`,
      table(
        ['DURABLE', 'SERVICE', 'PENDING', 'ACK PENDING'],
        s.lag.consumers.map((c) => [
          c.durable,
          c.service ?? '-',
          String(c.pending),
          String(c.ackPending),
        ]),
      ),
    );
  out.push('');
  if (!s.eod) out.push(`end of day: no CronJob ${EOD_CRONJOB} in ${s.namespace}`);
  else {
    const last = s.eod.lastJob;
    out.push(
      `end of day: CronJob ${s.eod.cronJob} "${s.eod.schedule}"${s.eod.suspended ? ' (suspended)' : ''}, ` +
        `last scheduled ${s.eod.lastScheduleTime ?? 'never'}, last succeeded ${s.eod.lastSuccessfulTime ?? 'never'}`,
      last
        ? `last run: ${last.name} ${last.outcome}, started ${last.startTime ?? '-'}, finished ${last.completionTime ?? '-'}`
        : 'last run: none',
    );
  }
  return out.join('\n');
}
