/** Every environment variable the gateway reads, parsed once at start (spec §0b). */
import { isIP } from 'node:net';
import { z } from 'zod';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A whole number of `unit` within bounds, with one message for every way it can be wrong. */
const wholeNumber = (unit: string, min: number, max: number) => {
  const message = `must be a whole number of ${unit} from ${min} to ${max}`;
  return z.coerce.number({ message }).int({ message }).min(min, { message }).max(max, { message });
};
const millis = (min: number, max: number) => wholeNumber('milliseconds', min, max);

/** proxy-addr's names for address ranges (Fastify compiles the list with it). */
const namedRanges = ['loopback', 'linklocal', 'uniquelocal'];

/** An IP address, an IP/prefix range, or one of the named ranges. */
function isTrustedAddress(entry: string): boolean {
  if (namedRanges.includes(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

/**
 * ASSISTIV_TRUST_PROXY: `off`, or the addresses of the proxies whose X-Forwarded-* headers are believed.
 * A bare hop count is refused: it cannot tell a proxy from a client that reaches the gateway directly (Fastify 5
 * ignores one silently), so req.ip would stay the proxy's address without a word.
 */
function parseTrustProxy(value: string): string[] | false | undefined {
  if (value.trim().toLowerCase() === 'off') return false;
  const entries = value.split(',').map((v) => v.trim().toLowerCase());
  return entries.every(isTrustedAddress) ? entries : undefined;
}

const envSchema = z.object({
  PORT: z
    .string()
    .regex(/^\d{1,5}$/, 'must be a port number from 0 to 65535')
    .transform(Number)
    .refine((n) => n <= 65535, 'must be a port number from 0 to 65535')
    .default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  ASSISTIV_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  // Sessions that must stay on one server connection (job locks, LISTEN): set when DATABASE_URL goes through PgBouncer in transaction mode.
  DATABASE_DIRECT_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  // Named prepared statements for the money function's calls; `off` behind PgBouncer in transaction mode before 1.21.
  DATABASE_PREPARED_STATEMENTS: z.enum(['on', 'off'], { message: 'must be on or off' }).default('on'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  ASSISTIV_ADMIN_KEY: z
    .string()
    .regex(/^sk-admin_[A-Za-z0-9]{32,}$/, 'must be sk-admin_ followed by at least 32 letters or digits')
    .optional(),
  ASSISTIV_ENCRYPTION_KEY: z
    .string()
    .refine(
      (v) => /^[A-Za-z0-9+/_-]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length === 32,
      'must be 32 bytes encoded as base64 (openssl rand -base64 32)',
    )
    .optional(),
  ASSISTIV_CORS_ORIGINS: z.string().optional(),
  ASSISTIV_UPSTREAM_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(1).max(600_000).default(10_000),
  ASSISTIV_UPSTREAM_FIRST_BYTE_TIMEOUT_MS: z.coerce.number().int().min(1).max(3_600_000).default(600_000),
  ASSISTIV_UPSTREAM_IDLE_TIMEOUT_MS: z.coerce.number().int().min(1).max(3_600_000).default(300_000),
  ASSISTIV_RESERVATION_TTL_MS: millis(1_000, 7 * 86_400_000).default(3_600_000),
  ASSISTIV_RESERVATION_SWEEP_INTERVAL_MS: millis(100, 3_600_000).default(60_000),
  ASSISTIV_SHUTDOWN_GRACE_MS: millis(0, 3_600_000).default(30_000),
  // Slow-loris bounds: they cover receiving a request only, never the response (a stream may run for minutes).
  ASSISTIV_HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(20_000),
  ASSISTIV_HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(120_000),
  ASSISTIV_HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(72_000),
  // Retention (docs/scaling.md): request logs are kept forever unless a number of days is set.
  ASSISTIV_REQUEST_LOG_RETENTION_DAYS: wholeNumber('days', 1, 36_500).optional(),
  // At least the spec's 24 h replay window (spec §0).
  ASSISTIV_IDEMPOTENCY_RETENTION_HOURS: wholeNumber('hours', 24, 8_760).default(24),
  // Webhook events and delivery attempts: as long as Stripe keeps events (30 days) unless set.
  ASSISTIV_WEBHOOK_RETENTION_DAYS: wholeNumber('days', 3, 36_500).default(30),
  ASSISTIV_RETENTION_INTERVAL_MS: millis(1_000, 86_400_000).default(600_000),
  ASSISTIV_RETENTION_BATCH_ROWS: wholeNumber('rows', 1, 10_000).default(5_000),
  ASSISTIV_WEBHOOKS_ALLOW_PRIVATE_URLS: z.enum(['true', 'false'], { message: 'must be true or false' }).default('false'),
  // Which peers may set the client's address in X-Forwarded-For (docs/decisions.md: off by default, never a hop count).
  ASSISTIV_TRUST_PROXY: z
    .string()
    .refine(
      (v) => parseTrustProxy(v) !== undefined,
      'must be off or comma-separated IP addresses or CIDR ranges of the proxies in front (e.g. 10.0.0.0/8, or loopback, linklocal, uniquelocal); a hop count is not accepted',
    )
    .default('off'),
  LOG_LEVEL: z.enum(logLevels, { message: `must be one of ${logLevels.join(', ')}` }).default('info'),
});

export type Config = {
  /** Upstream timeouts (ms): connect, response headers (a whole non-streaming answer), silence between chunks. */
  upstreamTimeouts: { connectTimeoutMs: number; firstByteTimeoutMs: number; idleTimeoutMs: number };
  /** An unsettled reservation older than this belongs to a crashed request: the sweeper releases it. Longer than any call. */
  reservationTtlMs: number;
  /** How often the PostgreSQL sweeper looks for expired reservations. */
  reservationSweepIntervalMs: number;
  /**
   * The retention job (one instance at a time): request logs older than `requestLogDays` (null: kept forever),
   * idempotency records past their replay window and expired stored responses are deleted every `intervalMs`,
   * at most `batchRows` rows per statement (short transactions, no long locks). Money records are never deleted.
   * Webhook delivery attempts older than `webhookDays` go too, and their events a retry window later.
   */
  retention: { requestLogDays: number | null; webhookDays: number; intervalMs: number; batchRows: number };
  /** SIGTERM: how long requests in flight (streams) may run on before they are cut and settled as cancelled. */
  shutdownGraceMs: number;
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** For the background jobs' lock session and the webhook LISTEN session: DATABASE_DIRECT_URL, else DATABASE_URL. */
  databaseDirectUrl: string | undefined;
  /** DATABASE_PREPARED_STATEMENTS: the money function's calls as named prepared statements (PostgreSQL). */
  databasePreparedStatements: boolean;
  redisUrl: string | undefined;
  adminKey: string | undefined;
  encryptionKey: string | undefined;
  corsOrigins: string[];
  logLevel: (typeof logLevels)[number];
  /**
   * Fastify's trustProxy: false (the default) or the proxies' addresses and ranges. Only a request whose peer is
   * one of them has its X-Forwarded-For (and -Proto, -Host) believed; req.ip is then the first untrusted address
   * from the right, which keys the per-IP sign-in back-off and fills the audit log's ip.
   */
  trustProxy: string[] | false;
  /** Webhook endpoints may resolve to loopback, private or link-local addresses (tests, private networks); refused otherwise (SSRF guard). */
  webhooksAllowPrivateUrls: boolean;
  /**
   * Client-side HTTP bounds (ms): all headers must arrive within `headersTimeoutMs` and the whole request
   * (headers and body) within `requestTimeoutMs`, else 408; an idle keep-alive socket closes after `keepAliveTimeoutMs`.
   */
  http: { headersTimeoutMs: number; requestTimeoutMs: number; keepAliveTimeoutMs: number };
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
    /** Idempotency replays are kept this long (spec §0: 24 h at least; ASSISTIV_IDEMPOTENCY_RETENTION_HOURS), then deleted. */
    idempotencyTtlMs: number;
    /** A key still "in progress" after this long belongs to a request whose process died: it may be taken over. */
    idempotencyLockMs: number;
    /** JSON bodies nest at most this deep: deeper documents are refused at parse time, before any recursive code sees them. */
    jsonMaxDepth: number;
    /** Request line plus headers (Node's default, stated): more is a 431. */
    maxHeaderBytes: number;
  };
};

/** Every variable the gateway reads (anything else in the environment is ignored: a misspelt name does nothing). */
export const configVariableNames: readonly string[] = Object.keys(envSchema.shape);

export class ConfigError extends Error {}

/** Parses the environment; throws ConfigError with one line naming the variable and why. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty value (`DATABASE_URL=` in a compose file or .env) means "unset", as in most tools.
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = envSchema.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0] ?? 'environment');
    // Secrets and URLs (which may carry a password) are never echoed back.
    const shown = name.includes('KEY') || name.endsWith('_URL') ? '' : ` (got "${given[name]}")`;
    throw new ConfigError(`${name} ${issue.message}${shown}`);
  }
  const e = parsed.data;
  if (e.DATABASE_URL && !e.ASSISTIV_ENCRYPTION_KEY) {
    throw new ConfigError(
      'ASSISTIV_ENCRYPTION_KEY is required with DATABASE_URL (every instance must share the master key for provider keys; generate one with: openssl rand -base64 32)',
    );
  }
  if (e.DATABASE_URL && !e.ASSISTIV_ADMIN_KEY) {
    throw new ConfigError(
      'ASSISTIV_ADMIN_KEY is required with DATABASE_URL (every instance must accept the same operator key; generate one with: echo sk-admin_$(openssl rand -hex 32))',
    );
  }
  if (e.DATABASE_DIRECT_URL && !e.DATABASE_URL) {
    throw new ConfigError('DATABASE_DIRECT_URL needs DATABASE_URL (it is a second way to reach the same PostgreSQL database)');
  }
  if (e.ASSISTIV_HTTP_HEADERS_TIMEOUT_MS > e.ASSISTIV_HTTP_REQUEST_TIMEOUT_MS) {
    throw new ConfigError('ASSISTIV_HTTP_HEADERS_TIMEOUT_MS must not be larger than ASSISTIV_HTTP_REQUEST_TIMEOUT_MS');
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.ASSISTIV_DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    databaseDirectUrl: e.DATABASE_DIRECT_URL ?? e.DATABASE_URL,
    databasePreparedStatements: e.DATABASE_PREPARED_STATEMENTS === 'on',
    redisUrl: e.REDIS_URL,
    adminKey: e.ASSISTIV_ADMIN_KEY,
    encryptionKey: e.ASSISTIV_ENCRYPTION_KEY,
    corsOrigins: (e.ASSISTIV_CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    logLevel: e.LOG_LEVEL,
    webhooksAllowPrivateUrls: e.ASSISTIV_WEBHOOKS_ALLOW_PRIVATE_URLS === 'true',
    trustProxy: parseTrustProxy(e.ASSISTIV_TRUST_PROXY) ?? false,
    http: {
      headersTimeoutMs: e.ASSISTIV_HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.ASSISTIV_HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.ASSISTIV_HTTP_KEEP_ALIVE_TIMEOUT_MS,
    },
    reservationTtlMs: e.ASSISTIV_RESERVATION_TTL_MS,
    reservationSweepIntervalMs: e.ASSISTIV_RESERVATION_SWEEP_INTERVAL_MS,
    shutdownGraceMs: e.ASSISTIV_SHUTDOWN_GRACE_MS,
    retention: {
      requestLogDays: e.ASSISTIV_REQUEST_LOG_RETENTION_DAYS ?? null,
      webhookDays: e.ASSISTIV_WEBHOOK_RETENTION_DAYS,
      intervalMs: e.ASSISTIV_RETENTION_INTERVAL_MS,
      batchRows: e.ASSISTIV_RETENTION_BATCH_ROWS,
    },
    upstreamTimeouts: {
      connectTimeoutMs: e.ASSISTIV_UPSTREAM_CONNECT_TIMEOUT_MS,
      firstByteTimeoutMs: e.ASSISTIV_UPSTREAM_FIRST_BYTE_TIMEOUT_MS,
      idleTimeoutMs: e.ASSISTIV_UPSTREAM_IDLE_TIMEOUT_MS,
    },
    limits: {
      managementBodyBytes: 1024 * 1024,
      inferenceBodyBytes: 20 * 1024 * 1024,
      authCacheTtlMs: 1000,
      authCacheMaxEntries: 100_000,
      idempotencyTtlMs: e.ASSISTIV_IDEMPOTENCY_RETENTION_HOURS * 60 * 60 * 1000,
      idempotencyLockMs: 5 * 60 * 1000,
      jsonMaxDepth: 64,
      maxHeaderBytes: 16 * 1024,
    },
  };
}
