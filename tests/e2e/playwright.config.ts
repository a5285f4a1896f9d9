import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type PlaywrightTestConfig } from '@playwright/test';

// The browser: Debian's Chromium (Playwright's own browser downloads are not available here).
// CHROMIUM_PATH overrides `which chromium`.
function findChromium(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      const path = execFileSync('which', [name], { encoding: 'utf8' }).trim();
      if (path) return path;
    } catch {
      // not on PATH: try the next name
    }
  }
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));
}

// A free loopback port, chosen once in the runner and inherited by the workers through the
// environment so that every process agrees on the base URL.
function portFor(name: string): number {
  const key = `E2E_PORT_${name.toUpperCase()}`;
  if (!process.env[key]) {
    process.env[key] = execFileSync(
      process.execPath,
      [
        '-e',
        "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})",
      ],
      { encoding: 'utf8' },
    ).trim();
  }
  return Number(process.env[key]);
}

const here = dirname(fileURLToPath(import.meta.url));
// Where each backend writes its mail (.eml files: no SMTP server in the browser suite); the tests
// open the verification and reset mails from there, as a person opens their inbox.
const outboxFor = (name: string) => join(tmpdir(), `friender-e2e-outbox-${name}-${portFor(name)}`);
const screenshots = Boolean(process.env.SCREENSHOTS);
// Which storage backends to test: E2E_STORAGE=local|s3; both by default. Screenshots use local.
const wanted = screenshots ? ['local'] : (process.env.E2E_STORAGE ?? 'local,s3').split(',');
const backends = (['local', 's3'] as const).filter((name) => wanted.includes(name));
const executablePath = findChromium();

const config: PlaywrightTestConfig = {
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: 'test-results',
  // The screenshot tour runs only when asked for (SCREENSHOTS=1), and then only it.
  grep: screenshots ? /@screenshots/ : undefined,
  grepInvert: screenshots ? undefined : /@screenshots/,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1, // two cores; each backend is a single gunicorn process
  retries: 0, // a flaky browser test is a bug to fix, not to retry
  forbidOnly: Boolean(process.env.CI),
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
  },
  projects: backends.map((name) => ({
    name,
    use: { baseURL: `http://127.0.0.1:${portFor(name)}` },
    metadata: { storage: name, outbox: outboxFor(name) },
  })),
  webServer: backends.map((name) => ({
    command: `bash ${join(here, 'serve.sh')} ${name}`,
    url: `http://127.0.0.1:${portFor(name)}/api/health`,
    env: { PORT: String(portFor(name)), MAIL_OUTBOX_DIR: outboxFor(name) },
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
  })),
};

export default defineConfig(config);
