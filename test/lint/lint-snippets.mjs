// Lints snippets of code as if they were files at given paths, with the repository's own ESLint
// configuration: reads [{ code, filePath }] as JSON on stdin, writes the messages of each as JSON.
// A separate process because ESLint loads eslint.config.mjs with import(), which jest's module
// sandbox refuses without --experimental-vm-modules.
import { ESLint } from 'eslint';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const cwd = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let input = '';
for await (const chunk of process.stdin) input += chunk;
const eslint = new ESLint({ cwd });
const out = [];
for (const { code, filePath } of JSON.parse(input)) {
  const [result] = await eslint.lintText(code, { filePath: join(cwd, filePath) });
  out.push(
    (result?.messages ?? []).map(({ ruleId, message, line }) => ({ ruleId, message, line })),
  );
}
process.stdout.write(JSON.stringify(out));
