import { useEffect, useState } from 'preact/hooks';
import { SignError } from '../signing/Ceremony.js';
import { signingApi } from '../signing/api.js';
import { st } from '../signing/i18n.js';

/**
 * The judge's decision, first on the review page: confirm (with an optional note) or reject (with reasons). The ruling
 * is previewed before it is issued: for a confirmation, the server renders the ruling PDF exactly as it would issue it
 * (unsealed, not stored); for a rejection, the reasons as the parties will read them. The issue button appears only
 * with a preview of the text as it stands, and any edit takes it away again.
 */
export function CourtDecision({ id, onDecided }: { id: string; onDecided: () => void }) {
  const [mode, setMode] = useState<'none' | 'confirm' | 'reject'>('none');
  const [text, setText] = useState('');
  const [preview, setPreview] = useState<{ text: string; pdf: string | null } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => () => { if (preview?.pdf) URL.revokeObjectURL(preview.pdf); }, [preview?.pdf]);

  const start = (m: 'confirm' | 'reject') => { setMode(m); setText(''); setPreview(null); setError(null); };
  const doPreview = async () => {
    if (mode === 'reject' && text.trim().length < 5) return;
    setBusy(true);
    setError(null);
    try {
      const pdf = mode === 'confirm' ? await signingApi.previewRuling(id, text.trim() || undefined) : null;
      setPreview({ text: text.trim(), pdf });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const issue = async (e: Event) => {
    e.preventDefault();
    if (!preview || preview.text !== text.trim()) return;
    setBusy(true);
    setError(null);
    try {
      if (mode === 'confirm') await signingApi.confirm(id, text.trim() || undefined);
      else await signingApi.reject(id, text.trim());
      setMode('none');
      onDecided();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class={`card court-decision${mode === 'none' ? ' court-decision-sticky' : ''}`} data-testid="court-decision" aria-labelledby="court-decision-title">
      <h2 id="court-decision-title">{st('court.decision')}</h2>
      {mode === 'none' ? (
        <>
          <p class="small muted">{st('court.decisionHint')}</p>
          <div class="court-decision-buttons">
            <button type="button" class="btn btn-primary" data-testid="court-confirm" onClick={() => start('confirm')}>{st('court.confirm')}</button>
            <button type="button" class="btn btn-danger" data-testid="court-reject" onClick={() => start('reject')}>{st('court.reject')}</button>
          </div>
        </>
      ) : (
        <form onSubmit={issue} data-testid={`court-${mode}-form`}>
          <label for="court-text">{mode === 'confirm' ? st('court.confirmNote') : st('court.rejectReasons')}</label>
          <textarea id="court-text" data-testid="court-text" required={mode === 'reject'} minLength={mode === 'reject' ? 5 : 0} maxLength={4000}
            value={text} onInput={(e) => { setText((e.currentTarget as HTMLTextAreaElement).value); setPreview(null); }} />
          <p class="hint">{st('court.previewFirst')}</p>
          <div class="court-decision-buttons">
            <button type="button" class="btn" data-testid="court-preview" disabled={busy || (mode === 'reject' && text.trim().length < 5)} onClick={doPreview}>
              {mode === 'confirm' ? st('court.previewRuling') : st('court.previewReject')}
            </button>
            <button type="button" class="btn btn-ghost" onClick={() => { setMode('none'); setPreview(null); }}>{st('common.cancel')}</button>
          </div>
          {preview ? (
            <div class="court-ruling-preview" data-testid="court-ruling-preview" data-mode={mode}>
              <h3>{mode === 'confirm' ? st('court.rulingPreview') : st('court.rejectPreview')}</h3>
              {preview.pdf ? <iframe class="pdf-frame court-ruling-frame" data-testid="court-ruling-pdf" src={preview.pdf} title={st('court.rulingPreview')} /> : null}
              {preview.text ? <blockquote class="court-preview-text" data-testid="court-preview-text">{preview.text}</blockquote> : null}
              {preview.pdf ? <p><a href={preview.pdf} target="_blank" rel="noopener">{st('doc.openPdf')}</a></p> : null}
              <button type="submit" class={`btn ${mode === 'confirm' ? 'btn-primary' : 'btn-danger-solid'}`} data-testid="court-submit" disabled={busy}>
                {mode === 'confirm' ? st('court.confirmSubmit') : st('court.rejectSubmit')}
              </button>
            </div>
          ) : null}
          <SignError error={error} />
        </form>
      )}
    </section>
  );
}
