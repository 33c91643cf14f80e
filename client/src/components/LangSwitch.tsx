import { LANGS, LANG_NAMES, getLang, setLang, t, type Lang } from '../i18n/index.js';

export function LangSwitch() {
  return (
    <label class="lang-switch">
      <span class="visually-hidden">{t('common.language')}</span>
      <select
        data-testid="lang-switch"
        aria-label={t('common.language')}
        value={getLang()}
        onChange={(e) => setLang((e.currentTarget as HTMLSelectElement).value as Lang)}
      >
        {LANGS.map((l) => (
          <option key={l} value={l} lang={l}>
            {LANG_NAMES[l]}
          </option>
        ))}
      </select>
    </label>
  );
}
