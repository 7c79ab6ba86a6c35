/** Whether the store can serve (spec §0 `/readyz`): the database answers and every migration has run. */
import { sql } from 'kysely';
import type { Store } from './database.js';
import { type ContributedMigrations, migrationsApplied } from './migrations.js';

type Readiness = { ready: true; database: string } | { ready: false; reason: 'database unreachable' | 'migrations pending' };

/** contributed: the same steps the store was migrated with (billing's), so theirs count as pending too. */
export async function storeReadiness(store: Store, contributed: ContributedMigrations): Promise<Readiness> {
  try {
    await sql`select 1`.execute(store.db);
    if (!(await migrationsApplied(store.db as never, contributed))) return { ready: false, reason: 'migrations pending' };
    return { ready: true, database: store.dialect };
  } catch {
    return { ready: false, reason: 'database unreachable' };
  }
}
