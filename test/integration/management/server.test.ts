/** What every deployment relies on: OpenAPI and /docs, health, readiness, metrics, migrations on restart. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { generateKey } from '../../../src/crypto/api-keys.js';
import { createGateway } from '../../../src/gateway.js';
import { client, createPlatform } from '../../helpers/http.js';
import { dropPgDatabase, startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects, postgresUrl } from '../../helpers/suites.js';

describe.each(dialects)('server surface (%s)', (dialect) => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startTestGateway({ dialect });
  });
  afterAll(() => gw?.close());

  it('serves an OpenAPI 3.1 document generated from the validating schemas', async () => {
    const res = await client(gw.url).get('/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('Assistiv Gateway API');
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const createUser = doc.paths['/v1/platforms/{platformId}/end-users'].post;
    const schema = createUser.requestBody.content['application/json'].schema;
    expect(schema.required).toEqual(['external_id']);
    expect(schema.properties.external_id).toMatchObject({ type: 'string', minLength: 1, maxLength: 255 });
    expect(Object.keys(schema.properties).sort()).toEqual(['display_name', 'external_id', 'metadata']);
    const listUsers = doc.paths['/v1/platforms/{platformId}/end-users'].get;
    const params = listUsers.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`);
    expect(params).toEqual(expect.arrayContaining(['query:page', 'query:limit', 'query:external_id', 'path:platformId']));
    const llm = doc.paths['/v1/platforms/{platformId}/llm-configs'].post.requestBody.content['application/json'].schema;
    expect(llm.required).toEqual(expect.arrayContaining(['provider_id', 'api_key']));
    expect(doc.paths['/v1/admin/platforms'].post).toBeDefined();
    expect(doc.paths['/v1/platforms/{platformId}/wallet/topup'].post.requestBody.content['application/json'].schema.required).toEqual([
      'amount',
    ]);
    // Operational routes stay out of the API reference.
    for (const hidden of ['/healthz', '/readyz', '/metrics', '/openapi.json']) expect(doc.paths[hidden]).toBeUndefined();
  });

  it('serves a browsable reference at /docs', async () => {
    const res = await fetch(`${gw.url}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toMatch(/swagger|<html/i);
  });

  it('/healthz and /readyz answer; /readyz reports pending migrations as 503', async () => {
    expect((await client(gw.url).get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await client(gw.url).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', database: dialect });
    const db = gw.ctx.store.db;
    const rows = await db
      .selectFrom('kysely_migration' as never)
      .selectAll()
      .execute();
    expect(rows.length).toBeGreaterThanOrEqual(1);
    const name = (rows[rows.length - 1] as { name: string; timestamp: string }).name;
    const saved = rows[rows.length - 1] as { name: string; timestamp: string };
    await db
      .deleteFrom('kysely_migration' as never)
      .where('name' as never, '=', name as never)
      .execute();
    try {
      const pending = await client(gw.url).get('/readyz');
      expect(pending.status).toBe(503);
      expect(pending.body).toEqual({ status: 'not_ready', reason: 'migrations pending' });
    } finally {
      await db
        .insertInto('kysely_migration' as never)
        .values(saved as never)
        .execute();
    }
    expect((await client(gw.url).get('/readyz')).status).toBe(200);
  });

  it('exposes Prometheus metrics with process metrics and a request counter by route pattern', async () => {
    await client(gw.url).get('/v1/platforms/0190f7a0-0000-7000-8000-000000000000');
    const res = await fetch(`${gw.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^assistiv_process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^assistiv_nodejs_heap_size_used_bytes \d/m);
    expect(text).toContain('assistiv_http_requests_total{method="GET",route="/v1/platforms/:platformId",status="401"} 1');
    expect(text).toContain('assistiv_http_request_duration_seconds_bucket');
    expect(text).not.toContain('0190f7a0-0000-7000-8000-000000000000');
  });
});

describe('CORS (spec §0)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ env: { ASSISTIV_CORS_ORIGINS: 'https://admin.example.com' } });
  });
  afterAll(() => gw?.close());

  const preflight = (path: string, origin: string) =>
    fetch(`${gw.url}${path}`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });

  it('/v1/me answers preflights from any origin', async () => {
    const res = await preflight('/v1/me', 'https://app.example.org');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toBe('authorization, content-type');
  });

  it('management routes answer only the listed origins', async () => {
    const other = await preflight('/v1/platforms/x/end-users', 'https://evil.example.net');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const listed = await preflight('/v1/platforms/x/end-users', 'https://admin.example.com');
    expect(listed.headers.get('access-control-allow-origin')).toBe('https://admin.example.com');
    expect(listed.headers.get('vary')).toMatch(/Origin/);
    const get = await fetch(`${gw.url}/v1/admin/platforms`, { headers: { origin: 'https://admin.example.com' } });
    expect(get.status).toBe(401);
    expect(get.headers.get('access-control-allow-origin')).toBe('https://admin.example.com');
    expect(get.headers.get('access-control-expose-headers')).toContain('x-request-id');
  });
});

describe.each(dialects)('migrations on restart (%s)', (dialect) => {
  let dataDir: string;
  let databaseUrl: string | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'assistiv-restart-'));
    if (dialect === 'postgres' && postgresUrl) {
      const name = `assistiv_restart_${randomBytes(5).toString('hex')}`;
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(postgresUrl);
      url.pathname = `/${name}`;
      databaseUrl = url.toString();
      dropDatabase = () => dropPgDatabase(name);
    }
  });
  afterAll(async () => {
    await dropDatabase?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starting twice on the same data applies migrations and the seed once and keeps every row', async () => {
    const adminKey = generateKey('admin');
    const config = loadConfig({
      ASSISTIV_DATA_DIR: dataDir,
      ASSISTIV_ADMIN_KEY: adminKey,
      LOG_LEVEL: 'silent',
      ...(databaseUrl && { DATABASE_URL: databaseUrl, ASSISTIV_ENCRYPTION_KEY: randomBytes(32).toString('base64') }),
    });
    const first = await createGateway(config);
    const url1 = await first.app.listen({ port: 0, host: '127.0.0.1' });
    const platform = await createPlatform(url1, adminKey, 'Survivor');
    await first.close();

    const second = await createGateway(config);
    try {
      const url2 = await second.app.listen({ port: 0, host: '127.0.0.1' });
      const res = await client(url2, platform.platformKey).get(`/v1/platforms/${platform.platformId}`);
      expect(res.status).toBe(200);
      expect(res.body.data.name).toBe('Survivor');
      const providers = await client(url2, adminKey).get('/v1/admin/providers');
      expect(providers.body.total).toBe(4);
      const db = second.ctx.store.db;
      const migrations = (await db
        .selectFrom('kysely_migration' as never)
        .selectAll()
        .execute()) as Array<{ name: string }>;
      expect(new Set(migrations.map((m) => m.name)).size).toBe(migrations.length);
      const gpt4o = await db.selectFrom('model_routes').select('id').where('slug', '=', 'gpt-4o').execute();
      expect(gpt4o).toHaveLength(1);
      expect((await client(url2).get('/readyz')).status).toBe(200);
    } finally {
      await second.close();
    }
  });
});

describe.runIf(postgresUrl)('several instances on one PostgreSQL', () => {
  // Two processes on one SQLite file are fine (the CLI does it); two in one thread would block each other.
  it('two instances starting at once on one fresh database both come up', async () => {
    const name = `assistiv_twin_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(postgresUrl!);
    url.pathname = `/${name}`;
    const config = loadConfig({
      ASSISTIV_DATA_DIR: mkdtempSync(join(tmpdir(), 'assistiv-twin-')),
      ASSISTIV_ADMIN_KEY: generateKey('admin'),
      LOG_LEVEL: 'silent',
      DATABASE_URL: url.toString(),
      ASSISTIV_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    });
    const twins = await Promise.all([createGateway(config), createGateway(config)]);
    try {
      const providers = await twins[0].ctx.store.db.selectFrom('providers').select('slug').execute();
      expect(providers.map((p) => p.slug).sort()).toEqual(['anthropic', 'google', 'openai', 'xai']);
    } finally {
      await Promise.all(twins.map((t) => t.close()));
      await dropPgDatabase(name);
    }
  });
});
