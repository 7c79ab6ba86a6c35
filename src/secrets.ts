/**
 * The operator's admin key and the master encryption key. From the environment when set; in the embedded
 * default, generated on first start into the data dir with mode 0600 (spec §0b, design §5).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.js';
import { generateKey } from './crypto/api-keys.js';

export type GatewaySecrets = {
  adminKey: string;
  encryptionKey: string;
  /** True when this start generated the admin key (the caller prints it once). */
  generatedAdminKey: boolean;
  generatedEncryptionKey: boolean;
};

export const adminKeyFile = (dataDir: string) => join(dataDir, 'admin.key');
const encryptionKeyFile = (dataDir: string) => join(dataDir, 'encryption.key');

function readOrCreate(file: string, create: () => string): { value: string; created: boolean } {
  if (existsSync(file)) return { value: readFileSync(file, 'utf8').trim(), created: false };
  const value = create();
  writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { value, created: true };
}

export function resolveSecrets(config: Config): GatewaySecrets {
  // The data dir holds the database and the master keys: only the gateway's user may read it.
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const admin = config.adminKey
    ? { value: config.adminKey, created: false }
    : readOrCreate(adminKeyFile(config.dataDir), () => generateKey('admin'));
  const enc = config.encryptionKey
    ? { value: config.encryptionKey, created: false }
    : readOrCreate(encryptionKeyFile(config.dataDir), () => randomBytes(32).toString('base64'));
  return { adminKey: admin.value, encryptionKey: enc.value, generatedAdminKey: admin.created, generatedEncryptionKey: enc.created };
}
