import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { RawIntlProvider } from 'react-intl';
import { activate, currentIntl, resolveLocale } from '../i18n';
import { LanguageContext, type LanguageState } from '../hooks/useLanguage';
import type { LanguagePreference } from '../../../shared/ipc';

interface Loaded {
  preference: LanguagePreference;
  systemLanguages: string[];
}

/**
 * Reads the language setting from main before the first screen (so nothing flashes in the wrong
 * language), and re-mounts the app when it changes: every string is then read again in the new
 * language, including those kept in state or memoised.
 */
export function I18nRoot({ children }: { children: ReactNode }) {
  const [loaded, setLoaded] = useState<Loaded>();

  const apply = useCallback((next: Loaded) => {
    activate(resolveLocale(next.preference, next.systemLanguages));
    setLoaded(next);
  }, []);

  useEffect(() => {
    window.gobs.settings.get().then(
      (s) => apply({ preference: s.language, systemLanguages: s.systemLanguages }),
      // Settings unreadable: English, and the app's own screens report the failure.
      () => apply({ preference: 'system', systemLanguages: [] }),
    );
  }, [apply]);

  const setPreference = useCallback(
    async (preference: LanguagePreference) => {
      const s = await window.gobs.settings.set({ language: preference });
      apply({ preference: s.language, systemLanguages: s.systemLanguages });
    },
    [apply],
  );

  const value = useMemo<LanguageState | null>(
    () =>
      loaded ? { ...loaded, active: resolveLocale(loaded.preference, loaded.systemLanguages), setPreference } : null,
    [loaded, setPreference],
  );

  if (!value) return null;
  return (
    <LanguageContext.Provider value={value}>
      <RawIntlProvider value={currentIntl()} key={`${value.active.language}:${value.active.locale}`}>
        {children}
      </RawIntlProvider>
    </LanguageContext.Provider>
  );
}
