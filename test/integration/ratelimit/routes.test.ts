/** Rate-limit management routes and `/v1/me/rate-limits` over real HTTP, on each database. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createPlatform } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';

describe.each(dialects)('rate-limit routes (%s)', (dialect) => {
  let gw: TestGateway;
  let platformId: string;
  let platformKey: string;
  let other: { platformId: string; platformKey: string };
  let user: { id: string; key: string };
  let otherUser: { id: string; key: string };

  const api = () => client(gw.url, platformKey);
  const base = () => `/v1/platforms/${platformId}`;
  const newUser = async (key: string, pid: string, externalId: string) => {
    const res = await client(gw.url, key).post(`/v1/platforms/${pid}/end-users`, { external_id: externalId });
    return { id: res.body.data.id as string, key: res.body.data.api_key.raw_key as string };
  };

  beforeAll(async () => {
    gw = await startTestGateway({ dialect });
    ({ platformId, platformKey } = await createPlatform(gw.url, gw.adminKey, 'Limits Co'));
    other = await createPlatform(gw.url, gw.adminKey, 'Other Co');
    user = await newUser(platformKey, platformId, 'limited-user');
    otherUser = await newUser(other.platformKey, other.platformId, 'foreign-user');
  });
  afterAll(() => gw?.close());

  it('resolution none: no defaults, no override', async () => {
    expect((await api().get(`${base()}/rate-limits`)).body.data).toEqual({
      platform_id: platformId,
      rpm_limit: null,
      tpm_limit: null,
      rpd_limit: null,
      updated_at: null,
    });
    const eff = await api().get(`${base()}/end-users/${user.id}/rate-limits`);
    expect(eff.status).toBe(200);
    expect(eff.body.data).toEqual({ end_user_id: user.id, rpm_limit: null, tpm_limit: null, rpd_limit: null, resolution: 'none' });
    const me = await client(gw.url, user.key).get('/v1/me/rate-limits');
    expect(me.body).toEqual({ data: { rpm_limit: null, tpm_limit: null, rpd_limit: null, resolution: 'none' } });
  });

  it('resolution default: the platform defaults apply to every end user', async () => {
    const put = await api().put(`${base()}/rate-limits`, { rpm_limit: 60, tpm_limit: 100_000, rpd_limit: null });
    expect(put.status).toBe(200);
    expect(put.body.data).toMatchObject({
      platform_id: platformId,
      rpm_limit: 60,
      tpm_limit: 100_000,
      rpd_limit: null,
      updated_at: expect.any(String),
    });
    expect((await api().get(`${base()}/rate-limits`)).body.data).toEqual(put.body.data);
    const me = await client(gw.url, user.key).get('/v1/me/rate-limits');
    expect(me.body.data).toEqual({ rpm_limit: 60, tpm_limit: 100_000, rpd_limit: null, resolution: 'default' });
  });

  it('resolution explicit: an override replaces the defaults as a whole; DELETE falls back', async () => {
    const put = await api().put(`${base()}/end-users/${user.id}/rate-limits`, { rpd_limit: 500 });
    expect(put.status).toBe(200);
    expect(put.body.data).toEqual({ end_user_id: user.id, rpm_limit: null, tpm_limit: null, rpd_limit: 500, resolution: 'explicit' });
    expect((await client(gw.url, user.key).get('/v1/me/rate-limits')).body.data).toEqual({
      rpm_limit: null,
      tpm_limit: null,
      rpd_limit: 500,
      resolution: 'explicit',
    });
    const again = await api().put(`${base()}/end-users/${user.id}/rate-limits`, { rpm_limit: 5, rpd_limit: 500 });
    expect(again.body.data).toMatchObject({ rpm_limit: 5, rpd_limit: 500, resolution: 'explicit' });
    const rows = await gw.ctx.store.db.selectFrom('rate_limits').selectAll().where('end_user_id', '=', user.id).execute();
    expect(rows).toHaveLength(1);

    const del = await api().delete(`${base()}/end-users/${user.id}/rate-limits`);
    expect(del.status).toBe(204);
    const eff = await api().get(`${base()}/end-users/${user.id}/rate-limits`);
    expect(eff.body.data).toMatchObject({ rpm_limit: 60, tpm_limit: 100_000, rpd_limit: null, resolution: 'default' });
  });

  it('concurrent PUTs leave one row per subject', async () => {
    await Promise.all(Array.from({ length: 8 }, (_, i) => api().put(`${base()}/rate-limits`, { rpm_limit: 60 + i, tpm_limit: 100_000 })));
    const rows = await gw.ctx.store.db
      .selectFrom('rate_limits')
      .selectAll()
      .where('platform_id', '=', platformId)
      .where('end_user_id', 'is', null)
      .execute();
    expect(rows).toHaveLength(1);
    await api().put(`${base()}/rate-limits`, { rpm_limit: 60, tpm_limit: 100_000 });
  });

  it('a limit change takes effect on the next call', async () => {
    const admit = () => gw.ctx.rateLimiter.admit({ requestId: 'r', platformId, endUserId: user.id, estimatedTokens: 10 });
    await api().put(`${base()}/end-users/${user.id}/rate-limits`, { rpm_limit: 1 });
    expect((await admit()).ok).toBe(true);
    const refused = await admit();
    expect(refused.ok).toBe(false);
    await api().put(`${base()}/end-users/${user.id}/rate-limits`, { rpm_limit: 2 });
    expect((await admit()).ok).toBe(true);
    await api().put(`${base()}/end-users/${user.id}/rate-limits`, {});
    expect(await admit()).toEqual({ ok: true, ticket: null, headers: {} });
    await api().delete(`${base()}/end-users/${user.id}/rate-limits`);
    const byDefault = await admit();
    expect(byDefault.ok && byDefault.headers['x-ratelimit-limit-requests']).toBe('60');
  });

  it.each([
    [{ rpm_limit: -1 }, 'rpm_limit'],
    [{ tpm_limit: 1.5 }, 'tpm_limit'],
    [{ rpd_limit: '100' }, 'rpd_limit'],
    [{ rpm_limit: 'lots' }, 'rpm_limit'],
    [{ rpm_limit: 2 ** 31 }, 'rpm_limit'],
  ])('bad input %j → 400 validation_error naming the field', async (body, param) => {
    for (const path of [`${base()}/rate-limits`, `${base()}/end-users/${user.id}/rate-limits`]) {
      const res = await api().put(path, body);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'validation_error', param });
    }
  });

  it('an unknown field and a non-JSON body are 400', async () => {
    const unknown = await api().put(`${base()}/rate-limits`, { rpm: 5 });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('validation_error');
    const broken = await api().raw('PUT', `${base()}/rate-limits`, '{"rpm_limit":', { 'content-type': 'application/json' });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('invalid_json');
  });

  it("another platform's end user is a 404; another platform's path is a 403", async () => {
    for (const method of ['GET', 'PUT', 'DELETE'] as const) {
      const res = await api().raw(
        method,
        `${base()}/end-users/${otherUser.id}/rate-limits`,
        method === 'PUT' ? { rpm_limit: 1 } : undefined,
      );
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    const foreign = await api().get(`/v1/platforms/${other.platformId}/rate-limits`);
    expect(foreign.status).toBe(403);
    const foreignPut = await api().put(`/v1/platforms/${other.platformId}/rate-limits`, { rpm_limit: 1 });
    expect(foreignPut.status).toBe(403);
    expect((await client(gw.url, other.platformKey).get(`/v1/platforms/${other.platformId}/rate-limits`)).body.data.rpm_limit).toBeNull();
  });

  it('/v1/me/rate-limits needs an end-user key; the operator may manage any platform', async () => {
    expect((await api().get('/v1/me/rate-limits')).status).toBe(403);
    expect((await client(gw.url).get('/v1/me/rate-limits')).status).toBe(401);
    const admin = await client(gw.url, gw.adminKey).get(`${base()}/end-users/${user.id}/rate-limits`);
    expect(admin.status).toBe(200);
  });
});
