// Lighthouse (mobile, its default simulated phone and network) scores of Friender's pages.
//
//   make lighthouse            (or: cd bench/lighthouse && npm ci && node run.mjs)
//
// Serves the built app through gunicorn on a free 127.0.0.1 port with a fresh SQLite world from
// seed.py (people with photos, a demo account with matches and a conversation), drives Debian's
// Chromium (CHROMIUM_PATH overrides /usr/bin/chromium): login and signup signed out, then signs
// in as the demo account and audits discover, matches, a chat and the profile in that session.
// Prints one line per page and the worst score of each category; targets: performance >= 95,
// best-practices 100. A report, not a gate: it exits 0 whatever the scores.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import lighthouse from 'lighthouse';
import puppeteer from 'puppeteer-core';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, '.venv', 'bin');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CATEGORIES = ['performance', 'best-practices'];

function freePort() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url, seconds) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`nothing answered at ${url}`);
}

async function audit(page, url) {
  const result = await lighthouse(
    url,
    { output: 'json', logLevel: 'error', onlyCategories: CATEGORIES, disableStorageReset: true },
    undefined,
    page,
  );
  const scores = Object.fromEntries(CATEGORIES.map((name) => [name, Math.round(result.lhr.categories[name].score * 100)]));
  // What the performance score is made of, so a low one says where its points went.
  const metrics = Object.fromEntries(METRICS.map(([id, label]) => [label, result.lhr.audits[id]?.displayValue ?? '-']));
  return { ...scores, metrics };
}

const METRICS = [
  ['first-contentful-paint', 'FCP'],
  ['largest-contentful-paint', 'LCP'],
  ['total-blocking-time', 'TBT'],
  ['cumulative-layout-shift', 'CLS'],
  ['speed-index', 'SI'],
];

const data = mkdtempSync(join(tmpdir(), 'friender-lighthouse-'));
const env = {
  ...process.env,
  FRIENDER_ENV: 'development',
  DATABASE_URL: `sqlite:///${data}/lighthouse.sqlite3`,
  LOCAL_STORAGE_DIR: join(data, 'uploads'),
  JWT_SECRET_KEY: `lighthouse-${Math.random().toString(36).slice(2)}-${Date.now()}-signing-key-long-enough`,
  FRONTEND_DIST: join(ROOT, 'frontend', 'dist'),
  LOGIN_RATE_LIMIT: '1000 per minute',
};
const seeded = spawnSync(join(BIN, 'python'), ['seed.py', '--migrate', '--users', '40'], { cwd: ROOT, env, stdio: 'inherit' });
if (seeded.status !== 0) process.exit(seeded.status ?? 1);

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = spawn(
  join(BIN, 'gunicorn'),
  ['-c', 'python:friender.gunicorn_config', '-w', '1', '--threads', '16', '-b', `127.0.0.1:${port}`, '--log-level', 'warning', 'friender:create_app()'],
  { cwd: data, env, stdio: 'inherit' },
);
let browser;
try {
  await waitFor(`${base}/api/health`, 60);
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-sync'],
  });
  const page = await browser.newPage();
  const scores = [];
  for (const path of ['/login', '/signup']) scores.push([path, await audit(page, `${base}${path}`)]);

  await page.goto(`${base}/login`);
  await page.locator('input[name="username"]').fill('demo');
  await page.locator('input[name="password"]').fill('friender-demo');
  await page.locator('button[type="submit"]').click();
  await page.waitForFunction(() => !location.pathname.startsWith('/login'));
  await page.goto(`${base}/matches`);
  const chat = await page.locator('a[href^="/matches/"]').map((link) => link.getAttribute('href')).wait();

  for (const path of ['/discover', '/matches', chat, '/profile']) scores.push([path, await audit(page, `${base}${path}`)]);

  console.log(`\n${'page'.padEnd(16)}${CATEGORIES.map((name) => name.padStart(16)).join('')}`);
  for (const [path, score] of scores) {
    console.log(`${path.padEnd(16)}${CATEGORIES.map((name) => String(score[name]).padStart(16)).join('')}`);
  }
  console.log(`\n${'page'.padEnd(16)}${METRICS.map(([, label]) => label.padStart(10)).join('')}`);
  for (const [path, score] of scores) {
    console.log(`${path.padEnd(16)}${METRICS.map(([, label]) => score.metrics[label].padStart(10)).join('')}`);
  }
  const worst = Object.fromEntries(CATEGORIES.map((name) => [name, Math.min(...scores.map(([, score]) => score[name]))]));
  console.log(`lighthouse mobile worst: performance ${worst.performance} (target >= 95), best-practices ${worst['best-practices']} (target 100)`);
} finally {
  await browser?.close();
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  rmSync(data, { recursive: true, force: true });
}
