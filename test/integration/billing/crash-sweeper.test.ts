/**
 * A process killed between reserve and settle. On PostgreSQL it leaves its holds and reservation rows
 * behind; the sweeper releases them once they expire, after which nothing is reserved and `ledger verify`
 * passes. On SQLite holds live only in the serving process's memory: nothing is left behind, and while one
 * process bills the file no other may.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBillingEngine } from '../../../src/billing/engine.js';
import { verifyLedger } from '../../../src/billing/ledger-verify.js';
import { itOnlyOn } from '../../helpers/only-on.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';
import { balances, endUser, fundedPlatform, manualClock, reserveRequest } from './fixtures.js';

const child = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const cli = fileURLToPath(new URL('../../../bin/assistiv.js', import.meta.url));

function childEnv(gw: TestGateway) {
  const c = gw.ctx.config;
  return {
    ...process.env,
    ASSISTIV_DATA_DIR: c.dataDir,
    ASSISTIV_ADMIN_KEY: gw.adminKey,
    LOG_LEVEL: 'silent',
    ...(c.databaseUrl && { DATABASE_URL: c.databaseUrl, ASSISTIV_ENCRYPTION_KEY: c.encryptionKey }),
  };
}

function runUntilReserved(gw: TestGateway, args: string[]): Promise<void> {
  const env = childEnv(gw);
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    proc.on('error', reject);
    let err = '';
    proc.stderr.on('data', (d) => {
      err += d;
    });
    proc.stdout.on('data', (d) => {
      if (String(d).includes('reserved')) {
        proc.kill('SIGKILL');
      }
    });
    proc.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited ${code}: ${err}`))));
  });
}

describe.each(dialects)('crash between reserve and settle (%s)', (dialect) => {
  let gw: TestGateway;
  const clock = manualClock(new Date().toISOString());
  beforeAll(async () => {
    gw = await startTestGateway({ dialect, clock });
  });
  afterAll(() => gw?.close());

  itOnlyOn(dialect, 'sqlite')('SQLite: a second `assistiv serve` on the same data dir refuses to start, in one line', async () => {
    const res = spawnSync(process.execPath, [cli, 'serve'], { env: { ...childEnv(gw), PORT: '0', HOST: '127.0.0.1' }, encoding: 'utf8' });
    expect(res.status).toBe(1);
    expect(res.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^assistiv: cannot start: another gateway process already bills/),
    ]);
  });

  itOnlyOn(dialect, 'sqlite')('SQLite: a second process cannot bill the file; a crash leaves nothing held or debited', async () => {
    const p = await fundedPlatform(gw, { walletUsd: 1 });
    const u = await endUser(p, 'crashy-sqlite', { max_usd: 1 });
    // The gateway owns the database: another process's reserve is refused before it moves anything.
    await expect(runUntilReserved(gw, [p.platformId, u.endUserId, '5'])).rejects.toThrow(/already bills the SQLite database/);

    await gw.ctx.billing.close(); // frees the owner lock, as a stopped gateway does
    await runUntilReserved(gw, [p.platformId, u.endUserId, '5']);
    const b = await balances(gw, p.platformId, u.endUserId);
    expect(b.wallet).toMatchObject({ balance_micros: 1_000_000, reserved_micros: 0 });
    expect(b.budget).toMatchObject({ used_micros: 0, reserved_micros: 0 });
    expect(await gw.ctx.store.db.selectFrom('reservations').selectAll().execute()).toEqual([]);
    expect(await verifyLedger(gw.ctx.store)).toMatchObject({ ok: true, checked: { openReservations: 0 } });

    // The dead process's lock died with it: the next process owns the file, and the whole balance is available.
    const next = createBillingEngine({ store: gw.ctx.store, clock });
    next.startSweeper();
    expect(await next.sweep()).toBe(0);
    const all = await next.reserve(reserveRequest(p.platformId, u.endUserId, { promptTokens: 0, maxOutputTokens: 100_000 }));
    expect(all).toMatchObject({ ok: true, reservation: { walletMicros: 1_000_000 } });
    if (all.ok) await next.release(all.reservation);
    await next.close();
  });

  itOnlyOn(dialect, 'postgres')(
    "the sweeper releases the dead process's reservations after they expire, and the ledger verifies",
    async () => {
      const p = await fundedPlatform(gw, { walletUsd: 1 });
      const u = await endUser(p, 'crashy', { max_usd: 1 });
      await runUntilReserved(gw, [p.platformId, u.endUserId, '5']);

      let b = await balances(gw, p.platformId, u.endUserId);
      expect(b.wallet.reserved_micros).toBe(5 * 10_250);
      expect(b.budget?.reserved_micros).toBe(5 * 10_250);
      expect(await gw.ctx.billing.sweep()).toBe(0); // not expired yet: a live request keeps its hold
      expect((await verifyLedger(gw.ctx.store)).ok).toBe(true); // holds match their reservation rows

      clock.set(new Date(Date.now() + gw.ctx.config.reservationTtlMs + 60_000).toISOString());
      expect(await gw.ctx.billing.sweep()).toBe(5);
      b = await balances(gw, p.platformId, u.endUserId);
      expect(b.wallet).toMatchObject({ balance_micros: 1_000_000, reserved_micros: 0 });
      expect(b.budget).toMatchObject({ used_micros: 0, reserved_micros: 0 });
      expect(await gw.ctx.store.db.selectFrom('reservations').selectAll().execute()).toEqual([]);
      const report = await verifyLedger(gw.ctx.store);
      expect(report).toMatchObject({ ok: true, checked: { openReservations: 0 } });
    },
  );

  it('`assistiv ledger verify` exits 0 on a clean ledger and 1 naming each difference', async () => {
    const ok = spawnSync(process.execPath, [cli, 'ledger', 'verify'], { env: childEnv(gw), encoding: 'utf8' });
    expect(ok.stdout).toContain('Ledger OK');
    expect(ok.status).toBe(0);
    const p = await fundedPlatform(gw, { walletUsd: 2 });
    await gw.ctx.store.db.updateTable('wallets').set({ balance_micros: 1_999_999 }).where('platform_id', '=', p.platformId).execute();
    const bad = spawnSync(process.execPath, [cli, 'ledger', 'verify'], { env: childEnv(gw), encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(
      new RegExp(`wallet .* \\(platform ${p.platformId}\\): balance 1999999 µUSD but its transactions sum to 2000000`),
    );
    await gw.ctx.store.db.updateTable('wallets').set({ balance_micros: 2_000_000 }).where('platform_id', '=', p.platformId).execute();
  });
});
