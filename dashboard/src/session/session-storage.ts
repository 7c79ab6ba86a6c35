// Persists the session in sessionStorage (never localStorage): closing the tab forgets the key.
import type { Session } from './session';

const storageKey = 'assistiv.dashboard.session';

function isSession(value: unknown): value is Session {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  if (typeof record.key !== 'string') return false;
  if (record.kind === 'admin') return true;
  return record.kind === 'platform' && typeof record.platformId === 'string' && typeof record.platformName === 'string';
}

/** The stored session, or null when none or unreadable. */
export function loadSession(): Session | null {
  try {
    const raw = window.sessionStorage.getItem(storageKey);
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    return isSession(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  window.sessionStorage.setItem(storageKey, JSON.stringify(session));
}

export function clearSession(): void {
  window.sessionStorage.removeItem(storageKey);
}
