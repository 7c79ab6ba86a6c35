/** `assistiv operator add --email …`: an operator member (no platform) and its one-time set-password link. */
import { auditRun, cliActor, diffChanges, writeAuditOutside } from '../audit/index.js';
import type { Config } from '../config.js';
import { nowIso } from '../context.js';
import { createContext, prepareStore } from '../gateway.js';
import { ApiError } from '../http/errors.js';
import { resolveSecrets } from '../secrets.js';
import { inviteUrl } from './invite-url.js';
import { createMember, memberView } from './members.js';
import { type MemberRole, memberRoles } from './roles.js';

export async function addOperatorFromCli(config: Config, opts: { email: string; role: string; url?: string }) {
  if (!(memberRoles as readonly string[]).includes(opts.role) || !/^[^\s@]+@[^\s@]+$/.test(opts.email)) {
    process.stderr.write(`assistiv: --email must be an email address and --role one of ${memberRoles.join(', ')}.\n`);
    process.exit(1);
  }
  const secrets = resolveSecrets(config);
  const store = await prepareStore(config).catch((err: Error) => {
    process.stderr.write(`assistiv: cannot open the database: ${err.message}\n`);
    process.exit(1);
  });
  const ctx = createContext(config, store, secrets);
  try {
    // The row POST /members writes for an invite (the token never), of no platform, by the CLI's actor.
    const run = auditRun(cliActor('operator add'));
    const { member, token } = await createMember(ctx, { platformId: null, email: opts.email, role: opts.role as MemberRole }, (trx, m) =>
      writeAuditOutside(trx, run, nowIso(ctx), {
        action: 'member.invite',
        resourceType: 'member',
        resourceId: m.id,
        platformId: null,
        changes: diffChanges(null, memberView(m)),
      }),
    );
    const base = opts.url ?? `http://${config.host}:${config.port}`;
    process.stdout.write(
      [
        `Added operator ${member.email} (role ${member.role}). Open this link within 7 days to set a password (shown once):`,
        '',
        `  ${inviteUrl(base, token)}`,
        '',
      ].join('\n'),
    );
  } catch (err) {
    process.stderr.write(`assistiv: ${err instanceof ApiError ? err.message : String(err)}\n`);
    process.exitCode = 1;
  } finally {
    await store.close();
  }
}
