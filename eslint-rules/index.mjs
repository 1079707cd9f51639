// LoanFlow's own ESLint rules (a local plugin, no dependency): package boundaries that
// no-restricted-imports cannot express because they depend on where the importing file lives.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';

const packageRoots = new Map();

/** The nearest directory at or above `dir` holding a package.json (the package a file is in). */
function packageRoot(dir) {
  if (packageRoots.has(dir)) return packageRoots.get(dir);
  const parent = dirname(dir);
  const root = existsSync(resolve(dir, 'package.json'))
    ? dir
    : parent === dir
      ? undefined
      : packageRoot(parent);
  packageRoots.set(dir, root);
  return root;
}

/** The repository's root package (it lists the workspaces): not a package one imports. */
function isWorkspaceRoot(root) {
  try {
    return Array.isArray(
      JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')).workspaces,
    );
  } catch {
    return false;
  }
}

/** A package's name from its package.json, else its folder relative to the working directory. */
function packageName(root, cwd) {
  try {
    const { name } = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));
    if (typeof name === 'string' && name) return name;
  } catch {
    // unreadable: named by its folder
  }
  return relative(cwd, root).split(sep).join('/') || '(root)';
}

/** Calls `check(node, specifier)` for every module specifier a file names as a literal. */
function eachSpecifier(check) {
  const literal = (source) =>
    source && source.type === 'Literal' && typeof source.value === 'string' ? source : undefined;
  const visit = (node, source) => {
    const lit = literal(source);
    if (lit) check(lit, lit.value);
  };
  return {
    ImportDeclaration: (node) => visit(node, node.source),
    ExportNamedDeclaration: (node) => visit(node, node.source),
    ExportAllDeclaration: (node) => visit(node, node.source),
    ImportExpression: (node) => visit(node, node.source),
    TSImportEqualsDeclaration: (node) =>
      node.moduleReference.type === 'TSExternalModuleReference' &&
      visit(node, node.moduleReference.expression),
    CallExpression: (node) => {
      const { callee } = node;
      const isRequire =
        (callee.type === 'Identifier' && callee.name === 'require') ||
        (callee.type === 'MemberExpression' &&
          callee.object.type === 'Identifier' &&
          callee.object.name === 'require' &&
          callee.property.type === 'Identifier' &&
          callee.property.name === 'resolve');
      if (isRequire && node.arguments.length > 0) visit(node, node.arguments[0]);
    },
  };
}

const noCrossPackageRelativeImport = {
  meta: {
    type: 'problem',
    docs: {
      description:
        'A relative import stays inside its package; another package is imported by its name.',
    },
    schema: [],
    messages: {
      outside:
        "Relative import '{{specifier}}' leaves package {{from}} for a path outside the workspace packages.",
      crosses:
        "Relative import '{{specifier}}' leaves package {{from}} for {{to}}: import {{to}} by its package name{{instead}}.",
    },
  },
  create(context) {
    const filename = context.physicalFilename ?? context.filename;
    if (!filename || filename === '<input>' || filename === '<text>') return {};
    const fromDir = dirname(resolve(filename));
    const from = packageRoot(fromDir);
    if (!from) return {};
    const cwd = context.cwd;
    return eachSpecifier((node, specifier) => {
      if (specifier !== '.' && specifier !== '..' && !/^\.\.?\//.test(specifier)) return;
      const target = resolve(fromDir, specifier);
      // The package of the target's folder (an import of a package's folder itself names it).
      const to = existsSync(resolve(target, 'package.json'))
        ? target
        : packageRoot(dirname(target));
      if (to === from) return;
      if (!to || isWorkspaceRoot(to)) {
        context.report({
          node,
          messageId: 'outside',
          data: { specifier, from: packageName(from, cwd) },
        });
        return;
      }
      const toName = packageName(to, cwd);
      const subpath = relative(to, target).split(sep).join('/');
      // What to write instead, unless the path reaches into the other package's src/ or dist/.
      const instead = /^(src|dist)(\/|$)/.test(subpath)
        ? ' (what it exports), not a file of its src/ or dist/'
        : ` ('${subpath ? `${toName}/${subpath}` : toName}')`;
      context.report({
        node,
        messageId: 'crosses',
        data: { specifier, from: packageName(from, cwd), to: toName, instead },
      });
    });
  },
};

export default {
  meta: { name: 'loanflow' },
  rules: { 'no-cross-package-relative-import': noCrossPackageRelativeImport },
};
