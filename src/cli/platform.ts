/** `assistiv platform create`: provisions a platform directly in the database and prints its credentials. */
import { auditRun, cliActor, writeAuditOutside } from '../audit/index.js';
import type { Config } from '../config.js';
import { nowIso } from '../context.js';
import { createContext, prepareStore } from '../gateway.js';
import { ApiError } from '../http/errors.js';
import { createPlatform, platformCreatedAudit } from '../management/platforms/service.js';
import { resolveSecrets } from '../secrets.js';

export async function createPlatformFromCli(config: Config, opts: { name: string; slug?: string }) {
  const secrets = resolveSecrets(config);
  const store = await prepareStore(config).catch((err: Error) => {
    process.stderr.write(`assistiv: cannot open the database: ${err.message}\n`);
    process.exit(1);
  });
  const ctx = createContext(config, store, secrets);
  try {
    // The same audit row as POST /v1/admin/platforms (the key as created, its value never), by the CLI's actor.
    const run = auditRun(cliActor('platform create'));
    const { platform, key } = await createPlatform(ctx, { name: opts.name, slug: opts.slug }, (trx, created) =>
      writeAuditOutside(trx, run, nowIso(ctx), platformCreatedAudit(created)),
    );
    process.stdout.write(
      [
        `Created platform "${platform.name}" (slug ${platform.slug}). Paste these into your shell:`,
        '',
        `  export ASSISTIV_PLATFORM_ID=${platform.id}`,
        `  export ASSISTIV_PLATFORM_KEY=${key.rawKey}`,
        '',
        'The platform key is shown only this once: keep it server-side (sk-plat_ keys manage users and billing).',
        '',
      ].join('\n'),
    );
  } catch (err) {
    process.stderr.write(`assistiv: ${err instanceof ApiError ? err.message : String(err)}\n`);
    process.exitCode = 1;
  } finally {
    await store.close();
  }
}
