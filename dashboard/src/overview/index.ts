// Public surface of the overview page folder.
export { OverviewPage } from './overview-page';
