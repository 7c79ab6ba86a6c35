// Gives pages the API client of the signed-in key and its session.
import { createContext, useContext } from 'react';
import type { ApiClient } from '../api';
import type { Session } from './session';

/** What every signed-in page can read. */
export interface SessionValue {
  session: Session;
  client: ApiClient;
  signOut: () => void;
}

export const SessionContext = createContext<SessionValue | null>(null);

/** The current session; only valid below a signed-in shell. */
export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession used outside a signed-in page');
  return value;
}

/** The signed-in platform's client and API path prefix (`/v1/platforms/{id}`). */
export function usePlatform(): { client: ApiClient; basePath: string } {
  const { session, client } = useSession();
  if (session.kind !== 'platform') throw new Error('usePlatform used in an operator session');
  return { client, basePath: `/v1/platforms/${encodeURIComponent(session.platformId)}` };
}
