// Public surface of the providers page folder.
export { ProvidersPage } from './providers-page';
