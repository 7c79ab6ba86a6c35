// Public surface of the logs page folder.
export { LogsPage } from './logs-page';
export { LogsTable } from './logs-table';
