// Public surface of the Members page folder.
export { MembersPage } from './members-page';
