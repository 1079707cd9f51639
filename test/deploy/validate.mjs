// Validates Kubernetes objects (a JSON array on stdin) against the API and CRD schemas and prints
// one problem per object (null when valid) as a JSON array. A separate ES module because the
// Strimzi models are ES modules only, which the tests' CommonJS runtime cannot load.
//
// The schemas and validators:
// - Kubernetes: kubernetes-models 4.5.1, generated from the Kubernetes 1.33 OpenAPI (its README's
//   badge still says 1.27.1, but its schemas carry 1.33's fields, e.g. Lifecycle.stopSignal and
//   networking.k8s.io/v1 ServiceCIDR);
// - KEDA: @kubernetes-models/keda 0.4.2 (keda.sh/v1alpha1);
// - Strimzi: @kubernetes-models/strimzi-kafka-operator 1.0.1 (kafka.strimzi.io/v1, Strimzi 0.49+).
import process from 'node:process';
import { ScaledObject, TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import {
  Kafka,
  KafkaNodePool,
  KafkaTopic,
} from '@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { CronJob, Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, Namespace, Service, ServiceAccount } from 'kubernetes-models/v1';

/** apiVersion/kind → the model whose validate() checks it. */
const MODELS = {
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'batch/v1/CronJob': CronJob,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'keda.sh/v1alpha1/TriggerAuthentication': TriggerAuthentication,
  'kafka.strimzi.io/v1/Kafka': Kafka,
  'kafka.strimzi.io/v1/KafkaNodePool': KafkaNodePool,
  'kafka.strimzi.io/v1/KafkaTopic': KafkaTopic,
};

/** Kinds applied without a model, each with the reason (none today). */
const UNVALIDATED = {};

function problem(obj) {
  const key = `${obj.apiVersion}/${obj.kind}`;
  const Model = MODELS[key];
  if (!Model) return UNVALIDATED[key] ? null : `${key} has no schema model: add one to MODELS`;
  try {
    new Model(obj).validate();
    return null;
  } catch (err) {
    return err.message;
  }
}

let input = '';
for await (const chunk of process.stdin) input += chunk;
process.stdout.write(JSON.stringify(JSON.parse(input).map(problem)));
