import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import enAdmin from './en.admin.json';
import enCommon from './en.json';
import enOperator from './en.operator.json';
import enPages from './en.pages.json';
import frAdmin from './fr.admin.json';
import frCommon from './fr.json';
import frOperator from './fr.operator.json';
import frPages from './fr.pages.json';

// One catalogue per area (common, personal pages, admin, operator) so each area's strings live
// beside each other; every visible string has a key in each language (a test compares them).
const en = { ...enCommon, ...enPages, ...enAdmin, ...enOperator };
const fr = { ...frCommon, ...frPages, ...frAdmin, ...frOperator };

export type MessageKey = keyof typeof en;
export type Locale = 'en' | 'fr';

const catalogues: Record<Locale, Record<MessageKey, string>> = { en, fr };
export const LOCALES: readonly Locale[] = ['en', 'fr'];
const STORAGE_KEY = 'latchkey.locale';

function initialLocale(): Locale {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === 'en' || saved === 'fr') return saved;
  return navigator.language.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

/** True when `key` names a message (for keys built from API values such as statuses). */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

interface I18n {
  locale: Locale;
  setLocale: (locale: Locale) => void;
  t: Translate;
  /** Date and time in the user's locale. */
  dateTime: (iso: string | null | undefined) => string;
  /** Numbers with the locale's grouping. */
  number: (n: number) => string;
  /** "in 3 days", "5 minutes ago". */
  relative: (iso: string | null | undefined) => string;
}

const Context = createContext<I18n | undefined>(undefined);

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  const setLocale = useCallback((next: Locale) => {
    // The language choice is a preference, not a secret: localStorage is the right place.
    localStorage.setItem(STORAGE_KEY, next);
    document.documentElement.lang = next;
    setLocaleState(next);
  }, []);

  const value = useMemo<I18n>(() => {
    const messages = catalogues[locale];
    const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    const numberFormat = new Intl.NumberFormat(locale);
    const relativeFormat = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
    document.documentElement.lang = locale;
    return {
      locale,
      setLocale,
      t: (key, values) =>
        messages[key].replace(/\{(\w+)\}/g, (whole, name: string) => {
          const v = values?.[name];
          return v === undefined ? whole : typeof v === 'number' ? numberFormat.format(v) : v;
        }),
      dateTime: (iso) => (iso === null || iso === undefined ? '—' : dateFormat.format(new Date(iso))),
      number: (n) => numberFormat.format(n),
      relative: (iso) => {
        if (iso === null || iso === undefined) return '—';
        const delta = new Date(iso).getTime() - Date.now();
        for (const [unit, ms] of UNITS) {
          if (Math.abs(delta) >= ms) return relativeFormat.format(Math.round(delta / ms), unit);
        }
        return relativeFormat.format(Math.round(delta / 1000), 'second');
      },
    };
  }, [locale, setLocale]);

  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(Context);
  if (value === undefined) throw new Error('useI18n outside I18nProvider');
  return value;
}
