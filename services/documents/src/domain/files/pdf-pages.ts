import { constants } from 'node:buffer';
import { inflateSync } from 'node:zlib';

/**
 * Page counting for PDFs without a full PDF library and without trusting the cross-reference table
 * (often broken in scanner output): the file is scanned for `N G obj` objects, skipping stream data.
 *
 * 1. The catalog (`/Root` of the last trailer or cross-reference stream) → its `/Pages` object → `/Count`.
 * 2. Otherwise the objects whose own dictionary says `/Type /Page` (not `/Pages`) are counted.
 *
 * Objects inside compressed object streams (`/Type /ObjStm`, PDF 1.5+, what Word and most scanners
 * write) are read too when the stream is unfiltered or `/FlateDecode` (inflated with a size cap). When the
 * answer may depend on a stream that cannot be read the result is `undefined` rather than a guess.
 */

/** Inflated bytes of all object streams of one file, at most. */
const MAX_INFLATED = 64 * 1024 * 1024;

type PdfValue =
  | { kind: 'int'; value: number }
  | { kind: 'name'; value: string }
  | { kind: 'ref'; num: number; gen: number }
  | { kind: 'dict'; entries: Map<string, PdfValue> }
  | { kind: 'other' };

interface PdfObject {
  num: number;
  gen: number;
  value: PdfValue;
}

interface Parsed<T> {
  value: T;
  end: number;
}

const MAX_DEPTH = 32;

/** Thrown when parsing a hostile file would take more than linear time; the count is then unknown. */
class WorkBudgetExceeded extends Error {}

function isWhite(c: number): boolean {
  return c === 0x00 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d || c === 0x20;
}

function isDelimiter(c: number): boolean {
  // ( ) < > [ ] { } / %
  return (
    c === 0x28 ||
    c === 0x29 ||
    c === 0x3c ||
    c === 0x3e ||
    c === 0x5b ||
    c === 0x5d ||
    c === 0x7b ||
    c === 0x7d ||
    c === 0x2f ||
    c === 0x25
  );
}

function isRegular(c: number): boolean {
  return !Number.isNaN(c) && !isWhite(c) && !isDelimiter(c);
}

/**
 * Minimal PDF object parser over a latin1 string (one char per byte). It only keeps what page counting
 * needs (integers, names, references, dictionaries); strings and arrays are parsed to be skipped.
 */
class Lexer {
  /**
   * Characters the lexer may still examine. Well-formed files need about one pass; unterminated strings
   * or dictionaries repeated in every object would otherwise make the scan quadratic.
   */
  private budget: number;

  constructor(private readonly s: string) {
    this.budget = 8 * s.length + 65_536;
  }

  spend(characters: number): void {
    this.budget -= characters;
    if (this.budget < 0) throw new WorkBudgetExceeded();
  }

  code(pos: number): number {
    return this.s.charCodeAt(pos);
  }

  skipWhitespace(pos: number): number {
    const { s } = this;
    const start = pos;
    while (pos < s.length) {
      const c = s.charCodeAt(pos);
      if (isWhite(c)) {
        pos++;
      } else if (c === 0x25) {
        // Comment to end of line.
        while (pos < s.length && s.charCodeAt(pos) !== 0x0a && s.charCodeAt(pos) !== 0x0d) pos++;
      } else {
        break;
      }
    }
    this.spend(pos - start);
    return pos;
  }

  private regularToken(pos: number): Parsed<string> {
    let end = pos;
    while (end < this.s.length && isRegular(this.code(end))) end++;
    this.spend(end - pos + 1);
    return { value: this.s.slice(pos, end), end };
  }

  parseValue(pos: number, depth = 0): Parsed<PdfValue> | undefined {
    if (depth > MAX_DEPTH) return undefined;
    pos = this.skipWhitespace(pos);
    const { s } = this;
    const c = this.code(pos);
    if (c === 0x3c /* < */) {
      if (this.code(pos + 1) === 0x3c) return this.parseDict(pos, depth);
      const close = s.indexOf('>', pos + 1);
      this.spend((close < 0 ? s.length : close) - pos);
      return close < 0 ? undefined : { value: { kind: 'other' }, end: close + 1 };
    }
    if (c === 0x28 /* ( */) return this.skipLiteralString(pos);
    if (c === 0x5b /* [ */) return this.skipArray(pos, depth);
    if (c === 0x2f /* / */) return this.parseName(pos);
    if (!isRegular(c)) return undefined;

    const token = this.regularToken(pos);
    if (/^[+-]?\d+$/.test(token.value)) {
      const ref = this.tryReference(token.value, token.end);
      return ref ?? { value: { kind: 'int', value: Number(token.value) }, end: token.end };
    }
    if (/^[+-]?(\d+\.\d*|\.\d+)$/.test(token.value))
      return { value: { kind: 'other' }, end: token.end };
    if (token.value === 'true' || token.value === 'false' || token.value === 'null') {
      return { value: { kind: 'other' }, end: token.end };
    }
    // A keyword (obj, endobj, stream, R, …) where a value was expected: malformed.
    return undefined;
  }

  /** `num gen R`, given the already read `num` token. */
  private tryReference(num: string, pos: number): Parsed<PdfValue> | undefined {
    if (!/^\d+$/.test(num)) return undefined;
    const genStart = this.skipWhitespace(pos);
    if (genStart === pos) return undefined;
    const gen = this.regularToken(genStart);
    if (!/^\d+$/.test(gen.value)) return undefined;
    const rStart = this.skipWhitespace(gen.end);
    if (rStart === gen.end) return undefined;
    const r = this.regularToken(rStart);
    if (r.value !== 'R') return undefined;
    return { value: { kind: 'ref', num: Number(num), gen: Number(gen.value) }, end: r.end };
  }

  private parseName(pos: number): Parsed<PdfValue> {
    const raw = this.regularToken(pos + 1);
    // #xx escapes: "/P#61ge" is "/Page".
    const value = raw.value.replace(/#([0-9A-Fa-f]{2})/g, (_m, hex: string) =>
      String.fromCharCode(parseInt(hex, 16)),
    );
    return { value: { kind: 'name', value }, end: raw.end };
  }

  private skipLiteralString(pos: number): Parsed<PdfValue> | undefined {
    const { s } = this;
    let depth = 0;
    for (let i = pos; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 0x5c /* \ */) {
        i++;
      } else if (c === 0x28) {
        depth++;
      } else if (c === 0x29) {
        depth--;
        if (depth === 0) {
          this.spend(i + 1 - pos);
          return { value: { kind: 'other' }, end: i + 1 };
        }
      }
    }
    this.spend(s.length - pos);
    return undefined;
  }

  private skipArray(pos: number, depth: number): Parsed<PdfValue> | undefined {
    pos++;
    for (;;) {
      pos = this.skipWhitespace(pos);
      if (pos >= this.s.length) return undefined;
      if (this.code(pos) === 0x5d /* ] */) return { value: { kind: 'other' }, end: pos + 1 };
      const item = this.parseValue(pos, depth + 1);
      if (!item) return undefined;
      pos = item.end;
    }
  }

  private parseDict(pos: number, depth: number): Parsed<PdfValue> | undefined {
    const entries = new Map<string, PdfValue>();
    pos += 2;
    for (;;) {
      pos = this.skipWhitespace(pos);
      if (pos >= this.s.length) return undefined;
      if (this.code(pos) === 0x3e && this.code(pos + 1) === 0x3e) {
        return { value: { kind: 'dict', entries }, end: pos + 2 };
      }
      if (this.code(pos) !== 0x2f) return undefined;
      const key = this.parseName(pos);
      const value = this.parseValue(key.end, depth + 1);
      if (!value || key.value.kind !== 'name') return undefined;
      entries.set(key.value.value, value.value);
      pos = value.end;
    }
  }
}

interface ScanResult {
  /** Latest definition of each object number (later in the file wins, as with incremental updates). */
  objects: Map<number, PdfObject>;
  /** The `/Root` of the last trailer / cross-reference stream dictionary. */
  root: { num: number; gen: number } | undefined;
  hasObjectStreams: boolean;
}

// "12 0 obj" or "trailer", not preceded or followed by a regular character.
const TOKEN =
  /(?<![^\0\t\n\f\r ()<>[\]{}/%])(?:(\d{1,10})[\0\t\n\f\r ]+(\d{1,5})[\0\t\n\f\r ]+obj|trailer)(?![^\0\t\n\f\r ()<>[\]{}/%])/g;

function entry(dict: PdfValue, key: string): PdfValue | undefined {
  return dict.kind === 'dict' ? dict.entries.get(key) : undefined;
}

function isName(value: PdfValue | undefined, name: string): boolean {
  return value?.kind === 'name' && value.value === name;
}

/** Where the data of the stream whose `stream` keyword is at `pos` begins. */
function streamStart(s: string, pos: number): number {
  let start = pos + 'stream'.length;
  if (s.startsWith('\r\n', start)) start += 2;
  else if (s.charCodeAt(start) === 0x0a || s.charCodeAt(start) === 0x0d) start += 1;
  return start;
}

/**
 * The objects of a `/FlateDecode` object stream (all generation 0), or undefined when it cannot be
 * read (another filter, predictors, damaged data, over the inflate budget).
 */
function objectStreamObjects(
  s: string,
  dict: PdfValue,
  data: { start: number; length: PdfValue | undefined },
  budget: { left: number },
): PdfObject[] | undefined {
  const filter = entry(dict, 'Filter');
  const n = entry(dict, 'N');
  const first = entry(dict, 'First');
  if (filter !== undefined && !isName(filter, 'FlateDecode')) return undefined;
  if (entry(dict, 'DecodeParms') !== undefined) return undefined;
  if (n?.kind !== 'int' || first?.kind !== 'int' || data.length?.kind !== 'int') return undefined;
  const raw = Buffer.from(s.slice(data.start, data.start + data.length.value), 'latin1');
  let inflated: Buffer;
  try {
    inflated =
      filter === undefined ? raw : inflateSync(raw, { maxOutputLength: Math.max(1, budget.left) });
  } catch {
    return undefined;
  }
  budget.left -= inflated.length;
  const text = inflated.toString('latin1');
  const lexer = new Lexer(text);
  const header = text.slice(0, first.value).trim().split(/\s+/).map(Number);
  if (header.length < 2 * n.value || header.some((x) => !Number.isSafeInteger(x) || x < 0))
    return undefined;
  const objects: PdfObject[] = [];
  for (let i = 0; i < n.value; i++) {
    const parsed = lexer.parseValue(lexer.skipWhitespace(first.value + header[2 * i + 1]!));
    if (!parsed) return undefined;
    objects.push({ num: header[2 * i]!, gen: 0, value: parsed.value });
  }
  return objects;
}

/** Position just past the stream data that starts after the `stream` keyword at `pos`. */
function skipStream(s: string, lexer: Lexer, pos: number, length: PdfValue | undefined): number {
  const start = streamStart(s, pos);
  if (length?.kind === 'int' && length.value >= 0) {
    const after = lexer.skipWhitespace(start + length.value);
    if (s.startsWith('endstream', after)) return after + 'endstream'.length;
  }
  // Indirect or wrong /Length: fall back to searching for the keyword.
  const end = s.indexOf('endstream', start);
  lexer.spend((end < 0 ? s.length : end) - start);
  return end < 0 ? s.length : end + 'endstream'.length;
}

function scan(s: string): ScanResult {
  const lexer = new Lexer(s);
  const objects = new Map<number, PdfObject>();
  let root: ScanResult['root'];
  let hasObjectStreams = false;
  const compressed: PdfObject[] = [];
  const inflateBudget = { left: MAX_INFLATED };

  const considerRoot = (dict: PdfValue): void => {
    const ref = entry(dict, 'Root');
    if (ref?.kind === 'ref') root = { num: ref.num, gen: ref.gen };
  };

  const token = new RegExp(TOKEN.source, 'g');
  let match: RegExpExecArray | null;
  while ((match = token.exec(s)) !== null) {
    const afterToken = match.index + match[0].length;
    const parsed = lexer.parseValue(afterToken);
    if (!parsed) continue;

    if (match[1] === undefined) {
      // trailer << … >>
      considerRoot(parsed.value);
      token.lastIndex = parsed.end;
      continue;
    }

    const num = Number(match[1]);
    const gen = Number(match[2]);
    let next = parsed.end;
    if (parsed.value.kind === 'dict') {
      const afterDict = lexer.skipWhitespace(parsed.end);
      if (s.startsWith('stream', afterDict)) {
        next = skipStream(s, lexer, afterDict, entry(parsed.value, 'Length'));
        const type = entry(parsed.value, 'Type');
        if (isName(type, 'ObjStm')) {
          const inside = objectStreamObjects(
            s,
            parsed.value,
            { start: streamStart(s, afterDict), length: entry(parsed.value, 'Length') },
            inflateBudget,
          );
          if (inside) compressed.push(...inside);
          else hasObjectStreams = true;
        }
        // Cross-reference streams carry the trailer entries.
        if (isName(type, 'XRef')) considerRoot(parsed.value);
      }
    }
    objects.set(num, { num, gen, value: parsed.value });
    token.lastIndex = next;
  }
  // Objects written plainly later in the file (incremental updates) win over compressed ones.
  for (const o of compressed) if (!objects.has(o.num)) objects.set(o.num, o);
  return { objects, root, hasObjectStreams };
}

function resolve(scanned: ScanResult, value: PdfValue | undefined): PdfValue | undefined {
  if (value?.kind !== 'ref') return value;
  const object = scanned.objects.get(value.num);
  return object && object.gen === value.gen ? object.value : undefined;
}

function countFromCatalog(scanned: ScanResult): number | undefined {
  if (!scanned.root) return undefined;
  const catalog = resolve(scanned, { kind: 'ref', ...scanned.root });
  const pagesRef = catalog && entry(catalog, 'Pages');
  if (pagesRef?.kind !== 'ref') return undefined;
  const pages = resolve(scanned, pagesRef);
  if (!pages || !isName(entry(pages, 'Type'), 'Pages')) return undefined;
  const count = resolve(scanned, entry(pages, 'Count'));
  if (count?.kind !== 'int' || !Number.isSafeInteger(count.value) || count.value < 0) {
    return undefined;
  }
  return count.value;
}

/**
 * Number of pages of a PDF, or `undefined` when it cannot be determined reliably (not a PDF, damaged,
 * or the page tree lives in object streams that cannot be read).
 */
export function countPdfPages(pdf: Buffer): number | undefined {
  // Beyond V8's string limit (~512 MB) the latin1 view cannot be built.
  if (pdf.length === 0 || pdf.length > constants.MAX_STRING_LENGTH) return undefined;
  let scanned: ScanResult;
  try {
    scanned = scan(pdf.toString('latin1'));
  } catch (error) {
    if (error instanceof WorkBudgetExceeded) return undefined;
    throw error;
  }

  let pageObjects = 0;
  for (const object of scanned.objects.values()) {
    if (isName(entry(object.value, 'Type'), 'Page')) pageObjects++;
  }

  const declared = countFromCatalog(scanned);
  if (declared !== undefined) {
    // Every page is its own object; a larger /Count than page objects is corrupt or forged, unless
    // the pages may be hidden in object streams.
    if (!scanned.hasObjectStreams && declared > pageObjects) return undefined;
    return declared;
  }
  if (scanned.hasObjectStreams) return undefined;
  return pageObjects > 0 ? pageObjects : undefined;
}
