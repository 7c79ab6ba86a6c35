// Root: holds the session, picks the page for the hash route, and guards operator/platform pages.
import { useEffect, useMemo, useState } from 'react';
import { ApiClient, TypedApi } from './api';
import { AppShell } from './layout/app-shell';
import { PageForRoute } from './page-for-route';
import { navigate } from './router/navigate';
import { useRoute } from './router/use-route';
import type { Session } from './session/session';
import { SessionContext, type SessionValue } from './session/session-context';
import { clearSession, loadSession, saveSession } from './session/session-storage';
import { SignInPage } from './sign-in';
import { AcceptInvitePage } from './sign-in/accept-invite-page';

function homePath(session: Session): string {
  return session.kind === 'admin' ? '/admin/platforms' : '/overview';
}

export function App() {
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const [endedReason, setEndedReason] = useState<string | null>(null);
  const route = useRoute();

  const value = useMemo<SessionValue | null>(() => {
    if (!session) return null;
    const end = (reason: string | null): void => {
      clearSession();
      setSession(null);
      setEndedReason(reason);
      navigate('/sign-in');
    };
    const client = new ApiClient(
      session.key,
      () =>
        end(
          session.member
            ? 'Your session has ended (expired, or your membership changed). Sign in again.'
            : 'The gateway no longer accepts this key (revoked or expired). Sign in with an active key.',
        ),
      session.member?.csrf,
    );
    return {
      session,
      client,
      api: new TypedApi(client),
      signOut: () => {
        // A member session ends on the server too (the cookie is HttpOnly: only the gateway can clear it).
        if (session.member)
          void new TypedApi(new ApiClient('', undefined, session.member.csrf)).delete('/v1/auth/sessions/current').catch(() => undefined);
        end(null);
      },
    };
  }, [session]);

  // A member's role may have changed since sign-in (the stored copy would show controls the API now refuses, or
  // hide ones it allows): read it again once per page load. A removed member's 401 ends the session.
  const memberEmail = session?.member?.email;
  useEffect(() => {
    if (!value || !memberEmail) return;
    let current = true;
    void value.api
      .get('/v1/auth/me')
      .then(({ role }) => {
        if (!current) return;
        setSession((prev) => {
          if (!prev?.member || prev.member.role === role) return prev;
          const next = { ...prev, member: { ...prev.member, role } };
          saveSession(next);
          return next;
        });
      })
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [value, memberEmail]);

  // Platform sessions never see operator pages and vice versa; the sign-in route leads home.
  const misplaced =
    session !== null &&
    route.name !== 'not-found' &&
    route.name !== 'invite' &&
    (route.name === 'sign-in' || (session.kind === 'admin') !== route.name.startsWith('admin-'));
  useEffect(() => {
    if (session && misplaced) navigate(homePath(session));
  }, [session, misplaced]);

  if (route.name === 'invite') return <AcceptInvitePage token={route.token} />;

  if (!session || !value) {
    return (
      <SignInPage
        endedReason={endedReason}
        onSignedIn={(next) => {
          saveSession(next);
          setSession(next);
          setEndedReason(null);
          // Keep a deep link (e.g. #/end-users/<id>) opened before signing in, if it fits the session.
          const fits =
            route.name !== 'sign-in' && route.name !== 'not-found' && (next.kind === 'admin') === route.name.startsWith('admin-');
          if (!fits) navigate(homePath(next));
        }}
      />
    );
  }

  const activePath = window.location.hash.replace(/^#/, '');
  return (
    <SessionContext.Provider value={value}>
      <AppShell session={session} activePath={activePath} onSignOut={value.signOut}>
        {misplaced ? null : <PageForRoute route={route} />}
      </AppShell>
    </SessionContext.Provider>
  );
}
