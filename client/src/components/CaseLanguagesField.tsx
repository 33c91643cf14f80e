import { CASE_LANGUAGES, type CaseLanguage } from '../../../signaling/protocol/languages.js';
import { LANG_NAMES, t } from '../i18n/index.js';
import { val } from './Field.js';

/**
 * The new-case form's "document languages" (issue 17): automatic, or one or two chosen languages, first first.
 * `auto` is what the server would derive from the parties and the site as they stand (the same function,
 * signaling/protocol/languages.ts); it is shown, never sent.
 */
export type LanguagesDraft = { mode: 'auto' } | { mode: 'explicit'; first: CaseLanguage; second: CaseLanguage | '' };

/** The body's `languages`: only when chosen explicitly. */
export function chosenLanguages(d: LanguagesDraft): CaseLanguage[] | undefined {
  if (d.mode === 'auto') return undefined;
  return d.second ? [d.first, d.second] : [d.first];
}

/** One message for the field, whichever part of `languages` the schema or the server complained about. */
export function languagesError(errors: Record<string, string>): string | undefined {
  return Object.entries(errors).find(([k]) => k === 'languages' || k.startsWith('languages.'))?.[1];
}

interface Props {
  draft: LanguagesDraft;
  auto: readonly CaseLanguage[];
  error: string | undefined;
  onChange: (d: LanguagesDraft) => void;
}

const names = (ls: readonly CaseLanguage[]) => ls.map((l, i) => <span key={l} lang={l}>{i > 0 ? ' · ' : ''}{LANG_NAMES[l]}</span>);

export function CaseLanguagesField({ draft, auto, error, onChange }: Props) {
  const errId = 'case-languages-error';
  const describedBy = ['case-languages-hint', ...(error ? [errId] : [])].join(' ');
  const explicit = () => onChange({ mode: 'explicit', first: auto[0] ?? 'zh-Hans', second: auto[1] ?? '' });
  return (
    <fieldset class={`card${error ? ' field-invalid' : ''}`} data-testid="case-languages-field" aria-describedby={describedBy}>
      <legend>{t('newCase.languages')}</legend>
      <p class="hint" id="case-languages-hint">{t('newCase.languagesHint')}</p>
      <div class="checks">
        <label class="check">
          <input type="radio" name="case-languages-mode" data-testid="case-languages-auto" checked={draft.mode === 'auto'}
            onChange={() => onChange({ mode: 'auto' })} />
          <span>{t('newCase.languagesAuto')}: <strong data-testid="case-languages-derived">{names(auto)}</strong></span>
        </label>
        <label class="check">
          <input type="radio" name="case-languages-mode" data-testid="case-languages-explicit" checked={draft.mode === 'explicit'}
            onChange={explicit} />
          <span>{t('newCase.languagesChoose')}</span>
        </label>
      </div>
      {draft.mode === 'explicit' ? (
        <div class="grid grid-3">
          <div class="field">
            <label for="case-language-first">{t('newCase.languageFirst')}</label>
            <select id="case-language-first" data-testid="case-language-first" value={draft.first} aria-invalid={Boolean(error)}
              aria-describedby={error ? errId : undefined}
              onChange={(e) => {
                const first = val(e) as CaseLanguage;
                onChange({ mode: 'explicit', first, second: draft.second === first ? '' : draft.second });
              }}>
              {CASE_LANGUAGES.map((l) => <option key={l} value={l} lang={l}>{LANG_NAMES[l]}</option>)}
            </select>
          </div>
          <div class="field">
            <label for="case-language-second">{t('newCase.languageSecond')}</label>
            <select id="case-language-second" data-testid="case-language-second" value={draft.second} aria-invalid={Boolean(error)}
              aria-describedby={error ? errId : undefined}
              onChange={(e) => onChange({ ...draft, second: val(e) as CaseLanguage | '' })}>
              <option value="">{t('newCase.languageNone')}</option>
              {CASE_LANGUAGES.filter((l) => l !== draft.first).map((l) => <option key={l} value={l} lang={l}>{LANG_NAMES[l]}</option>)}
            </select>
          </div>
        </div>
      ) : null}
      {error ? <div class="field-error" id={errId} data-testid="field-error" data-field="languages">{error}</div> : null}
    </fieldset>
  );
}
