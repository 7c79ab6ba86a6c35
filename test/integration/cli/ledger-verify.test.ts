/**
 * `assistiv ledger verify` as an operator runs it: exit 0 on a clean ledger; exit 1 naming each usage
 * debit without its log row and each billed log row without its debit, on each database.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';
import { fundedPlatform, reserveRequest, writeLog } from '../billing/fixtures.js';

const bin = join(import.meta.dirname, '../../../bin/assistiv.js');

describe.each(dialects)('assistiv ledger verify (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ dialect });
  });
  afterAll(() => gw?.close());

  const verify = () =>
    spawnSync(process.execPath, [bin, 'ledger', 'verify'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...gw.env, ASSISTIV_DATA_DIR: gw.ctx.config.dataDir },
      encoding: 'utf8',
    });

  it('exits 1 naming a debit without its log row and a billed row without its debit; 0 once both agree', async () => {
    const p = await fundedPlatform(gw, { walletUsd: 1 });
    const req = reserveRequest(p.platformId, null);
    const res = await gw.ctx.billing.reserve(req);
    if (!res.ok) throw new Error(res.message);
    const settled = await gw.ctx.billing.settle(res.reservation, { costMicros: 4_321, description: 'lost log' });
    const ghost = reserveRequest(p.platformId, null);
    await writeLog(gw, ghost, { walletMicros: 99, endUserMicros: 99, status: 'settled' });
    const debit = await gw.ctx.store.db
      .selectFrom('wallet_transactions')
      .select('id')
      .where('request_id', '=', req.requestId)
      .executeTakeFirstOrThrow();

    const bad = verify();
    expect(bad.status).toBe(1);
    expect(bad.stderr.split('\n')).toEqual(
      expect.arrayContaining([
        '2 difference(s):',
        `  - request ${req.requestId}: llm_usage wallet debit ${debit.id} (platform ${p.platformId}) of 4321 µUSD has no request log row`,
        `  - request ${ghost.requestId}: billed, but has 0 llm_usage wallet debits (expected exactly 1)`,
      ]),
    );

    await writeLog(gw, req, settled);
    await gw.ctx.store.db.deleteFrom('request_logs').where('request_id', '=', ghost.requestId).execute();
    const ok = verify();
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toContain('1 request logs and 1 usage debits');
    expect(ok.stdout).toContain('every debit its log row');
    expect(ok.status).toBe(0);
  });
});
