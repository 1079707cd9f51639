import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The import boundaries of eslint.config.mjs (issue 10 §3) on snippets placed at real paths of
 * the repository: each rule fires, with its message, on a violation, and stays quiet on the
 * clean counterpart. The snippets are linted by ESLint's Node API with the repository's config.
 */
interface Message {
  ruleId: string | null;
  message: string;
  line: number;
}
interface Case {
  name: string;
  filePath: string;
  code: string;
  /** The messages expected, in order: a rule id and a part of its message. */
  expected: Array<[string, string]>;
}

const RESTRICTED = 'no-restricted-imports';
const CROSSING = 'loanflow/no-cross-package-relative-import';
const SQL = 'no-restricted-syntax';

const cases: Case[] = [
  {
    name: 'domain/ importing pg',
    filePath: 'services/accounting/src/domain/loan/probe.ts',
    code: "import pg from 'pg';\nexport default pg;\n",
    expected: [[RESTRICTED, "'pg' import is restricted from being used. domain/ imports no pg"]],
  },
  {
    name: 'domain/ importing a type from pg',
    filePath: 'services/workflow/src/domain/probe.ts',
    code: "import type { Pool } from 'pg';\nexport type P = Pool;\n",
    expected: [[RESTRICTED, 'domain/ imports no pg: SQL lives in infra/.']],
  },
  {
    name: 'domain/ importing the generated proto code',
    filePath: 'services/applications/src/domain/probe.ts',
    code: "export { applicationsV1 } from '@loanflow/proto';\n",
    expected: [[RESTRICTED, 'domain/ imports no @loanflow/proto']],
  },
  {
    name: 'domain/ importing from infra/',
    filePath: 'services/documents/src/domain/contracts/probe.ts',
    code: "export { ObjectStore } from '../../infra/storage';\n",
    expected: [[RESTRICTED, 'domain/ imports nothing from infra/']],
  },
  {
    name: 'domain/ importing the domain and the platform',
    filePath: 'services/accounting/src/domain/loan/probe.ts',
    code: "export { parseMoney } from '../money';\nexport { isUuid } from '@loanflow/platform';\n",
    expected: [],
  },
  {
    name: 'app/ importing pg',
    filePath: 'services/documents/src/app/probe.ts',
    code: "import { Pool } from 'pg';\nexport const pool = new Pool();\n",
    expected: [[RESTRICTED, 'app/ imports no pg: use cases call repository functions in infra/.']],
  },
  {
    name: 'app/ running SQL itself',
    filePath: 'services/accounting/src/app/probe.ts',
    code:
      "import type { Queryable } from '@loanflow/platform';\n" +
      "export const loans = (db: Queryable) => db.query('SELECT * FROM loans');\n",
    expected: [
      ['no-restricted-syntax', 'app/ runs no SQL: put the statement in an infra/ repository'],
    ],
  },
  {
    name: 'app/ calling repositories in infra/ and the domain',
    filePath: 'services/documents/src/app/probe.ts',
    code: "export * from '../infra/storage';\nexport * from '../domain/files/detect';\n",
    expected: [],
  },
  {
    name: "a test reaching into another package's src/ by name",
    filePath: 'launcher/test/probe.test.ts',
    code: "export { ObjectStore } from '@loanflow/documents/src/infra/storage';\n",
    expected: [[RESTRICTED, 'not a file of its src/ or dist/']],
  },
  {
    name: "a test reaching into another package's src/ by a relative path",
    filePath: 'launcher/test/probe.test.ts',
    code: "export { ObjectStore } from '../../services/documents/src/infra/storage';\n",
    expected: [
      [
        CROSSING,
        "Relative import '../../services/documents/src/infra/storage' leaves package @loanflow/launcher for @loanflow/documents: import @loanflow/documents by its package name (what it exports), not a file of its src/ or dist/.",
      ],
    ],
  },
  {
    name: 'a relative import of the shared test support from another package',
    filePath: 'gateway/test/probe.test.ts',
    code: "export { startSystem } from '../../test/support/system';\n",
    expected: [
      [
        CROSSING,
        "leaves package @loanflow/gateway for @loanflow/test: import @loanflow/test by its package name ('@loanflow/test/support/system').",
      ],
    ],
  },
  {
    name: 'production code requiring another package by path',
    filePath: 'services/workflow/src/infra/probe.ts',
    code: "// eslint-disable-next-line @typescript-eslint/no-require-imports\nexport const m = require('../../../accounting/src/main');\n",
    expected: [[CROSSING, 'leaves package @loanflow/workflow for @loanflow/accounting']],
  },
  {
    name: 'imports by package name and relative imports inside the package',
    filePath: 'gateway/test/probe.test.ts',
    code: [
      "export { startSystem } from '@loanflow/test/support/system';",
      "export { start } from '@loanflow/documents';",
      "export { loadGatewayConfig } from '../src/config';",
      "export * from './helpers';",
      '',
    ].join('\n'),
    expected: [],
  },
];

/** Lints the snippets in a child process (ESLint loads its ESM config there). */
function lint(snippets: Array<{ code: string; filePath: string }>): Message[][] {
  const run = spawnSync(process.execPath, [join(__dirname, 'lint-snippets.mjs')], {
    input: JSON.stringify(snippets),
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (run.status !== 0) throw new Error(`linting failed: ${run.stderr || run.error?.message}`);
  return JSON.parse(run.stdout) as Message[][];
}

describe('import boundaries (eslint.config.mjs)', () => {
  let results: Message[][];
  beforeAll(() => {
    results = lint(cases.map(({ code, filePath }) => ({ code, filePath })));
  });

  it.each(cases.map((c, i) => [c.name, i] as const))('%s', (_name, i) => {
    const got = results[i].filter((m) => [RESTRICTED, CROSSING, SQL].includes(m.ruleId ?? ''));
    expect(got.map((m) => m.ruleId)).toEqual(cases[i].expected.map(([rule]) => rule));
    cases[i].expected.forEach(([, text], k) => expect(got[k].message).toContain(text));
    // Nothing else is wrong with the snippets: the rule under test is the only one that speaks.
    expect(results[i].filter((m) => !got.includes(m))).toEqual([]);
  });
});
