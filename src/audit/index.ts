/** The audit log (spec §3b): writing rows in each write's transaction, and reading them. */
export { type Actor, catalogueSeedActor, cliActor, memberActor } from './actor.js';
export { type Changes, diffChanges } from './changes.js';
export { registerAdminAuditRoutes, registerPlatformAuditRoutes } from './routes.js';
export { budgetState, walletState } from './states.js';
export { type AuditEntry, type AuditRun, audited, auditIn, auditRun, writeAudit, writeAuditOutside } from './writer.js';
