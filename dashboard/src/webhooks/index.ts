// Public surface of the Webhooks page folder.
export { WebhooksPage } from './webhooks-page';
