// What a process definition may look like before an XML parser is let near it: a drawn process
// nests a handful of elements deep, and needs no document type (whose entities could expand).

/** Far deeper than any drawn process (the bank's chain nests 5 deep); parsers recurse per level. */
export const MAX_NESTING = 100;

/** Why the document is refused before parsing, or null. */
export function xmlShapeProblem(xml: string): string | null {
  if (/<!DOCTYPE/i.test(xml)) return 'must not contain a document type declaration (DOCTYPE)';
  let depth = 0;
  // Comments, CDATA and processing instructions hold no elements; skip them whole.
  const tags =
    /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<(\/?)[^\s>/!?][^>]*?(\/?)>/g;
  for (const tag of xml.matchAll(tags)) {
    if (tag[1] === undefined) continue;
    if (tag[1] === '/') depth -= 1;
    else if (tag[2] !== '/') {
      depth += 1;
      if (depth > MAX_NESTING) return `must not nest elements more than ${MAX_NESTING} deep`;
    }
  }
  return null;
}
