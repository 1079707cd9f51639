/**
 * Every response the integration and e2e suites receive through `api()` is checked against the
 * gateway's own /openapi.json: the operation must be documented for the status (or `default`),
 * with the content type, and a JSON body must match the schema. A lying document fails the test
 * that received the response.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

type Doc = {
  paths: Record<string, Record<string, Operation>>;
  components?: unknown;
};
type Operation = {
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
};

export interface CheckedResponse {
  method: string;
  /** The path as requested, with the query. */
  path: string;
  status: number;
  contentType: string | null;
  /** Parsed JSON, or text/bytes when not JSON. */
  body: unknown;
}

const API = '/api/v1';

/** Checks responses against one OpenAPI document. */
export class OpenApiChecker {
  private readonly ajv: Ajv2020;
  private readonly templates: { template: string; regex: RegExp; literal: number }[];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly doc: Doc) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addSchema(doc as object, 'openapi');
    this.templates = Object.keys(doc.paths)
      .map((template) => ({
        template,
        regex: new RegExp(
          `^${template
            .split(/(\{[^}]+\})/)
            .map((part) =>
              part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'),
            )
            .join('')}$`,
        ),
        literal: template.replace(/\{[^}]+\}/g, '').length,
      }))
      // The most literal template wins: /tasks/counts before /tasks/{id}.
      .sort((a, b) => b.literal - a.literal);
  }

  /** The problems of a response (empty when it is as documented); undefined if not an API path. */
  problems(r: CheckedResponse): string[] | undefined {
    const pathname = r.path.split('?', 1)[0]!;
    if (!pathname.startsWith(`${API}/`)) return undefined;
    let local = pathname.slice(API.length);
    try {
      local = decodeURIComponent(local);
    } catch {
      // not valid percent-encoding: matched as sent
    }
    const method = r.method.toLowerCase();
    const match = this.templates.find(
      (t) => t.regex.test(local) && this.doc.paths[t.template]![method],
    );
    if (!match) return undefined; // not a documented operation: "no route" answers, probes
    const op = this.doc.paths[match.template]![method]!;
    const status = String(r.status);
    const key = op.responses[status] ? status : op.responses.default ? 'default' : undefined;
    const where = `${r.method} ${match.template} → ${status}`;
    if (key === undefined) return [`${where}: status not documented`];
    const content = op.responses[key]!.content;
    const type = (r.contentType ?? '').split(';', 1)[0]!.trim();
    if (content === undefined) {
      return r.body === undefined || r.body === ''
        ? []
        : [`${where}: body sent but none documented`];
    }
    if (!content[type]) {
      return [
        `${where}: content type ${type || '(none)'} not documented (${Object.keys(content).join(', ')})`,
      ];
    }
    if (!type.endsWith('json')) return [];
    const pointer = ['paths', match.template, method, 'responses', key, 'content', type, 'schema']
      .map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1'))
      .join('/');
    const ref = `openapi#/${pointer}`;
    let validate = this.validators.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.validators.set(ref, validate);
    }
    if (validate(r.body)) return [];
    return (validate.errors ?? []).map(
      (e) =>
        `${where}: ${e.instancePath || '(body)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
    );
  }
}

const checkers = new Map<string, Promise<OpenApiChecker>>();

/** The checker of a running gateway (its /openapi.json, fetched once). */
export function checkerFor(baseUrl: string): Promise<OpenApiChecker> {
  let c = checkers.get(baseUrl);
  if (!c) {
    c = fetch(`${baseUrl}/openapi.json`)
      .then((res) => res.json())
      .then((doc) => new OpenApiChecker(doc as Doc));
    checkers.set(baseUrl, c);
  }
  return c;
}

/** Throws when a response is not as the gateway documents it. */
export async function assertDocumented(baseUrl: string, r: CheckedResponse): Promise<void> {
  const problems = (await checkerFor(baseUrl)).problems(r);
  if (problems && problems.length > 0) {
    throw new Error(
      `response differs from /openapi.json:\n  ${problems.slice(0, 10).join('\n  ')}\nbody: ${JSON.stringify(r.body).slice(0, 1000)}`,
    );
  }
}
