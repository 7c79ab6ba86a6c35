/** Operator members for tests: created in-process as `assistiv operator add` does, accepted over HTTP. */
import { expect } from 'vitest';
import { createMember } from '../../../src/accounts/members.js';
import type { MemberRole } from '../../../src/accounts/roles.js';
import type { AppContext } from '../../../src/context.js';
import { client } from '../../helpers/http.js';

export async function createOperatorInvite(ctx: AppContext, email: string, role: MemberRole): Promise<string> {
  const { token } = await createMember(ctx, { platformId: null, email, role });
  return token;
}

export async function acceptInviteForTest(url: string, token: string, password = 'correct horse battery') {
  const res = await client(url).post(`/v1/auth/invites/${token}`, { password });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}
