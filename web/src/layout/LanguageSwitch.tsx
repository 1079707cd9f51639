import { Segmented } from 'antd';
import { LANGUAGES, type Language } from '../i18n/catalogue';
import { useLanguage, useT } from '../i18n/language';

/** 中文 | English: a two-way switch (a radio group to assistive technology), kept per browser. */
export function LanguageSwitch({ compact = false }: { compact?: boolean }) {
  const t = useT();
  const { language, setLanguage } = useLanguage();
  return (
    <Segmented<Language>
      size="small"
      value={language}
      onChange={setLanguage}
      aria-label={t('header.language')}
      data-testid="language"
      options={LANGUAGES.map((l) => ({
        value: l,
        label: l === 'zh-CN' ? (compact ? '中' : '中文') : compact ? 'EN' : 'English',
        title: l === 'zh-CN' ? '中文' : 'English',
      }))}
    />
  );
}
