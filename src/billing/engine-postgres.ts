/**
 * The billing engine on PostgreSQL: several gateway instances share the rows, so the database decides,
 * never a value read earlier. Reserve, settle and release go through one plpgsql function (pg-functions.ts,
 * migrations 0003, 0006, 0008, 0014 and 0016): each call is ONE statement, one client round trip and one short implicit transaction, so
 * the hot wallet and budget rows stay locked only while the function runs and commits, never across round trips.
 * On top, per wallet, this process keeps one call in flight and sends whatever queued meanwhile as one
 * batch (pg-batcher.ts): one commit and one lock hand-over for many requests. A refusal comes back as a
 * code and the balance that fell short; its message is built here.
 */
import { type Kysely, sql } from 'kysely';
import { uuidv7 } from '../crypto/ids.js';
import { isUniqueViolation } from '../store/errors.js';
import type { Database, RequestLogsTable } from '../store/schema.js';
import type { EngineOptions } from './engine-sqlite.js';
import type { Reservation, ReserveRequest, ReserveResult, Settled, SettleInput } from './engine-types.js';
import { type BillingSettings, billingSettingsFrom, type MarkupCache } from './markup-cache.js';
import { withMarkupMicros, worstCaseMicros } from './money.js';
import { PgBatcher } from './pg-batcher.js';
import { budgetExhausted, budgetSuspended, walletInsufficient } from './refusals.js';

/** One operation, in the shape assistiv_billing reads (jsonb_to_recordset): short keys, only what SQL needs. */
type Op =
  /** reserve: end user, wallet and budget holds (µUSD), expiry, ledger ids for a period reset and a replenish. */
  | { k: 'r'; id: string; eu: string | null; w: number; b: number; exp: string; t1: string; t2: string; ub?: true }
  /** settle: cost, end-user cost (with markup), description, wallet and budget ledger row ids, the log row, low-balance percentages (absent: the function reads the platform's settings row). */
  | { k: 's'; id: string; c: number; ec: number; d: string; t1: string; t2: string; l?: RequestLogsTable; lb?: readonly number[] }
  /** release, with the log row to write not_billed */
  | { k: 'x'; id: string; l?: RequestLogsTable };

/** assistiv_billing's row for one operation (the columns that do not apply are null). */
type Row = {
  o_status: string;
  o_budget_id: string | null;
  o_budget_hold: number | null;
  o_available: number | null;
  o_wallet_micros: number | null;
  /** null: no budget row was charged (no budget, or a deleted one). */
  o_end_user_micros: number | null;
  o_capped: boolean | null;
};

const NONE = {
  o_budget_id: null,
  o_budget_hold: null,
  o_available: null,
  o_wallet_micros: null,
  o_end_user_micros: null,
  o_capped: null,
} as const;

/** A NUL character or half a surrogate pair: PostgreSQL text and jsonb refuse both. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is one of the characters PostgreSQL refuses.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

/**
 * The log row as jsonb can carry it: text from a client or a provider (metadata, an error message) could
 * hold characters PostgreSQL refuses, and one such row must not fail the whole batch of debits.
 */
function storableRow(row: RequestLogsTable): RequestLogsTable {
  let out = row;
  for (const [key, value] of Object.entries(row)) {
    if (typeof value === 'string' && UNSTORABLE.test(value)) out = { ...out, [key]: value.replace(UNSTORABLE_ALL, '\ufffd') };
  }
  return out;
}

/** Bounds one transaction's work (and so how long it holds the wallet's row lock). */
const MAX_BATCH = 200;

export class PostgresBillingEngine {
  private readonly batcher: PgBatcher<Op, Row>;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly markups: MarkupCache,
    private readonly opts: EngineOptions,
  ) {
    this.batcher = new PgBatcher<Op, Row>(
      (platformId, ops) => this.runBatch(platformId, ops),
      (platformId, op) => this.runOne(platformId, op),
      Math.max(1, Math.min(opts.maxBatch, MAX_BATCH)),
    );
  }

  async reserve(req: ReserveRequest): Promise<ReserveResult> {
    const markup = req.markupPercentage ?? (await this.settingsOf(req.platformId)).markup;
    const worst = worstCaseMicros(req);
    const budgetNeed = withMarkupMicros(worst, markup);
    const expiresAt = new Date(this.opts.now() + this.opts.reservationTtlMs).toISOString();
    // The two ledger ids are used only on the rare paths (a period reset, an auto-replenish).
    const row = await this.batcher.submit(req.platformId, {
      k: 'r',
      id: req.requestId,
      eu: req.endUserId,
      w: worst,
      b: budgetNeed,
      exp: expiresAt,
      t1: uuidv7(),
      t2: uuidv7(),
      // Holds from the prompt's byte bound: where they would refuse or replenish, the function answers needs_exact.
      ...(req.exact && { ub: true as const }),
    });
    // The bound decides nothing that refuses or moves money: the tokenizer's count does (a wallet refusal wrote nothing).
    if (req.exact && (row.o_status === 'needs_exact' || row.o_status === 'wallet_insufficient'))
      return this.reserve({ ...req, ...req.exact(), exact: undefined });
    switch (row.o_status) {
      case 'ok':
        return {
          ok: true,
          reservation: {
            requestId: req.requestId,
            platformId: req.platformId,
            endUserId: req.endUserId,
            budgetId: row.o_budget_id,
            walletMicros: worst,
            budgetMicros: row.o_budget_hold ?? 0,
            markupPercentage: markup,
            ...(req.lowBalancePcts && { lowBalancePcts: req.lowBalancePcts }),
          },
        };
      case 'budget_suspended':
        return budgetSuspended();
      case 'budget_exhausted':
        return budgetExhausted(req, row.o_available ?? 0, budgetNeed, markup);
      case 'wallet_insufficient':
        return walletInsufficient(req, row.o_available ?? 0, worst);
      case 'duplicate':
        throw new Error(`request ${req.requestId} already holds a reservation`);
      default:
        throw new Error(`billing engine: unexpected reserve status ${row.o_status}`);
    }
  }

  async settle(reservation: Reservation, input: SettleInput): Promise<Settled> {
    if (!Number.isSafeInteger(input.costMicros) || input.costMicros < 0)
      throw new RangeError(`settle needs a non-negative integer cost, got ${input.costMicros}`);
    const cost = input.costMicros;
    const endUserCost = withMarkupMicros(cost, reservation.markupPercentage);
    // Submitted in this turn (no await before it), so settles and releases keep their order in a batch. The
    // thresholds come with the reservation (the pipeline's routing cache), else from this engine's cache; the
    // function reads the platform's settings row itself only when neither has them. [] is sent as it is: no
    // percentage thresholds (the function reads the row only for an absent lb, never for an empty one).
    const lb = reservation.lowBalancePcts ?? this.markups.get(reservation.platformId)?.lowBalancePcts;
    const row = await this.batcher.submit(reservation.platformId, {
      k: 's',
      id: reservation.requestId,
      c: cost,
      ec: endUserCost,
      d: input.description,
      t1: uuidv7(),
      t2: uuidv7(),
      ...(input.logRow && { l: storableRow(input.logRow) }),
      ...(lb !== undefined && { lb }),
    });
    const walletMicros = row.o_wallet_micros ?? 0;
    if (row.o_status === 'expired') return { walletMicros: 0, endUserMicros: 0, status: 'expired' };
    if (row.o_status === 'already_settled') {
      const endUserMicros = row.o_end_user_micros ?? withMarkupMicros(walletMicros, reservation.markupPercentage);
      return { walletMicros, endUserMicros, status: 'already_settled' };
    }
    if (row.o_status !== 'settled') throw new Error(`billing engine: unexpected settle status ${row.o_status}`);
    return {
      walletMicros,
      endUserMicros: row.o_end_user_micros ?? endUserCost,
      status: 'settled',
      ...(row.o_capped && { cappedFromMicros: cost }),
    };
  }

  async release(reservation: Reservation, logRow?: RequestLogsTable): Promise<void> {
    await this.batcher.submit(reservation.platformId, { k: 'x', id: reservation.requestId, ...(logRow && { l: storableRow(logRow) }) });
  }

  /** The sweeper's path (the platform is not known here): one call of its own. */
  async releaseById(requestId: string): Promise<boolean> {
    return (await this.runOne('', { k: 'x', id: requestId })).o_status === 'released';
  }

  close(): void {}

  /** Runs operations of one wallet in one call (one statement, one transaction): one result per operation, in order. */
  private async runBatch(platformId: string, ops: Op[]): Promise<Row[]> {
    const nowIso = new Date(this.opts.now()).toISOString();
    const call = sql<Row>`SELECT * FROM assistiv_billing(${platformId}, ${JSON.stringify(ops)}::jsonb, ${nowIso}, NULL, NULL)`;
    // The period starts are the function's own business since V4 (migration 0014): the last two arguments are unused.
    if (!ops.every((op) => op.k === 'r')) return (await call.execute(this.db)).rows;
    // Holds only: commit without waiting for the WAL flush (docs/decisions.md). A crash can lose such a commit,
    // which only frees the money it held; a settle that then finds no hold bills nothing (status expired). The
    // setting is transaction-local and read at commit, so where in the statement it is evaluated does not matter.
    return (await sql<Row>`${call} WHERE set_config('synchronous_commit', 'off', true) = 'off'`.execute(this.db)).rows;
  }

  /** One operation alone (also the retry of a batch that failed as a whole, so one bad operation fails only itself). */
  private async runOne(platformId: string, op: Op): Promise<Row> {
    try {
      const [row] = await this.runBatch(platformId, [op]);
      return row;
    } catch (err) {
      // A reservation raced by another instance for the same request id.
      if (op.k === 'r' && isUniqueViolation(err)) return { ...NONE, o_status: 'duplicate' };
      if (op.k === 's') {
        // A settle that cannot post (it rolled back) voids its hold now rather than leaving it to the sweeper:
        // either way the request is not billed. Best effort: the sweeper remains the backstop.
        await this.runBatch(platformId, [{ k: 'x', id: op.id }]).catch(() => undefined);
      }
      throw err;
    }
  }

  private async settingsOf(platformId: string): Promise<BillingSettings> {
    let settings = this.markups.get(platformId);
    if (settings === undefined) {
      const row = await this.db.selectFrom('platforms').select('settings').where('id', '=', platformId).executeTakeFirst();
      settings = billingSettingsFrom(row?.settings);
      this.markups.set(platformId, settings);
    }
    return settings;
  }
}
