/**
 * A step a caller runs inside a movement's own transaction once the movement succeeded (management writes its
 * audit row this way): when the step throws, the movement rolls back with it.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

export type InTransaction<R> = (trx: Kysely<Database>, result: R) => Promise<void>;
