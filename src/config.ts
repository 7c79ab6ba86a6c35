/** Every environment variable the gateway reads, parsed once at start (spec §0b). */
import { z } from 'zod';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  ASSISTIV_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  ASSISTIV_ADMIN_KEY: z
    .string()
    .regex(/^sk-admin_[A-Za-z0-9]{32,}$/, 'must be sk-admin_ followed by at least 32 letters or digits')
    .optional(),
  ASSISTIV_ENCRYPTION_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes encoded as base64')
    .optional(),
  ASSISTIV_CORS_ORIGINS: z.string().optional(),
  LOG_LEVEL: z.enum(logLevels).default('info'),
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  adminKey: string | undefined;
  encryptionKey: string | undefined;
  corsOrigins: string[];
  logLevel: (typeof logLevels)[number];
  /** Limits with a reason each (style rule 12). */
  limits: {
    /** Management bodies are small JSON documents (spec §0). */
    managementBodyBytes: number;
    /** Inference bodies carry base64 images (spec §0). */
    inferenceBodyBytes: number;
    /** How long a cached key stays valid without a re-read: bounds revocation delay across instances (spec: ≤ 1 s). */
    authCacheTtlMs: number;
    /** Bounded so a key-spraying client cannot grow memory without limit. */
    authCacheMaxEntries: number;
    /** Idempotency replays are kept this long (spec §0: 24 h). */
    idempotencyTtlMs: number;
  };
};

export class ConfigError extends Error {}

/** Parses the environment; throws ConfigError with one line naming the variable and why. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0] ?? 'environment');
    const got = env[name];
    const shown = name.includes('KEY') || name.endsWith('_URL') ? '' : ` (got "${got}")`;
    throw new ConfigError(`${name} ${issue.message}${shown}`);
  }
  const e = parsed.data;
  if (e.DATABASE_URL && !e.ASSISTIV_ENCRYPTION_KEY) {
    throw new ConfigError(
      'ASSISTIV_ENCRYPTION_KEY is required with DATABASE_URL (every instance must share the master key for provider keys)',
    );
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.ASSISTIV_DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    adminKey: e.ASSISTIV_ADMIN_KEY,
    encryptionKey: e.ASSISTIV_ENCRYPTION_KEY,
    corsOrigins: (e.ASSISTIV_CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    logLevel: e.LOG_LEVEL,
    limits: {
      managementBodyBytes: 1024 * 1024,
      inferenceBodyBytes: 20 * 1024 * 1024,
      authCacheTtlMs: 1000,
      authCacheMaxEntries: 100_000,
      idempotencyTtlMs: 24 * 60 * 60 * 1000,
    },
  };
}
