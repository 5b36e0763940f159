import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { AppShell } from './components/AppShell';
import { ErrorBanner } from './components/ErrorBanner';
import { SessionContext } from './hooks/useSession';
import { navigate, useRoute, type Route } from './hooks/useRoute';
import { ConnectPage } from './pages/ConnectPage';
import { ProjectsPage } from './pages/ProjectsPage';
import { strings } from './i18n/strings';
import { toGobsError } from './lib/errors';
import type { AuthStatus } from '../../shared/ipc';
import type { GobsError } from '../../shared/errors';

export function App() {
  const route = useRoute();
  const [status, setStatusState] = useState<AuthStatus>();
  const [bootError, setBootError] = useState<GobsError>();
  const [expired, setExpired] = useState(false);
  const [loggingOut, setLoggingOut] = useState(false);
  const loggingOutRef = useRef(false);

  const statusRef = useRef<AuthStatus>(undefined);
  const setStatus = useCallback((next: AuthStatus) => {
    // Logged in before, logged out now, and not by us: the server refused the session.
    if (statusRef.current?.loggedIn && !next.loggedIn && !loggingOutRef.current) setExpired(true);
    if (next.loggedIn) setExpired(false);
    statusRef.current = next;
    setStatusState(next);
  }, []);

  const boot = useCallback(() => {
    setBootError(undefined);
    window.gobs.auth.status().then(setStatus, (err: unknown) => setBootError(toGobsError(err)));
  }, [setStatus]);

  useEffect(() => {
    boot();
    return window.gobs.on('auth.changed', setStatus);
  }, [boot, setStatus]);

  const logout = useCallback(async () => {
    setLoggingOut(true);
    loggingOutRef.current = true;
    try {
      const next = await window.gobs.auth.logout();
      setExpired(false);
      setStatus(next);
    } catch (err) {
      setBootError(toGobsError(err));
    } finally {
      loggingOutRef.current = false;
      setLoggingOut(false);
    }
  }, [setStatus]);

  const session = useMemo(() => (status ? { status, setStatus, expired } : null), [status, setStatus, expired]);

  // Logged-out users see Connect whatever the address says; logged-in users never see it.
  useEffect(() => {
    if (!status) return;
    if (!status.loggedIn && route.name !== 'connect') navigate({ name: 'connect' }, true);
    if (status.loggedIn && route.name === 'connect') navigate({ name: 'projects' }, true);
  }, [status, route.name]);

  if (bootError && !status) return <ErrorBanner error={bootError} onRetry={boot} />;
  if (!session) return <p className="boot muted">{strings.common.loading}</p>;

  return (
    <SessionContext.Provider value={session}>
      {!session.status.loggedIn ? (
        <ConnectPage />
      ) : (
        <AppShell route={route} onLogout={() => void logout()} loggingOut={loggingOut}>
          {bootError && <ErrorBanner error={bootError} />}
          <Page route={route} />
        </AppShell>
      )}
    </SessionContext.Provider>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.name) {
    case 'connect':
    case 'projects':
      return <ProjectsPage />;
    default:
      return <ProjectsPage />;
  }
}
