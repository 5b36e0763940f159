import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { AppShell } from './components/AppShell';
import { ErrorBanner } from './components/ErrorBanner';
import { SessionContext } from './hooks/useSession';
import { navigate, useRoute, type Route } from './hooks/useRoute';
import { ConnectPage } from './pages/ConnectPage';
import { ProjectsPage } from './pages/ProjectsPage';
import { ProjectPage } from './pages/ProjectPage';
import { IndicatorPage } from './pages/IndicatorPage';
import { ObservationPage } from './pages/ObservationPage';
import { ConflictsPage } from './pages/ConflictsPage';
import { SettingsPage } from './pages/SettingsPage';
import { Toast } from './components/Toast';
import { SyncContext, useSyncStatusSource } from './hooks/useSync';
import { ToastContext, type ToastMessage } from './hooks/useToast';
import { t } from './i18n';
import { toGobsError } from './lib/errors';
import type { AuthStatus } from '../../shared/ipc';
import type { GobsError } from '../../shared/errors';

const OFFLINE_KEY = 'gobs.offlineWork';

export function App() {
  const route = useRoute();
  const [status, setStatusState] = useState<AuthStatus>();
  const [bootError, setBootError] = useState<GobsError>();
  const [expired, setExpired] = useState(false);
  const [loggingOut, setLoggingOut] = useState(false);
  // Working on the local copy without a session (after logout, or a server that is away).
  const [offlineWork, setOfflineWork] = useState(() => sessionStorage.getItem(OFFLINE_KEY) === '1');
  const workOffline = useCallback((on: boolean) => {
    if (on) sessionStorage.setItem(OFFLINE_KEY, '1');
    else sessionStorage.removeItem(OFFLINE_KEY);
    setOfflineWork(on);
  }, []);
  const loggingOutRef = useRef(false);

  const statusRef = useRef<AuthStatus>(undefined);
  const setStatus = useCallback((next: AuthStatus) => {
    // Logged in before, logged out now, and not by us: the server refused the session.
    if (next.sessionExpired || (statusRef.current?.loggedIn && !next.loggedIn && !loggingOutRef.current))
      setExpired(true);
    if (next.loggedIn) {
      setExpired(false);
      sessionStorage.removeItem(OFFLINE_KEY);
      setOfflineWork(false);
    }
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
      workOffline(false);
      setStatus(next);
    } catch (err) {
      setBootError(toGobsError(err));
    } finally {
      loggingOutRef.current = false;
      setLoggingOut(false);
    }
  }, [setStatus, workOffline]);

  const [toast, setToast] = useState<ToastMessage | null>(null);
  const closeToast = useCallback(() => setToast(null), []);
  const sync = useSyncStatusSource(Boolean(status?.loggedIn || offlineWork));
  // A finished sync makes "not sent yet" and "undo" messages stale: clear them.
  const lastSyncAt = sync?.lastSyncAt;
  useEffect(() => {
    if (lastSyncAt) setToast(null);
  }, [lastSyncAt]);

  const session = useMemo(
    () => (status ? { status, setStatus, expired, offlineWork, workOffline } : null),
    [status, setStatus, expired, offlineWork, workOffline],
  );
  const inside = Boolean(status && (status.loggedIn || (offlineWork && status.username)));

  // Logged-out users see Connect whatever the address says; logged-in users never see it.
  useEffect(() => {
    if (!status) return;
    if (!inside && route.name !== 'connect') navigate({ name: 'connect' }, true);
    if (inside && route.name === 'connect') navigate({ name: 'projects' }, true);
  }, [status, inside, route.name]);

  if (bootError && !status) return <ErrorBanner error={bootError} onRetry={boot} />;
  if (!session) return <p className="boot muted">{t('common.loading')}</p>;

  return (
    <SessionContext.Provider value={session}>
      <SyncContext.Provider value={sync}>
        <ToastContext.Provider value={setToast}>
          {!inside ? (
            <ConnectPage />
          ) : (
            <AppShell route={route} onLogout={() => void logout()} loggingOut={loggingOut}>
              {bootError && <ErrorBanner error={bootError} />}
              <Page route={route} />
            </AppShell>
          )}
          <Toast toast={toast} onClose={closeToast} />
        </ToastContext.Provider>
      </SyncContext.Provider>
    </SessionContext.Provider>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.name) {
    case 'connect':
    case 'projects':
      return <ProjectsPage />;
    case 'project':
      return <ProjectPage key={route.projectKey} projectKey={route.projectKey} />;
    case 'indicator':
      return (
        <IndicatorPage key={route.indicatorCode} projectKey={route.projectKey} indicatorCode={route.indicatorCode} />
      );
    case 'newObservation':
      return <ObservationPage key="new" projectKey={route.projectKey} indicatorCode={route.indicatorCode} />;
    case 'observation':
      return (
        <ObservationPage
          key={route.uuid}
          projectKey={route.projectKey}
          indicatorCode={route.indicatorCode}
          uuid={route.uuid}
        />
      );
    case 'conflicts':
      return <ConflictsPage />;
    case 'settings':
      return <SettingsPage />;
  }
}
