// Writes a .br and a .gz next to every text asset of dist/ (run after `vite build`; the build
// script calls it), so the servers send compressed bytes without compressing per request:
// Flask through WhiteNoise (br or gzip), the compose nginx through gzip_static.
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url).pathname;
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|txt|json|webmanifest|map)$/;
// Below this a compressed copy saves less than the response headers it would need.
const MIN_BYTES = 512;

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

let written = 0;
for (const path of walk(dist).filter((file) => COMPRESSIBLE.test(file))) {
  const raw = readFileSync(path);
  if (raw.length < MIN_BYTES) continue;
  const brotli = brotliCompressSync(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
    },
  });
  writeFileSync(`${path}.br`, brotli);
  writeFileSync(`${path}.gz`, gzipSync(raw, { level: 9 }));
  written += 1;
}
console.log(`compress: ${written} file(s) in dist/ have .br and .gz copies`);
