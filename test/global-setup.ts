/**
 * Before any suite: transpiles src/ into dist/ once (the CLI tests spawn `bin/assistiv.js`, which runs
 * dist/, so they test this checkout's code without racing to build it), then prints which optional suites
 * are skipped and why; in CI nothing may be skipped.
 */
import { execFileSync } from 'node:child_process';
import { optionalSuites } from './helpers/suites.js';

// biome-ignore lint/style/noDefaultExport: vitest globalSetup contract
export default function setup() {
  execFileSync(process.execPath, [new URL('../scripts/build-server.mjs', import.meta.url).pathname], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const skipped = optionalSuites.filter((s) => !s.enabled);
  if (skipped.length === 0) {
    process.stdout.write('\n[assistiv] all optional suites enabled\n');
    return;
  }
  const lines = skipped.map((s) => `  - SKIPPED ${s.name}: ${s.howToEnable}`);
  process.stdout.write(`\n[assistiv] optional suites skipped on this machine:\n${lines.join('\n')}\n\n`);
  if (process.env.CI === 'true' || process.env.CI === '1') {
    throw new Error(`CI must run every suite, but these are skipped:\n${lines.join('\n')}`);
  }
}
