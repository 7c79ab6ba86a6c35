// Gives pages the API client of the signed-in key and its session.
import { createContext, useContext, useMemo } from 'react';
import { type ApiClient, PlatformApi, type TypedApi } from '../api';
import type { Session } from './session';

/** What every signed-in page can read. */
export interface SessionValue {
  session: Session;
  /** The transport (its answers are untyped): pages use `api`, or `usePlatform().api`. */
  client: ApiClient;
  /** The API typed by OpenAPI path template (operator and auth routes). */
  api: TypedApi;
  signOut: () => void;
}

export const SessionContext = createContext<SessionValue | null>(null);

/** The current session; only valid below a signed-in shell. */
export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession used outside a signed-in page');
  return value;
}

/**
 * The signed-in platform's API: routes after `/v1/platforms/{id}`, typed by path. `api` is stable while the
 * session is, so it can be an effect dependency.
 */
export function usePlatform(): { api: PlatformApi } {
  const { session, client } = useSession();
  if (session.kind !== 'platform') throw new Error('usePlatform used in an operator session');
  const basePath = `/v1/platforms/${encodeURIComponent(session.platformId)}`;
  const api = useMemo(() => new PlatformApi(client, basePath), [client, basePath]);
  return { api };
}
