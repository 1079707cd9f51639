// Typed views of the rendered objects the policy tests read: pods and their containers wherever
// a workload keeps them, and the environment a container ends up with.
import type { K8sObject } from './render';

export interface Probe {
  grpc?: { port: number; service?: string };
  httpGet?: { path: string; port: number | string };
  tcpSocket?: { port: number | string };
  exec?: { command: string[] };
  periodSeconds?: number;
}
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string };
  };
}
export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  startupProbe?: Probe;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  resources?: {
    requests?: { cpu?: string; memory?: string };
    limits?: { cpu?: string; memory?: string };
  };
  securityContext?: SecurityContext;
  lifecycle?: { preStop?: { sleep?: { seconds: number } } };
  volumeMounts?: { name: string; mountPath: string }[];
}
export interface SecurityContext {
  runAsNonRoot?: boolean;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  capabilities?: { drop?: string[] };
  seccompProfile?: { type: string };
}
export interface PodSpec {
  containers: Container[];
  securityContext?: SecurityContext;
  volumes?: { name: string; emptyDir?: object }[];
  terminationGracePeriodSeconds?: number;
  topologySpreadConstraints?: object[];
}
export interface Pod {
  owner: K8sObject;
  labels: Record<string, string>;
  spec: PodSpec;
}

type Template = { metadata?: { labels?: Record<string, string> }; spec: PodSpec };

/** The pod template of every workload: Deployments, StatefulSets, Jobs and CronJobs. */
export function pods(objects: readonly K8sObject[]): Pod[] {
  return objects.flatMap((o) => {
    const spec = o.spec as Record<string, unknown> | undefined;
    let template: Template | undefined;
    if (['Deployment', 'StatefulSet', 'Job'].includes(o.kind))
      template = spec!.template as Template;
    if (o.kind === 'CronJob') {
      template = (spec!.jobTemplate as { spec: { template: Template } }).spec.template;
    }
    return template
      ? [{ owner: o, labels: template.metadata?.labels ?? {}, spec: template.spec }]
      : [];
  });
}

export const isLoanFlow = (o: K8sObject): boolean =>
  o.metadata.labels?.['app.kubernetes.io/part-of'] === 'loanflow';

/** Whether every key/value of a selector is among the labels. */
export const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

/** A variable's value as the pod gets it: literal, or which Secret key it comes from. */
export type EnvValue = { value: string } | { secret: string; optional: boolean };

/**
 * A container's environment: its ConfigMaps (envFrom, looked up among the rendered objects,
 * in order) and then its own env, which wins. A whole Secret in envFrom is refused: its
 * variables' names would be invisible to these checks.
 */
export function environment(
  container: Container,
  objects: readonly K8sObject[],
): Map<string, EnvValue> {
  const env = new Map<string, EnvValue>();
  for (const from of container.envFrom ?? []) {
    if (from.secretRef) {
      throw new Error(`${container.name}: envFrom secretRef ${from.secretRef.name} hides names`);
    }
    const name = from.configMapRef!.name;
    const map = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name);
    if (!map) throw new Error(`${container.name}: ConfigMap ${name} is not rendered`);
    for (const [k, v] of Object.entries((map.data as Record<string, string>) ?? {})) {
      env.set(k, { value: v });
    }
  }
  for (const e of container.env ?? []) {
    const ref = e.valueFrom?.secretKeyRef;
    if (ref) env.set(e.name, { secret: ref.key, optional: ref.optional === true });
    else if (e.valueFrom?.configMapKeyRef) {
      const { name, key } = e.valueFrom.configMapKeyRef;
      const map = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name);
      const value = (map?.data as Record<string, string> | undefined)?.[key];
      if (value === undefined) throw new Error(`${container.name}: ${name}/${key} not rendered`);
      env.set(e.name, { value });
    } else env.set(e.name, { value: e.value ?? '' });
  }
  return env;
}
