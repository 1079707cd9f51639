// Every object every overlay and component combination renders is valid against the API schema
// of its kind (validate.mjs names the schemas: Kubernetes 1.33, KEDA, Strimzi). A kind with no
// model fails, so nothing is applied unvalidated. These validators do not reject unknown fields
// (a misspelt optional field passes): the policy tests read the fields that matter by name and
// fail when they are missing.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { combinations, renderings, type K8sObject, type Rendering } from './render';

/** One problem per object (undefined: valid), from the schema validators in validate.mjs. */
function problems(objects: readonly K8sObject[]): (string | undefined)[] {
  const out = execFileSync(process.execPath, [join(__dirname, 'validate.mjs')], {
    input: JSON.stringify(objects),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return (JSON.parse(out) as (string | null)[]).map((p) => p ?? undefined);
}

describe('rendered manifests against the Kubernetes and CRD schemas', () => {
  let all: Rendering[] = [];
  const byName = (name: string) => all.find((r) => r.name === name)!;
  /** Each combination's problems, validated in one child process. */
  const found = new Map<string, string[]>();
  beforeAll(async () => {
    all = await renderings();
    const verdicts = problems(all.flatMap((r) => r.objects));
    let i = 0;
    for (const r of all) {
      found.set(
        r.name,
        r.objects
          .map((o) => [o, verdicts[i++]] as const)
          .filter(([, p]) => p !== undefined)
          .map(([o, p]) => `${o.kind}/${o.metadata.name}: ${p}`),
      );
    }
  }, 300_000);

  it('renders the base, both overlays and every component combination', () => {
    expect(all.map((r) => r.name)).toEqual(
      expect.arrayContaining([
        'base',
        'dev',
        'prod',
        'prod + network-policies + keda + observability + infra-dev',
      ]),
    );
    // dev includes infra-dev: 2^3 combinations; prod: 2^4; and the base.
    expect(all).toHaveLength(1 + 8 + 16);
  });

  it.each(combinations().map((c) => c.name))('%s: every object is valid', (name) => {
    expect(found.get(name)).toEqual([]);
  });

  it('rejects what the API server would: a wrong type, a missing required field, an unknown kind', () => {
    const deployment = byName('base').objects.find((o) => o.kind === 'Deployment')!;
    const broken = structuredClone(deployment) as K8sObject & {
      spec: { template: { spec: { containers: { ports: { containerPort: unknown }[] }[] } } };
    };
    broken.spec.template.spec.containers[0]!.ports[0]!.containerPort = 'grpc';

    const everything = all.flatMap((r) => r.objects);
    const scaled = everything.find((o) => o.kind === 'ScaledObject')!;
    const noTarget = structuredClone(scaled) as K8sObject & { spec: Record<string, unknown> };
    delete noTarget.spec.scaleTargetRef;

    const topic = everything.find((o) => o.kind === 'KafkaTopic')!;
    const badTopic = structuredClone(topic) as K8sObject & { spec: Record<string, unknown> };
    badTopic.spec.partitions = 'six';

    const verdicts = problems([
      broken,
      noTarget,
      badTopic,
      { ...deployment, apiVersion: 'apps/v1beta1' },
      deployment,
    ]);
    expect(verdicts[0]).toMatch(/containerPort must be integer/);
    expect(verdicts[1]).toMatch(/scaleTargetRef/);
    expect(verdicts[2]).toMatch(/partitions must be integer/);
    expect(verdicts[3]).toMatch(/apps\/v1beta1\/Deployment has no schema model/);
    expect(verdicts[4]).toBeUndefined();
  });
});
