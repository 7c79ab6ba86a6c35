/**
 * Stored responses (spec §5a): kept 30 days for the platform and end user that created them, so
 * `previous_response_id` can continue a conversation and GET / DELETE can find them. Every read is scoped
 * to exactly that pair: another platform's or end user's id is "not found", like an id that never existed.
 * Expired rows are invisible at once and deleted by the retention job (src/retention).
 */
import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Clock } from '../../../context.js';
import type { Database } from '../../../store/schema.js';
import type { Caller } from '../types.js';
import type { InputItem, OutputItem, ResponseObject } from './wire.js';

/** How long a stored response is kept (OpenAI keeps them 30 days too). */
export const RESPONSE_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export type StoredResponse = {
  id: string;
  model: string;
  /** The conversation as the model read it (earlier turns included), as input items. */
  inputItems: InputItem[];
  outputItems: OutputItem[];
  response: ResponseObject;
};

export class ResponseStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async save(caller: Caller, stored: StoredResponse): Promise<void> {
    const nowMs = this.clock.now();
    await this.db
      .insertInto('responses')
      .values({
        id: stored.id,
        platform_id: caller.platformId,
        end_user_id: caller.endUserId,
        model: stored.model,
        input_items: JSON.stringify(stored.inputItems),
        output_items: JSON.stringify(stored.outputItems),
        response: JSON.stringify(stored.response),
        created_at: new Date(nowMs).toISOString(),
        expires_at: new Date(nowMs + RESPONSE_TTL_MS).toISOString(),
      })
      .execute();
  }

  /** The caller's own unexpired response, or null. */
  async get(caller: Caller, id: string): Promise<StoredResponse | null> {
    const row = await this.db
      .selectFrom('responses')
      .select(['id', 'model', 'input_items', 'output_items', 'response'])
      .where(this.visible(caller, id))
      .executeTakeFirst();
    if (!row) return null;
    return {
      id: row.id,
      model: row.model,
      inputItems: JSON.parse(row.input_items) as InputItem[],
      outputItems: JSON.parse(row.output_items) as OutputItem[],
      response: JSON.parse(row.response) as ResponseObject,
    };
  }

  /** Deletes the caller's own unexpired response; false when there was none. */
  async delete(caller: Caller, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('responses').where(this.visible(caller, id)).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  private nowIso(): string {
    return new Date(this.clock.now()).toISOString();
  }

  /** The row with this id, if it is the caller's (platform and end user, null matching null) and unexpired. */
  private visible(caller: Caller, id: string) {
    const now = this.nowIso();
    return (eb: ExpressionBuilder<Database, 'responses'>) =>
      eb.and([
        eb('id', '=', id),
        eb('platform_id', '=', caller.platformId),
        caller.endUserId === null ? eb('end_user_id', 'is', null) : eb('end_user_id', '=', caller.endUserId),
        eb('expires_at', '>', now),
      ]);
  }
}
