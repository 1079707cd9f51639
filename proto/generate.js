// Generates TypeScript from proto/ with ts-proto through buf (both from npm; no network needed).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'packages/proto/src/gen');
const buf = path.join(root, 'node_modules/.bin/buf');

fs.rmSync(out, { recursive: true, force: true });
execFileSync(buf, ['lint'], { cwd: __dirname, stdio: 'inherit' });
execFileSync(buf, ['generate'], { cwd: __dirname, stdio: 'inherit' });
console.log(`proto: generated ${path.relative(root, out)}`);
