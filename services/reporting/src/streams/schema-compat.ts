// Whether a new JSON Schema of a report topic's value is compatible with the published one of the
// same major version: consumers written against the old one must read every new record. Within a
// version a field may be added (optional), never removed, retyped or newly required; anything
// else needs a new `vN` topic.

type Schema = Record<string, unknown>;

export interface Incompatibility {
  /** JSON path of the field, e.g. `accruedToday.normal`. */
  field: string;
  reason: string;
}

const typesOf = (s: Schema): string[] => {
  const t = s.type;
  if (t === undefined) return [];
  return (Array.isArray(t) ? t : [t]).map(String).sort();
};

const props = (s: Schema): Record<string, Schema> =>
  (s.properties as Record<string, Schema> | undefined) ?? {};
const required = (s: Schema): string[] => (s.required as string[] | undefined) ?? [];

function compare(before: Schema, after: Schema, path: string, out: Incompatibility[]): void {
  const at = (name: string) => (path ? `${path}.${name}` : name);
  const [tb, ta] = [typesOf(before), typesOf(after)];
  // A type may widen (string → string|null), never lose a type records used to have.
  const lost = tb.filter((t) => !ta.includes(t) && !(t === 'integer' && ta.includes('number')));
  if (ta.length > 0 && lost.length > 0) {
    out.push({ field: path || '(value)', reason: `retyped: ${tb.join('|')} → ${ta.join('|')}` });
    return;
  }
  for (const key of ['format', 'pattern'] as const) {
    if (after[key] !== undefined && after[key] !== before[key])
      out.push({
        field: path || '(value)',
        reason: `${key} changed: ${String(before[key])} → ${String(after[key])}`,
      });
  }
  if (Array.isArray(after.enum)) {
    const allowed = new Set(after.enum as unknown[]);
    const dropped = ((before.enum as unknown[] | undefined) ?? ['(any)']).filter(
      (v) => !allowed.has(v),
    );
    if (dropped.length > 0)
      out.push({
        field: path || '(value)',
        reason: `values no longer allowed: ${dropped.join(', ')}`,
      });
  }
  if (before.additionalProperties !== false && after.additionalProperties === false)
    out.push({
      field: path || '(value)',
      reason: 'closed to new fields (additionalProperties false)',
    });
  const [pb, pa] = [props(before), props(after)];
  for (const name of Object.keys(pb)) {
    if (!(name in pa)) out.push({ field: at(name), reason: 'removed' });
    else compare(pb[name]!, pa[name]!, at(name), out);
  }
  const wasRequired = new Set(required(before));
  for (const name of required(after))
    if (!wasRequired.has(name)) out.push({ field: at(name), reason: 'newly required' });
  if (before.items && after.items)
    compare(before.items as Schema, after.items as Schema, `${path}[]`, out);
}

/** The changes from `published` to `proposed` that break a consumer of the same version. */
export function incompatibilities(published: Schema, proposed: Schema): Incompatibility[] {
  const out: Incompatibility[] = [];
  compare(published, proposed, '', out);
  return out;
}
