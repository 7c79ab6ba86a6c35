/** `assistiv platform create`: provisions a platform directly in the database and prints its credentials. */
import { EventEmitter } from 'node:events';
import type { Config } from '../config.js';
import { systemClock } from '../context.js';
import { hashKey } from '../crypto/api-keys.js';
import { SecretBox } from '../crypto/secret-box.js';
import { prepareStore } from '../gateway.js';
import { AuthService } from '../http/auth.js';
import { ApiError } from '../http/errors.js';
import { createPlatform } from '../management/platforms/service.js';
import { resolveSecrets } from '../secrets.js';

export async function createPlatformFromCli(config: Config, opts: { name: string; slug?: string }) {
  const secrets = resolveSecrets(config);
  const store = await prepareStore(config);
  const ctx = {
    config,
    store,
    secretBox: new SecretBox(secrets.encryptionKey),
    auth: new AuthService(store, hashKey(secrets.adminKey), { ttlMs: 0, maxEntries: 1, now: Date.now }),
    clock: systemClock,
    events: new EventEmitter(),
  };
  try {
    const { platform, key } = await createPlatform(ctx, { name: opts.name, slug: opts.slug });
    process.stdout.write(
      [
        `Created platform "${platform.name}" (slug ${platform.slug}).`,
        '',
        `  ASSISTIV_PLATFORM_ID=${platform.id}`,
        `  ASSISTIV_PLATFORM_KEY=${key.rawKey}`,
        '',
        'The platform key is shown only this once: keep it server-side.',
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
