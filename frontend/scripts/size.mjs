// Prints the size of every built asset and fails when the JavaScript a first visit must
// download (the entry script plus the chunks index.html preloads) exceeds the budget.
// Run after `vite build`: `npm run size` (the build script calls it).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 120 * 1024;
const dist = new URL('../dist/', import.meta.url).pathname;

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const gzipSize = (path) => gzipSync(readFileSync(path), { level: 9 }).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

let html;
try {
  html = readFileSync(join(dist, 'index.html'), 'utf8');
} catch {
  console.error('dist/index.html not found: run `npm run build` first.');
  process.exit(1);
}

const initial = new Set();
for (const match of html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+)"/g)) initial.add(match[1]);
for (const match of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)) initial.add(match[1]);

const rows = walk(dist)
  .filter((path) => /\.(js|css|html)$/.test(path))
  .map((path) => {
    const url = '/' + relative(dist, path);
    return { url, raw: statSync(path).size, gzip: gzipSize(path), initial: initial.has(url) };
  })
  .sort((a, b) => Number(b.initial) - Number(a.initial) || b.gzip - a.gzip);

console.log('\nasset'.padEnd(52) + 'raw'.padStart(12) + 'gzip'.padStart(12));
for (const row of rows) {
  const label = `${row.initial ? '* ' : '  '}${row.url}`;
  console.log(label.padEnd(51) + kb(row.raw).padStart(12) + kb(row.gzip).padStart(12));
}

const initialJs = rows.filter((row) => row.initial && row.url.endsWith('.js'));
const total = initialJs.reduce((sum, row) => sum + row.gzip, 0);
console.log(`\n* initial JavaScript: ${initialJs.length} file(s), ${kb(total)} gzip (budget ${kb(BUDGET_BYTES)})`);
if (initialJs.length === 0) {
  console.error('No entry script found in dist/index.html.');
  process.exit(1);
}
if (total > BUDGET_BYTES) {
  console.error(`Initial JavaScript is over budget by ${kb(total - BUDGET_BYTES)}.`);
  process.exit(1);
}
