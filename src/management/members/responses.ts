/** Response schemas of members and dashboard sign-in (spec §3b). The views live in accounts/members.ts. */
import { z } from 'zod';
import type { memberView } from '../../accounts/members.js';
import { memberRoles } from '../../accounts/roles.js';
import { type Exactly, Platform, timestamp } from '../responses.js';

/** status: invited until the invite is accepted, inactive once deactivated. platform_id null = an operator member. */
export const Member = z
  .object({
    id: z.string(),
    platform_id: z.string().nullable(),
    email: z.string(),
    display_name: z.string().nullable(),
    role: z.enum(memberRoles),
    is_active: z.boolean(),
    status: z.enum(['invited', 'active', 'inactive']),
    accepted_at: timestamp.nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'Member' });

// The view is another module's: prove it sends exactly this schema (a field it added would be stripped).
const memberViewFits: Exactly<ReturnType<typeof memberView>, z.input<typeof Member>> = true;
void memberViewFits;

/** An invite: the one-time set-password link, shown once. */
export const MemberInvite = z.object({ member: Member, invite_url: z.string() }).meta({ id: 'MemberInvite' });

export const AcceptedInvite = z.object({ member: Member }).meta({ id: 'AcceptedInvite' });

/** Sign-in and `GET /v1/auth/me`: writes send csrf_token as `x-csrf-token`. platform null = an operator member. */
export const Session = z
  .object({ member: Member, platform: Platform.nullable(), role: z.enum(memberRoles), csrf_token: z.string() })
  .meta({ id: 'Session' });

/** `GET /v1/auth/key-info`: which kind of key signs the dashboard in, and its platform. */
export const KeyInfo = z.object({ kind: z.enum(['admin', 'platform']), platform: Platform.nullable() }).meta({ id: 'KeyInfo' });
