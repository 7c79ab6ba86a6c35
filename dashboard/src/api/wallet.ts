// Wire shape of a platform's prepaid wallet (USD numbers).
import type { Schemas } from './schemas';

/** `available = balance − reserved` (what requests in flight hold). */
export type Wallet = Schemas['Wallet'];

/** `GET /wallet`: the wallet with its 5 newest transactions. */
export type WalletWithRecent = Schemas['WalletWithRecent'];

/** `POST /wallet/topup` answer. */
export type WalletTopUpResult = Schemas['WalletTopUp'];
