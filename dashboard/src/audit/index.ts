// Public surface of the audit page folder.
export { AdminAuditPage } from './admin-audit-page';
export { AuditPage } from './audit-page';
