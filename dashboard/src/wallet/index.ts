// Public surface of the wallet page folder.
export { WalletPage } from './wallet-page';
