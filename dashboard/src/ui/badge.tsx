// A small coloured label for states (active, default, revoked, success, error…).
import type { ReactNode } from 'react';

/** Colour of a badge. */
export type BadgeTone = 'green' | 'grey' | 'red' | 'amber' | 'blue';

export function Badge({ tone, children }: { tone: BadgeTone; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}
