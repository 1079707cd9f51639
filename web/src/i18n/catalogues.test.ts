import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { placeholders } from './catalogue';

/**
 * Every message catalogue of the workbench (each `defineMessages(zh, en)` in web/src), read from
 * the sources: both languages have the same keys and the same {placeholders}, nothing is empty,
 * and the English side is English (a label left in Chinese is a label not translated). The
 * compiler checks the keys too; this also covers placeholders and untranslated text.
 */
const SRC = join(__dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts')
      ? [path]
      : [];
  });
}

interface Found {
  file: string;
  line: number;
  zh: Map<string, string>;
  en: Map<string, string>;
}

function literal(node: ts.Expression): Map<string, string> | undefined {
  if (!ts.isObjectLiteralExpression(node)) return undefined;
  const out = new Map<string, string>();
  for (const p of node.properties) {
    if (!ts.isPropertyAssignment(p)) return undefined;
    const key = ts.isStringLiteral(p.name) || ts.isIdentifier(p.name) ? p.name.text : undefined;
    const value =
      ts.isStringLiteral(p.initializer) || ts.isNoSubstitutionTemplateLiteral(p.initializer)
        ? p.initializer.text
        : undefined;
    if (key === undefined || value === undefined) return undefined;
    out.set(key, value);
  }
  return out;
}

/** A catalogue given by name (`const zh = {…}` in the same file): its object literal. */
function resolve(source: ts.SourceFile, node: ts.Expression): ts.Expression {
  let e = node;
  while (ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isParenthesizedExpression(e))
    e = e.expression;
  if (!ts.isIdentifier(e)) return e;
  const name = e.text;
  let found: ts.Expression | undefined;
  const visit = (n: ts.Node) => {
    if (
      ts.isVariableDeclaration(n) &&
      ts.isIdentifier(n.name) &&
      n.name.text === name &&
      n.initializer
    )
      found = n.initializer;
    else ts.forEachChild(n, visit);
  };
  visit(source);
  return found ? resolve(source, found) : e;
}

function catalogues(): Found[] {
  const found: Found[] = [];
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes('defineMessages(')) continue;
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
    const visit = (node: ts.Node) => {
      if (
        ts.isCallExpression(node) &&
        ts.isIdentifier(node.expression) &&
        node.expression.text === 'defineMessages' &&
        node.arguments.length === 2
      ) {
        const zh = literal(resolve(source, node.arguments[0]!));
        const en = literal(resolve(source, node.arguments[1]!));
        const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
        if (!zh || !en)
          throw new Error(`${relative(SRC, file)}:${line}: catalogues must be literal strings`);
        found.push({ file: relative(SRC, file), line, zh, en });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

const all = catalogues();

describe('message catalogues', () => {
  it('are found in the sources (the common one at least)', () => {
    expect(all.map((c) => c.file)).toContain(join('i18n', 'common.ts'));
  });

  it.each(all.map((c) => [`${c.file}:${c.line}`, c] as const))(
    '%s: same keys and placeholders in both languages, none empty, English in English',
    (_where, c) => {
      expect([...c.en.keys()].sort()).toEqual([...c.zh.keys()].sort());
      const problems: string[] = [];
      for (const [key, zh] of c.zh) {
        const en = c.en.get(key) ?? '';
        if (!zh.trim() || !en.trim()) problems.push(`${key}: empty`);
        if (placeholders(zh).join() !== placeholders(en).join())
          problems.push(
            `${key}: placeholders ${placeholders(zh).join()} vs ${placeholders(en).join()}`,
          );
        // Chinese in the English catalogue is allowed only in brackets or quotes (a term given in
        // both, e.g. "Loan committee (贷审会)").
        const bare = en.replace(/\([^)]*\)|（[^）]*）|“[^”]*”|"[^"]*"/g, '');
        if (/[\u4e00-\u9fff]/.test(bare)) problems.push(`${key}: English text in Chinese: ${en}`);
      }
      expect(problems).toEqual([]);
    },
  );

  it('no page catalogue redefines a key of the common one (it would shadow it)', () => {
    const common = all.find((c) => c.file === join('i18n', 'common.ts'))!;
    const shadowing = all
      .filter((c) => c !== common)
      .flatMap((c) =>
        [...c.zh.keys()].filter((k) => common.zh.has(k)).map((k) => `${c.file}: ${k}`),
      );
    expect(shadowing).toEqual([]);
  });
});
