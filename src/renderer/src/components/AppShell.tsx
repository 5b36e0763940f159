import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { t, type MessageId } from '../i18n';
import { routeHref, type Route } from '../hooks/useRoute';
import { StatusLine } from './StatusLine';
import { useSession } from '../hooks/useSession';
import { useObservationsChanged, useSyncStatus } from '../hooks/useSync';

interface Props {
  route: Route;
  onLogout: () => void;
  loggingOut: boolean;
  children: ReactNode;
}

const sections: { name: 'projects' | 'conflicts' | 'settings'; label: MessageId }[] = [
  { name: 'projects', label: 'nav.projects' },
  { name: 'conflicts', label: 'nav.conflicts' },
  { name: 'settings', label: 'nav.settings' },
];

function sectionOf(route: Route): string {
  if (route.name === 'conflicts' || route.name === 'settings') return route.name;
  return 'projects';
}

export function AppShell({ route, onLogout, loggingOut, children }: Props) {
  const current = sectionOf(route);
  const { status, workOffline } = useSession();
  const conflicts = useConflictCount();

  // Moving to another page moves focus to its title, so keyboard and screen-reader users start there.
  const routeKey = JSON.stringify(route);
  useEffect(() => {
    const frame = requestAnimationFrame(() => {
      const heading = document.querySelector<HTMLElement>('main h1');
      if (!heading) return;
      document.title = t('windowTitle', { page: heading.textContent ?? '' });
      if (heading.contains(document.activeElement)) return;
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    });
    return () => cancelAnimationFrame(frame);
  }, [routeKey]);
  return (
    <div className="shell">
      <header className="topbar">
        <a className="brand" href={routeHref({ name: 'projects' })}>
          <span className="brand-mark" aria-hidden="true">
            G
          </span>
          <span>{t('appName')}</span>
        </a>
        <nav aria-label={t('nav.main')} className="topnav">
          {sections.map((s) => (
            <a
              key={s.name}
              href={routeHref({ name: s.name })}
              aria-current={current === s.name ? 'page' : undefined}
              className="topnav-link"
            >
              {t(s.label)}
              {s.name === 'conflicts' && conflicts > 0 && (
                <>
                  <span className="topnav-count" aria-hidden="true">
                    {conflicts}
                  </span>
                  <span className="visually-hidden">{`, ${t('nav.conflictCount', { count: conflicts })}`}</span>
                </>
              )}
            </a>
          ))}
        </nav>
        <span className="topbar-spacer" />
        {status.loggedIn ? (
          <button type="button" className="btn btn-ghost" onClick={onLogout} disabled={loggingOut}>
            {t('nav.logout')}
          </button>
        ) : (
          <button type="button" className="btn btn-ghost" onClick={() => workOffline(false)}>
            {t('nav.login')}
          </button>
        )}
      </header>
      <main className="content" id="main">
        {children}
      </main>
      <StatusLine />
    </div>
  );
}

/** How many conflicts wait for a decision, kept fresh as syncs and edits happen. */
function useConflictCount(): number {
  const [count, setCount] = useState(0);
  const sync = useSyncStatus();
  const read = useCallback(() => {
    window.gobs.conflicts.list({}).then(
      (list) => setCount(list.length),
      () => {},
    );
  }, []);
  useObservationsChanged(null, read);
  const idle = sync?.state !== 'syncing';
  useEffect(() => {
    if (idle) read();
  }, [idle, read]);
  return count;
}
