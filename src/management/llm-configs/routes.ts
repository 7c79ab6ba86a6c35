/**
 * A platform's provider keys (spec §3). The key is sealed with AES-256-GCM bound to `platform_id:config_id`
 * and never returned; `key_hint` shows its last 4 characters. One default per provider.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { audited, diffChanges, writeAudit } from '../../audit/index.js';
import { type AppContext, nowIso } from '../../context.js';
import { uuidv7 } from '../../crypto/ids.js';
import { llmConfigAad } from '../../crypto/secret-box.js';
import { errors } from '../../http/errors.js';
import { platformIdOf } from '../../http/hooks.js';
import { listPage, pageQuery } from '../../http/pagination.js';
import type { Database } from '../../store/schema.js';
import { dataOf, LlmConfig, noContent, pageOf, withErrors } from '../responses.js';
import { llmConfigView } from '../views.js';

const tags = ['LLM configs'];
const apiKey = z.string().trim().min(1).max(4096);
const configParams = z.object({ platformId: z.string(), configId: z.string() });

/** Serialises default changes of one platform: its row stays locked until the transaction ends. */
async function lockPlatform(ctx: AppContext, trx: Kysely<Database>, platformId: string) {
  await ctx.store.forUpdate(trx.selectFrom('platforms').select('id').where('id', '=', platformId)).execute();
}

async function unsetOtherDefaults(trx: Kysely<Database>, platformId: string, providerId: string, keepId: string) {
  await trx
    .updateTable('llm_configs')
    .set({ is_default: 0 })
    .where('platform_id', '=', platformId)
    .where('provider_id', '=', providerId)
    .where('id', '!=', keepId)
    .execute();
}

export function registerLlmConfigRoutes(scope: FastifyInstance, ctx: AppContext) {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const db = ctx.store.db;
  const changed = (platformId: string) => ctx.events.emit('llm-configs.changed', platformId);

  app.get(
    '/llm-configs',
    {
      schema: {
        tags,
        summary: "List the platform's provider keys (never the key)",
        querystring: pageQuery,
        response: withErrors({ 200: pageOf(LlmConfig) }),
      },
    },
    async (req) => {
      const q = db.selectFrom('llm_configs').where('platform_id', '=', platformIdOf(req));
      return listPage(q, req.query, (q) => q.selectAll().orderBy('id', 'desc'), llmConfigView);
    },
  );

  app.get(
    '/llm-configs/:configId',
    {
      schema: {
        tags,
        summary: 'Get a provider key (never the key)',
        params: configParams,
        response: withErrors({ 200: dataOf(LlmConfig) }),
      },
    },
    async (req) => {
      const row = await db
        .selectFrom('llm_configs')
        .selectAll()
        .where('platform_id', '=', platformIdOf(req))
        .where('id', '=', req.params.configId)
        .executeTakeFirst();
      if (!row) throw errors.notFound('LLM config');
      return { data: llmConfigView(row) };
    },
  );

  app.post(
    '/llm-configs',
    {
      schema: {
        tags,
        summary: 'Add a provider key (encrypted before storage; the first of a provider becomes its default)',
        body: z
          .object({
            provider_id: z.uuid(),
            api_key: apiKey,
            is_default: z.boolean().optional(),
            name: z.string().trim().max(255).optional(),
            priority: z.number().int().min(0).max(1_000_000).optional(),
          })
          .strict(),
        response: withErrors({ 201: dataOf(LlmConfig) }),
      },
    },
    async (req, reply) => {
      const b = req.body;
      const platformId = platformIdOf(req);
      const provider = await db.selectFrom('providers').select(['id', 'name']).where('id', '=', b.provider_id).executeTakeFirst();
      if (!provider)
        throw errors.unknownReference('provider_id', 'No provider with this provider_id: list them with GET /v1/admin/providers.');
      const now = nowIso(ctx);
      const id = uuidv7();
      const row = await db.transaction().execute(async (trx) => {
        await lockPlatform(ctx, trx, platformId);
        const existingDefault = await trx
          .selectFrom('llm_configs')
          .select('id')
          .where('platform_id', '=', platformId)
          .where('provider_id', '=', b.provider_id)
          .where('is_default', '=', 1)
          .executeTakeFirst();
        const isDefault = b.is_default ?? !existingDefault;
        const values = {
          id,
          platform_id: platformId,
          provider_id: b.provider_id,
          name: b.name ?? provider.name,
          encrypted_key: ctx.secretBox.encrypt(b.api_key, llmConfigAad(platformId, id)),
          key_hint: b.api_key.slice(-4),
          is_default: (isDefault ? 1 : 0) as 0 | 1,
          is_active: 1 as const,
          priority: b.priority ?? 100,
          created_at: now,
          updated_at: now,
        };
        if (isDefault) await unsetOtherDefaults(trx, platformId, b.provider_id, id);
        await trx.insertInto('llm_configs').values(values).execute();
        await writeAudit(ctx, trx, req, {
          action: 'llm_config.create',
          resourceType: 'llm_config',
          resourceId: id,
          changes: diffChanges(null, llmConfigView(values), ['api_key']),
        });
        return values;
      });

      changed(platformId);
      return reply.code(201).send({ data: llmConfigView(row) });
    },
  );

  app.patch(
    '/llm-configs/:configId',
    {
      schema: {
        tags,
        summary: 'Replace the key, make it the default, (de)activate, rename or reprioritise',
        params: configParams,
        body: z
          .object({
            api_key: apiKey.optional(),
            is_default: z.boolean().optional(),
            is_active: z.boolean().optional(),
            name: z.string().trim().max(255).optional(),
            priority: z.number().int().min(0).max(1_000_000).optional(),
          })
          .strict(),
        response: withErrors({ 200: dataOf(LlmConfig) }),
      },
    },
    async (req) => {
      const platformId = platformIdOf(req);
      const b = req.body;
      const row = await db.transaction().execute(async (trx) => {
        await lockPlatform(ctx, trx, platformId);
        const before = await trx
          .selectFrom('llm_configs')
          .selectAll()
          .where('platform_id', '=', platformId)
          .where('id', '=', req.params.configId)
          .executeTakeFirst();
        if (!before) throw errors.notFound('LLM config');
        if (b.is_default === true) {
          // Unset the provider's previous default first: the database allows one default at a time.
          const current = await trx
            .selectFrom('llm_configs')
            .select('provider_id')
            .where('platform_id', '=', platformId)
            .where('id', '=', req.params.configId)
            .executeTakeFirst();
          if (current) await unsetOtherDefaults(trx, platformId, current.provider_id, req.params.configId);
        }
        const updated = await trx
          .updateTable('llm_configs')
          .set({
            ...(b.api_key !== undefined && {
              encrypted_key: ctx.secretBox.encrypt(b.api_key, llmConfigAad(platformId, req.params.configId)),
              key_hint: b.api_key.slice(-4),
            }),
            ...(b.is_default !== undefined && { is_default: b.is_default ? 1 : 0 }),
            ...(b.is_active !== undefined && { is_active: b.is_active ? 1 : 0 }),
            ...(b.name !== undefined && { name: b.name }),
            ...(b.priority !== undefined && { priority: b.priority }),
            updated_at: nowIso(ctx),
          })
          .where('platform_id', '=', platformId)
          .where('id', '=', req.params.configId)
          .returningAll()
          .executeTakeFirst();
        if (!updated) throw errors.notFound('LLM config');
        await writeAudit(ctx, trx, req, {
          action: 'llm_config.update',
          resourceType: 'llm_config',
          resourceId: updated.id,
          changes: diffChanges(llmConfigView(before), llmConfigView(updated), b.api_key !== undefined ? ['api_key'] : []),
        });
        return updated;
      });
      changed(platformId);
      return { data: llmConfigView(row) };
    },
  );

  app.delete(
    '/llm-configs/:configId',
    { schema: { tags, summary: 'Delete a provider key', params: configParams, response: withErrors({ 204: noContent }) } },
    async (req, reply) => {
      await audited(ctx, req, async (trx) => {
        const deleted = await trx
          .deleteFrom('llm_configs')
          .where('platform_id', '=', platformIdOf(req))
          .where('id', '=', req.params.configId)
          .returningAll()
          .executeTakeFirst();
        if (!deleted) throw errors.notFound('LLM config');
        const changes = diffChanges(llmConfigView(deleted), null);
        return { result: deleted, audit: { action: 'llm_config.delete', resourceType: 'llm_config', resourceId: deleted.id, changes } };
      });
      changed(platformIdOf(req));
      return reply.code(204).send();
    },
  );
}
