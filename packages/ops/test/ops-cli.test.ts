import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AckPolicy, connect, type NatsConnection } from 'nats';
import { deployment, eodCronJob, FakeKubeApi, hpa, ownedJob, pod, type Obj } from './fake-kube-api';
import { runOps } from './run-ops';

const NS = 'loanflow-staging';

/** The cluster the tests see: three deployments (one scaled by KEDA), their pods, the CronJob. */
function seed(api: FakeKubeApi): void {
  api.deployments = [
    deployment(NS, 'gateway', {
      replicas: 3,
      ready: 2,
      updated: 3,
      image: 'registry.example/loanflow/gateway:1.4.2',
    }),
    deployment(NS, 'accounting', {
      replicas: 2,
      ready: 2,
      updated: 1,
      image: 'registry.example/loanflow/accounting:1.4.1',
    }),
    deployment(NS, 'identity', {
      replicas: 1,
      ready: 1,
      updated: 1,
      image: 'registry.example/loanflow/identity:1.4.2',
    }),
    // Another app's deployment in the namespace: not part of loanflow, not listed.
    {
      ...deployment(NS, 'grafana', { replicas: 1, ready: 1, updated: 1, image: 'grafana:11' }),
      metadata: { name: 'grafana', namespace: NS, labels: { 'app.kubernetes.io/name': 'grafana' } },
    },
  ];
  api.pods = [
    pod(NS, 'gateway', 'a1b2c', [2]),
    pod(NS, 'gateway', 'd3e4f', [0]),
    pod(NS, 'gateway', 'g5h6i', [1, 4]),
    pod(NS, 'accounting', 'j7k8l', [0]),
    pod(NS, 'identity', 'm9n0p', [0]),
  ];
  api.hpas = [
    hpa(NS, 'loanflow-gateway', 'loanflow-gateway', {
      current: 3,
      desired: 4,
      min: 2,
      max: 10,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
        },
      ],
      currentMetrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', current: { averageUtilization: 83, averageValue: '415m' } },
        },
      ],
    }),
    hpa(NS, 'keda-hpa-loanflow-accounting', 'loanflow-accounting', {
      current: 2,
      desired: 2,
      min: 1,
      max: 6,
      metrics: [
        {
          type: 'External',
          external: {
            metric: {
              name: 's0-nats-jetstream-LOANFLOW',
              selector: { matchLabels: { scaledobject: 'loanflow-accounting' } },
            },
            target: { type: 'AverageValue', averageValue: '100' },
          },
        },
      ],
      currentMetrics: [
        {
          type: 'External',
          external: {
            metric: { name: 's0-nats-jetstream-LOANFLOW' },
            current: { averageValue: '37' },
          },
        },
      ],
    }),
  ];
  const cron = eodCronJob(NS);
  api.cronJobs = [cron];
  api.jobs = [
    ownedJob(cron, 'loanflow-eod-29540190', '2026-02-28T08:30:00Z', 'Complete'),
    ownedJob(cron, 'loanflow-eod-29541630', '2026-03-01T08:30:00Z', 'Failed'),
  ];
}

describe('ops CLI against a fake Kubernetes API server', () => {
  const api = new FakeKubeApi();
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    await api.start();
    dir = mkdtempSync(join(tmpdir(), 'ops-test-'));
    env = { KUBECONFIG: api.writeKubeconfig(dir, NS) };
  });
  afterAll(async () => {
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    api.requests.length = 0;
    api.forbid = () => undefined;
    seed(api);
  });

  it('status prints every loanflow deployment with its figures, HPAs found by target, and the last end of day', async () => {
    const r = await runOps(['status', '--nats', 'nats://127.0.0.1:1'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`namespace ${NS}`);
    const row = (name: string) =>
      lines.find((l) => l.startsWith(`loanflow-${name} `))!.split(/\s{2,}/);
    expect(row('gateway')).toEqual([
      'loanflow-gateway',
      '3',
      '2',
      '3',
      '7',
      '3/4 2-10',
      'cpu 83%/70%',
      'registry.example/loanflow/gateway:1.4.2',
    ]);
    expect(row('accounting')).toEqual([
      'loanflow-accounting',
      '2',
      '2',
      '1',
      '0',
      '2/2 1-6',
      's0-nats-jetstream-LOANFLOW 37/100',
      'registry.example/loanflow/accounting:1.4.1',
    ]);
    expect(row('identity')).toEqual([
      'loanflow-identity',
      '1',
      '1',
      '1',
      '0',
      '-',
      '-',
      'registry.example/loanflow/identity:1.4.2',
    ]);
    expect(r.stdout).not.toContain('grafana');
    // The columns line up: each row's image begins where the header's IMAGE does.
    const header = lines.find((l) => l.startsWith('DEPLOYMENT'))!;
    expect(lines.find((l) => l.startsWith('loanflow-gateway'))!.indexOf('registry.example')).toBe(
      header.indexOf('IMAGE'),
    );
    expect(r.stdout).toContain(
      'consumer lag: unavailable (cannot reach NATS at nats://127.0.0.1:1',
    );
    expect(r.stdout).toContain(
      'end of day: CronJob loanflow-eod "30 16 * * *", last scheduled 2026-03-01T08:30:00.000Z, last succeeded 2026-03-01T08:32:10.000Z',
    );
    expect(r.stdout).toContain(
      'last run: loanflow-eod-29541630 failed, started 2026-03-01T08:30:00.000Z',
    );
    // Pods were asked for by each deployment's selector; nothing was written.
    expect(
      api.requests
        .filter((q) => q.path.endsWith('/pods'))
        .map((q) => q.query.labelSelector)
        .sort(),
    ).toEqual([
      'app.kubernetes.io/name=accounting,app.kubernetes.io/part-of=loanflow',
      'app.kubernetes.io/name=gateway,app.kubernetes.io/part-of=loanflow',
      'app.kubernetes.io/name=identity,app.kubernetes.io/part-of=loanflow',
    ]);
    expect(api.requests.find((q) => q.path.endsWith('/deployments'))!.query.labelSelector).toBe(
      'app.kubernetes.io/part-of=loanflow',
    );
    expect(api.writes()).toEqual([]);
  });

  it('status --json gives the same figures to machines', async () => {
    const r = await runOps(['status', '--json'], env);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.namespace).toBe(NS);
    expect(s.deployments.map((d: { name: string }) => d.name)).toEqual([
      'loanflow-accounting',
      'loanflow-gateway',
      'loanflow-identity',
    ]);
    expect(s.deployments[1]).toEqual({
      name: 'loanflow-gateway',
      desired: 3,
      ready: 2,
      updated: 3,
      available: 2,
      image: 'registry.example/loanflow/gateway:1.4.2',
      restarts: 7,
      hpa: {
        name: 'loanflow-gateway',
        current: 3,
        desired: 4,
        min: 2,
        max: 10,
        metrics: [{ name: 'cpu', current: '83%', target: '70%' }],
      },
    });
    expect(s.deployments[0].hpa.name).toBe('keda-hpa-loanflow-accounting');
    expect(s.lag).toEqual({
      available: false,
      stream: 'LOANFLOW',
      reason: 'no NATS URL (--nats or NATS_URL)',
    });
    expect(s.eod).toEqual({
      cronJob: 'loanflow-eod',
      schedule: '30 16 * * *',
      suspended: false,
      lastScheduleTime: '2026-03-01T08:30:00.000Z',
      lastSuccessfulTime: '2026-03-01T08:32:10.000Z',
      lastJob: {
        name: 'loanflow-eod-29541630',
        outcome: 'failed',
        startTime: '2026-03-01T08:30:00.000Z',
        completionTime: null,
      },
    });
  });

  it('status -n reads another namespace than the context', async () => {
    const r = await runOps(['status', '-n', 'elsewhere', '--json'], env);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ namespace: 'elsewhere', deployments: [], eod: null });
    expect(api.requests.every((q) => q.path.includes('/namespaces/elsewhere/'))).toBe(true);
  });

  describe('consumer lag from the real NATS', () => {
    const suffix = randomBytes(4).toString('hex');
    const stream = `OPSTEST_${suffix}`;
    let nc: NatsConnection;

    beforeAll(async () => {
      nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
      const jsm = await nc.jetstreamManager();
      await jsm.streams.add({ name: stream, subjects: [`opstest${suffix}.>`] });
      for (const durable of [`accounting_${suffix}`, `monitor_${suffix}`])
        await jsm.consumers.add(stream, {
          durable_name: durable,
          ack_policy: AckPolicy.Explicit,
          ack_wait: 120e9,
        });
      const js = nc.jetstream();
      for (let i = 0; i < 5; i++)
        await js.publish(`opstest${suffix}.loan.accrued`, new TextEncoder().encode(`e${i}`));
      // Two delivered and held without an ack: pending 3, ack pending 2.
      const consumer = await js.consumers.get(stream, `accounting_${suffix}`);
      const batch = await consumer.fetch({ max_messages: 2, expires: 5000 });
      let got = 0;
      for await (const m of batch) {
        void m;
        if (++got === 2) break;
      }
      expect(got).toBe(2);
    });
    afterAll(async () => {
      const jsm = await nc.jetstreamManager();
      await jsm.streams.delete(stream);
      await nc.close();
    });

    it('gives each durable its pending and ack-pending counts, with its service', async () => {
      const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
      const json = await runOps(['status', '--json', '--stream', stream], {
        ...env,
        NATS_URL: url,
      });
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout).lag).toEqual({
        available: true,
        stream,
        consumers: [
          { durable: `accounting_${suffix}`, service: 'accounting', pending: 3, ackPending: 2 },
          { durable: `monitor_${suffix}`, service: null, pending: 5, ackPending: 0 },
        ],
      });
      const text = await runOps(['status', '--nats', url, '--stream', stream], env);
      expect(text.stdout).toMatch(new RegExp(`accounting_${suffix} +accounting +3 +2\\n`));
    });
  });

  it('scale patches the scale subresource with a merge patch', async () => {
    const r = await runOps(['scale', 'gateway', '5'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`deployment loanflow-gateway scaled from 3 to 5 replicas in ${NS}\n`);
    expect(api.writes()).toEqual([
      {
        method: 'PATCH',
        path: `/apis/apps/v1/namespaces/${NS}/deployments/loanflow-gateway/scale`,
        query: {},
        contentType: 'application/merge-patch+json',
        body: { spec: { replicas: 5 } },
      },
    ]);
    expect(api.deployments[0]!.spec.replicas).toBe(5);
  });

  it('scale to 0 is allowed (the service is stopped)', async () => {
    const r = await runOps(['scale', 'identity', '0', '--json'], env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      deployment: 'loanflow-identity',
      namespace: NS,
      from: 1,
      to: 0,
    });
  });

  it('restart annotates the pod template with restartedAt in a strategic merge patch, as kubectl does', async () => {
    const before = Date.now();
    const r = await runOps(['restart', 'accounting', '--json'], env);
    expect(r.code).toBe(0);
    const writes = api.writes();
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatchObject({
      method: 'PATCH',
      path: `/apis/apps/v1/namespaces/${NS}/deployments/loanflow-accounting`,
      contentType: 'application/strategic-merge-patch+json',
    });
    const at: string = (writes[0]!.body as Obj).spec.template.metadata.annotations[
      'kubectl.kubernetes.io/restartedAt'
    ];
    expect(at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(Date.parse(at)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(Date.parse(at)).toBeLessThanOrEqual(Date.now());
    expect(JSON.parse(r.stdout)).toEqual({
      deployment: 'loanflow-accounting',
      namespace: NS,
      restartedAt: at,
    });
    // The rest of the template is untouched.
    expect(api.deployments[1]!.spec.template.spec.containers[0].image).toBe(
      'registry.example/loanflow/accounting:1.4.1',
    );
  });

  it('eod creates a Job from the CronJob template with --date, follows it to success and prints its log', async () => {
    api.jobScript = {
      readsUntilDone: 3,
      outcome: 'Complete',
      log: 'closing 2026-03-02\n120 loans accrued\nbusiness date 2026-03-02 closed\n',
    };
    const r = await runOps(['eod', '2026-03-02', '--interval', '0.05'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const posts = api.writes();
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({
      method: 'POST',
      path: `/apis/batch/v1/namespaces/${NS}/jobs`,
      contentType: 'application/json',
    });
    const job = posts[0]!.body as Obj;
    const cron = api.cronJobs[0]!;
    expect(job.apiVersion).toBe('batch/v1');
    expect(job.kind).toBe('Job');
    expect(job.metadata.name).toMatch(/^loanflow-eod-2026-03-02-[0-9a-f]{6}$/);
    expect(job.metadata.annotations).toEqual({ 'cronjob.kubernetes.io/instantiate': 'manual' });
    expect(job.metadata.labels).toEqual(cron.spec.jobTemplate.metadata.labels);
    expect(job.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        name: 'loanflow-eod',
        uid: cron.metadata.uid,
        controller: true,
      },
    ]);
    // The template's spec, with only the date appended to the container's arguments.
    const expected = structuredClone(cron.spec.jobTemplate.spec);
    expected.template.spec.containers[0].args.push('--date', '2026-03-02');
    expect(job.spec).toEqual(expected);
    expect(job.spec.template.spec.containers[0].command).toEqual(['node']);

    // Followed until the controller said Complete: three reads of the Job, then its pod's log.
    const name = job.metadata.name;
    expect(
      api.requests.filter((q) => q.path === `/apis/batch/v1/namespaces/${NS}/jobs/${name}`),
    ).toHaveLength(3);
    const logRequest = api.requests.find((q) => q.path.endsWith('/log'))!;
    expect(logRequest.path).toBe(`/api/v1/namespaces/${NS}/pods/${name}-x7k2p/log`);
    expect(logRequest.query).toEqual({ container: 'close-day' });
    expect(r.stdout).toContain(`job ${name} created in ${NS} for 2026-03-02`);
    expect(r.stdout).toContain(`job ${name}: active 1, succeeded 0, failed 0`);
    expect(r.stdout).toContain(
      `--- log of pod ${name}-x7k2p\nclosing 2026-03-02\n120 loans accrued\nbusiness date 2026-03-02 closed\n`,
    );
    expect(r.stdout.trimEnd().split('\n').pop()).toBe(
      `end of day 2026-03-02: job ${name} succeeded`,
    );
  });

  it('eod exits 1 when the Job fails, with the log of its pod', async () => {
    api.jobScript = {
      readsUntilDone: 2,
      outcome: 'Failed',
      log: 'chunk 3 of 8: deadlock detected\n',
    };
    const r = await runOps(['eod', '2026-03-02', '--interval', '0.05', '--json'], env);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ namespace: NS, date: '2026-03-02', outcome: 'failed' });
    expect(out.logs).toEqual([
      { pod: `${out.job}-x7k2p`, log: 'chunk 3 of 8: deadlock detected\n' },
    ]);
    expect(r.stderr).toContain(`job ${out.job} created`);
  });

  it('eod stops following at the deadline and says the Job goes on', async () => {
    api.jobScript = { readsUntilDone: 1_000_000, outcome: 'Complete', log: '' };
    const r = await runOps(['eod', '2026-03-02', '--interval', '0.05', '--timeout', '0.3'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /error: job loanflow-eod-2026-03-02-[0-9a-f]{6} still running after 0.3s; it goes on in the cluster/,
    );
  });

  it('eod without the CronJob says which is missing', async () => {
    api.cronJobs = [];
    const r = await runOps(['eod', '2026-03-02'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error: read CronJob loanflow-eod: 404 NotFound cronjobs.batch "loanflow-eod" not found\n',
    );
    expect(api.writes()).toEqual([]);
  });

  it('a 403 from the API is said plainly, with the permission it lacks', async () => {
    api.forbid = (q) =>
      q.method === 'PATCH'
        ? { verb: 'patch', resource: 'deployments/scale', group: 'apps' }
        : undefined;
    const r = await runOps(['scale', 'gateway', '2'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error: scale deployment loanflow-gateway: 403 Forbidden deployments.apps is forbidden: User "system:serviceaccount:ops:viewer" ' +
        `cannot patch resource "deployments/scale" in API group "apps" in the namespace "${NS}" ` +
        `(the Kubernetes API refused: your account lacks this permission in namespace ${NS})\n`,
    );
    expect(api.deployments[0]!.spec.replicas).toBe(3);
  });

  it('an unreachable API server is named', async () => {
    const other = new FakeKubeApi();
    await other.start();
    const kubeconfig = other.writeKubeconfig(mkdtempSync(join(dir, 'gone-')));
    await other.stop();
    const r = await runOps(['status'], { KUBECONFIG: kubeconfig });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `^error: list deployments in loanflow: cannot reach the Kubernetes API at ${other.url} \\(ECONNREFUSED\\)`,
      ),
    );
  });

  it.each([
    [
      ['scale', 'ledger', '2'],
      'unknown service ledger: expected one of identity, notifications, reporting, accounting, applications, documents, workflow, gateway',
    ],
    [['scale', 'gateway', '-1'], 'n must be a non-negative integer (0 to 9999); got -1'],
    [['scale', 'gateway', '2.5'], 'n must be a non-negative integer (0 to 9999); got 2.5'],
    [['scale', 'gateway'], 'scale takes <service> <n>; got gateway'],
    [['restart', 'gateway', 'now'], 'restart takes <service>; got gateway now'],
    [['eod', '2026-02-30'], 'date must be a calendar date YYYY-MM-DD; got 2026-02-30'],
    [['eod', '20260302'], 'date must be a calendar date YYYY-MM-DD; got 20260302'],
    [
      ['eod', '2026-03-02', '--timeout', 'soon'],
      '--timeout must be a positive number of seconds; got soon',
    ],
    [['status', '--frobnicate'], 'unknown option --frobnicate'],
    [['scale', 'gateway', '2', '--nats', 'nats://x'], 'option --nats does not apply to scale'],
    [['deploy'], 'unknown command deploy'],
    [['smoke'], 'smoke needs --gateway <url> (or GATEWAY_URL)'],
  ])('usage error %j exits 2 naming the bad argument, and calls no API', async (args, message) => {
    const r = await runOps(args, env);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: ${message}\n(npm run ops -- --help for the usage)\n`);
    expect(api.requests).toEqual([]);
  });
});
