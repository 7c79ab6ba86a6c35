// Public surface of the end-users page folder.
export { EndUserDetailPage } from './end-user-detail-page';
export { EndUsersPage } from './end-users-page';
