/** The `assistiv` command as an operator runs it: `node bin/assistiv.js …` in a child process. */

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { generateKey } from '../../../src/crypto/api-keys.js';
import { client } from '../../helpers/http.js';
import { dropPgDatabase } from '../../helpers/server.js';
import { type Run, runAssistiv } from '../../helpers/spawn.js';
import { postgresUrl } from '../../helpers/suites.js';

const bin = join(import.meta.dirname, '../../../bin/assistiv.js');
const dirs: string[] = [];
const running: ChildProcess[] = [];

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'assistiv-cli-'));
  dirs.push(d);
  return join(d, 'data');
}

/** Only what the command needs: nothing from the test runner's own environment leaks in. */
function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...extra };
}

function run(args: string[], extra: Record<string, string>): Promise<Run> {
  return runAssistiv(args, env(extra));
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

type Served = { url: string; output: () => string; stop: () => Promise<number | null> };

/** Starts `assistiv serve` on a free port and waits until it says it is listening. */
async function serve(extra: Record<string, string>): Promise<Served> {
  const port = await freePort();
  const child = spawn(process.execPath, [bin, 'serve'], { env: env({ PORT: String(port), ...extra }) });
  running.push(child);
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), 20_000);
    const check = () => {
      if (out.includes('Assistiv Gateway listening on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', check);
    child.on('close', () => reject(new Error(`serve exited:\n${out}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => out,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe.concurrent('configuration errors stop the start with one line', () => {
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['PORT=abc', { PORT: 'abc' }, /^assistiv: configuration error: PORT must be a port number from 0 to 65535 \(got "abc"\)$/],
    ['PORT=70000', { PORT: '70000' }, /^assistiv: configuration error: PORT .*70000/],
    ['ASSISTIV_ADMIN_KEY=bad', { ASSISTIV_ADMIN_KEY: 'bad' }, /^assistiv: configuration error: ASSISTIV_ADMIN_KEY must be sk-admin_/],
    [
      'DATABASE_URL without ASSISTIV_ENCRYPTION_KEY',
      { DATABASE_URL: 'postgres://u:secretpw@127.0.0.1:1/db' },
      /^assistiv: configuration error: ASSISTIV_ENCRYPTION_KEY is required with DATABASE_URL/,
    ],
    ['DATABASE_URL=mysql://…', { DATABASE_URL: 'mysql://u:p@h/db' }, /^assistiv: configuration error: DATABASE_URL must be a postgres/],
    [
      'ASSISTIV_ENCRYPTION_KEY too short',
      { ASSISTIV_ENCRYPTION_KEY: 'c2hvcnQ=' },
      /^assistiv: configuration error: ASSISTIV_ENCRYPTION_KEY must be 32 bytes/,
    ],
    ['LOG_LEVEL=loud', { LOG_LEVEL: 'loud' }, /^assistiv: configuration error: LOG_LEVEL must be one of .* \(got "loud"\)$/],
    ['REDIS_URL=localhost', { REDIS_URL: 'localhost:6379' }, /^assistiv: configuration error: REDIS_URL must be a redis:\/\//],
    [
      'ASSISTIV_REQUEST_LOG_RETENTION_DAYS=0',
      { ASSISTIV_REQUEST_LOG_RETENTION_DAYS: '0' },
      /REQUEST_LOG_RETENTION_DAYS must be a whole number of days from 1 to 36500 \(got "0"\)$/,
    ],
    [
      'ASSISTIV_IDEMPOTENCY_RETENTION_HOURS=12',
      { ASSISTIV_IDEMPOTENCY_RETENTION_HOURS: '12' },
      /RETENTION_HOURS must be a whole number of hours from 24 to 8760 \(got "12"\)$/,
    ],
    [
      'ASSISTIV_WEBHOOK_RETENTION_DAYS=2',
      { ASSISTIV_WEBHOOK_RETENTION_DAYS: '2' },
      /WEBHOOK_RETENTION_DAYS must be a whole number of days from 3 to 36500 \(got "2"\)$/,
    ],
    [
      'ASSISTIV_RETENTION_BATCH_ROWS=lots',
      { ASSISTIV_RETENTION_BATCH_ROWS: 'lots' },
      /BATCH_ROWS must be a whole number of rows from 1 to 10000 \(got "lots"\)$/,
    ],
    [
      'DATABASE_DIRECT_URL=mysql://…',
      { DATABASE_DIRECT_URL: 'mysql://u:secretpw@h/db' },
      /^assistiv: configuration error: DATABASE_DIRECT_URL must be a postgres:\/\/ or postgresql:\/\/ URL$/,
    ],
    [
      'DATABASE_DIRECT_URL without DATABASE_URL',
      { DATABASE_DIRECT_URL: 'postgres://u:secretpw@127.0.0.1:1/db' },
      /^assistiv: configuration error: DATABASE_DIRECT_URL needs DATABASE_URL/,
    ],
    [
      'DATABASE_PREPARED_STATEMENTS=no',
      { DATABASE_PREPARED_STATEMENTS: 'no' },
      /^assistiv: configuration error: DATABASE_PREPARED_STATEMENTS must be on or off \(got "no"\)$/,
    ],
    // A hop count cannot tell the proxy from a client that reaches the gateway directly: refused, not ignored.
    [
      'ASSISTIV_TRUST_PROXY=1',
      { ASSISTIV_TRUST_PROXY: '1' },
      /^assistiv: configuration error: ASSISTIV_TRUST_PROXY must be off or comma-separated IP addresses or CIDR ranges .*a hop count is not accepted \(got "1"\)$/,
    ],
    [
      'ASSISTIV_TRUST_PROXY=10.0.0.0/33,nginx',
      { ASSISTIV_TRUST_PROXY: '10.0.0.0/33,nginx' },
      /^assistiv: configuration error: ASSISTIV_TRUST_PROXY must be off or .* \(got "10\.0\.0\.0\/33,nginx"\)$/,
    ],
    [
      'ASSISTIV_TRUST_PROXY=true',
      { ASSISTIV_TRUST_PROXY: 'true' },
      /^assistiv: configuration error: ASSISTIV_TRUST_PROXY must be off or .* \(got "true"\)$/,
    ],
  ];
  it.each(cases)('%s', async (_name, extra, expected) => {
    const dataDir = tempDir();
    const res = await run(['serve'], { ASSISTIV_DATA_DIR: dataDir, ...extra });
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    const lines = res.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(expected);
    expect(res.stderr).not.toContain('secretpw');
  });

  it('DATABASE_URL also needs ASSISTIV_ADMIN_KEY (instances must share it)', async () => {
    const res = await run(['serve'], {
      ASSISTIV_DATA_DIR: tempDir(),
      DATABASE_URL: 'postgres://u:p@127.0.0.1:1/db',
      ASSISTIV_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    });
    expect(res.code).toBe(1);
    expect(res.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^assistiv: configuration error: ASSISTIV_ADMIN_KEY is required with DATABASE_URL/),
    ]);
  });

  it('an unreachable database is one line too', async () => {
    const res = await run(['migrate'], {
      ASSISTIV_DATA_DIR: tempDir(),
      DATABASE_URL: 'postgres://u:p@127.0.0.1:1/db',
      ASSISTIV_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      ASSISTIV_ADMIN_KEY: generateKey('admin'),
    });
    expect(res.code).toBe(1);
    expect(res.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^assistiv: cannot migrate: .*ECONNREFUSED/)]);
  });
});

describe('assistiv serve on the embedded default', () => {
  it('first start generates data/admin.key (0600) and prints it once with next steps; the second start does not', async () => {
    const dataDir = tempDir();
    const first = await serve({ ASSISTIV_DATA_DIR: dataDir });
    const keyFile = join(dataDir, 'admin.key');
    const adminKey = readFileSync(keyFile, 'utf8').trim();
    expect(adminKey).toMatch(/^sk-admin_[0-9a-f]{64}$/);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'encryption.key')).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o077).toBe(0);
    const out = first.output();
    expect(out.split(adminKey)).toHaveLength(2); // printed exactly once
    expect(out).toContain('Next steps');
    expect(out).toContain('platform create --name');
    const platforms = await client(first.url, adminKey).get('/v1/admin/platforms');
    expect(platforms.status).toBe(200);
    expect((await client(first.url).get('/readyz')).body).toEqual({ status: 'ready', database: 'sqlite' });
    expect(await first.stop()).toBe(0);

    const second = await serve({ ASSISTIV_DATA_DIR: dataDir });
    expect(second.output()).not.toContain(adminKey);
    expect(second.output()).not.toContain('First start');
    expect((await client(second.url, adminKey).get('/v1/admin/platforms')).status).toBe(200);
    expect(await second.stop()).toBe(0);
  });

  it('a port in use is one line', async () => {
    const dataDir = tempDir();
    const a = await serve({ ASSISTIV_DATA_DIR: dataDir });
    const port = new URL(a.url).port;
    // Another data dir: a second server on the same SQLite file is refused before it listens.
    const res = await run(['serve'], { ASSISTIV_DATA_DIR: tempDir(), PORT: port });
    expect(res.code).toBe(1);
    expect(res.stderr.trimEnd().split('\n')).toEqual([
      `assistiv: cannot listen on 127.0.0.1:${port} (set PORT or HOST): the address is already in use`,
    ]);
    await a.stop();
  });

  it('logs at debug level never contain a key, an Authorization header or a provider key', async () => {
    const dataDir = tempDir();
    const adminKey = generateKey('admin');
    const s = await serve({ ASSISTIV_DATA_DIR: dataDir, ASSISTIV_ADMIN_KEY: adminKey, LOG_LEVEL: 'debug' });
    const created = await client(s.url, adminKey).post('/v1/admin/platforms', { name: 'Logged' });
    const platformId = created.body.data.id;
    const platformKey = created.body.data.api_key.raw_key;
    const api = client(s.url, platformKey);
    const providers = await api.get('/v1/admin/providers');
    const providerKey = 'sk-proj-PROVIDERSECRET-1234567890';
    await api.post(`/v1/platforms/${platformId}/llm-configs`, { provider_id: providers.body.data[0].id, api_key: providerKey });
    await api.post(`/v1/platforms/${platformId}/llm-configs`, {
      provider_id: providers.body.data[0].id,
      api_key: providerKey,
      bogus: providerKey,
    });
    const eu = await api.post(`/v1/platforms/${platformId}/end-users`, { external_id: 'logged-user' });
    const euKey = eu.body.data.api_key.raw_key;
    await client(s.url, euKey).get('/v1/me');
    await client(s.url, euKey).get(`/v1/platforms/${platformId}`);
    const unknownKey = `sk-plat_${'ab'.repeat(32)}`;
    await client(s.url, unknownKey).get(`/v1/platforms/${platformId}`);
    await api.post(`/v1/platforms/${platformId}/api-keys`, { name: 'rotated' }, { 'idempotency-key': 'log-idem' });
    await s.stop();
    const out = s.output();
    expect(out).toContain('incoming request'); // per-request lines are on at debug level
    expect(out).toContain('/llm-configs');
    for (const secret of [adminKey, platformKey, euKey, unknownKey, providerKey]) {
      expect(out).not.toContain(secret);
      expect(out).not.toContain(secret.slice(12)); // nor the part after the displayable prefix
    }
    expect(out.toLowerCase()).not.toMatch(/"authorization":"bearer/);
  });
});

describe('assistiv migrate, platform create, admin-key', () => {
  it('migrate applies and then finds nothing to do', async () => {
    const dataDir = tempDir();
    for (let i = 0; i < 2; i++) {
      const res = await run(['migrate'], { ASSISTIV_DATA_DIR: dataDir });
      expect(res).toMatchObject({ code: 0, stderr: '' });
      expect(res.stdout).toBe('Database is up to date (sqlite).\n');
    }
  });

  it('platform create prints an ID and key that work against a running gateway on the same data', async () => {
    const dataDir = tempDir();
    const s = await serve({ ASSISTIV_DATA_DIR: dataDir });
    const res = await run(['platform', 'create', '--name', 'CLI Co'], { ASSISTIV_DATA_DIR: dataDir });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Created platform "CLI Co" (slug cli-co).');
    expect(res.stdout).toMatch(/^ {2}export ASSISTIV_PLATFORM_ID=\S+$/m);
    const id = /ASSISTIV_PLATFORM_ID=([0-9a-f-]{36})/.exec(res.stdout)?.[1];
    const key = /ASSISTIV_PLATFORM_KEY=(sk-plat_[0-9a-f]{64})/.exec(res.stdout)?.[1];
    expect(id && key).toBeTruthy();
    const api = client(s.url, key);
    const platform = await api.get(`/v1/platforms/${id}`);
    expect(platform.body.data).toMatchObject({ id, name: 'CLI Co', slug: 'cli-co' });
    expect((await api.post(`/v1/platforms/${id}/end-users`, { external_id: 'cli-user' })).status).toBe(201);

    const dup = await run(['platform', 'create', '--name', 'Again', '--slug', 'cli-co'], { ASSISTIV_DATA_DIR: dataDir });
    expect(dup.code).toBe(1);
    expect(dup.stderr).toBe('assistiv: A platform with slug "cli-co" already exists.\n');
    const missing = await run(['platform', 'create'], { ASSISTIV_DATA_DIR: dataDir });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("required option '--name <name>' not specified");
    await s.stop();
  });

  it('admin-key prints the embedded admin key, or says it comes from the environment', async () => {
    const dataDir = tempDir();
    const res = await run(['admin-key'], { ASSISTIV_DATA_DIR: dataDir });
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toBe(readFileSync(join(dataDir, 'admin.key'), 'utf8').trim());
    const fromEnv = await run(['admin-key'], { ASSISTIV_DATA_DIR: dataDir, ASSISTIV_ADMIN_KEY: generateKey('admin') });
    expect(fromEnv.stdout).toContain('ASSISTIV_ADMIN_KEY');
  });

  it('--help lists the commands', async () => {
    const res = await run(['--help'], {});
    expect(res.code).toBe(0);
    for (const cmd of ['serve', 'migrate', 'platform', 'admin-key']) expect(res.stdout).toContain(cmd);
  });
});

describe.runIf(postgresUrl)('the CLI on PostgreSQL', () => {
  it('migrate and platform create work with DATABASE_URL', async () => {
    const name = `assistiv_cli_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(postgresUrl!);
    url.pathname = `/${name}`;
    const pgEnv = {
      ASSISTIV_DATA_DIR: tempDir(),
      DATABASE_URL: url.toString(),
      ASSISTIV_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      ASSISTIV_ADMIN_KEY: generateKey('admin'),
    };
    try {
      for (let i = 0; i < 2; i++) expect((await run(['migrate'], pgEnv)).stdout).toBe('Database is up to date (postgres).\n');
      const created = await run(['platform', 'create', '--name', 'PG Co'], pgEnv);
      expect(created.code).toBe(0);
      const s = await serve(pgEnv);
      const id = /ASSISTIV_PLATFORM_ID=(\S+)/.exec(created.stdout)![1];
      const key = /ASSISTIV_PLATFORM_KEY=(\S+)/.exec(created.stdout)![1];
      expect((await client(s.url, key).get(`/v1/platforms/${id}`)).body.data.name).toBe('PG Co');
      expect((await client(s.url).get('/readyz')).body).toEqual({ status: 'ready', database: 'postgres' });
      await s.stop();
    } finally {
      await dropPgDatabase(name);
    }
  });
});
