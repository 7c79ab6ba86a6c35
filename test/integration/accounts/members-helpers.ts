/** Test helpers for dashboard accounts: invite a member, accept, sign in, and call with the session cookie. */
import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import type { Database } from '../../../src/store/schema.js';
import { client, type JsonResponse } from '../../helpers/http.js';

export type Session = { cookie: string; csrf: string; memberId: string; setCookie: string };

export function tokenOf(inviteUrl: string): string {
  const m = /#\/invite\/([A-Za-z0-9_-]+)$/.exec(inviteUrl);
  if (!m) throw new Error(`not an invite link: ${inviteUrl}`);
  return m[1];
}

/** Invites `email` with `role` (using `key`) and accepts with `password`: a member who can sign in. */
export async function acceptedMember(url: string, key: string, platformId: string, email: string, role: string, password: string) {
  const invited = await client(url, key).post(`/v1/platforms/${platformId}/members`, { email, role });
  expect(invited.status, JSON.stringify(invited.body)).toBe(201);
  const accepted = await client(url).post(`/v1/auth/invites/${tokenOf(invited.body.data.invite_url)}`, { password });
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(201);
}

/** Invites `email` with `role` (using `key`), accepts with `password` and signs in. */
export async function memberSession(
  url: string,
  key: string,
  platformId: string,
  email: string,
  role: string,
  password = 'correct horse battery',
): Promise<Session> {
  await acceptedMember(url, key, platformId, email, role, password);
  return signIn(url, email, password);
}

/** Every accounts table and the audit log: what a refused accounts call must leave as it was. */
export async function accountState(db: Kysely<Database>) {
  return {
    members: await db.selectFrom('members').selectAll().orderBy('id').execute(),
    invites: await db.selectFrom('member_invites').selectAll().orderBy('token_hash').execute(),
    sessions: await db.selectFrom('member_sessions').selectAll().orderBy('id_hash').execute(),
    audit: await db.selectFrom('audit_log').selectAll().orderBy('id').execute(),
  };
}

export async function signIn(url: string, email: string, password: string, extra: Record<string, unknown> = {}): Promise<Session> {
  const res = await fetch(`${url}/v1/auth/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, ...extra }),
  });
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(201);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const cookie = /^(assistiv_session=[^;]+)/.exec(setCookie)?.[1];
  if (!cookie) throw new Error(`no session cookie in ${setCookie}`);
  return { cookie, csrf: body.data.csrf_token, memberId: body.data.member.id, setCookie };
}

/** A JSON call with the session cookie (and its CSRF token unless `csrf: false`). */
export async function asMember(
  url: string,
  s: Session,
  method: string,
  path: string,
  body?: unknown,
  opts: { csrf?: boolean; headers?: Record<string, string> } = {},
): Promise<JsonResponse> {
  const res = await fetch(url + path, {
    method,
    headers: {
      cookie: s.cookie,
      ...(opts.csrf !== false && { 'x-csrf-token': s.csrf }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...opts.headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}
