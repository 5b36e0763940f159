/**
 * The active language and `t`, the one way to get a user-facing string. Messages live in en.ts and
 * fr.ts (ICU MessageFormat); react-intl formats them with the active locale, so plurals follow
 * CLDR (French: 0 and 1 are singular) and numbers in messages get the locale's separators.
 *
 * The intl object is module state rather than only React context because plain modules
 * (validation, error mapping, formatting) need strings too; I18nRoot re-mounts the app when it
 * changes, so nothing keeps a string of the previous language.
 */
import { createIntl, createIntlCache, type IntlShape } from 'react-intl';
import { LANGUAGES, type Language, type LanguagePreference } from '../../../shared/ipc';
import { en, type MessageId } from './en';
import { fr } from './fr';

export type { MessageId } from './en';

export const catalogues: Record<Language, Record<MessageId, string>> = { en, fr };

/** Each language is named in itself, whatever the interface language (the usual language-menu convention). */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', fr: 'Français' };

/**
 * The region whose date and number conventions a language gets when the system names none for it.
 * English defaults to British conventions (day/month/year, 24-hour clock), closest to those of
 * the European teams G-Obs serves.
 */
const DEFAULT_REGION: Record<Language, string> = { en: 'en-GB', fr: 'fr-FR' };

export interface ActiveLocale {
  /** Which catalogue. */
  language: Language;
  /** The BCP 47 tag for dates, numbers and plural rules, e.g. 'fr-CA' when the system says so. */
  locale: string;
}

function languageOf(tag: string): Language | undefined {
  const base = tag.toLowerCase().split(/[-_]/)[0];
  return LANGUAGES.find((l) => l === base);
}

function canonical(tag: string): string | undefined {
  try {
    return Intl.getCanonicalLocales(tag.replace('_', '-'))[0];
  } catch {
    return undefined;
  }
}

/**
 * The language (the chosen one, or the first of the system's preferred languages we have, else
 * English) and the locale for formats: the system's own tag for that language when it has one,
 * so a Canadian French or American English system keeps its regional conventions.
 */
export function resolveLocale(preference: LanguagePreference, systemLanguages: readonly string[]): ActiveLocale {
  const language =
    preference !== 'system'
      ? preference
      : (systemLanguages.map(languageOf).find((l): l is Language => l !== undefined) ?? 'en');
  const regional = systemLanguages
    .filter((tag) => languageOf(tag) === language)
    .map(canonical)
    .find((tag): tag is string => tag !== undefined);
  return { language, locale: regional ?? DEFAULT_REGION[language] };
}

const cache = createIntlCache();
let active: ActiveLocale = { language: 'en', locale: DEFAULT_REGION.en };
let intl: IntlShape = build(active);

function build(a: ActiveLocale): IntlShape {
  return createIntl(
    {
      locale: a.locale,
      defaultLocale: 'en',
      messages: catalogues[a.language],
      // A missing value or a broken message must show up in tests (the e2e suites fail on page errors).
      onError: (err) => console.error(err),
    },
    cache,
  );
}

/** Makes `a` the language of every string and format from now on (I18nRoot re-mounts the app after). */
export function activate(a: ActiveLocale): void {
  active = a;
  intl = build(a);
  if (typeof document !== 'undefined') document.documentElement.lang = a.locale;
}

export function activeLocale(): ActiveLocale {
  return active;
}

/** The react-intl object of the active locale (formatDate, formatNumber, formatRelativeTime…). */
export function currentIntl(): IntlShape {
  return intl;
}

export type MessageValues = Record<string, string | number | boolean | Date | null | undefined>;

/** The message `id` in the active language, with `values` put in its placeholders. */
export function t(id: MessageId, values?: MessageValues): string {
  return intl.formatMessage({ id }, values);
}
