/**
 * The least role a dashboard session needs on each management route (spec §3b), in one table keyed by
 * method and route pattern as Fastify registers it. A route missing here is refused to every member: a new
 * route stays closed to sessions until someone decides who may call it.
 *
 * The dashboard imports this module too (to hide the controls a member's role cannot use), so it imports
 * nothing but roles.ts: no server code, no Node built-ins (route-roles.test.ts checks).
 */
import { type MemberRole, roleAtLeast } from './roles.js';

/** Route-pattern prefixes, as the table spells them (the dashboard builds its questions from these). */
export const platformRoute = '/v1/platforms/:platformId';
export const endUserRoute = `${platformRoute}/end-users/:endUserId`;

const p = platformRoute;
const eu = endUserRoute;

const minimumRoles: Record<string, MemberRole> = {
  // Reading anything: viewer.
  [`GET ${p}`]: 'viewer',
  [`GET ${p}/api-keys`]: 'viewer',
  [`GET ${p}/llm-configs`]: 'viewer',
  [`GET ${p}/llm-configs/:configId`]: 'viewer',
  [`GET ${p}/end-users`]: 'viewer',
  [`GET ${eu}`]: 'viewer',
  [`GET ${eu}/api-keys`]: 'viewer',
  [`GET ${p}/wallet`]: 'viewer',
  [`GET ${p}/wallet/transactions`]: 'viewer',
  [`GET ${eu}/budget`]: 'viewer',
  [`GET ${eu}/budget/transactions`]: 'viewer',
  [`GET ${p}/rate-limits`]: 'viewer',
  [`GET ${eu}/rate-limits`]: 'viewer',
  [`GET ${p}/logs`]: 'viewer',
  [`GET ${p}/usage`]: 'viewer',
  [`GET ${p}/webhooks`]: 'viewer',
  [`GET ${p}/webhooks/:webhookId`]: 'viewer',
  [`GET ${p}/webhooks/:webhookId/deliveries`]: 'viewer',
  [`GET ${p}/audit-log`]: 'viewer',
  [`GET ${p}/members`]: 'viewer',
  [`GET ${p}/members/:memberId`]: 'viewer',
  // Money: billing.
  [`PATCH ${p}/wallet`]: 'billing',
  [`POST ${p}/wallet/topup`]: 'billing',
  [`POST ${eu}/budget`]: 'billing',
  [`PATCH ${eu}/budget`]: 'billing',
  [`DELETE ${eu}/budget`]: 'billing',
  [`POST ${eu}/budget/topup`]: 'billing',
  [`POST ${eu}/budget/debit`]: 'billing',
  // End users, keys, llm-configs, rate limits, webhooks: developer.
  [`POST ${p}/api-keys`]: 'developer',
  [`DELETE ${p}/api-keys/:keyId`]: 'developer',
  [`POST ${p}/llm-configs`]: 'developer',
  [`PATCH ${p}/llm-configs/:configId`]: 'developer',
  [`DELETE ${p}/llm-configs/:configId`]: 'developer',
  [`POST ${p}/end-users`]: 'developer',
  [`PATCH ${eu}`]: 'developer',
  [`DELETE ${eu}`]: 'developer',
  [`POST ${eu}/api-keys`]: 'developer',
  [`PUT ${p}/rate-limits`]: 'developer',
  [`PUT ${eu}/rate-limits`]: 'developer',
  [`DELETE ${eu}/rate-limits`]: 'developer',
  [`POST ${p}/webhooks`]: 'developer',
  [`PATCH ${p}/webhooks/:webhookId`]: 'developer',
  [`DELETE ${p}/webhooks/:webhookId`]: 'developer',
  [`POST ${p}/webhooks/:webhookId/rotate-secret`]: 'developer',
  [`POST ${p}/webhooks/:webhookId/deliveries/:deliveryId/redeliver`]: 'developer',
  [`POST ${p}/webhooks/:webhookId/test`]: 'developer',
  // Members and the platform's own settings: admin.
  [`POST ${p}/members`]: 'admin',
  [`PATCH ${p}/members/:memberId`]: 'admin',
  [`DELETE ${p}/members/:memberId`]: 'admin',
  [`PATCH ${p}`]: 'admin',
  // Deleting the platform: owner.
  [`DELETE ${p}`]: 'owner',

  // Operator routes (operator members only), on the same ladder.
  'GET /v1/admin/providers': 'viewer',
  'GET /v1/admin/providers/:providerId': 'viewer',
  'GET /v1/admin/models': 'viewer',
  'GET /v1/admin/models/:modelId': 'viewer',
  'GET /v1/admin/platforms': 'viewer',
  'GET /v1/admin/platforms/:platformId': 'viewer',
  'GET /v1/admin/audit-log': 'viewer',
  'POST /v1/admin/platforms/:platformId/wallet/adjustments': 'billing',
  'POST /v1/admin/providers': 'developer',
  'PATCH /v1/admin/providers/:providerId': 'developer',
  'POST /v1/admin/models': 'developer',
  'PATCH /v1/admin/models/:modelId': 'developer',
  'DELETE /v1/admin/models/:modelId': 'developer',
  'POST /v1/admin/platforms': 'admin',
  'PATCH /v1/admin/platforms/:platformId': 'admin',
};

/** The least role for `method` on the route pattern `url` (e.g. `/v1/platforms/:platformId/wallet`), or null: refused. */
export function minimumRoleFor(method: string, url: string | undefined): MemberRole | null {
  if (!url) return null;
  const path = url.length > 1 ? url.replace(/\/$/, '') : url;
  return minimumRoles[`${method === 'HEAD' ? 'GET' : method} ${path}`] ?? null;
}

/** True when the table names this route (the dashboard refuses to ask about one it does not). */
export function isKnownRoute(method: string, routePattern: string): boolean {
  return minimumRoleFor(method, routePattern) !== null;
}

/** True when a member with `role` may call `method routePattern`: the check the server makes, for the dashboard. */
export function canCall(role: MemberRole, method: string, routePattern: string): boolean {
  const minimum = minimumRoleFor(method, routePattern);
  return minimum !== null && roleAtLeast(role, minimum);
}
