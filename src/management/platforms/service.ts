/** Platforms: creation with their wallet and first key in one transaction; deletion of all their data. */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type AuditEntry, diffChanges } from '../../audit/index.js';
import { openWallet, purgePlatformMoney } from '../../billing/platform-money.js';
import { type AppContext, nowIso } from '../../context.js';
import { uuidv7 } from '../../crypto/ids.js';
import { conflictOnUnique, errors } from '../../http/errors.js';
import type { Database, PlatformsTable } from '../../store/schema.js';
import { type IssuedKey, issueKey } from '../api-keys/service.js';
import { mergeSettings } from '../schemas.js';
import { apiKeyView, platformView } from '../views.js';

function slugFrom(name: string): string {
  const base = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
  return base || 'platform';
}

export async function createPlatform(
  ctx: AppContext,
  input: { name: string; slug?: string; settings?: Record<string, unknown> },
  /** Runs in the creating transaction (the audit row). */
  onCreated?: (trx: Kysely<Database>, created: { platform: PlatformsTable; key: IssuedKey }) => Promise<unknown>,
): Promise<{ platform: PlatformsTable; key: IssuedKey }> {
  const now = nowIso(ctx);
  let slug = input.slug ?? slugFrom(input.name);
  const taken = await ctx.store.db.selectFrom('platforms').select('id').where('slug', '=', slug).executeTakeFirst();
  if (taken) {
    if (input.slug) throw errors.conflict(`A platform with slug "${slug}" already exists.`);
    slug = `${slug}-${randomBytes(3).toString('hex')}`;
  }
  const create = () =>
    ctx.store.db.transaction().execute(async (trx) => {
      const platform: PlatformsTable = {
        id: uuidv7(),
        name: input.name,
        slug,
        settings: JSON.stringify(mergeSettings({}, input.settings ?? {})),
        is_active: 1,
        created_at: now,
        updated_at: now,
      };
      await trx.insertInto('platforms').values(platform).execute();
      await openWallet(trx, platform.id, now);
      const key = await issueKey(trx, { kind: 'platform', platformId: platform.id, name: 'Default key', nowIso: now });
      await onCreated?.(trx, { platform, key });
      return { platform, key };
    });
  // Two concurrent creates may pick the same slug: the loser is a 409, never a 500.
  return create().catch(conflictOnUnique(`A platform with slug "${slug}" already exists.`));
}

/** The audit row of a created platform (by the API or the CLI): its first key as created, never the key itself. */
export function platformCreatedAudit(created: { platform: PlatformsTable; key: IssuedKey }): AuditEntry {
  return {
    action: 'platform.create',
    resourceType: 'platform',
    resourceId: created.platform.id,
    platformId: created.platform.id,
    changes: diffChanges(null, { ...platformView(created.platform), api_key: apiKeyView(created.key.row) }),
  };
}

/** Deletes every row of a platform in one transaction; its keys stop working at once. */
export async function deletePlatform(
  ctx: AppContext,
  platformId: string,
  /** Runs in the deleting transaction (the audit row). */
  onDeleted?: (trx: Kysely<Database>) => Promise<unknown>,
): Promise<void> {
  await ctx.store.db.transaction().execute(async (trx) => {
    for (const table of [
      'api_keys',
      'llm_configs',
      'end_users',
      'request_logs',
      'rate_limits',
      'webhook_deliveries',
      'webhook_events',
      'webhook_endpoints',
      'audit_log',
      'member_sessions',
      'member_invites',
      'members',
    ] as const) {
      await trx.deleteFrom(table).where('platform_id', '=', platformId).execute();
    }
    await purgePlatformMoney(trx, platformId);
    await trx.deleteFrom('idempotency_keys').where('scope', '=', `platform:${platformId}`).execute();
    await trx.deleteFrom('platforms').where('id', '=', platformId).execute();
    await onDeleted?.(trx);
  });
  ctx.auth.invalidateAll();
  ctx.events.emit('platform.changed', platformId);
}

export async function getPlatformOr404(ctx: AppContext, platformId: string): Promise<PlatformsTable> {
  const row = await ctx.store.db.selectFrom('platforms').selectAll().where('id', '=', platformId).executeTakeFirst();
  if (!row) throw errors.notFound('Platform');
  return row;
}
