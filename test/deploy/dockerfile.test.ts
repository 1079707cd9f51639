// The Dockerfile read as data and checked against the topology: a deployable added to
// DEPLOYABLES without an image target, an entry point moved, a stage left running as root or a
// secret let into the build context fails here, without a container engine.
// (test/container/check.sh builds and runs an image for real; it needs root and the registry.)
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { DEFAULT_WEB_DIR } from '@loanflow/gateway';
import { CLOSE_DAY_ENTRY, DEPLOYABLES, METRICS_PORT, TRACING_IMPORT } from '@loanflow/launcher';

const ROOT = join(__dirname, '..', '..');

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

/** Joins continued lines, drops comments and splits the file into its stages. */
function parseDockerfile(text: string): { globalArgs: Instruction[]; stages: Stage[] } {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    const joined = (pending + line).trim();
    pending = '';
    if (joined) logical.push(joined);
  }
  const globalArgs: Instruction[] = [];
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword, args] = /^(\S+)\s*(.*)$/.exec(line)!;
    const instruction = { keyword: keyword.toUpperCase(), args };
    if (instruction.keyword === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!from) throw new Error(`FROM: cannot read "${args}"`);
      stages.push({ name: from[2] ?? `#${stages.length}`, from: from[1], instructions: [] });
    } else if (stages.length === 0) {
      globalArgs.push(instruction);
    } else {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  return { globalArgs, stages };
}

const { globalArgs, stages } = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const stage = (name: string): Stage => {
  const found = stages.find((s) => s.name === name);
  if (!found) throw new Error(`the Dockerfile has no stage (build target) named ${name}`);
  return found;
};
/** A stage and the stages it is built FROM, nearest first: what the image inherits. */
const lineage = (name: string): Stage[] => {
  const chain: Stage[] = [];
  for (let s: Stage | undefined = stage(name); s; s = stages.find((x) => x.name === s!.from)) {
    chain.push(s);
  }
  return chain;
};
/** The value an image ends up with: the last such instruction along its lineage. */
const last = (name: string, keyword: string): string | undefined =>
  lineage(name)
    .flatMap((s) => s.instructions.filter((i) => i.keyword === keyword).reverse())
    .map((i) => i.args)[0];
const all = (name: string, keyword: string): string[] =>
  lineage(name).flatMap((s) =>
    s.instructions.filter((i) => i.keyword === keyword).map((i) => i.args),
  );
const json = (args: string | undefined): unknown =>
  args === undefined ? undefined : JSON.parse(args);

/** The workspace folder of an entry point: services/accounting/dist/main.js → services/accounting. */
const workspaceOf = (entry: string) => entry.slice(0, entry.indexOf('/dist/'));
const rootManifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  workspaces: string[];
};
const TARGETS = [...DEPLOYABLES.map((d) => d.name), 'ops'];

describe('Dockerfile', () => {
  it('takes every base from NODE_IMAGE (default node:20-bookworm-slim), a stage of its own or scratch', () => {
    expect(globalArgs).toContainEqual({ keyword: 'ARG', args: 'NODE_IMAGE=node:20-bookworm-slim' });
    const names = new Set(stages.map((s) => s.name));
    for (const s of stages) {
      expect([s.name, ['${NODE_IMAGE}', 'scratch'].includes(s.from) || names.has(s.from)]).toEqual([
        s.name,
        true,
      ]);
    }
    expect(stages.filter((s) => s.from === '${NODE_IMAGE}').length).toBeGreaterThanOrEqual(2);
  });

  it('copies the manifest of every workspace before npm ci, which checks the lockfile against them', () => {
    const copies = stage('manifests').instructions.filter((i) => i.keyword === 'COPY');
    const copied = copies.flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    expect(copied).toEqual(expect.arrayContaining(['package.json', 'package-lock.json']));
    for (const ws of rootManifest.workspaces) expect(copied).toContain(`${ws}/package.json`);
  });

  it('builds with the dev dependencies: npm ci, the protos, then tsc -b of every deployed workspace', () => {
    const runs = all('build', 'RUN');
    expect(runs).toContainEqual(expect.stringMatching(/^npm ci(\s|$)/));
    expect(runs.join(' ')).not.toMatch(/--omit=dev/);
    const compile = runs.find((r) => r.includes('tsc -b'));
    expect(compile).toMatch(/npm run proto && npx tsc -b /);
    const projects = compile!.split('tsc -b ')[1].split(' && ')[0].trim().split(/\s+/);
    const deployed = [...DEPLOYABLES.map((d) => workspaceOf(d.entry)), 'packages/ops'];
    expect(projects).toEqual(expect.arrayContaining(deployed));
    // Compiled tests never reach an image.
    expect(compile).toMatch(/-name '\*\.test\.\*'.*-delete/);
  });

  it.each(DEPLOYABLES.map((d) => [d.name, d] as const))(
    '%s: a target that runs its entry point with OpenTelemetry --import-ed first',
    (name, d) => {
      expect(json(last(name, 'CMD'))).toEqual(['node', '--import', `./${TRACING_IMPORT}`, d.entry]);
      expect(all(name, 'EXPOSE').join(' ').split(/\s+/)).toEqual(
        expect.arrayContaining([String(d.port), String(METRICS_PORT)]),
      );
    },
  );

  it.each(TARGETS.map((t) => [t]))(
    '%s: non-root (10001), tini as PID 1, only its own production dependencies',
    (name) => {
      expect(stage(name).instructions.map((i) => i.keyword)).toContain('USER');
      expect(last(name, 'USER')).toMatch(/^10001(:10001)?$/);
      expect(json(last(name, 'ENTRYPOINT'))).toEqual(['/usr/bin/tini', '--']);
      expect(all(name, 'RUN').join('\n')).toMatch(
        /apt-get install -y --no-install-recommends tini/,
      );
      const workspace =
        name === 'ops'
          ? 'packages/ops'
          : workspaceOf(DEPLOYABLES.find((d) => d.name === name)!.entry);
      const installs = all(name, 'RUN').filter((r) => r.includes('npm ci'));
      expect(installs).toEqual([expect.stringContaining(`--omit=dev`)]);
      expect(installs[0]).toMatch(new RegExp(`--workspace ${workspace}( |$)`));
      // USER comes after the install: the files stay root-owned and read-only to the service.
      const own = stage(name).instructions.map((i) => i.keyword);
      expect(own.lastIndexOf('USER')).toBeGreaterThan(own.findIndex((k) => k === 'RUN'));
    },
  );

  it.each(DEPLOYABLES.map((d) => [d.name, d] as const))(
    '%s: its compiled code and every folder it reads at run time, nothing else from the build',
    (name, d) => {
      const workspace = workspaceOf(d.entry);
      const fromBuild = all(name, 'COPY')
        .filter((c) => c.startsWith('--from=build '))
        .map((c) => c.split(/\s+/)[1]);
      const expected = ['dist', 'migrations', 'schemas', 'processes']
        .filter((f) => f === 'dist' || existsSync(join(ROOT, workspace, f)))
        .map((f) => `/app/${workspace}/${f}`);
      // The gateway serves the built workbench.
      if (name === 'gateway') expected.push('/app/web/dist');
      expect(fromBuild.sort()).toEqual(expected.sort());
      // The shared platform (its migrations included) comes with every service.
      expect(all(name, 'COPY')).toContain('--from=platform /app ./');
    },
  );

  it('gathers the shared platform: proto and platform dist, the outbox/inbox migrations', () => {
    const copies = stage('platform').instructions.filter((i) => i.keyword === 'COPY');
    expect(copies.map((c) => c.args.split(/\s+/)[1]).sort()).toEqual([
      '/app/packages/platform/dist',
      '/app/packages/platform/migrations',
      '/app/packages/proto/dist',
    ]);
    expect(existsSync(join(ROOT, 'packages/platform/migrations'))).toBe(true);
  });

  it('builds the workbench after the gateway (its API types come from the gateway) and puts it where the gateway looks', () => {
    const runs = all('build', 'RUN').join(' && ');
    expect(runs.indexOf('npm run build --workspace web')).toBeGreaterThan(runs.indexOf('tsc -b'));
    const copy = all('gateway', 'COPY').find((c) => c.includes('/app/web/dist'));
    expect(copy?.split(/\s+/)[2]).toBe('web/dist');
    // gateway/dist/http/workbench.js looks in ../../../web/dist: /app/web/dist in the image.
    expect(relative(join(ROOT, 'gateway/dist/http'), DEFAULT_WEB_DIR)).toBe('../../../web/dist');
  });

  it("the accounting image holds the end-of-day CronJob's entry point", () => {
    const copied = all('accounting', 'COPY').map((c) => c.split(/\s+/)[2]);
    expect(copied).toContain(dirname(CLOSE_DAY_ENTRY));
  });
});

/**
 * .dockerignore as Docker reads it, enough for these paths: `**` any folders, `*` within one
 * name, a folder excluded with everything in it, `!` re-includes, the last matching line wins.
 */
function ignored(patterns: string[], path: string): boolean {
  const wildcard: Record<string, string> = { '**/': '(?:.*/)?', '*': '[^/]*', '?': '[^/]' };
  const toRegExp = (p: string) =>
    new RegExp(
      `^${p
        .split(/(\*\*\/|\*|\?)/)
        .map((part) => wildcard[part] ?? part.replace(/[.+^$()|[\]{}\\]/g, '\\$&'))
        .join('')}$`,
    );
  const parts = path.split('/');
  const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let excluded = false;
  for (const line of patterns) {
    const negated = line.startsWith('!');
    const re = toRegExp(negated ? line.slice(1) : line);
    if (prefixes.some((p) => re.test(p))) excluded = !negated;
  }
  return excluded;
}

describe('.dockerignore', () => {
  const patterns = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

  it.each([
    'node_modules/pg/package.json',
    'services/documents/node_modules/sharp/package.json',
    '.git/HEAD',
    '.data/postgres/PG_VERSION',
    'launcher/.data/keys.json',
    'services/accounting/dist/main.js',
    'test/dist/e2e/flow.test.js',
    'packages/proto/src/gen/loanflow/accounting/v1/accounting.ts',
    '.env',
    'gateway/.env.local',
    'keys/jwt-private.pem',
    'launcher/keys.json',
    'launcher/src/compose.ts',
    'test/e2e/flow.test.ts',
    'services/accounting/test/eod.test.ts',
    'services/accounting/src/domain/money.test.ts',
  ])('leaves out %s', (path) => {
    expect(ignored(patterns, path)).toBe(true);
  });

  it.each([
    'package.json',
    'package-lock.json',
    'tsconfig.base.json',
    'proto/buf.gen.yaml',
    'proto/loanflow/accounting/v1/accounting.proto',
    'services/accounting/src/main.ts',
    'services/accounting/migrations/001_loans_ledger.sql',
    'services/reporting/schemas/loans.daily.v1.json',
    'services/workflow/processes/credit-approval.bpmn',
    'packages/platform/migrations/001_outbox_inbox.sql',
    'launcher/package.json',
    'test/package.json',
  ])('lets in %s', (path) => {
    expect(ignored(patterns, path)).toBe(false);
  });
});
