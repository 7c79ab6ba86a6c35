/**
 * Micro-benchmark of the money engine alone (evidence for BENCHMARKS.md): reserve + settle pairs
 * submitted k at a time, so each group-commit transaction carries k operations; prints the CPU per
 * request. Then the same with SQLite's WAL auto-checkpoint off, to show what the checkpoints (run
 * synchronously inside the commit that crosses 1,000 WAL pages) cost the event loop.
 * `npx tsx bench/billing-commit.ts` (SQLite; DATABASE_URL is ignored).
 */

import { startTestGateway } from '../test/helpers/server.js';
import { endUser, fundedPlatform, reserveRequest } from '../test/integration/billing/fixtures.js';

const REQUESTS_PER_SIZE = 4_000;

const gw = await startTestGateway({ dialect: 'sqlite' });
try {
  const platform = await fundedPlatform(gw, { walletUsd: 1_000_000 });
  const user = await endUser(platform, 'bench', { max_usd: 100_000, period: 'monthly' });
  const billing = gw.ctx.billing;
  const sqlite = gw.ctx.store.sqlite;
  for (const [k, autocheckpoint] of [
    [1, true],
    [1, true],
    [4, true],
    [16, true],
    [64, true],
    [1, false],
    [4, false],
    [16, false],
  ] as const) {
    sqlite?.pragma(`wal_autocheckpoint = ${autocheckpoint ? 1000 : 0}`);
    const started = process.cpuUsage();
    const t0 = performance.now();
    for (let done = 0; done < REQUESTS_PER_SIZE; done += k) {
      const reserved = await Promise.all(
        Array.from({ length: k }, () => billing.reserve(reserveRequest(platform.platformId, user.endUserId))),
      );
      await Promise.all(
        reserved.map((r) => {
          if (!r.ok) throw new Error(r.message);
          return billing.settle(r.reservation, { costMicros: 1234, description: 'bench' });
        }),
      );
    }
    const cpu = process.cpuUsage(started);
    const cpuUs = (cpu.user + cpu.system) / REQUESTS_PER_SIZE;
    const wallMs = performance.now() - t0;
    process.stdout.write(
      `k=${String(k).padStart(2)}, WAL auto-checkpoint ${autocheckpoint ? 'on ' : 'off'}: ${cpuUs.toFixed(0).padStart(4)} µs CPU per request (reserve + settle, 2 transactions of k each), ${((wallMs * 1000) / REQUESTS_PER_SIZE).toFixed(0)} µs wall\n`,
    );
  }
} finally {
  await gw.close();
}
