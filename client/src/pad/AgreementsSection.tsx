import { useState } from 'preact/hooks';
import { AGREEMENT_LANGUAGES, AGREEMENT_KINDS } from '../../../signaling/protocol/pad.js';
import { ApiError } from '../api.js';
import { getLang, t } from '../i18n/index.js';
import { tp, type PadKey } from '../i18n/pad/index.js';
import { navigate } from '../router.js';
import { padApi } from './api.js';
import { AgreementList } from './AgreementList.js';

/** On the case page (console): the case's agreements and, for the mediator, a new one from the template. */
export function AgreementsSection({ caseId, canCreate = true }: { caseId: string; canCreate?: boolean }) {
  const [language, setLanguage] = useState<string>(() => (AGREEMENT_LANGUAGES as readonly string[]).includes(getLang()) ? getLang() : 'zh-Hans');
  const [kind, setKind] = useState<string>('draft');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const create = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await padApi.create(caseId, { language, kind, template: 'labour' });
      navigate(`/pad/${r.agreement.id}`);
    } catch (err) {
      setError(t(`error.${err instanceof ApiError ? err.code : 'INTERNAL'}`));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card" data-testid="agreements-section">
      <h2>{tp('pad.section.title')}</h2>
      <AgreementList caseId={caseId} />
      {canCreate ? (
        <form class="pad-row" onSubmit={create}>
          <label>{tp('pad.new.language')}{' '}
            <select data-testid="agreement-new-language" value={language} onChange={(e) => setLanguage((e.target as HTMLSelectElement).value)}>
              {AGREEMENT_LANGUAGES.map((l) => <option key={l} value={l}>{tp(`pad.lang.${l}` as PadKey)}</option>)}
            </select>
          </label>
          <label>{tp('pad.new.kind')}{' '}
            <select data-testid="agreement-new-kind" value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value)}>
              {AGREEMENT_KINDS.map((k) => <option key={k} value={k}>{tp(`pad.kind.${k}` as PadKey)}</option>)}
            </select>
          </label>
          <button type="submit" class="primary" data-testid="agreement-create" disabled={busy}>{tp('pad.new')}</button>
          {error ? <span class="field-error" role="alert" data-testid="agreement-create-error">{error}</span> : null}
        </form>
      ) : null}
    </section>
  );
}
