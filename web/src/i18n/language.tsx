import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { format, type Catalogue, type Language } from './catalogue';
import { common } from './common';

const STORAGE = 'loanflow.language';

interface LanguageState {
  language: Language;
  setLanguage: (l: Language) => void;
}

const LanguageContext = createContext<LanguageState>({ language: 'zh-CN', setLanguage: () => {} });

function initialLanguage(): Language {
  try {
    const stored = localStorage.getItem(STORAGE);
    if (stored === 'en' || stored === 'zh-CN') return stored;
  } catch {
    // storage refused (private mode): the default
  }
  return 'zh-CN';
}

export function LanguageProvider({ children }: { children: ReactNode }) {
  const [language, set] = useState<Language>(initialLanguage);
  const setLanguage = useCallback((l: Language) => {
    set(l);
    try {
      localStorage.setItem(STORAGE, l);
    } catch {
      // not kept: this page still switches
    }
  }, []);
  dayjs.locale(language === 'zh-CN' ? 'zh-cn' : 'en');
  document.documentElement.lang = language;
  const value = useMemo(() => ({ language, setLanguage }), [language, setLanguage]);
  return <LanguageContext.Provider value={value}>{children}</LanguageContext.Provider>;
}

export function useLanguage(): LanguageState {
  return useContext(LanguageContext);
}

export type Translate<K extends string> = (
  key: K,
  vars?: Record<string, string | number>,
) => string;

/**
 * The translate function of a module's catalogue in the current language; keys of the common
 * catalogue work everywhere.
 */
export function useT<K extends string>(
  catalogue?: Catalogue<K>,
): Translate<K | keyof typeof common.zh> {
  const { language } = useLanguage();
  return useCallback(
    (key: string, vars?: Record<string, string | number>) => {
      const lang = language === 'zh-CN' ? 'zh' : 'en';
      const own = catalogue?.[lang] as Record<string, string> | undefined;
      const message = own?.[key] ?? (common[lang] as Record<string, string>)[key] ?? key;
      return format(message, vars);
    },
    [language, catalogue],
  );
}
