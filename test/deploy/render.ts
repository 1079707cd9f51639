// Renders deploy/ with `kubectl kustomize` (kustomize v5.5 here) the way an operator would apply
// it: every overlay alone and with every combination of the opt-in components it does not
// already include.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse, parseAllDocuments } from 'yaml';

const execFileAsync = promisify(execFile);

export const DEPLOY_DIR = resolve(__dirname, '../../deploy');
export const OVERLAYS = ['dev', 'prod'] as const;
export const COMPONENTS = ['network-policies', 'keda', 'observability', 'infra-dev'] as const;
export type Overlay = (typeof OVERLAYS)[number];
export type Component = (typeof COMPONENTS)[number];

/** A rendered Kubernetes object, as loosely typed as YAML gives it. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  // Everything below metadata is read through the helpers in policy.ts.
  [field: string]: unknown;
}

export interface Rendering {
  /** e.g. "prod + keda + network-policies" */
  name: string;
  overlay: Overlay | 'base';
  components: readonly Component[];
  objects: K8sObject[];
}

/** The output of `kubectl kustomize <dir>`, one object per YAML document. */
export async function renderDirectory(dir: string): Promise<K8sObject[]> {
  const { stdout: out } = await execFileAsync('kubectl', ['kustomize', dir], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return parseAllDocuments(out).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${dir}: ${doc.errors[0]!.message}`);
    return doc.toJS() as K8sObject;
  });
}

const overlayKustomization = (overlay: Overlay) =>
  parse(readFileSync(join(DEPLOY_DIR, 'overlays', overlay, 'kustomization.yaml'), 'utf8')) as {
    namespace: string;
    components?: string[];
  };

/** The components an overlay's own kustomization.yaml already lists. */
export function includedComponents(overlay: Overlay): Component[] {
  return (overlayKustomization(overlay).components ?? []).map((c) => basename(c) as Component);
}

function subsets<T>(items: readonly T[]): T[][] {
  return items.reduce<T[][]>((all, item) => [...all, ...all.map((s) => [...s, item])], [[]]);
}

/**
 * An overlay with extra components: a throw-away kustomization that takes the overlay as its
 * resource (kustomize wants paths relative to the kustomization, never absolute) and keeps its
 * namespace, as deploy/README.md tells operators to: without it the components' objects land
 * outside the namespace and their generated ConfigMaps are not found by the overlay's pods.
 */
async function renderWith(
  overlay: Overlay,
  components: readonly Component[],
): Promise<K8sObject[]> {
  const overlayDir = join(DEPLOY_DIR, 'overlays', overlay);
  if (components.length === 0) return renderDirectory(overlayDir);
  const dir = mkdtempSync(join(tmpdir(), 'loanflow-kustomize-'));
  try {
    const rel = (p: string) => relative(dir, p);
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        `namespace: ${overlayKustomization(overlay).namespace}`,
        `resources: [${rel(overlayDir)}]`,
        `components: [${components.map((c) => rel(join(DEPLOY_DIR, 'components', c))).join(', ')}]`,
        '',
      ].join('\n'),
    );
    return await renderDirectory(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Combination {
  name: string;
  overlay: Overlay | 'base';
  /** The components beside the overlay's own. */
  extra: readonly Component[];
  components: readonly Component[];
}

/** The base, then every overlay with every subset of the components it does not include. */
export function combinations(): Combination[] {
  const out: Combination[] = [{ name: 'base', overlay: 'base', extra: [], components: [] }];
  for (const overlay of OVERLAYS) {
    const included = includedComponents(overlay);
    const optional = COMPONENTS.filter((c) => !included.includes(c));
    for (const extra of subsets(optional)) {
      out.push({
        name: [overlay, ...extra].join(' + '),
        overlay,
        extra,
        components: [...included, ...extra],
      });
    }
  }
  return out;
}

/** Every file under deploy/ and this one: a cached rendering serves only the same manifests. */
function fingerprint(): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else hash.update(relative(DEPLOY_DIR, path)).update('\0').update(readFileSync(path));
    }
  };
  walk(DEPLOY_DIR);
  // And how it is rendered.
  hash.update(readFileSync(__filename));
  return hash.digest('hex').slice(0, 16);
}

/**
 * Every combination rendered, in parallel (kubectl waits mostly on a busy CPU, not on itself), and
 * kept in the temporary folder under a hash of deploy/ so the other test files of the run reuse
 * it; any change to deploy/ renders afresh.
 */
export async function renderings(): Promise<Rendering[]> {
  const cacheFile = join(tmpdir(), `loanflow-kustomize-${fingerprint()}.json`);
  if (existsSync(cacheFile)) return JSON.parse(readFileSync(cacheFile, 'utf8')) as Rendering[];
  const out = await Promise.all(
    combinations().map(async (c) => ({
      name: c.name,
      overlay: c.overlay,
      components: c.components,
      objects:
        c.overlay === 'base'
          ? await renderDirectory(join(DEPLOY_DIR, 'base'))
          : await renderWith(c.overlay, c.extra),
    })),
  );
  const partial = `${cacheFile}.${process.pid}`;
  writeFileSync(partial, JSON.stringify(out));
  renameSync(partial, cacheFile);
  return out;
}
