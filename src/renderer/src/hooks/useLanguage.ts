import { createContext, useContext } from 'react';
import type { LanguagePreference } from '../../../shared/ipc';
import type { ActiveLocale } from '../i18n';

export interface LanguageState {
  preference: LanguagePreference;
  /** The OS's preferred languages as main reports them. */
  systemLanguages: string[];
  active: ActiveLocale;
  /** Persists the choice in main's settings, then shows the app in that language. */
  setPreference(preference: LanguagePreference): Promise<void>;
}

export const LanguageContext = createContext<LanguageState | null>(null);

export function useLanguage(): LanguageState {
  const value = useContext(LanguageContext);
  if (!value) throw new Error('useLanguage outside I18nRoot');
  return value;
}
