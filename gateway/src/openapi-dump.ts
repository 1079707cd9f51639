/**
 * Prints the gateway's OpenAPI document without starting anything: the workbench's build turns
 * it into its API types (web/scripts/openapi-types.mjs), so the client cannot drift from the API.
 * The route declarations only touch their dependencies when a request comes, so none are given.
 */
import { writeFileSync } from 'node:fs';
import { apiDocument } from './http/api/document';
import { allRoutes, type RouteDeps } from './http/routes/index';

/** Any property of it is itself; calling it fails (no handler runs while the document is made). */
function unused(path: string): unknown {
  return new Proxy(() => undefined, {
    get: (_target, name) => unused(`${path}.${String(name)}`),
    apply: () => {
      throw new Error(`the document calls nothing (${path})`);
    },
  });
}
const json = `${JSON.stringify(apiDocument(allRoutes(unused('deps') as RouteDeps)), null, 2)}\n`;
const out = process.argv[2];
if (out) writeFileSync(out, json);
else process.stdout.write(json);
