// Wire shape of a platform's prepaid wallet.
import type { WalletTransaction } from './wallet-transaction';

/** USD amounts: `available = balance − reserved`. */
export interface Wallet {
  id: string;
  platform_id: string;
  balance: number | string;
  reserved: number | string;
  available: number | string;
  currency: string;
  low_balance_threshold: number | string | null;
  is_active: boolean;
  created_at: string;
  updated_at: string;
  recent_transactions?: WalletTransaction[];
}

/** `POST /wallet/topup` answer. */
export interface WalletTopUpResult {
  transaction: WalletTransaction;
  wallet: Wallet;
}
