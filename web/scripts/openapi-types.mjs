// The workbench's API types, made from the gateway's OpenAPI document at every build, so that the
// client cannot drift from the API: a renamed field or a removed route fails the web build.
import { execFileSync } from 'node:child_process';
import process from 'node:process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const here = dirname(fileURLToPath(import.meta.url));
const dump = join(here, '..', '..', 'gateway', 'dist', 'openapi-dump.js');
const document = JSON.parse(execFileSync(process.execPath, [dump], { maxBuffer: 64 << 20 }));
const ast = await openapiTS(document);
const out = join(here, '..', 'src', 'api', 'schema.d.ts');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  `// Generated from the gateway's OpenAPI document by web/scripts/openapi-types.mjs. Do not edit.\n${astToString(ast)}`,
);
process.stdout.write(
  `web: API types for ${Object.keys(document.paths).length} paths → src/api/schema.d.ts\n`,
);
