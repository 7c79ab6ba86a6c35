// Public surface of the settings page folder.
export { SettingsPage } from './settings-page';
