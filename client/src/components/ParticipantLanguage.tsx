import { useState } from 'preact/hooks';
import type { HearingParticipantView } from '../../../signaling/protocol/api.js';
import { INTERPRETATION_MODES, SPOKEN_LANGUAGES, type InterpretationMode, type SpokenLanguage } from '../../../signaling/protocol/domain.js';
import { api } from '../api.js';
import { t, type MessageKey } from '../i18n/index.js';
import { ErrorBanner } from './ErrorBanner.js';
import { val } from './Field.js';

const langLabel = (l: SpokenLanguage): string => t(`spoken.${l}` as MessageKey);
const modeLabel = (m: InterpretationMode): string => t(`interp.mode.${m}` as MessageKey);

interface Props {
  caseId: string;
  hearingId: string;
  p: HearingParticipantView;
  /** The hearing's party participants: whom an interpreter may serve. */
  parties: HearingParticipantView[];
}

/**
 * A scheduled participant's spoken language and, for an interpreter, the language pair, mode and party served
 * (issue 17): shown on the participant's row, changed through PUT .../participants/{id}/language.
 */
export function ParticipantLanguage({ caseId, hearingId, p, parties }: Props) {
  const [view, setView] = useState(p);
  const [editing, setEditing] = useState(false);
  const [language, setLanguage] = useState<string>(p.language ?? '');
  const [from, setFrom] = useState<string>(p.interpretation?.from ?? '');
  const [to, setTo] = useState<string>(p.interpretation?.to ?? '');
  const [mode, setMode] = useState<InterpretationMode>(p.interpretation?.mode ?? 'simultaneous');
  const [serves, setServes] = useState<string>(p.interpretation?.servesPartyId ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const interpreter = p.role === 'interpreter';
  const id = (what: string) => `lang-${what}-${p.id}`;

  async function save(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const interpretation = interpreter && from && to
        ? { from: from as SpokenLanguage, to: to as SpokenLanguage, mode, ...(serves ? { servesPartyId: serves } : {}) }
        : null;
      const next = await api.setParticipantLanguage(caseId, hearingId, p.id, {
        language: (language || null) as SpokenLanguage | null, ...(interpreter ? { interpretation } : {}),
      });
      setView(next);
      setEditing(false);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const i = view.interpretation;
  const summary = [
    view.language ? langLabel(view.language) : t('spoken.none'),
    i ? t('interp.summary', { from: langLabel(i.from), to: langLabel(i.to), mode: modeLabel(i.mode) }) : null,
  ].filter(Boolean).join(' · ');
  return (
    <div class="participant-language" data-testid={`participant-language-${p.id}`}>
      <span class="muted small" data-testid={`participant-language-summary-${p.id}`}>{t('spoken.title')}: {summary}</span>{' '}
      <button type="button" class="btn btn-small btn-ghost" data-testid={`participant-language-edit-${p.id}`} aria-expanded={editing}
        onClick={() => setEditing(!editing)}>
        {t('spoken.edit')}
      </button>
      {editing ? (
        <form class="inline-confirm" data-testid={`participant-language-form-${p.id}`} onSubmit={save}>
          <label for={id('language')}>{t('spoken.title')}</label>
          <select id={id('language')} data-testid={`participant-language-select-${p.id}`} value={language} onChange={(e) => setLanguage(val(e))}>
            <option value="">{t('spoken.none')}</option>
            {SPOKEN_LANGUAGES.map((l) => <option key={l} value={l}>{langLabel(l)}</option>)}
          </select>
          {interpreter ? (
            <>
              <label for={id('from')}>{t('interp.from')}</label>
              <select id={id('from')} data-testid={`interp-from-${p.id}`} value={from} onChange={(e) => setFrom(val(e))}>
                <option value="">{t('spoken.none')}</option>
                {SPOKEN_LANGUAGES.map((l) => <option key={l} value={l}>{langLabel(l)}</option>)}
              </select>
              <label for={id('to')}>{t('interp.to')}</label>
              <select id={id('to')} data-testid={`interp-to-${p.id}`} value={to} onChange={(e) => setTo(val(e))}>
                <option value="">{t('spoken.none')}</option>
                {SPOKEN_LANGUAGES.map((l) => <option key={l} value={l}>{langLabel(l)}</option>)}
              </select>
              <label for={id('mode')}>{t('interp.mode')}</label>
              <select id={id('mode')} data-testid={`interp-mode-select-${p.id}`} value={mode} onChange={(e) => setMode(val(e) as InterpretationMode)}>
                {INTERPRETATION_MODES.map((m) => <option key={m} value={m}>{modeLabel(m)}</option>)}
              </select>
              <label for={id('serves')}>{t('interp.serves')}</label>
              <select id={id('serves')} data-testid={`interp-serves-${p.id}`} value={serves} onChange={(e) => setServes(val(e))}>
                <option value="">{t('interp.servesNobody')}</option>
                {parties.filter((x) => x.partyId).map((x) => <option key={x.id} value={x.partyId!}>{x.displayName}</option>)}
              </select>
            </>
          ) : null}
          <ErrorBanner error={error} />
          <div class="button-row">
            <button type="submit" class="btn btn-small btn-primary" data-testid={`participant-language-save-${p.id}`} disabled={busy}>{t('spoken.save')}</button>
            <button type="button" class="btn btn-small btn-ghost" onClick={() => setEditing(false)}>{t('common.cancel')}</button>
          </div>
        </form>
      ) : null}
    </div>
  );
}
