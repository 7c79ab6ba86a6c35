// Public surface of the admin-platforms page folder.
export { AdminPlatformsPage } from './admin-platforms-page';
