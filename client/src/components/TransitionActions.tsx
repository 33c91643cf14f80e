import { useState } from 'preact/hooks';
import type { CaseView } from '../../../signaling/protocol/api.js';
import type { CaseStatus } from '../../../signaling/protocol/domain.js';
import { api } from '../api.js';
import { t } from '../i18n/index.js';
import { statusLabel } from '../labels.js';
import { ErrorBanner } from './ErrorBanner.js';
import { val } from './Field.js';

interface Props {
  c: CaseView;
  onChanged: (c: CaseView, to: CaseStatus) => void;
}

/** One button per allowed transition; choosing one opens an inline confirmation with an optional reason. */
export function TransitionActions({ c, onChanged }: Props) {
  const [pending, setPending] = useState<CaseStatus | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function confirm(e: Event) {
    e.preventDefault();
    if (!pending || busy) return;
    setBusy(true);
    setError(null);
    try {
      const r = reason.trim();
      const next = await api.transition(c.id, r ? { to: pending, reason: r } : { to: pending });
      setPending(null);
      setReason('');
      onChanged(next, pending);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="card" data-testid="transitions" aria-labelledby="transitions-title">
      <h2 id="transitions-title">{t('detail.actions')}</h2>
      {c.allowedTransitions.length === 0 ? <p class="muted">{t('detail.noActions')}</p> : null}
      <div class="button-row">
        {c.allowedTransitions.map((s) => (
          <button key={s} type="button" class={`btn${pending === s ? ' btn-selected' : ''}`} data-testid={`transition-${s}`}
            aria-pressed={pending === s} disabled={busy}
            onClick={() => { setPending(s); setError(null); }}>
            {t('detail.moveTo', { status: statusLabel(s) })}
          </button>
        ))}
      </div>
      {pending ? (
        <form class="inline-confirm" data-testid="transition-form" onSubmit={confirm}>
          <label for="transition-reason">{t('detail.reason', { optional: t('common.optional') })}</label>
          <textarea id="transition-reason" data-testid="transition-reason" rows={2} maxLength={2000} value={reason}
            onInput={(e) => setReason(val(e))} />
          <div class="button-row">
            <button type="submit" class="btn btn-primary" data-testid="transition-confirm" disabled={busy}>
              {busy ? t('detail.changing') : t('detail.moveTo', { status: statusLabel(pending) })}
            </button>
            <button type="button" class="btn btn-ghost" data-testid="transition-cancel" disabled={busy}
              onClick={() => { setPending(null); setError(null); }}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      ) : null}
      <ErrorBanner error={error} />
    </section>
  );
}
