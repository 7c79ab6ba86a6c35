/**
 * The gateway as an operator runs it (`node bin/assistiv.js serve`) in a child process we can SIGKILL or
 * SIGTERM, on a fresh SQLite data dir or PostgreSQL database that outlives the process, provisioned
 * through the HTTP API against a local OpenAI mock; plus streaming load that records how each stream ended.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { generateKey } from '../../../src/crypto/api-keys.js';
import { openStore, type Store } from '../../../src/store/database.js';
import { client, createPlatform } from '../../helpers/http.js';
import { dropPgDatabase } from '../../helpers/server.js';
import { type Run, runAssistiv } from '../../helpers/spawn.js';
import { postgresUrl } from '../../helpers/suites.js';

const bin = join(import.meta.dirname, '../../../bin/assistiv.js');

/** A database that outlives gateway processes: the environment every process started on it shares. */
export type Durable = { env: Record<string, string>; adminKey: string; openStore(): Store; drop(): Promise<void> };

export async function durableDatabase(dialect: 'sqlite' | 'postgres', extraEnv: Record<string, string> = {}): Promise<Durable> {
  const dir = mkdtempSync(join(tmpdir(), 'assistiv-crash-'));
  const adminKey = generateKey('admin');
  let dbUrl: string | undefined;
  let dbName: string | undefined;
  if (dialect === 'postgres') {
    if (!postgresUrl) throw new Error('ASSISTIV_TEST_DATABASE_URL is not set');
    dbName = `assistiv_crash_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const url = new URL(postgresUrl);
    url.pathname = `/${dbName}`;
    dbUrl = url.toString();
  }
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    HOST: '127.0.0.1',
    ASSISTIV_DATA_DIR: join(dir, 'data'),
    ASSISTIV_ADMIN_KEY: adminKey,
    LOG_LEVEL: 'warn',
    ...(dbUrl && { DATABASE_URL: dbUrl, ASSISTIV_ENCRYPTION_KEY: randomBytes(32).toString('base64') }),
    ...extraEnv,
  };
  return {
    env,
    adminKey,
    openStore: () => openStore({ databaseUrl: dbUrl, dataDir: env.ASSISTIV_DATA_DIR }),
    async drop() {
      rmSync(dir, { recursive: true, force: true });
      if (!dbName) return;
      await dropPgDatabase(dbName);
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export type Served = {
  url: string;
  port: number;
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

/** Starts `assistiv serve` on a free port and waits until it says it is listening. */
export async function serve(db: Durable, extraEnv: Record<string, string> = {}): Promise<Served> {
  const port = await freePort();
  const child = spawn(process.execPath, [bin, 'serve'], { env: { ...db.env, ...extraEnv, PORT: String(port) } });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), 30_000);
    const check = () => {
      if (!out.includes('Assistiv Gateway listening on')) return;
      clearTimeout(timer);
      resolve();
    };
    child.stdout.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`serve exited:\n${out}`));
    });
  });
  return { url: `http://127.0.0.1:${port}`, port, child, output: () => out, exited };
}

export type { Run } from '../../helpers/spawn.js';

/** Runs a CLI command (e.g. `ledger verify`) with the database's environment. */
export function cli(db: Durable, args: string[]): Promise<Run> {
  return runAssistiv(args, db.env);
}

/** Upstream models of the OpenAI mock (test/mocks/behaviour.ts): N text chunks, one every MS. */
export const slowModel = (intervalMs: number, chunks: number) => `slow-stream-${intervalMs}-chunks-${chunks}`;

export type Tenant = { platformId: string; platformKey: string; endUserId: string; endUserKey: string };

/**
 * Points the seeded `openai` provider at the mock, adds one route per upstream model (slug = model) unless
 * it exists, and creates a platform with its provider key, a funded wallet and an end user with a budget.
 */
export async function provision(s: Served, db: Durable, mockUrl: string, models: string[]): Promise<Tenant> {
  const admin = client(s.url, db.adminKey);
  const providers = (await admin.get('/v1/admin/providers')).body.data as Array<{ id: string; slug: string }>;
  const openai = providers.find((p) => p.slug === 'openai');
  if (!openai) throw new Error('no seeded openai provider');
  expectStatus(await admin.patch(`/v1/admin/providers/${openai.id}`, { base_url: mockUrl }), 200);
  const routes = (await admin.get('/v1/admin/models?limit=100')).body.data as Array<{ slug: string }>;
  for (const model of models.filter((m) => !routes.some((r) => r.slug === m))) {
    expectStatus(
      await admin.post('/v1/admin/models', {
        slug: model,
        provider_id: openai.id,
        provider_model_id: model,
        input_usd_per_mtok: 2.5,
        output_usd_per_mtok: 10,
        max_output_tokens: 4096,
      }),
      201,
    );
  }
  const { platformId, platformKey } = await createPlatform(s.url, db.adminKey, `Crash ${randomBytes(3).toString('hex')}`);
  const api = client(s.url, platformKey);
  const base = `/v1/platforms/${platformId}`;
  expectStatus(await api.post(`${base}/llm-configs`, { provider_id: openai.id, api_key: 'sk-test-crash-provider-key' }), 201);
  expectStatus(await api.post(`${base}/wallet/topup`, { amount: 100 }), 201);
  const user = await api.post(`${base}/end-users`, { external_id: 'crash-user' });
  expectStatus(user, 201);
  const endUserId = user.body.data.id as string;
  expectStatus(await api.post(`${base}/end-users/${endUserId}/budget`, { max_usd: 50 }), 201);
  return { platformId, platformKey, endUserId, endUserKey: user.body.data.api_key.raw_key as string };
}

function expectStatus(res: { status: number; body: unknown }, status: number): void {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
}

/** How one streaming call ended, seen from the client. */
export type StreamEnd = {
  requestId: string | null;
  /** true when `data: [DONE]` arrived. */
  done: boolean;
  /** Content chunks received. */
  chunks: number;
  /** The connection failed before any response (refused, reset). */
  refused?: string;
  status: number | null;
};

/**
 * One streaming chat completion over its own connection (no keep-alive pool: a cut or refused connection
 * is seen as such). `onChunk` fires at each content chunk.
 */
export function streamChat(url: string, key: string, model: string, onChunk?: () => void): Promise<StreamEnd> {
  const body = JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'Count for me, slowly.' }] });
  return new Promise((resolve) => {
    const end: StreamEnd = { requestId: null, done: false, chunks: 0, status: null };
    const req = request(
      `${url}/v1/chat/completions`,
      { method: 'POST', agent: false, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } },
      (res) => {
        end.status = res.statusCode ?? null;
        end.requestId = (res.headers['x-request-id'] as string | undefined) ?? null;
        let buffered = '';
        res.setEncoding('utf8');
        res.on('data', (text: string) => {
          buffered += text;
          let cut = buffered.indexOf('\n\n');
          while (cut >= 0) {
            const frame = buffered.slice(0, cut);
            buffered = buffered.slice(cut + 2);
            if (frame === 'data: [DONE]') end.done = true;
            else if (frame.includes('"delta":{"content"')) {
              end.chunks++;
              onChunk?.();
            }
            cut = buffered.indexOf('\n\n');
          }
        });
        res.on('error', () => resolve(end));
        res.on('close', () => resolve(end));
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (end.status === null) end.refused = err.code ?? err.message;
      resolve(end);
    });
    req.end(body);
  });
}

/** What the database holds for one platform after the fact. */
export async function ledgerOf(store: Store, platformId: string) {
  const db = store.db;
  const debits = await db
    .selectFrom('wallet_transactions')
    .select(['request_id', 'amount_micros'])
    .where('platform_id', '=', platformId)
    .where('type', '=', 'llm_usage')
    .execute();
  const logs = await db
    .selectFrom('request_logs')
    .select(['request_id', 'status', 'billing_status', 'cost_micros', 'completion_tokens'])
    .where('platform_id', '=', platformId)
    .execute();
  const wallet = await db.selectFrom('wallets').selectAll().where('platform_id', '=', platformId).executeTakeFirstOrThrow();
  const budget = await db.selectFrom('budgets').selectAll().where('platform_id', '=', platformId).executeTakeFirstOrThrow();
  const reservations = await db.selectFrom('reservations').select('request_id').where('platform_id', '=', platformId).execute();
  return { debits, logs, wallet, budget, reservations };
}
