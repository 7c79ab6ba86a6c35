/**
 * The route-role table is the one source of truth for both the server (authorize.ts) and the dashboard
 * (which hides what a role cannot call): the dashboard bundles route-roles.ts and roles.ts, so they must stay
 * free of server imports, and canCall must answer as the server's check does.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { memberRoles, roleAtLeast } from './roles.js';
import { canCall, endUserRoute, isKnownRoute, minimumRoleFor, platformRoute } from './route-roles.js';

const here = dirname(fileURLToPath(import.meta.url));
const importsOf = (file: string) =>
  [...readFileSync(join(here, file), 'utf8').matchAll(/^\s*(?:import|export)[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]);

describe('route-roles (shared with the dashboard)', () => {
  it('imports nothing but roles.ts, which imports nothing', () => {
    expect(importsOf('route-roles.ts')).toEqual(['./roles.js']);
    expect(importsOf('roles.ts')).toEqual([]);
  });

  it('canCall agrees with minimumRoleFor and the role ladder for every role', () => {
    const routes: Array<[string, string]> = [
      ['GET', `${platformRoute}/wallet`],
      ['POST', `${platformRoute}/wallet/topup`],
      ['POST', `${endUserRoute}/budget/debit`],
      ['POST', `${platformRoute}/api-keys`],
      ['PATCH', platformRoute],
      ['DELETE', platformRoute],
      ['POST', `${platformRoute}/members`],
      ['POST', '/v1/admin/platforms'],
    ];
    for (const [method, route] of routes) {
      const minimum = minimumRoleFor(method, route);
      expect(minimum, `${method} ${route}`).not.toBeNull();
      for (const role of memberRoles) expect(canCall(role, method, route), `${role} ${method} ${route}`).toBe(roleAtLeast(role, minimum!));
    }
    expect(canCall('viewer', 'POST', `${platformRoute}/wallet/topup`)).toBe(false);
    expect(canCall('billing', 'POST', `${platformRoute}/wallet/topup`)).toBe(true);
    expect(canCall('developer', 'PATCH', platformRoute)).toBe(false);
    expect(canCall('admin', 'PATCH', platformRoute)).toBe(true);
  });

  it('an unknown route is refused to every role and reported unknown', () => {
    expect(isKnownRoute('POST', `${platformRoute}/wallet/topupp`)).toBe(false);
    for (const role of memberRoles) expect(canCall(role, 'POST', `${platformRoute}/wallet/topupp`)).toBe(false);
    expect(isKnownRoute('POST', `${platformRoute}/wallet/topup`)).toBe(true);
  });
});
