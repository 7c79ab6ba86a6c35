/**
 * Changes made outside the HTTP API are audited too (issue 16), on each database, by running the real binary
 * against the test gateway's database: `prices import --apply`, `platform create` and `operator add` write one
 * row per change with a `cli` actor (the command and user@host), the catalogue seed of an upgrade one per
 * route it fills in or adds with the `system` actor; a dry run, a no-op and a refused command write none, and
 * no row holds a key, a token or their hashes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPriceTable } from '../../../src/catalogue/seed.js';
import { client } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { runAssistiv } from '../../helpers/spawn.js';
import { dialects } from '../../helpers/suites.js';
import { tokenOf } from '../accounts/members-helpers.js';

const files = mkdtempSync(join(tmpdir(), 'assistiv-audit-cli-'));
afterAll(() => rmSync(files, { recursive: true, force: true }));

/** gpt-4o cheaper, claude-sonnet-4 dearer (held back without --allow-increases), one new Gemini model. */
const priceList = {
  'gpt-4o': { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: 2e-6, output_cost_per_token: 8e-6 },
  'claude-sonnet-4-20250514': { litellm_provider: 'anthropic', mode: 'chat', input_cost_per_token: 3.5e-6, output_cost_per_token: 1.5e-5 },
  'gemini/gemini-9-flash': {
    litellm_provider: 'gemini',
    mode: 'chat',
    max_output_tokens: 65536,
    input_cost_per_token: 2.5e-8,
    output_cost_per_token: 4e-7,
  },
};

const who = `${userInfo().username}@${hostname()}`;
const cliActor = (command: string) => ({ actor_type: 'cli', actor_id: who, actor_label: `assistiv ${command} (${who})` });

describe.each(dialects)('audit rows of changes outside the HTTP API (%s)', (dialect) => {
  let gw: TestGateway;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    gw = await startTestGateway({ dialect });
    env = { PATH: process.env.PATH, HOME: process.env.HOME, ...gw.env, ASSISTIV_DATA_DIR: gw.ctx.config.dataDir };
  });
  afterAll(() => gw?.close());

  const db = () => gw.ctx.store.db;
  const run = (args: string[]) => runAssistiv(args, env);
  /** Rows not written over HTTP, oldest first; `after` skips those of earlier steps. */
  const outsideRows = async (after = '') =>
    db().selectFrom('audit_log').selectAll().where('actor_type', 'in', ['cli', 'system']).where('id', '>', after).orderBy('id').execute();
  const lastId = async () => (await db().selectFrom('audit_log').select('id').orderBy('id', 'desc').executeTakeFirst())?.id ?? '';

  it('the first seed of a fresh database writes no rows (its starting catalogue)', async () => {
    expect(await db().selectFrom('audit_log').selectAll().execute()).toEqual([]);
  });

  it('prices import: a dry run writes nothing; --apply one row per route repriced or added; the same import again none', async () => {
    const file = join(files, `prices-${dialect}.json`);
    writeFileSync(file, JSON.stringify(priceList));
    const start = await lastId();
    expect((await run(['prices', 'import', file])).code).toBe(0);
    expect(await outsideRows(start)).toEqual([]);

    const gpt = await db().selectFrom('model_routes').selectAll().where('slug', '=', 'gpt-4o').executeTakeFirstOrThrow();
    const applied = await run(['prices', 'import', file, '--apply']);
    expect(applied.stdout).toContain('1 route repriced, 1 model added');
    expect(applied.code).toBe(2); // the claude-sonnet-4 increase is held back: no row for it
    const rows = await outsideRows(start);
    expect(rows).toHaveLength(2);
    const added = await db().selectFrom('model_routes').select('id').where('slug', '=', 'gemini-9-flash').executeTakeFirstOrThrow();
    expect(rows[0]).toMatchObject({
      ...cliActor('prices import'),
      platform_id: null,
      action: 'model_route.update',
      resource_type: 'model_route',
      resource_id: gpt.id,
      ip: null,
      user_agent: null,
    });
    expect(JSON.parse(rows[0].changes)).toEqual({ input_usd_per_mtok: [2.5, 2], output_usd_per_mtok: [10, 8] });
    expect(rows[1]).toMatchObject({ ...cliActor('prices import'), action: 'model_route.create', resource_id: added.id });
    expect(JSON.parse(rows[1].changes)).toMatchObject({
      slug: [null, 'gemini-9-flash'],
      input_usd_per_mtok: [null, 0.025],
      max_output_tokens: [null, 65536],
    });
    // One run, one id: the rows of one import group as those of one request do.
    expect(rows[1].request_id).toBe(rows[0].request_id);

    // Nothing left to change (the increase is still held back): no row.
    const again = await lastId();
    expect((await run(['prices', 'import', file, '--apply'])).stdout).toContain('0 routes repriced, 0 models added');
    expect(await outsideRows(again)).toEqual([]);

    // The operator's log lists them, found by the OS account.
    const log = await client(gw.url, gw.adminKey).get(`/v1/admin/audit-log?actor=${encodeURIComponent(who)}&resource_type=model_route`);
    expect(log.status).toBe(200);
    expect(log.body.data.map((r: { action: string }) => r.action)).toEqual(['model_route.create', 'model_route.update']);
    expect(log.body.data[0].actor).toEqual({ type: 'cli', id: who, label: `assistiv prices import (${who})` });
  });

  it("the row is in the change's transaction: an import whose row cannot be written changes nothing", async () => {
    const file = join(files, `cheaper-${dialect}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        'gpt-4o-mini': { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: 1e-8, output_cost_per_token: 1e-8 },
      }),
    );
    const before = await db().selectFrom('model_routes').selectAll().orderBy('id').execute();
    await sql`ALTER TABLE audit_log RENAME TO audit_log_away`.execute(db());
    try {
      const res = await run(['prices', 'import', file, '--apply']);
      expect(res.code).toBe(1);
      expect(res.stderr).toContain('the import failed and was rolled back');
    } finally {
      await sql`ALTER TABLE audit_log_away RENAME TO audit_log`.execute(db());
    }
    expect(await db().selectFrom('model_routes').selectAll().orderBy('id').execute()).toEqual(before);
  });

  it('platform create: one platform.create row with the key as created, never its value; a refused create none', async () => {
    const start = await lastId();
    const res = await run(['platform', 'create', '--name', 'CLI Audited', '--slug', `cli-audited-${dialect}`]);
    expect(res.code).toBe(0);
    const id = /ASSISTIV_PLATFORM_ID=(\S+)/.exec(res.stdout)![1];
    const rawKey = /ASSISTIV_PLATFORM_KEY=(\S+)/.exec(res.stdout)![1];
    const rows = await outsideRows(start);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      ...cliActor('platform create'),
      platform_id: id,
      action: 'platform.create',
      resource_type: 'platform',
      resource_id: id,
    });
    const changes = JSON.parse(rows[0].changes);
    expect(changes).toMatchObject({ name: [null, 'CLI Audited'], slug: [null, `cli-audited-${dialect}`] });
    expect(changes.api_key).toBe('changed'); // the key is secret-named: recorded as created, as over HTTP
    const { key_hash } = await db().selectFrom('api_keys').select('key_hash').where('platform_id', '=', id).executeTakeFirstOrThrow();
    const text = JSON.stringify(rows);
    expect(text).not.toContain(rawKey);
    expect(text).not.toContain(rawKey.slice(0, 24));
    expect(text).not.toContain(key_hash);

    // The platform sees who created it in its own log.
    const own = await client(gw.url, rawKey).get(`/v1/platforms/${id}/audit-log`);
    expect(own.body.data).toEqual([
      expect.objectContaining({ action: 'platform.create', actor: expect.objectContaining({ type: 'cli' }) }),
    ]);

    const dup = await run(['platform', 'create', '--name', 'Again', '--slug', `cli-audited-${dialect}`]);
    expect(dup.code).toBe(1);
    expect(await outsideRows(rows[0].id)).toEqual([]);
  });

  it('operator add: one member.invite row of no platform, never the invite token; a refused add none', async () => {
    const start = await lastId();
    const email = `ops-${dialect}@example.com`;
    const res = await run(['operator', 'add', '--email', email, '--role', 'admin', '--url', gw.url]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const token = tokenOf(/(http\S+#\/invite\/\S+)/.exec(res.stdout)![1]);
    const member = await db().selectFrom('members').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
    const rows = await outsideRows(start);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      ...cliActor('operator add'),
      platform_id: null,
      action: 'member.invite',
      resource_type: 'member',
      resource_id: member.id,
    });
    expect(JSON.parse(rows[0].changes)).toMatchObject({ email: [null, email], role: [null, 'admin'], is_active: [null, true] });
    const invite = await db()
      .selectFrom('member_invites')
      .select('token_hash')
      .where('member_id', '=', member.id)
      .executeTakeFirstOrThrow();
    const text = JSON.stringify(rows);
    expect(text).not.toContain(token);
    expect(text).not.toContain(invite.token_hash);

    expect((await run(['operator', 'add', '--email', email])).code).toBe(1);
    expect(await outsideRows(rows[0].id)).toEqual([]);
  });

  it('the seed of an upgrade: one system row per route it fills in or adds; the next start none', async () => {
    const table = loadPriceTable();
    const newest = table.models.filter((m) => (m.since ?? 1) === table.version);
    expect(newest.length).toBeGreaterThan(0);
    // A deployment on the previous table version: a route still at list price lacks its cache-write prices,
    // and the newest models are not there yet.
    await db()
      .updateTable('model_routes')
      .set({ cache_write_micros_per_mtok: null, cache_write_1h_micros_per_mtok: null })
      .where('slug', '=', 'claude-sonnet-4')
      .execute();
    await db()
      .deleteFrom('model_routes')
      .where(
        'slug',
        'in',
        newest.map((m) => m.slug),
      )
      .execute();
    await db()
      .updateTable('gateway_settings')
      .set({ value: String(table.version - 1) })
      .where('name', '=', 'catalogue_version')
      .execute();
    const start = await lastId();
    expect((await run(['migrate'])).code).toBe(0);

    const rows = await outsideRows(start);
    const seedActor = { actor_type: 'system', actor_id: 'catalogue_seed', actor_label: `catalogue seed (price table v${table.version})` };
    expect(rows.every((r) => r.actor_type === 'system' && r.platform_id === null && r.request_id === rows[0].request_id)).toBe(true);
    const sonnet = await db().selectFrom('model_routes').select('id').where('slug', '=', 'claude-sonnet-4').executeTakeFirstOrThrow();
    const updates = rows.filter((r) => r.action === 'model_route.update');
    expect(updates).toEqual([expect.objectContaining({ ...seedActor, resource_type: 'model_route', resource_id: sonnet.id })]);
    expect(JSON.parse(updates[0].changes)).toEqual({ cache_write_usd_per_mtok: [null, 3.75], cache_write_1h_usd_per_mtok: [null, 6] });
    const creates = rows.filter((r) => r.action === 'model_route.create');
    expect(creates.map((r) => JSON.parse(r.changes).slug[1]).sort()).toEqual(newest.map((m) => m.slug).sort());
    expect(rows).toHaveLength(1 + newest.length);

    // The version is applied: the next start changes nothing and writes nothing.
    const again = await lastId();
    expect((await run(['migrate'])).code).toBe(0);
    expect(await outsideRows(again)).toEqual([]);
  });
});
