// One figure with its label, as used beside the big balance.
import type { ReactNode } from 'react';

export function Stat({ label, children, hint }: { label: string; children: ReactNode; hint?: ReactNode }) {
  return (
    <div className="stat">
      <span className="stat-label">{label}</span>
      <span className="stat-value">{children}</span>
      {hint ? <span className="stat-hint">{hint}</span> : null}
    </div>
  );
}
