// Policy over the rendered manifests of every combination: hardened, sized and probed pods,
// budgets and Services for every Deployment, ports that exist, a drain that fits the grace
// period, and — so that the manifests cannot drift from the code — the environment each LoanFlow
// pod gets against its service's config schema, the network policies against the launcher's
// PEERS, the KEDA triggers against the event stream and the Kafka topics against reporting's.
import { generatePiiKey, generateSigningKeys, STREAM_NAME } from '@loanflow/platform';
import { accountingEnv } from '@loanflow/accounting';
import { applicationsEnv } from '@loanflow/applications';
import { documentsEnv } from '@loanflow/documents';
import { gatewayEnv } from '@loanflow/gateway';
import { identityEnv } from '@loanflow/identity';
import { notificationsEnv } from '@loanflow/notifications';
import { workflowEnv } from '@loanflow/workflow';
import type { z } from 'zod';
import {
  CLOSE_DAY_ENTRY,
  DEPLOYABLES,
  METRICS_PORT,
  TRACING_IMPORT,
  type Deployable,
} from '@loanflow/launcher';
import { reportingEnv, topicSettings } from '@loanflow/reporting';
import { componentEnvironment } from '@loanflow/launcher';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  environment,
  isLoanFlow,
  pods,
  selects,
  type Container,
  type EnvValue,
  type Pod,
} from './pods';
import {
  combinations,
  DEPLOY_DIR,
  includedComponents,
  renderings,
  type K8sObject,
  type Rendering,
} from './render';

type ComponentName = Deployable['name'];

const SCHEMAS: Record<ComponentName, z.ZodObject> = {
  identity: identityEnv,
  applications: applicationsEnv,
  workflow: workflowEnv,
  accounting: accountingEnv,
  documents: documentsEnv,
  notifications: notificationsEnv,
  reporting: reportingEnv,
  gateway: gatewayEnv,
};

/**
 * Variables a LoanFlow process reads outside its config schema: the OpenTelemetry SDK's, read by
 * packages/platform's tracing (loaded with `node --import` before the service).
 */
const READ_BY_TRACING = new Set([
  'OTEL_SERVICE_NAME',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
]);

/** Values of the right form for each Secret key, to parse a pod's whole environment. */
const jwt = generateSigningKeys();
const service = generateSigningKeys();
const SECRET_SAMPLES: Record<string, string> = {
  DATABASE_URL: 'postgres://loanflow:secret@db.example.internal:5432/loanflow',
  AUTH_JWT_PRIVATE_KEY: jwt.privateKey,
  AUTH_JWT_PUBLIC_KEY: jwt.publicKey,
  SERVICE_TOKEN_PRIVATE_KEY: service.privateKey,
  SERVICE_TOKEN_PUBLIC_KEY: service.publicKey,
  PII_ENCRYPTION_KEY: generatePiiKey(),
  PII_INDEX_KEY: generatePiiKey(),
  S3_ACCESS_KEY: 'access',
  S3_SECRET_KEY: 'secret-key',
  SMTP_URL: 'smtp://user:pass@smtp.example.internal:587',
  ALIYUN_SMS_ACCESS_KEY_ID: 'id',
  ALIYUN_SMS_ACCESS_KEY_SECRET: 'secret',
  POSTGRES_PASSWORD: 'secret',
};

const label = (pod: Pod) => pod.labels['app.kubernetes.io/name'];
const spec = <T>(o: K8sObject) => o.spec as T;
const of = (r: Rendering, kind: string) => r.objects.filter((o) => o.kind === kind);

/** The LoanFlow process a pod runs: its deployable, or accounting for the close-day CronJob. */
function deployableOf(pod: Pod): ComponentName {
  const name = label(pod)!;
  return name === 'close-day' ? 'accounting' : (name as ComponentName);
}

function resolvedEnv(pod: Pod, r: Rendering): Map<string, EnvValue> {
  return environment(pod.spec.containers[0]!, r.objects);
}

const literal = (env: Map<string, EnvValue>, name: string): string | undefined => {
  const v = env.get(name);
  return v && 'value' in v ? v.value : undefined;
};

/** What a pod gets that its schema does not read, what it requires and lacks, what it refuses. */
function envProblems(pod: Pod, r: Rendering): string[] {
  const schema = SCHEMAS[deployableOf(pod)];
  const env = resolvedEnv(pod, r);
  const shape = schema.shape as Record<string, z.ZodType>;
  const problems: string[] = [];
  for (const name of env.keys()) {
    if (!(name in shape) && !READ_BY_TRACING.has(name)) problems.push(`${name}: not read`);
  }
  for (const [name, field] of Object.entries(shape)) {
    if (!field.safeParse(undefined).success && !env.has(name)) problems.push(`${name}: missing`);
  }
  const values: Record<string, string> = {};
  for (const [name, v] of env) {
    if ('value' in v) values[name] = v.value;
    else if (SECRET_SAMPLES[v.secret] === undefined) problems.push(`${name}: unknown secret key`);
    else if (!v.optional) values[name] = SECRET_SAMPLES[v.secret]!;
  }
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    problems.push(...parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  return problems;
}

describe('policy over the rendered manifests', () => {
  let all: Rendering[] = [];
  const byName = (name: string) => all.find((r) => r.name === name)!;
  beforeAll(async () => {
    all = await renderings();
  }, 300_000);
  const names = combinations().map((c) => c.name);

  describe.each(names)('%s', (name) => {
    it('every container runs as non-root on a read-only root, unprivileged, with requests and limits', () => {
      const problems: string[] = [];
      for (const pod of pods(byName(name).objects)) {
        for (const c of pod.spec.containers) {
          const at = `${pod.owner.kind}/${pod.owner.metadata.name}/${c.name}`;
          const sc = { ...pod.spec.securityContext, ...c.securityContext };
          if (sc.runAsNonRoot !== true) problems.push(`${at}: runAsNonRoot`);
          if (c.securityContext?.readOnlyRootFilesystem !== true)
            problems.push(`${at}: read-only root`);
          if (c.securityContext?.allowPrivilegeEscalation !== false)
            problems.push(`${at}: escalation`);
          if (!c.securityContext?.capabilities?.drop?.includes('ALL')) problems.push(`${at}: caps`);
          if (sc.seccompProfile?.type !== 'RuntimeDefault') problems.push(`${at}: seccomp`);
          for (const kind of ['requests', 'limits'] as const) {
            const res = c.resources?.[kind];
            if (!res?.cpu || !res.memory) problems.push(`${at}: ${kind}`);
          }
        }
      }
      expect(problems).toEqual([]);
    });

    it('every long-running container has startup, readiness and liveness probes', () => {
      const problems = pods(byName(name).objects)
        .filter((p) => ['Deployment', 'StatefulSet'].includes(p.owner.kind))
        .flatMap((p) =>
          p.spec.containers
            .filter((c) => !c.startupProbe || !c.readinessProbe || !c.livenessProbe)
            .map((c) => `${p.owner.metadata.name}/${c.name}`),
        );
      expect(problems).toEqual([]);
    });

    it('every Deployment has a PodDisruptionBudget and a Service selecting its pods', () => {
      const r = byName(name);
      const problems: string[] = [];
      for (const pod of pods(of(r, 'Deployment'))) {
        const pdb = of(r, 'PodDisruptionBudget').some((b) =>
          selects(
            spec<{ selector: { matchLabels: Record<string, string> } }>(b).selector.matchLabels,
            pod.labels,
          ),
        );
        const svc = of(r, 'Service').some((s) =>
          selects(spec<{ selector: Record<string, string> }>(s).selector ?? {}, pod.labels),
        );
        if (!pdb) problems.push(`${pod.owner.metadata.name}: no PodDisruptionBudget`);
        if (!svc) problems.push(`${pod.owner.metadata.name}: no Service`);
      }
      expect(problems).toEqual([]);
    });

    it('every port a probe, a Service, an Ingress or a NetworkPolicy names exists', () => {
      const r = byName(name);
      const problems: string[] = [];
      const portNames = (c: Container) => (c.ports ?? []).map((p) => p.name);
      const allPods = pods(r.objects);
      for (const pod of allPods) {
        for (const c of pod.spec.containers) {
          for (const probe of [c.startupProbe, c.readinessProbe, c.livenessProbe]) {
            const port = probe?.httpGet?.port ?? probe?.tcpSocket?.port;
            if (typeof port === 'string' && !portNames(c).includes(port)) {
              problems.push(`${c.name}: probe port ${port}`);
            }
            // gRPC probes take a number: it must be the container's port named grpc.
            if (probe?.grpc) {
              const grpc = c.ports?.find((p) => p.name === 'grpc')?.containerPort;
              if (probe.grpc.port !== grpc)
                problems.push(`${c.name}: grpc probe ${probe.grpc.port}`);
            }
          }
        }
      }
      for (const s of of(r, 'Service')) {
        const sp = spec<{
          selector: Record<string, string>;
          ports: { name: string; targetPort: string | number }[];
        }>(s);
        const selected = allPods.filter((p) => selects(sp.selector, p.labels));
        if (selected.length === 0) problems.push(`Service ${s.metadata.name}: selects no pod`);
        for (const port of sp.ports) {
          if (typeof port.targetPort !== 'string') continue;
          for (const p of selected) {
            if (!p.spec.containers.some((c) => portNames(c).includes(port.targetPort as string))) {
              problems.push(
                `Service ${s.metadata.name}: ${port.targetPort} not on ${p.owner.metadata.name}`,
              );
            }
          }
        }
      }
      for (const ing of of(r, 'Ingress')) {
        type Backend = { service: { name: string; port: { name?: string } } };
        const rules = spec<{ rules: { http: { paths: { backend: Backend }[] } }[] }>(ing).rules;
        for (const { backend } of rules.flatMap((x) => x.http.paths)) {
          const svc = of(r, 'Service').find((s) => s.metadata.name === backend.service.name);
          const ports = svc
            ? spec<{ ports: { name: string }[] }>(svc).ports.map((p) => p.name)
            : [];
          if (!ports.includes(backend.service.port.name!)) {
            problems.push(
              `Ingress ${ing.metadata.name}: ${backend.service.name}:${backend.service.port.name}`,
            );
          }
        }
      }
      for (const np of of(r, 'NetworkPolicy')) {
        const sp = spec<{
          podSelector: { matchLabels: Record<string, string> };
          ingress?: { ports?: { port: string | number }[] }[];
        }>(np);
        // Long-running pods only: a run-once Job's pod simply has no such port to open.
        const selected = allPods.filter(
          (p) =>
            ['Deployment', 'StatefulSet'].includes(p.owner.kind) &&
            selects(sp.podSelector.matchLabels, p.labels),
        );
        for (const port of (sp.ingress ?? []).flatMap((i) => i.ports ?? [])) {
          if (typeof port.port !== 'string') continue;
          for (const p of selected) {
            if (!p.spec.containers.some((c) => portNames(c).includes(port.port as string))) {
              problems.push(
                `NetworkPolicy ${np.metadata.name}: ${port.port} not on ${p.owner.metadata.name}`,
              );
            }
          }
        }
      }
      expect(problems).toEqual([]);
    });

    it('the deployables are the launcher topology: images, ports, entry points', () => {
      const r = byName(name);
      const loanflow = pods(of(r, 'Deployment')).filter((p) => isLoanFlow(p.owner));
      expect(loanflow.map((p) => label(p)).sort()).toEqual(DEPLOYABLES.map((d) => d.name).sort());
      for (const d of DEPLOYABLES) {
        const pod = loanflow.find((p) => label(p) === d.name)!;
        const c = pod.spec.containers[0]!;
        const traffic = d.protocol === 'grpc' ? 'grpc' : 'http';
        expect(pod.owner.metadata.name).toBe(`loanflow-${d.name}`);
        expect(c.image).toMatch(new RegExp(`^loanflow/${d.name}(:|@|$)`));
        // The image's own command runs the entry point (node --import tracing <entry>).
        expect(c.command ?? c.args).toBeUndefined();
        expect(c.ports).toEqual(
          expect.arrayContaining([
            { name: traffic, containerPort: d.port },
            { name: 'metrics', containerPort: METRICS_PORT },
          ]),
        );
        // A gRPC service is reached through a headless Service (its callers balance over the
        // pods); the gateway behind one virtual IP.
        const service = of(r, 'Service').find((s) => s.metadata.name === `loanflow-${d.name}`);
        expect([d.name, spec<{ clusterIP?: string }>(service!).clusterIP]).toEqual([
          d.name,
          d.protocol === 'grpc' ? 'None' : undefined,
        ]);
        const env = resolvedEnv(pod, r);
        expect(literal(env, 'METRICS_PORT')).toBe(String(METRICS_PORT));
        expect(literal(env, d.portVariable) ?? String(d.port)).toBe(String(d.port));
        for (const peer of d.peers) {
          const port = DEPLOYABLES.find((x) => x.name === peer)!.port;
          expect([peer, literal(env, `${peer.toUpperCase()}_ADDR`)]).toEqual([
            peer,
            `loanflow-${peer}:${port}`,
          ]);
        }
      }
    });

    it('`npm run start:services` gives each process the variables its pod gets', () => {
      // Its listening host and port stay at their defaults in a pod (0.0.0.0, the container
      // port, checked above); the rest of what the supervisor sets per process, the pod has too.
      const r = byName(name);
      const trafficPorts = Object.fromEntries(DEPLOYABLES.map((d) => [d.name, d.port]));
      for (const d of DEPLOYABLES) {
        const pod = pods(of(r, 'Deployment')).find(
          (p) => p.owner.metadata.name === `loanflow-${d.name}`,
        )!;
        const own = Object.keys(
          componentEnvironment(d, {
            env: {},
            host: '127.0.0.1',
            trafficPorts: trafficPorts as Record<ComponentName, number>,
            metricsPort: METRICS_PORT,
          }),
        ).filter((v) => v !== d.hostVariable && v !== d.portVariable);
        expect(own.length).toBeGreaterThan(d.peers.length);
        const env = resolvedEnv(pod, r);
        expect([d.name, own.filter((v) => !env.has(v))]).toEqual([d.name, []]);
      }
    });

    it('every variable a LoanFlow pod gets is read by its config schema, required ones present and valid', () => {
      const r = byName(name);
      const problems = pods(r.objects)
        .filter((p) => isLoanFlow(p.owner))
        .flatMap((p) => envProblems(p, r).map((x) => `${p.owner.metadata.name}: ${x}`));
      expect(problems).toEqual([]);
    });

    it('the drain fits the grace period: preStop, NOT_SERVING, in-flight deadline', () => {
      const r = byName(name);
      for (const pod of pods(of(r, 'Deployment')).filter((p) => isLoanFlow(p.owner))) {
        const c = pod.spec.containers[0]!;
        const env = resolvedEnv(pod, r);
        const notServing = Number(literal(env, 'SHUTDOWN_NOT_SERVING_MS'));
        const timeout = Number(literal(env, 'SHUTDOWN_TIMEOUT_MS'));
        const preStop = (c.lifecycle?.preStop?.sleep?.seconds ?? 0) * 1000;
        const grace = (pod.spec.terminationGracePeriodSeconds ?? 30) * 1000;
        // 5 s for consumers to drain, the outbox to flush and telemetry to leave.
        expect(preStop + notServing + timeout + 5000).toBeLessThanOrEqual(grace);
        expect(notServing).toBeGreaterThanOrEqual((c.readinessProbe!.periodSeconds ?? 10) * 1000);
        expect(pod.spec.topologySpreadConstraints?.length).toBeGreaterThan(0);
        expect(c.volumeMounts).toEqual(
          expect.arrayContaining([{ name: 'tmp', mountPath: '/tmp' }]),
        );
      }
    });

    it('the end of day runs nightly in Shanghai, one at a time, with the close-day entry point', () => {
      const [cron] = of(byName(name), 'CronJob');
      const s = spec<{ timeZone: string; concurrencyPolicy: string; schedule: string }>(cron!);
      expect([s.timeZone, s.concurrencyPolicy]).toEqual(['Asia/Shanghai', 'Forbid']);
      const c = pods([cron!])[0]!.spec.containers[0]!;
      expect(c.image).toMatch(/^loanflow\/accounting(:|@|$)/);
      expect(c.args).toEqual(['node', '--import', `./${TRACING_IMPORT}`, CLOSE_DAY_ENTRY]);
    });

    it('an autoscaled Deployment has one autoscaler: an HPA or a KEDA ScaledObject', () => {
      const r = byName(name);
      const targets = [...of(r, 'HorizontalPodAutoscaler'), ...of(r, 'ScaledObject')].map(
        (o) => spec<{ scaleTargetRef: { name: string } }>(o).scaleTargetRef.name,
      );
      expect(targets.length).toBe(new Set(targets).size);
      for (const so of of(r, 'ScaledObject')) {
        const target = spec<{ scaleTargetRef: { name: string } }>(so).scaleTargetRef.name;
        const d = DEPLOYABLES.find((x) => `loanflow-${x.name}` === target);
        expect([target, d?.eventDriven]).toEqual([target, true]);
        type Trigger = { type: string; metadata: Record<string, string> };
        for (const t of spec<{ triggers: Trigger[] }>(so).triggers.filter(
          (x) => x.type === 'nats-jetstream',
        )) {
          expect(t.metadata.stream).toBe(STREAM_NAME);
          expect(t.metadata.consumer).toMatch(new RegExp(`^${d!.name}_[a-z_]+$`));
        }
      }
    });

    it('network policies let each pod reach exactly its peers and be reached by its callers', () => {
      const r = byName(name);
      const policies = of(r, 'NetworkPolicy');
      if (!r.components.includes('network-policies')) {
        expect(policies).toEqual([]);
        return;
      }
      type Rule = {
        to?: { podSelector?: { matchLabels: Record<string, string> } }[];
        from?: Rule['to'];
        ports?: { port: number | string }[];
      };
      const rulesOf = (svc: string, type: 'ingress' | 'egress') =>
        policies
          .filter(
            (p) =>
              spec<{ podSelector: { matchLabels: Record<string, string> } }>(p).podSelector
                .matchLabels['app.kubernetes.io/name'] === svc,
          )
          .flatMap((p) => spec<Record<string, Rule[]>>(p)[type] ?? []);
      const grpcPorts = new Map(DEPLOYABLES.map((d) => [d.port, d.name]));
      for (const d of DEPLOYABLES) {
        const reached = rulesOf(d.name, 'egress')
          .filter((rule) => rule.ports?.some((p) => grpcPorts.has(p.port as number)))
          .flatMap((rule) =>
            (rule.to ?? []).map((t) => t.podSelector!.matchLabels['app.kubernetes.io/name']),
          );
        expect([d.name, reached.sort()]).toEqual([d.name, [...d.peers].sort()]);
        const callers = DEPLOYABLES.filter((c) => c.peers.includes(d.name as never)).map(
          (c) => c.name,
        );
        const from = rulesOf(d.name, 'ingress').flatMap((rule) =>
          (rule.from ?? []).map((f) => f.podSelector?.matchLabels['app.kubernetes.io/name']),
        );
        if (d.name === 'gateway')
          expect(rulesOf('gateway', 'ingress').some((x) => !x.from)).toBe(true);
        else expect([d.name, from.sort()]).toEqual([d.name, callers.sort()]);
      }
      const deny = policies.find((p) => p.metadata.name === 'loanflow-default-deny')!;
      expect(spec<{ policyTypes: string[] }>(deny).policyTypes.sort()).toEqual([
        'Egress',
        'Ingress',
      ]);
    });

    it('the dev infrastructure: Kafka topics as reporting declares them, connections within PostgreSQL limits', () => {
      const r = byName(name);
      // Where the overlay itself brings the infrastructure up (dev); prod's settings are for
      // managed services (three Kafka replicas), which a dev Kafka on top of prod does not meet.
      if (r.overlay === 'base' || !includedComponents(r.overlay).includes('infra-dev')) return;
      const reporting = pods(of(r, 'Deployment')).find((p) => label(p) === 'reporting')!;
      const env = resolvedEnv(reporting, r);
      const values = Object.fromEntries(
        [...env].map(([k, v]) => [k, 'value' in v ? v.value : SECRET_SAMPLES[v.secret]!]),
      );
      const want = topicSettings(reportingEnv.parse(values));
      type Topic = {
        topicName: string;
        partitions: number;
        replicas: number;
        config: Record<string, string>;
      };
      const topics = of(r, 'KafkaTopic').map((t) => spec<Topic>(t));
      expect(
        topics.map((t) => ({
          topic: t.topicName,
          partitions: t.partitions,
          replicationFactor: t.replicas,
          configs: t.config,
        })),
      ).toEqual(expect.arrayContaining(want.map((w) => ({ ...w, configs: { ...w.configs } }))));
      expect(topics).toHaveLength(want.length);

      // Every process at its autoscaler's maximum, each with a full pool, fits max_connections.
      const postgres = pods(of(r, 'StatefulSet')).find((p) => label(p) === 'postgres')!;
      const args = postgres.spec.containers[0]!.args!.join(' ');
      const maxConnections = Number(/max_connections=(\d+)/.exec(args)![1]);
      let total = 0;
      for (const pod of pods(r.objects).filter((p) => isLoanFlow(p.owner))) {
        const target = pod.owner.metadata.name;
        const hpa = of(r, 'HorizontalPodAutoscaler').find(
          (h) => spec<{ scaleTargetRef: { name: string } }>(h).scaleTargetRef.name === target,
        );
        const so = of(r, 'ScaledObject').find(
          (h) => spec<{ scaleTargetRef: { name: string } }>(h).scaleTargetRef.name === target,
        );
        const replicas =
          (hpa && spec<{ maxReplicas: number }>(hpa).maxReplicas) ??
          (so && spec<{ maxReplicaCount: number }>(so).maxReplicaCount) ??
          spec<{ replicas?: number }>(pod.owner).replicas ??
          1;
        total += replicas * Number(literal(resolvedEnv(pod, r), 'DATABASE_POOL_MAX') ?? 10);
      }
      // 10 kept for superuser_reserved_connections, migrations' psql and the ops tool.
      expect(total).toBeLessThanOrEqual(maxConnections - 10);
    });
  });

  it('prod: two replicas at least of the gateway, workflow and accounting, and TLS in front', () => {
    for (const r of all.filter((x) => x.overlay === 'prod')) {
      for (const n of ['gateway', 'workflow', 'accounting']) {
        const target = `loanflow-${n}`;
        const mins = [...of(r, 'HorizontalPodAutoscaler'), ...of(r, 'ScaledObject')]
          .filter(
            (o) => spec<{ scaleTargetRef: { name: string } }>(o).scaleTargetRef.name === target,
          )
          .map((o) => spec<{ minReplicas?: number; minReplicaCount?: number }>(o))
          .map((s) => s.minReplicas ?? s.minReplicaCount);
        expect([r.name, n, mins]).toEqual([r.name, n, [expect.any(Number)]]);
        expect(mins[0]).toBeGreaterThanOrEqual(2);
      }
      const [ingress] = of(r, 'Ingress');
      expect(spec<{ tls: { secretName: string }[] }>(ingress!).tls[0]!.secretName).toBeTruthy();
      const identity = pods(of(r, 'Deployment')).find((p) => label(p) === 'identity')!;
      expect(literal(resolvedEnv(identity, r), 'IDENTITY_DEMO_SEED')).not.toBe('true');
    }
  });

  it('dev: one replica each, debug logs and the demo users', () => {
    for (const r of all.filter((x) => x.overlay === 'dev')) {
      expect(of(r, 'HorizontalPodAutoscaler')).toEqual([]);
      for (const pod of pods(of(r, 'Deployment')).filter((p) => isLoanFlow(p.owner))) {
        const env = resolvedEnv(pod, r);
        expect(literal(env, 'LOG_LEVEL')).toBe('debug');
        if (
          !of(r, 'ScaledObject').some(
            (so) =>
              spec<{ scaleTargetRef: { name: string } }>(so).scaleTargetRef.name ===
              pod.owner.metadata.name,
          )
        ) {
          expect(spec<{ replicas?: number }>(pod.owner).replicas ?? 1).toBe(1);
        }
      }
      const identity = pods(of(r, 'Deployment')).find((p) => label(p) === 'identity')!;
      expect(literal(resolvedEnv(identity, r), 'IDENTITY_DEMO_SEED')).toBe('true');
    }
  });

  it('every Secret key the manifests read is documented in secrets.example.md', () => {
    const doc = readFileSync(join(DEPLOY_DIR, 'secrets.example.md'), 'utf8');
    const keys = new Set<string>();
    for (const r of all) {
      for (const pod of pods(r.objects)) {
        for (const c of pod.spec.containers) {
          for (const e of c.env ?? []) {
            if (e.valueFrom?.secretKeyRef) keys.add(e.valueFrom.secretKeyRef.key);
          }
        }
      }
    }
    expect([...keys].filter((k) => !doc.includes(`\`${k}\``))).toEqual([]);
    expect([...keys].filter((k) => SECRET_SAMPLES[k] === undefined)).toEqual([]);
  });

  it('the environment check catches drift: an unknown variable, a missing required one, a bad value', () => {
    const r = byName('dev');
    const pod = pods(of(r, 'Deployment')).find((p) => label(p) === 'workflow')!;
    const objects = structuredClone(r.objects);
    const copy = pods(objects.filter((o) => o.metadata.name === 'loanflow-workflow'))[0]!;
    const c = copy.spec.containers[0]!;
    c.envFrom = c.envFrom!.filter((f) => !f.configMapRef?.name.startsWith('loanflow-workflow'));
    c.env = [
      ...(c.env ?? []),
      { name: 'WORKFLOW_TIMER_POLL_MS', value: '10' },
      { name: 'KAFKA_BROKERS', value: 'x:1' },
    ];
    const problems = envProblems(copy, { ...r, objects });
    expect(problems).toEqual(
      expect.arrayContaining([
        'KAFKA_BROKERS: not read',
        'DOCUMENTS_ADDR: missing',
        'IDENTITY_ADDR: missing',
        expect.stringMatching(/^WORKFLOW_TIMER_POLL_MS: /),
      ]),
    );
    expect(envProblems(pod, r)).toEqual([]);
  });
});
