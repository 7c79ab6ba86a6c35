/**
 * Before any suite: transpiles src/ into dist/ once (the CLI tests spawn `bin/assistiv.js`, which runs
 * dist/, so they test this checkout's code without racing to build it), then prints which optional suites
 * are skipped and why; in CI nothing may be skipped. Unless ASSISTIV_TEST_SECRET_SCAN=0, it also opens the
 * run's secrets-scan directory (test/secret-scan/recorder.ts fills it) and scans it after the last suite.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { optionalSuites } from './helpers/suites.js';
import { runSecretScan } from './secret-scan/run-scan.js';
import { describeFinding } from './secret-scan/scanner.js';

// biome-ignore lint/style/noDefaultExport: vitest globalSetup contract
export default function setup() {
  execFileSync(process.execPath, [new URL('../scripts/build-server.mjs', import.meta.url).pathname], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const skipped = optionalSuites.filter((s) => !s.enabled);
  if (skipped.length === 0) process.stdout.write('\n[assistiv] all optional suites enabled\n');
  else {
    const lines = skipped.map((s) => `  - SKIPPED ${s.name}: ${s.howToEnable}`);
    process.stdout.write(`\n[assistiv] optional suites skipped on this machine:\n${lines.join('\n')}\n\n`);
    if (process.env.CI === 'true' || process.env.CI === '1') {
      throw new Error(`CI must run every suite, but these are skipped:\n${lines.join('\n')}`);
    }
  }
  return process.env.ASSISTIV_TEST_SECRET_SCAN === '0' ? undefined : openSecretScan();
}

/** The test workers inherit the directory through the environment; the returned teardown scans it. */
function openSecretScan(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'assistiv-secret-scan-'));
  process.env.ASSISTIV_SECRET_SCAN_DIR = dir;
  return () => {
    const r = runSecretScan(dir);
    const summary = `[assistiv] secrets scan: ${r.logLines} log lines, ${r.responses} response bodies, ${r.dataFiles} data files, ${r.keys} keys, ${r.findings.length} secrets found`;
    process.stdout.write(`\n${summary}\n`);
    if (r.findings.length === 0) {
      rmSync(dir, { recursive: true, force: true });
      return;
    }
    // Named by place and kind only: the report must not print the keys it protects. The directory is kept to look into.
    const places = [...new Set(r.findings.map(describeFinding))];
    throw new Error(`secrets scan failed (files kept in ${dir}):\n${places.map((p) => `  - ${p}`).join('\n')}`);
  };
}
