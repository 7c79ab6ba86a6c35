// Signed-in frame: sidebar navigation, who is signed in, sign-out, and the page.
import type { ReactNode } from 'react';
import type { Session } from '../session/session';
import { adminNav, platformNav } from './nav-items';

interface AppShellProps {
  session: Session;
  activePath: string;
  onSignOut: () => void;
  children: ReactNode;
}

export function AppShell({ session, activePath, onSignOut, children }: AppShellProps) {
  const items = session.kind === 'admin' ? adminNav : platformNav;
  return (
    <div className="shell">
      <div className="sidebar-column">
        <aside className="sidebar">
          <div className="brand">
            <span className="brand-mark" aria-hidden="true">
              A
            </span>
            <span className="brand-name">Assistiv</span>
          </div>
          <div className="sidebar-account" data-testid="account-name">
            <span className="sidebar-account-kind">{session.kind === 'admin' ? 'Operator' : 'Platform'}</span>
            <span className="sidebar-account-name">{session.kind === 'admin' ? 'Gateway admin' : session.platformName}</span>
            {session.member ? (
              <span className="sidebar-account-kind" data-testid="account-member">
                {session.member.email} · {session.member.role}
              </span>
            ) : null}
          </div>
          <nav className="nav" aria-label="Main">
            {items.map((item) => {
              const active = activePath === item.path || activePath.startsWith(`${item.path}/`);
              return (
                <a
                  key={item.id}
                  href={`#${item.path}`}
                  className={active ? 'nav-link nav-link-active' : 'nav-link'}
                  aria-current={active ? 'page' : undefined}
                  data-testid={`nav-${item.id}`}
                >
                  {item.label}
                </a>
              );
            })}
          </nav>
          <div className="sidebar-footer">
            <button type="button" className="button button-small button-ghost sign-out" onClick={onSignOut} data-testid="sign-out">
              Sign out
            </button>
          </div>
        </aside>
      </div>
      <main className="main">
        <div className="content">{children}</div>
      </main>
    </div>
  );
}
