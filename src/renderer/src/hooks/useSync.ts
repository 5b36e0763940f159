import { createContext, useContext, useEffect, useState } from 'react';
import type { SyncStatus } from '../../../shared/ipc';

/** The sync engine's state as main last reported it (sync.status, then sync.progress events). */
export const SyncContext = createContext<SyncStatus | null>(null);

export function useSyncStatus(): SyncStatus | null {
  return useContext(SyncContext);
}

export function useSyncStatusSource(enabled: boolean): SyncStatus | null {
  const [status, setStatus] = useState<SyncStatus | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    const read = () =>
      window.gobs.sync.status().then(
        (s) => live && setStatus(s),
        () => {},
      );
    const offProgress = window.gobs.on('sync.progress', (s) => live && setStatus(s));
    // Saving or deleting changes the number of changes waiting: re-read it.
    const offChanged = window.gobs.on('observations.changed', () => void read());
    void read();
    return () => {
      live = false;
      offProgress();
      offChanged();
    };
  }, [enabled]);
  return status;
}

/** Calls `onChange` when main reports that observations of one of `indicatorCodes` changed (null = any). */
export function useObservationsChanged(indicatorCodes: string[] | null, onChange: () => void): void {
  const key = indicatorCodes?.join('\u0000') ?? '*';
  useEffect(() => {
    const codes = key === '*' ? null : key.split('\u0000');
    return window.gobs.on('observations.changed', (e) => {
      if (!codes || e.indicatorCodes.some((c) => codes.includes(c))) onChange();
    });
  }, [key, onChange]);
}
