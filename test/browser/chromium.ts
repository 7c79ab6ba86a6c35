/**
 * What the browser suites share: Debian's Chromium launched through playwright-core, and the dashboard
 * built once for all of them (a lock and a freshness check, so suites running in parallel neither build
 * it twice nor replace its files while another suite's gateway serves them).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const screenshotDir = join(repoRoot, 'test-artifacts', 'screenshots');
export const docsScreenshotDir = join(repoRoot, 'docs', 'screenshots');
export const chromiumPath = '/usr/bin/chromium';
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const dashboardDir = join(repoRoot, 'dashboard');
const builtIndex = join(dashboardDir, 'dist', 'index.html');
const lockDir = join(repoRoot, 'test-artifacts', 'dashboard-build.lock');
const lockStaleMs = 180_000;

/** Newest modification time under `path` (a file or a folder). */
async function newestMtime(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path);
  const times = await Promise.all(entries.map((entry) => newestMtime(join(path, entry))));
  return Math.max(info.mtimeMs, ...times);
}

async function dashboardIsFresh(): Promise<boolean> {
  if (!existsSync(builtIndex)) return false;
  const built = (await stat(builtIndex)).mtimeMs;
  const sources = await Promise.all([
    ...['src', 'index.html', 'vite.config.ts', 'tsconfig.json'].map((name) => newestMtime(join(dashboardDir, name))),
    // The dashboard bundles the server's route-role table (its one source of truth for what a role may do).
    ...['route-roles.ts', 'roles.ts'].map((name) => newestMtime(join(repoRoot, 'src', 'accounts', name))),
  ]);
  return Math.max(...sources) <= built;
}

/** Builds the SPA into dashboard/dist with the project's own Vite config, unless it is already up to date. */
export async function ensureDashboardBuilt(): Promise<void> {
  await mkdir(join(repoRoot, 'test-artifacts'), { recursive: true });
  const deadline = Date.now() + lockStaleMs;
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch {
      // Another suite is building; a lock left by a killed run is taken over once stale.
      const held = await stat(lockDir).catch(() => null);
      if (held && Date.now() - held.mtimeMs > lockStaleMs) await rm(lockDir, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`${lockDir} is still held after ${lockStaleMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    if (await dashboardIsFresh()) return;
    const { build } = await import('vite');
    // vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({ configFile: join(dashboardDir, 'vite.config.ts'), mode: 'production', logLevel: 'warn' });
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

/** A headless Chromium with its own profile; `close()` also deletes the profile. */
export async function launchChromium(
  viewport = { width: 1360, height: 900 },
): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: apt-get install -y chromium`);
  const userDataDir = await mkdtemp(join(tmpdir(), 'assistiv-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    args: chromiumArgs,
    headless: true,
    viewport,
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/** One dashboard page in a fresh Chromium (10 s default timeout); uncaught page errors land in `pageErrors`. */
export async function openPage(): Promise<{
  browser: { context: BrowserContext; close(): Promise<void> };
  page: Page;
  pageErrors: string[];
}> {
  const browser = await launchChromium();
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.setDefaultTimeout(10_000);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { browser, page, pageErrors };
}

/** Submits the dashboard's email sign-in form; the caller waits for what should follow (the shell or an error). */
export async function submitEmailSignIn(page: Page, gatewayUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${gatewayUrl}/dashboard/#/sign-in`);
  await page.getByTestId('signin-email').fill(email);
  await page.getByTestId('signin-password').fill(password);
  await page.getByTestId('signin-email-submit').click();
}
