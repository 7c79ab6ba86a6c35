// Public surface of the audit page folder.
export { AuditPage } from './audit-page';
