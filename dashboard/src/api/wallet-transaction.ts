// Wire shape of a wallet ledger row (USD numbers).
import type { Schemas } from './schemas';

export type WalletTransaction = Schemas['WalletTransaction'];

export type WalletTransactionType = WalletTransaction['type'];
