/**
 * The client is ESM-only and this package compiles to CommonJS like the rest of the repository.
 * Under `module: node16` TypeScript keeps a dynamic import() as a real import() (a require() of an
 * ES module fails on Node 20), and still types it from the package's own declarations. The client
 * is pinned to 1.x: 2.x fetches through undici 8, which needs Node >= 22.19.
 */
async function loadClient() {
  return import('@kubernetes/client-node');
}
export type K8s = Awaited<ReturnType<typeof loadClient>>;

/** The default namespace when neither --namespace nor the kubeconfig context names one. */
export const DEFAULT_NAMESPACE = 'loanflow';
export const PART_OF = 'app.kubernetes.io/part-of=loanflow';
export const EOD_CRONJOB = 'loanflow-eod';
export const deploymentName = (service: string): string => `loanflow-${service}`;

/** The APIs of one cluster and namespace, as the kubeconfig (KUBECONFIG, ~/.kube/config, in-cluster) gives them. */
export interface Cluster {
  k8s: K8s;
  namespace: string;
  server: string;
  apps: InstanceType<K8s['AppsV1Api']>;
  core: InstanceType<K8s['CoreV1Api']>;
  autoscaling: InstanceType<K8s['AutoscalingV2Api']>;
  batch: InstanceType<K8s['BatchV1Api']>;
}

export async function connectCluster(namespaceOption: string | undefined): Promise<Cluster> {
  const k8s = await loadClient();
  const kc = new k8s.KubeConfig();
  try {
    kc.loadFromDefault();
  } catch (err) {
    throw new OpsError(
      `cannot read the kubeconfig (KUBECONFIG, ~/.kube/config): ${(err as Error).message}`,
    );
  }
  const server = kc.getCurrentCluster()?.server;
  if (!server)
    throw new OpsError(
      'no Kubernetes cluster: set KUBECONFIG, write ~/.kube/config or run in a pod',
    );
  const context = kc.getContextObject(kc.getCurrentContext());
  return {
    k8s,
    namespace: namespaceOption ?? context?.namespace ?? DEFAULT_NAMESPACE,
    server,
    apps: kc.makeApiClient(k8s.AppsV1Api),
    core: kc.makeApiClient(k8s.CoreV1Api),
    autoscaling: kc.makeApiClient(k8s.AutoscalingV2Api),
    batch: kc.makeApiClient(k8s.BatchV1Api),
  };
}

/** A failure to report in one line to the operator (exit 1), without a stack trace. */
export class OpsError extends Error {}

/**
 * Runs one API call and turns its failure into a sentence naming what was asked: the API's
 * Status message for 4xx/5xx (403 says which permission is missing), the server for a refused
 * connection.
 */
export async function call<T>(
  cluster: Cluster,
  what: string,
  request: () => Promise<T>,
): Promise<T> {
  try {
    return await request();
  } catch (err) {
    throw explain(cluster, what, err);
  }
}

export function explain(cluster: Cluster, what: string, err: unknown): OpsError {
  if (err instanceof cluster.k8s.ApiException) {
    const status = statusOf(err.body);
    const detail = status?.message ?? (typeof err.body === 'string' ? err.body : err.message);
    const hint =
      err.code === 403
        ? ' (the Kubernetes API refused: your account lacks this permission in namespace ' +
          `${cluster.namespace})`
        : err.code === 401
          ? ' (the Kubernetes API did not accept your credentials)'
          : '';
    return new OpsError(
      `${what}: ${err.code} ${status?.reason ?? ''} ${detail}${hint}`.replace(/ +/g, ' '),
    );
  }
  // node-fetch (client-node 1.x) puts the system error's code on the error itself; fetch on its cause.
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const reason = e.cause?.code ?? e.code ?? e.cause?.message ?? e.message ?? String(err);
  return new OpsError(`${what}: cannot reach the Kubernetes API at ${cluster.server} (${reason})`);
}

/** The API's Status object in an error body, whether the client parsed it or left it as text. */
function statusOf(body: unknown): { message?: string; reason?: string } | undefined {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (value && typeof value === 'object' && (value as { kind?: string }).kind === 'Status')
    return value as { message?: string; reason?: string };
  return undefined;
}

/** `a=b,c=d` from a label selector's matchLabels (the form the API's labelSelector takes). */
export const selectorOf = (matchLabels: Record<string, string> | undefined): string =>
  Object.entries(matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
