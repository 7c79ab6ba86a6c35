/**
 * The dashboard compiles against the types generated from /openapi.json (issue 16 "Done when"): `tsc` with the
 * dashboard's own tsconfig, so a route or response schema change that breaks a page, and every `@ts-expect-error`
 * in the API tests (typed-api.test.ts) that stops being an error, fails `npm test`. Vite's build strips types
 * without checking them, so nothing else would notice. This file runs under Node and is excluded from that tsconfig.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

describe('dashboard types', () => {
  it('tsc -p dashboard/tsconfig.json reports no error', { timeout: 180_000 }, async () => {
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await promisify(execFile)(process.execPath, [tsc, '--noEmit', '-p', 'dashboard/tsconfig.json'], {
      cwd: repoRoot,
      maxBuffer: 16 * 1024 * 1024,
    }).then(
      () => '',
      (error: { stdout?: string; stderr?: string; message: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}` || error.message,
    );
    expect(result).toBe('');
  });
});
