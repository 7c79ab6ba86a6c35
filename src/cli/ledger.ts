/** `assistiv ledger verify`: the auditor from the command line; exits 1 naming each difference. */
import { verifyLedger } from '../billing/ledger-verify.js';
import type { Config } from '../config.js';
import { prepareStore } from '../gateway.js';
import { describeDatabase } from '../store/database.js';

export async function verifyLedgerFromCli(config: Config, opts: { json?: boolean }): Promise<void> {
  const store = await prepareStore(config);
  try {
    const report = await verifyLedger(store);
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      const c = report.checked;
      const lines = [
        `Checked ${c.wallets} wallets, ${c.budgets} budgets, ${c.logs} request logs and ${c.debits} usage debits (${describeDatabase(store)}); ${c.openReservations} reservations open.`,
      ];
      if (report.ok)
        lines.push(
          'Ledger OK: every balance equals its ledger, every hold its reservations, every billed request one debit, every debit its log row.',
        );
      else lines.push(`${report.differences.length} difference(s):`, ...report.differences.map((d) => `  - ${d}`));
      if (c.openReservations > 0)
        lines.push(
          'Open reservations belong to requests in flight (or to a crashed process: the sweeper releases them after their expiry).',
        );
      (report.ok ? process.stdout : process.stderr).write(`${lines.join('\n')}\n`);
    }
    if (!report.ok) process.exitCode = 1;
  } finally {
    await store.close();
  }
}
