// Public surface of the admin-models page folder.
export { AdminModelsPage } from './admin-models-page';
