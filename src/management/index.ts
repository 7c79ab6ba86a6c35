/** Registers the management API: operator routes, platform-scoped routes and self-service routes. */
import type { FastifyInstance } from 'fastify';
import { registerAuthRoutes } from '../accounts/routes.js';
import { registerAdminAuditRoutes, registerPlatformAuditRoutes } from '../audit/index.js';
import type { AppContext } from '../context.js';
import { authenticate, platformScope } from '../http/hooks.js';
import { idempotencyCheck, idempotencyStore } from '../http/idempotency.js';
import { refuseNul } from '../http/nul-guard.js';
import { registerAdminRoutes } from './admin/routes.js';
import { registerApiKeyRoutes } from './api-keys/routes.js';
import { registerBudgetRoutes, registerMeBudgetRoutes } from './budgets/routes.js';
import { registerEndUserRoutes } from './end-users/routes.js';
import { registerLlmConfigRoutes } from './llm-configs/routes.js';
import { registerLogRoutes } from './logs/routes.js';
import { registerMeRoutes } from './me/routes.js';
import { registerMemberRoutes } from './members/routes.js';
import { registerPlatformRoutes } from './platforms/routes.js';
import { registerMeRateLimitRoutes, registerRateLimitRoutes } from './rate-limits/routes.js';
import { registerWalletRoutes } from './wallet/routes.js';
import { registerWebhookRoutes } from './webhooks/routes.js';

export async function registerManagementRoutes(app: FastifyInstance, ctx: AppContext) {
  // After authentication (onRequest) and body parsing, before validation: every management scope.
  app.addHook('preValidation', refuseNul);
  await app.register(
    async (admin) => {
      admin.addHook('preHandler', idempotencyCheck(ctx));
      admin.addHook('onSend', idempotencyStore(ctx));
      registerAdminRoutes(admin, ctx);
      registerAdminAuditRoutes(admin, ctx);
    },
    { prefix: '/admin' },
  );

  await app.register(
    async (platform) => {
      platform.addHook('onRequest', platformScope(ctx));
      platform.addHook('preHandler', idempotencyCheck(ctx));
      platform.addHook('onSend', idempotencyStore(ctx));
      registerPlatformRoutes(platform, ctx);
      registerApiKeyRoutes(platform, ctx);
      registerLlmConfigRoutes(platform, ctx);
      registerEndUserRoutes(platform, ctx);
      registerWalletRoutes(platform, ctx);
      registerBudgetRoutes(platform, ctx);
      registerRateLimitRoutes(platform, ctx);
      registerLogRoutes(platform, ctx);
      registerWebhookRoutes(platform, ctx);
      registerMemberRoutes(platform, ctx);
      registerPlatformAuditRoutes(platform, ctx);
    },
    { prefix: '/platforms/:platformId' },
  );

  await app.register(
    async (me) => {
      me.addHook('onRequest', authenticate(ctx, ['end_user']));
      registerMeRoutes(me, ctx);
      registerMeBudgetRoutes(me, ctx);
      registerMeRateLimitRoutes(me, ctx);
    },
    { prefix: '/me' },
  );

  // Dashboard sign-in (spec §3b): each route authenticates itself (invite token, password, session cookie or key).
  await app.register(async (auth) => registerAuthRoutes(auth, ctx), { prefix: '/auth' });
}
