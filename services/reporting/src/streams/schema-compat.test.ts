import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOGUE, SCHEMAS_DIR, schemaOf } from './catalogue';
import { incompatibilities } from './schema-compat';

interface Field {
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: string[];
  required?: string[];
  properties?: Record<string, Field>;
}
interface Doc {
  type: string;
  additionalProperties: boolean;
  required: string[];
  properties: Record<string, Field>;
}

const base: Doc = {
  type: 'object',
  additionalProperties: true,
  required: ['id', 'amount'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    amount: { type: 'string', pattern: '^[0-9]+\\.[0-9]{2}$' },
    note: { type: ['string', 'null'] },
    count: { type: 'integer' },
    tier: { type: 'string', enum: ['normal', 'loss'] },
    nested: {
      type: 'object',
      required: ['a'],
      properties: { a: { type: 'string' }, b: { type: 'integer' } },
    },
  },
};
const changed = (edit: (s: Doc) => void) => {
  const copy = JSON.parse(JSON.stringify(base)) as Doc;
  edit(copy);
  return incompatibilities(
    base as unknown as Record<string, unknown>,
    copy as unknown as Record<string, unknown>,
  );
};

describe('schema compatibility within a version', () => {
  it('accepts the same schema, a new optional field, a widened type, a new enum value', () => {
    expect(changed(() => undefined)).toEqual([]);
    expect(changed((s) => (s.properties.extra = { type: 'string' }))).toEqual([]);
    expect(changed((s) => (s.properties.count!.type = ['integer', 'null']))).toEqual([]);
    expect(changed((s) => s.properties.tier!.enum!.push('doubtful'))).toEqual([]);
    expect(changed((s) => (s.properties.count!.type = 'number'))).toEqual([]);
    expect(changed((s) => (s.required = ['id']))).toEqual([]);
  });

  it('refuses a removed field, also nested', () => {
    expect(changed((s) => delete s.properties.note)).toEqual([
      { field: 'note', reason: 'removed' },
    ]);
    expect(changed((s) => delete s.properties.nested!.properties!.b)).toEqual([
      { field: 'nested.b', reason: 'removed' },
    ]);
  });

  it('refuses a retyped field, a narrowed type, a changed format or pattern', () => {
    expect(changed((s) => (s.properties.amount!.type = 'number'))).toEqual([
      { field: 'amount', reason: 'retyped: string → number' },
    ]);
    expect(changed((s) => (s.properties.note!.type = 'string'))).toEqual([
      { field: 'note', reason: 'retyped: null|string → string' },
    ]);
    expect(changed((s) => (s.properties.id!.format = 'date'))).toEqual([
      { field: 'id', reason: 'format changed: uuid → date' },
    ]);
    expect(changed((s) => (s.properties.amount!.pattern = '^[0-9]+$'))).toHaveLength(1);
  });

  it('refuses a newly required field, a dropped enum value, a closed object', () => {
    expect(changed((s) => s.required.push('note'))).toEqual([
      { field: 'note', reason: 'newly required' },
    ]);
    expect(changed((s) => s.properties.nested!.required!.push('b'))).toEqual([
      { field: 'nested.b', reason: 'newly required' },
    ]);
    expect(changed((s) => (s.properties.tier!.enum = ['normal']))).toEqual([
      { field: 'tier', reason: 'values no longer allowed: loss' },
    ]);
    expect(changed((s) => (s.additionalProperties = false))).toEqual([
      { field: '(value)', reason: 'closed to new fields (additionalProperties false)' },
    ]);
  });

  // The gate: a schema in the repository that broke its published baseline fails here; the fix
  // is a new `vN` topic (a new schema file and catalogue entry), never an edit within v1.
  it.each(CATALOGUE.map((t) => [`${t.subject}.v${t.version}`, t] as const))(
    '%s is compatible with its committed baseline',
    (_name, spec) => {
      const file = join(SCHEMAS_DIR, 'baseline', `${spec.subject}.v${spec.version}.json`);
      const baseline = JSON.parse(readFileSync(file, 'utf8'));
      expect(incompatibilities(baseline, schemaOf(spec))).toEqual([]);
    },
  );

  it('has a baseline for every schema and a schema for every catalogue topic', () => {
    const schemas = readdirSync(SCHEMAS_DIR).filter((f) => f.endsWith('.json'));
    const baselines = readdirSync(join(SCHEMAS_DIR, 'baseline'));
    expect(schemas.sort()).toEqual(baselines.sort());
    expect(schemas.sort()).toEqual(CATALOGUE.map((t) => `${t.subject}.v${t.version}.json`).sort());
  });
});
