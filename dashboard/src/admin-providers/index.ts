// Public surface of the admin-providers page folder.
export { AdminProvidersPage } from './admin-providers-page';
