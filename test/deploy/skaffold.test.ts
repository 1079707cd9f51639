// skaffold.yaml against skaffold's published JSON schema (v4beta14, vendored in schemas/) and
// against the rest of the repository: the deployables of the topology, the kustomize overlays,
// the gateway's Service and the ops tool's smoke command.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parseAllDocuments } from 'yaml';
import { DEPLOYABLES } from '@loanflow/launcher';

const root = path.resolve(__dirname, '../..');
const skaffoldFile = path.join(root, 'skaffold.yaml');
const schemaFile = path.join(__dirname, 'schemas/skaffold-v4beta14.json');

/** The parts of a skaffold config this test reads; the schema checks the rest. */
interface DockerArtifact {
  dockerfile?: string;
  target?: string;
}
interface Artifact {
  image: string;
  context?: string;
  docker?: DockerArtifact;
}
interface PortForward {
  resourceType?: string;
  resourceName?: string;
  namespace?: string;
  port?: number | string;
  localPort?: number;
}
interface VerifyTestCase {
  name: string;
  container: { name: string; image: string; command?: string[]; args?: string[] };
  executionMode?: { kubernetesCluster?: { overrides?: string }; local?: object };
}
interface Pipeline {
  build?: { artifacts?: Artifact[] };
  manifests?: { kustomize?: { paths?: string[] } };
  deploy?: { kubectl?: { defaultNamespace?: string } };
  portForward?: PortForward[];
  verify?: VerifyTestCase[];
}
interface Profile extends Pipeline {
  name: string;
  activation?: { command?: string; env?: string; kubeContext?: string }[];
  patches?: { op?: string; path: string; value?: unknown }[];
}
interface SkaffoldConfig extends Pipeline {
  apiVersion: string;
  kind: string;
  profiles?: Profile[];
}

/** Every YAML document of a file as plain data; a syntax error fails with its message. */
function documentsOf(text: string, file: string): unknown[] {
  return parseAllDocuments(text).map((doc, index) => {
    if (doc.errors.length > 0) {
      throw new Error(`${file} document ${index}: ${doc.errors.map((e) => e.message).join('; ')}`);
    }
    return doc.toJS() as unknown;
  });
}

function compileSchema(): ValidateFunction {
  // Draft-07 is the schema's $schema. strict: false because it carries skaffold's own
  // annotation keywords (preferredOrder, x-intellij-html-description in the original).
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);
}

const validate = compileSchema();
const errorsOf = (config: unknown): string[] =>
  validate(config)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);

const skaffoldDocuments = documentsOf(readFileSync(skaffoldFile, 'utf8'), 'skaffold.yaml');
// The test reads one config: if the file ever holds several (modules), this must be extended.
const config = skaffoldDocuments[0] as SkaffoldConfig;
const profile = (name: string): Profile => {
  const found = config.profiles?.find((p) => p.name === name);
  if (!found) throw new Error(`skaffold.yaml has no profile named ${name}`);
  return found;
};
const copy = (): SkaffoldConfig => structuredClone(config);
const artifacts = config.build?.artifacts ?? [];

const SMOKE_COMMAND = [
  'node',
  'packages/ops/dist/main.js',
  'smoke',
  '--gateway',
  'http://loanflow-gateway:8080',
];
const NAMESPACE = 'loanflow';
const IMAGES = [...DEPLOYABLES.map((d) => d.name), 'ops'];

describe('skaffold.yaml against the published schema skaffold/v4beta14', () => {
  test('the vendored schema names its source and is draft-07', () => {
    const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.$comment).toMatch(/GoogleContainerTools\/skaffold/);
    expect(schema.$comment).toMatch(/docs-v2\/content\/en\/schemas\/v4beta14\.json/);
    expect(schema.$comment).toMatch(/[0-9a-f]{40}/);
    expect(schema.$comment).toMatch(/Apache License 2\.0/);
  });

  test('every document of the file is valid', () => {
    expect(skaffoldDocuments).toHaveLength(1);
    for (const document of skaffoldDocuments) expect(errorsOf(document)).toEqual([]);
  });

  test('apiVersion is skaffold/v4beta14, kind Config', () => {
    expect(config.apiVersion).toBe('skaffold/v4beta14');
    expect(config.kind).toBe('Config');
  });

  // The negative cases prove the validator is strict where skaffold is: each is a copy of the
  // real file with one realistic mistake.
  test('rejects an unknown key under build.artifacts[]', () => {
    const wrong = copy();
    // A Dockerfile target written at the artifact's level instead of under docker:.
    Object.assign(wrong.build!.artifacts![0], { target: 'identity' });
    expect(errorsOf(wrong).length).toBeGreaterThan(0);
  });

  test('rejects a misspelled top-level key', () => {
    const wrong = copy() as unknown as Record<string, unknown>;
    wrong.profile = wrong.profiles;
    delete wrong.profiles;
    expect(errorsOf(wrong)).toContain('/ must NOT have additional properties');
  });

  test('rejects an unknown key under docker:, an artifact without image, a wrong enum, a port of the wrong type', () => {
    const unknownDockerKey = copy();
    Object.assign(unknownDockerKey.build!.artifacts![0].docker!, { buildTarget: 'identity' });
    expect(errorsOf(unknownDockerKey).length).toBeGreaterThan(0);

    const noImage = copy();
    delete (noImage.build!.artifacts![1] as Partial<Artifact>).image;
    expect(errorsOf(noImage)).toContain("/build/artifacts/1 must have required property 'image'");

    const wrongVariant = copy();
    Object.assign(wrongVariant.build!, { tagPolicy: { gitCommit: { variant: 'Commit' } } });
    expect(errorsOf(wrongVariant)).toContain(
      '/build/tagPolicy/gitCommit/variant must be equal to one of the allowed values',
    );

    const wrongPort = copy();
    const devCopy = wrongPort.profiles!.find((p) => p.name === 'dev')!;
    devCopy.portForward![0].port = true as unknown as number;
    expect(errorsOf(wrongPort).length).toBeGreaterThan(0);

    const unknownProfileKey = copy();
    Object.assign(unknownProfileKey.profiles![0], { activations: [{ command: 'dev' }] });
    expect(errorsOf(unknownProfileKey).length).toBeGreaterThan(0);
  });

  test('the schema itself does not pin apiVersion (any string), so this test checks it', () => {
    const other = copy();
    other.apiVersion = 'skaffold/v9';
    expect(errorsOf(other)).toEqual([]);
    const missing = copy() as Partial<SkaffoldConfig>;
    delete missing.apiVersion;
    expect(errorsOf(missing)).toContain("/ must have required property 'apiVersion'");
  });
});

describe('skaffold.yaml against the repository', () => {
  test('one artifact per deployable of the topology, plus ops, each its own Dockerfile target', () => {
    expect(artifacts.map((a) => a.image).sort()).toEqual(IMAGES.map((n) => `loanflow/${n}`).sort());
    for (const name of IMAGES) {
      const artifact = artifacts.find((a) => a.image === `loanflow/${name}`);
      expect({
        image: artifact?.image,
        context: artifact?.context,
        docker: artifact?.docker,
      }).toEqual({
        image: `loanflow/${name}`,
        context: '.',
        docker: { dockerfile: 'Dockerfile', target: name },
      });
    }
  });

  test('dev (the top level) renders deploy/overlays/dev, prod renders deploy/overlays/prod', () => {
    expect(config.manifests?.kustomize?.paths).toEqual(['deploy/overlays/dev']);
    expect(profile('prod').manifests?.kustomize?.paths).toEqual(['deploy/overlays/prod']);
  });

  test('the dev profile is active for `skaffold dev` and port-forwards the gateway to local 8080', () => {
    const dev = profile('dev');
    expect(dev.activation).toContainEqual({ command: 'dev' });
    const forwards = dev.portForward ?? [];
    expect(forwards).toContainEqual({
      resourceType: 'service',
      resourceName: 'loanflow-gateway',
      namespace: NAMESPACE,
      port: 8080,
      localPort: 8080,
    });
    // The gateway's port in the topology is the one forwarded.
    expect(DEPLOYABLES.find((d) => d.name === 'gateway')?.port).toBe(8080);
  });

  test('a verify step runs the ops smoke command in the cluster, in the application namespace', () => {
    const smoke = (config.verify ?? []).find((v) => v.container.image === 'loanflow/ops');
    expect(smoke).toBeDefined();
    expect([...(smoke!.container.command ?? []), ...(smoke!.container.args ?? [])]).toEqual(
      SMOKE_COMMAND,
    );
    const overrides = smoke!.executionMode?.kubernetesCluster?.overrides;
    expect(overrides).toBeDefined();
    const job = JSON.parse(overrides!) as { metadata?: { namespace?: string } };
    expect(job.metadata?.namespace).toBe(NAMESPACE);
    expect(config.deploy?.kubectl?.defaultNamespace).toBe(NAMESPACE);
  });

  test('prod removes the verify step (it needs the demo users only dev seeds)', () => {
    expect(profile('prod').patches).toContainEqual({ op: 'remove', path: '/verify' });
  });
});

describe('skaffold.yaml against the kustomize overlays', () => {
  const overlays = [
    ...(config.manifests?.kustomize?.paths ?? []),
    ...(config.profiles ?? []).flatMap((p) => p.manifests?.kustomize?.paths ?? []),
  ];

  test('every kustomize path is a directory with a kustomization', () => {
    for (const overlay of overlays) {
      const dir = path.join(root, overlay);
      expect({ overlay, isDirectory: existsSync(dir) && statSync(dir).isDirectory() }).toEqual({
        overlay,
        isDirectory: true,
      });
      expect({
        overlay,
        kustomization: existsSync(path.join(dir, 'kustomization.yaml')),
      }).toEqual({
        overlay,
        kustomization: true,
      });
    }
  });

  interface K8sObject {
    kind?: string;
    metadata?: { name?: string; namespace?: string };
    spec?: {
      ports?: { name?: string; port?: number }[];
      template?: { spec?: { containers?: { image?: string }[] } };
      jobTemplate?: { spec?: { template?: { spec?: { containers?: { image?: string }[] } } } };
    };
  }
  const render = (overlay: string): K8sObject[] =>
    documentsOf(
      execFileSync('kubectl', ['kustomize', path.join(root, overlay)], {
        encoding: 'utf8',
        timeout: 120_000,
        maxBuffer: 64 * 1024 * 1024,
      }),
      overlay,
    ).filter((o): o is K8sObject => o !== null && typeof o === 'object');

  test('each overlay has the gateway Service skaffold forwards to and uses the images it builds', () => {
    const built = new Set(artifacts.map((a) => a.image));
    for (const overlay of overlays) {
      const objects = render(overlay);
      const gateway = objects.find(
        (o) => o.kind === 'Service' && o.metadata?.name === 'loanflow-gateway',
      );
      expect({ overlay, gateway: gateway !== undefined }).toEqual({ overlay, gateway: true });
      expect(gateway!.spec?.ports).toContainEqual(
        expect.objectContaining({ name: 'http', port: 8080 }),
      );
      // kubectl's defaultNamespace applies where the overlay sets none.
      expect({ overlay, namespace: gateway!.metadata?.namespace ?? NAMESPACE }).toEqual({
        overlay,
        namespace: NAMESPACE,
      });

      // skaffold replaces an image in the manifests only where its name is an artifact's.
      const images = objects.flatMap((o) => [
        ...(o.spec?.template?.spec?.containers ?? []),
        ...(o.spec?.jobTemplate?.spec?.template?.spec?.containers ?? []),
      ]);
      const ours = images
        .map((c) => (c.image ?? '').replace(/[:@].*$/, ''))
        .filter((image) => image.startsWith('loanflow/'));
      for (const image of ours)
        expect({ overlay, image, built: built.has(image) }).toEqual({
          overlay,
          image,
          built: true,
        });
      for (const d of DEPLOYABLES) {
        expect({
          overlay,
          image: `loanflow/${d.name}`,
          used: ours.includes(`loanflow/${d.name}`),
        }).toEqual({
          overlay,
          image: `loanflow/${d.name}`,
          used: true,
        });
      }
    }
  });
});
