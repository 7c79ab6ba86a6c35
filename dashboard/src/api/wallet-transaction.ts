// Wire shape of a platform wallet ledger row.

/** Why money moved in the wallet. */
export type WalletTransactionType = 'top_up' | 'llm_usage' | 'adjustment' | 'refund';

/** One append-only wallet movement; `amount` is signed USD (debits negative). */
export interface WalletTransaction {
  id: string;
  type: WalletTransactionType | string;
  amount: number | string;
  balance_after: number | string;
  description: string | null;
  request_id?: string | null;
  end_user_id?: string | null;
  created_at: string;
}
