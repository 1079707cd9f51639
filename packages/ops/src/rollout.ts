import { call, deploymentName, type Cluster } from './kube';

/** Sets the replicas through the scale subresource with a merge patch, as `kubectl scale` does. */
export async function scale(cluster: Cluster, service: string, replicas: number) {
  const name = deploymentName(service);
  const { namespace } = cluster;
  const before = await call(cluster, `read the scale of deployment ${name}`, () =>
    cluster.apps.readNamespacedDeploymentScale({ name, namespace }),
  );
  const after = await call(cluster, `scale deployment ${name}`, () =>
    cluster.apps.patchNamespacedDeploymentScale(
      { name, namespace, body: { spec: { replicas } } },
      cluster.k8s.setHeaderOptions('Content-Type', cluster.k8s.PatchStrategy.MergePatch),
    ),
  );
  return {
    deployment: name,
    namespace,
    from: before.spec?.replicas ?? 0,
    to: after.spec?.replicas ?? replicas,
  };
}

/**
 * A rollout restart as `kubectl rollout restart` makes it: a new pod-template annotation
 * (strategic merge patch) changes the template, so the Deployment rolls its pods one by one.
 */
export async function restart(cluster: Cluster, service: string, now = new Date()) {
  const name = deploymentName(service);
  const { namespace } = cluster;
  // RFC 3339 to the second, as kubectl writes it.
  const restartedAt = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  await call(cluster, `restart deployment ${name}`, () =>
    cluster.apps.patchNamespacedDeployment(
      {
        name,
        namespace,
        body: {
          spec: {
            template: {
              metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': restartedAt } },
            },
          },
        },
      },
      cluster.k8s.setHeaderOptions('Content-Type', cluster.k8s.PatchStrategy.StrategicMergePatch),
    ),
  );
  return { deployment: name, namespace, restartedAt };
}
