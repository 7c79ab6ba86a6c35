// Public surface of the sign-in page folder.
export { SignInPage } from './sign-in-page';
