/**
 * Role × route, generated from /openapi.json (spec §3b): for every management route and every role, a
 * member's session gets 403 `forbidden` exactly when its role is below the route's least role, and never a
 * 401 or 403 otherwise. The expected least role is written here from the spec's sentence ("viewer reads;
 * billing also tops up the wallet and edits budgets; developer also manages end users, keys, llm-configs
 * and rate limits; admin also manages members; owner also deletes the platform"), independently of the
 * server's table, so a route the table forgets (refused to everyone) fails here too. Operator members are
 * checked the same way on /v1/admin/*.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, createPlatform } from '../../helpers/http.js';
import { startTestGateway, type TestGateway } from '../../helpers/server.js';
import { dialects } from '../../helpers/suites.js';
import { asMember, memberSession, type Session, signIn } from './members-helpers.js';
import { acceptInviteForTest, createOperatorInvite } from './operator-helpers.js';

const roles = ['viewer', 'billing', 'developer', 'admin', 'owner'] as const;
type Role = (typeof roles)[number];
const rank = (r: Role) => roles.indexOf(r);

/** The spec's rule, for a platform route (path relative to /v1/platforms/{platformId}). */
function platformMinimum(method: string, rest: string): Role {
  if (method === 'get') return 'viewer';
  if (rest === '') return method === 'delete' ? 'owner' : 'admin';
  if (rest.startsWith('/members')) return 'admin';
  if (rest.startsWith('/wallet') || rest.includes('/budget')) return 'billing';
  return 'developer';
}

/** The same ladder on the operator's routes. */
function adminMinimum(method: string, rest: string): Role {
  if (method === 'get') return 'viewer';
  if (rest.endsWith('/wallet/adjustments')) return 'billing';
  if (rest.startsWith('/providers') || rest.startsWith('/models')) return 'developer';
  return 'admin';
}

type Route = { method: string; path: string; minimum: Role };

async function managementRoutes(url: string): Promise<{ platform: Route[]; admin: Route[] }> {
  const doc = await (await fetch(`${url}/openapi.json`)).json();
  const platform: Route[] = [];
  const admin: Route[] = [];
  for (const [path, ops] of Object.entries<Record<string, unknown>>(doc.paths)) {
    for (const method of Object.keys(ops)) {
      if (path.startsWith('/v1/platforms/{platformId}')) {
        platform.push({ method, path, minimum: platformMinimum(method, path.slice('/v1/platforms/{platformId}'.length)) });
      } else if (path.startsWith('/v1/admin/')) {
        admin.push({ method, path, minimum: adminMinimum(method, path.slice('/v1/admin'.length)) });
      }
    }
  }
  // Deleting the platform goes last: the owner's call really deletes it.
  const last = (r: Route) => (r.method === 'delete' && r.path === '/v1/platforms/{platformId}' ? 1 : 0);
  platform.sort((a, b) => last(a) - last(b));
  return { platform, admin };
}

/** Fills path parameters: the real platform, random ids for the rest (a 404 is fine: it is not a 403). */
const fill = (path: string, platformId: string) =>
  path.replace('{platformId}', platformId).replace(/\{[^}]+\}/g, () => crypto.randomUUID());

describe.each(dialects)('role × route from the OpenAPI document (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ dialect });
  });
  afterAll(() => gw?.close());

  it('platform members: 403 forbidden exactly below the least role', async () => {
    const { platformId, platformKey } = await createPlatform(gw.url, gw.adminKey);
    const { platform } = await managementRoutes(gw.url);
    expect(platform.length).toBeGreaterThan(40);
    const sessions = new Map<Role, Session>();
    for (const role of roles) sessions.set(role, await memberSession(gw.url, platformKey, platformId, `${role}@example.com`, role));
    const mismatches: string[] = [];
    for (const role of roles) {
      const s = sessions.get(role) as Session;
      for (const route of platform) {
        if (route.method === 'delete' && route.path === '/v1/platforms/{platformId}' && role === 'owner') continue; // below
        const body = ['post', 'patch', 'put'].includes(route.method) ? {} : undefined;
        const res = await asMember(gw.url, s, route.method.toUpperCase(), fill(route.path, platformId), body);
        const refused = res.status === 403 && res.body?.error?.code === 'forbidden';
        const shouldRefuse = rank(role) < rank(route.minimum);
        if (shouldRefuse !== refused || (!shouldRefuse && (res.status === 401 || res.status === 403))) {
          mismatches.push(
            `${role} ${route.method.toUpperCase()} ${route.path}: ${res.status} ${res.body?.error?.code ?? ''} (least role ${route.minimum})`,
          );
        }
      }
    }
    // The owner deletes the platform (and so ends every session of it).
    const del = await asMember(gw.url, sessions.get('owner') as Session, 'DELETE', `/v1/platforms/${platformId}`);
    expect(del.status).toBe(204);
    expect(mismatches).toEqual([]);
    expect(await gw.ctx.store.db.selectFrom('members').selectAll().where('platform_id', '=', platformId).execute()).toEqual([]);
  });

  it('operator members: the same ladder on /v1/admin/*, and no platform member reaches an operator-only route', async () => {
    const { admin } = await managementRoutes(gw.url);
    expect(admin.length).toBeGreaterThan(10);
    const { platformId, platformKey } = await createPlatform(gw.url, gw.adminKey);
    const mismatches: string[] = [];
    for (const role of roles) {
      const email = `operator-${role}@example.com`;
      await acceptInviteForTest(gw.url, await createOperatorInvite(gw.ctx, email, role));
      const s = await signIn(gw.url, email, 'correct horse battery');
      for (const route of admin) {
        const body = ['post', 'patch', 'put'].includes(route.method) ? {} : undefined;
        const res = await asMember(gw.url, s, route.method.toUpperCase(), fill(route.path, platformId), body);
        const refused = res.status === 403 && res.body?.error?.code === 'forbidden';
        const shouldRefuse = rank(role) < rank(route.minimum);
        if (shouldRefuse !== refused || (!shouldRefuse && (res.status === 401 || res.status === 403))) {
          mismatches.push(`operator ${role} ${route.method.toUpperCase()} ${route.path}: ${res.status} ${res.body?.error?.code ?? ''}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    // A platform owner is not the operator.
    const owner = await memberSession(gw.url, platformKey, platformId, 'po@example.com', 'owner');
    const res = await asMember(gw.url, owner, 'GET', '/v1/admin/platforms');
    expect(res.status).toBe(403);
    expect((await client(gw.url, platformKey).get('/v1/admin/platforms')).status).toBe(403);
  });
});
