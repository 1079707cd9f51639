import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * A fake Kubernetes API server for the ops tool's tests (no API server can run on these
 * machines). It implements exactly the calls the tool makes, with bodies shaped as the Kubernetes
 * API reference gives them (kind/apiVersion/metadata/spec/status; List kinds with items; Status
 * objects for errors), records every request, and answers anything else with a 404 Status, so
 * an unexpected call fails the test that made it.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string | undefined;
  body: unknown;
}

/** A Kubernetes object as JSON (the tests reach into it by path). */
export type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const TOKEN = 'ops-test-token';

export class FakeKubeApi {
  readonly requests: RecordedRequest[] = [];
  deployments: Obj[] = [];
  pods: Obj[] = [];
  hpas: Obj[] = [];
  cronJobs: Obj[] = [];
  jobs: Obj[] = [];
  /** Pod name → its log. */
  readonly logs = new Map<string, string>();
  /** How a created Job ends, after how many GETs of it, and what its pod logs. */
  jobScript = { readsUntilDone: 3, outcome: 'Complete' as 'Complete' | 'Failed', log: '' };
  /** Answer 403 to requests this returns a verb and resource for (RBAC as the API says it). */
  forbid: (req: RecordedRequest) => { verb: string; resource: string; group: string } | undefined =
    () => undefined;

  private server: Server | undefined;
  private readonly jobReads = new Map<string, number>();
  url = '';

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** A kubeconfig with one context on this server (plain HTTP, so TLS verification is off). */
  writeKubeconfig(dir: string, namespace?: string): string {
    const file = join(dir, 'kubeconfig.json');
    writeFileSync(
      file,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          { name: 'fake', cluster: { server: this.url, 'insecure-skip-tls-verify': true } },
        ],
        users: [{ name: 'ops', user: { token: TOKEN } }],
        contexts: [
          {
            name: 'fake',
            context: { cluster: 'fake', user: 'ops', ...(namespace ? { namespace } : {}) },
          },
        ],
        'current-context': 'fake',
      }),
    );
    return file;
  }

  /** The requests other than GET: what the tool changed. */
  writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const recorded: RecordedRequest = {
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      contentType: req.headers['content-type'],
      body: text ? JSON.parse(text) : undefined,
    };
    this.requests.push(recorded);
    if (req.headers.authorization !== `Bearer ${TOKEN}`)
      return send(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
    const denied = this.forbid(recorded);
    if (denied)
      return send(
        res,
        403,
        status(
          403,
          'Forbidden',
          `${denied.resource.split('/')[0]}${denied.group ? `.${denied.group}` : ''} is forbidden: User "system:serviceaccount:ops:viewer" cannot ${denied.verb} resource "${denied.resource}" in API group "${denied.group}" in the namespace "${url.pathname.split('/')[url.pathname.startsWith('/api/') ? 4 : 5]}"`,
        ),
      );
    const answer = this.route(recorded);
    if (answer)
      return answer.text !== undefined
        ? sendText(res, answer.text)
        : send(res, answer.code, answer.body);
    send(
      res,
      404,
      status(
        404,
        'NotFound',
        `the server could not find the requested resource (${recorded.method} ${recorded.path})`,
      ),
    );
  }

  private route(r: RecordedRequest): { code: number; body?: Obj; text?: string } | undefined {
    const m = (pattern: RegExp) => pattern.exec(r.path);
    let g: RegExpExecArray | null;
    const inNs = (o: Obj, ns: string) => o.metadata.namespace === ns;
    const notFound = (kind: string, name: string) => ({
      code: 404,
      body: status(404, 'NotFound', `${kind} "${name}" not found`, { name, kind }),
    });

    if (r.method === 'GET' && (g = m(/^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments$/)))
      return {
        code: 200,
        body: list(
          'DeploymentList',
          'apps/v1',
          select(
            this.deployments.filter((d) => inNs(d, g![1]!)),
            r.query.labelSelector,
          ),
        ),
      };

    if ((g = m(/^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)\/scale$/))) {
      const d = this.deployments.find((x) => inNs(x, g![1]!) && x.metadata.name === g![2]);
      if (!d) return notFound('deployments.apps', g[2]!);
      if (r.method === 'PATCH') {
        if (!PATCH_TYPES.includes(r.contentType ?? '')) return unsupported(r.contentType);
        if (r.contentType === 'application/json-patch+json') return unsupported(r.contentType);
        const replicas = (r.body as Obj)?.spec?.replicas;
        if (!Number.isInteger(replicas) || replicas < 0)
          return {
            code: 422,
            body: status(
              422,
              'Invalid',
              `Scale.autoscaling "${g[2]}" is invalid: spec.replicas: Invalid value`,
            ),
          };
        d.spec.replicas = replicas;
      } else if (r.method !== 'GET') return undefined;
      return { code: 200, body: scaleOf(d) };
    }

    if (
      r.method === 'PATCH' &&
      (g = m(/^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)$/))
    ) {
      const d = this.deployments.find((x) => inNs(x, g![1]!) && x.metadata.name === g![2]);
      if (!d) return notFound('deployments.apps', g[2]!);
      if (
        r.contentType !== 'application/strategic-merge-patch+json' &&
        r.contentType !== 'application/merge-patch+json'
      )
        return unsupported(r.contentType);
      mergePatch(d, r.body as Obj);
      d.metadata.generation += 1;
      return { code: 200, body: d };
    }

    if (r.method === 'GET' && (g = m(/^\/api\/v1\/namespaces\/([^/]+)\/pods$/)))
      return {
        code: 200,
        body: list(
          'PodList',
          'v1',
          select(
            this.pods.filter((p) => inNs(p, g![1]!)),
            r.query.labelSelector,
          ),
        ),
      };

    if (r.method === 'GET' && (g = m(/^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/))) {
      const pod = this.pods.find((p) => inNs(p, g![1]!) && p.metadata.name === g![2]);
      if (!pod) return notFound('pods', g[2]!);
      return { code: 200, text: this.logs.get(g[2]!) ?? '' };
    }

    if (
      r.method === 'GET' &&
      (g = m(/^\/apis\/autoscaling\/v2\/namespaces\/([^/]+)\/horizontalpodautoscalers$/))
    )
      return {
        code: 200,
        body: list(
          'HorizontalPodAutoscalerList',
          'autoscaling/v2',
          this.hpas.filter((h) => inNs(h, g![1]!)),
        ),
      };

    if (
      r.method === 'GET' &&
      (g = m(/^\/apis\/batch\/v1\/namespaces\/([^/]+)\/cronjobs\/([^/]+)$/))
    ) {
      const c = this.cronJobs.find((x) => inNs(x, g![1]!) && x.metadata.name === g![2]);
      return c ? { code: 200, body: c } : notFound('cronjobs.batch', g[2]!);
    }

    if ((g = m(/^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs$/))) {
      if (r.method === 'GET')
        return {
          code: 200,
          body: list(
            'JobList',
            'batch/v1',
            this.jobs.filter((j) => inNs(j, g![1]!)),
          ),
        };
      if (r.method === 'POST') return this.createJob(g[1]!, structuredClone(r.body as Obj));
      return undefined;
    }

    if (r.method === 'GET' && (g = m(/^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs\/([^/]+)$/))) {
      const job = this.jobs.find((x) => inNs(x, g![1]!) && x.metadata.name === g![2]);
      if (!job) return notFound('jobs.batch', g[2]!);
      this.advance(job);
      return { code: 200, body: job };
    }
    return undefined;
  }

  /** What the API server and the Job controller make of a posted Job: uid, selector, a pod. */
  private createJob(namespace: string, job: Obj): { code: number; body: Obj } {
    const name = job.metadata?.name;
    if (job.kind !== 'Job' || job.apiVersion !== 'batch/v1' || !name)
      return {
        code: 422,
        body: status(422, 'Invalid', 'Job.batch is invalid: metadata.name: Required value'),
      };
    if (job.metadata.namespace && job.metadata.namespace !== namespace)
      return {
        code: 400,
        body: status(
          400,
          'BadRequest',
          'the namespace of the provided object does not match the namespace sent on the request',
        ),
      };
    if (this.jobs.some((j) => inNsName(j, namespace, name)))
      return {
        code: 409,
        body: status(409, 'AlreadyExists', `jobs.batch "${name}" already exists`),
      };
    const uid = randomUUID();
    const labels = {
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': name,
      'controller-uid': uid,
      'job-name': name,
    };
    job.metadata = {
      ...job.metadata,
      namespace,
      uid,
      resourceVersion: '1',
      creationTimestamp: '2026-03-02T16:05:00Z',
      labels: { ...job.metadata.labels, ...labels },
    };
    job.spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
    job.spec.template.metadata = {
      ...job.spec.template.metadata,
      labels: { ...job.spec.template.metadata?.labels, ...labels },
    };
    job.status = {};
    this.jobs.push(job);
    const podName = `${name}-x7k2p`;
    this.pods.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: podName,
        namespace,
        uid: randomUUID(),
        labels: job.spec.template.metadata.labels,
        creationTimestamp: '2026-03-02T16:05:01Z',
      },
      spec: job.spec.template.spec,
      status: { phase: 'Running' },
    });
    this.logs.set(podName, this.jobScript.log);
    return { code: 201, body: job };
  }

  /** The Job controller's progress, one step per read: active, then the scripted ending. */
  private advance(job: Obj): void {
    const reads = (this.jobReads.get(job.metadata.uid) ?? 0) + 1;
    this.jobReads.set(job.metadata.uid, reads);
    job.status = { startTime: '2026-03-02T16:05:01Z', active: 1 };
    if (reads < this.jobScript.readsUntilDone) return;
    const failed = this.jobScript.outcome === 'Failed';
    job.status = {
      startTime: '2026-03-02T16:05:01Z',
      ...(failed ? { failed: 1 } : { succeeded: 1, completionTime: '2026-03-02T16:07:31Z' }),
      conditions: [
        {
          type: this.jobScript.outcome,
          status: 'True',
          lastProbeTime: '2026-03-02T16:07:31Z',
          lastTransitionTime: '2026-03-02T16:07:31Z',
          ...(failed
            ? {
                reason: 'BackoffLimitExceeded',
                message: 'Job has reached the specified backoff limit',
              }
            : {}),
        },
      ],
    };
    const pod = this.pods.find(
      (p) => p.metadata.labels?.['batch.kubernetes.io/controller-uid'] === job.metadata.uid,
    );
    if (pod) pod.status.phase = failed ? 'Failed' : 'Succeeded';
  }
}

const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

const inNsName = (o: Obj, ns: string, name: string) =>
  o.metadata.namespace === ns && o.metadata.name === name;

function send(res: ServerResponse, code: number, body: Obj | undefined): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function sendText(res: ServerResponse, text: string): void {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(text);
}

function unsupported(contentType: string | undefined) {
  return {
    code: 415,
    body: status(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got ${contentType})`,
    ),
  };
}

/** A meta/v1 Status, as the API server answers errors. */
export function status(code: number, reason: string, message: string, details?: Obj): Obj {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

function list(kind: string, apiVersion: string, items: Obj[]): Obj {
  return { kind, apiVersion, metadata: { resourceVersion: '4711' }, items };
}

/** Equality-based label selectors (`a=b,c=d`), the only kind the tool sends. */
function select(items: Obj[], selector: string | undefined): Obj[] {
  if (!selector) return items;
  const wanted = selector.split(',').map((term) => {
    const [k, v] = term.split('=');
    return [k!, v!] as const;
  });
  return items.filter((o) => wanted.every(([k, v]) => o.metadata.labels?.[k] === v));
}

function scaleOf(d: Obj): Obj {
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: d.metadata.name,
      namespace: d.metadata.namespace,
      uid: d.metadata.uid,
      resourceVersion: '12',
      creationTimestamp: d.metadata.creationTimestamp,
    },
    spec: { replicas: d.spec.replicas },
    status: {
      replicas: d.status.replicas ?? 0,
      selector: Object.entries(d.spec.selector.matchLabels)
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
    },
  };
}

function mergePatch(target: Obj, patch: Obj): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete target[k];
    else if (
      typeof v === 'object' &&
      !Array.isArray(v) &&
      typeof target[k] === 'object' &&
      target[k] !== null
    )
      mergePatch(target[k], v);
    else target[k] = v;
  }
}

// Objects as the API reference shapes them, for the tests' fixtures.

const labelsOf = (name: string) => ({
  'app.kubernetes.io/name': name,
  'app.kubernetes.io/part-of': 'loanflow',
  'app.kubernetes.io/component': name,
});

export function deployment(
  namespace: string,
  name: string,
  f: { replicas: number; ready: number; updated: number; image: string },
): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: `loanflow-${name}`,
      namespace,
      uid: randomUUID(),
      generation: 1,
      resourceVersion: '100',
      creationTimestamp: '2026-03-01T08:00:00Z',
      labels: labelsOf(name),
    },
    spec: {
      replicas: f.replicas,
      selector: {
        matchLabels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'loanflow' },
      },
      template: {
        metadata: { labels: labelsOf(name) },
        spec: {
          containers: [
            {
              name,
              image: f.image,
              ports: [{ containerPort: 50051, name: 'grpc', protocol: 'TCP' }],
            },
          ],
        },
      },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
    },
    status: {
      observedGeneration: 1,
      replicas: f.replicas,
      updatedReplicas: f.updated,
      readyReplicas: f.ready,
      availableReplicas: f.ready,
      conditions: [
        {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          lastUpdateTime: '2026-03-01T08:01:00Z',
          lastTransitionTime: '2026-03-01T08:01:00Z',
        },
      ],
    },
  };
}

export function pod(namespace: string, service: string, suffix: string, restarts: number[]): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `loanflow-${service}-7d9f8b6c5-${suffix}`,
      namespace,
      uid: randomUUID(),
      labels: { ...labelsOf(service), 'pod-template-hash': '7d9f8b6c5' },
      creationTimestamp: '2026-03-01T08:00:10Z',
    },
    spec: {
      containers: restarts.map((_, i) => ({
        name: i === 0 ? service : `sidecar-${i}`,
        image: 'x',
      })),
    },
    status: {
      phase: 'Running',
      containerStatuses: restarts.map((n, i) => ({
        name: i === 0 ? service : `sidecar-${i}`,
        ready: true,
        restartCount: n,
        image: 'x',
        imageID: 'x',
        started: true,
        state: { running: { startedAt: '2026-03-01T08:00:20Z' } },
      })),
    },
  };
}

export function hpa(
  namespace: string,
  name: string,
  target: string,
  f: {
    current: number;
    desired: number;
    min: number;
    max: number;
    metrics: Obj[];
    currentMetrics: Obj[];
  },
): Obj {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, namespace, uid: randomUUID(), creationTimestamp: '2026-03-01T08:00:00Z' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
      minReplicas: f.min,
      maxReplicas: f.max,
      metrics: f.metrics,
    },
    status: {
      currentReplicas: f.current,
      desiredReplicas: f.desired,
      currentMetrics: f.currentMetrics,
      conditions: [],
    },
  };
}

export function eodCronJob(namespace: string): Obj {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: {
      name: 'loanflow-eod',
      namespace,
      uid: 'c0ffee00-0000-4000-8000-00000000e0d0',
      creationTimestamp: '2026-03-01T08:00:00Z',
      labels: labelsOf('eod'),
    },
    spec: {
      schedule: '30 16 * * *',
      timeZone: 'Asia/Shanghai',
      concurrencyPolicy: 'Forbid',
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels: labelsOf('eod') },
        spec: {
          backoffLimit: 2,
          template: {
            metadata: { labels: labelsOf('eod') },
            spec: {
              restartPolicy: 'Never',
              containers: [
                {
                  name: 'close-day',
                  image: 'registry.example/loanflow/accounting:1.4.2',
                  command: ['node'],
                  args: [
                    '--import',
                    './packages/platform/dist/tracing.js',
                    'services/accounting/dist/close-day.js',
                  ],
                },
              ],
            },
          },
        },
      },
    },
    status: {
      lastScheduleTime: '2026-03-01T08:30:00Z',
      lastSuccessfulTime: '2026-03-01T08:32:10Z',
    },
  };
}

/** A Job the CronJob made (owner reference with its uid). */
export function ownedJob(
  cron: Obj,
  name: string,
  created: string,
  outcome: 'Complete' | 'Failed' | null,
): Obj {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: cron.metadata.namespace,
      uid: randomUUID(),
      creationTimestamp: created,
      ownerReferences: [
        {
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          name: cron.metadata.name,
          uid: cron.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: structuredClone(cron.spec.jobTemplate.spec),
    status: {
      startTime: created,
      ...(outcome === 'Complete'
        ? { succeeded: 1, completionTime: created.replace(/:00Z$/, ':45Z') }
        : outcome === 'Failed'
          ? { failed: 3 }
          : { active: 1 }),
      ...(outcome
        ? {
            conditions: [
              {
                type: outcome,
                status: 'True',
                lastProbeTime: created,
                lastTransitionTime: created,
              },
            ],
          }
        : {}),
    },
  };
}
