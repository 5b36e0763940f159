import { createContext, useContext } from 'react';
import type { AuthStatus } from '../../../shared/ipc';

export interface SessionContextValue {
  status: AuthStatus;
  /** Replace the known status (after login/logout or an event from main). */
  setStatus: (status: AuthStatus) => void;
  /** Set when main told us the session died (401) so Connect can say why. */
  expired: boolean;
  /** The user chose to work on the local copy without logging in. */
  offlineWork: boolean;
  workOffline(on: boolean): void;
}

export const SessionContext = createContext<SessionContextValue | null>(null);

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionContext');
  return value;
}
