/** The shutdown and sweeper settings stop a start with one line when they are not whole milliseconds in range. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '../../../bin/assistiv.js');
const dir = mkdtempSync(join(tmpdir(), 'assistiv-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ASSISTIV_SHUTDOWN_GRACE_MS, ASSISTIV_RESERVATION_TTL_MS, ASSISTIV_RESERVATION_SWEEP_INTERVAL_MS', () => {
  it.each([
    ['ASSISTIV_SHUTDOWN_GRACE_MS', 'soon', 'from 0 to 3600000'],
    ['ASSISTIV_SHUTDOWN_GRACE_MS', '-1', 'from 0 to 3600000'],
    ['ASSISTIV_SHUTDOWN_GRACE_MS', '2.5', 'from 0 to 3600000'],
    ['ASSISTIV_RESERVATION_TTL_MS', '999', 'from 1000 to 604800000'],
    ['ASSISTIV_RESERVATION_SWEEP_INTERVAL_MS', '5', 'from 100 to 3600000'],
  ])('%s=%s', (name, value, range) => {
    const res = spawnSync(process.execPath, [bin, 'serve'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ASSISTIV_DATA_DIR: join(dir, 'data'), [name]: value },
      encoding: 'utf8',
    });
    expect(res.status).toBe(1);
    expect(res.stderr).toBe(`assistiv: configuration error: ${name} must be a whole number of milliseconds ${range} (got "${value}")\n`);
  });
});
