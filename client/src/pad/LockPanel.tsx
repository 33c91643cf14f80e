import { useState } from 'preact/hooks';
import type { AgreementInfo, PadAccess } from '../../../signaling/protocol/pad.js';
import { ApiError } from '../api.js';
import { serverSays } from '../components/ErrorBanner.js';
import { t } from '../i18n/index.js';
import { tp } from '../i18n/pad/index.js';
import { padApi, type AgreementEntry } from './api.js';

/** The refusal: its code's translation, then the server's own (English) message with the fields it names. */
function Problem({ err }: { err: unknown }) {
  if (!(err instanceof ApiError)) return <>{t('error.INTERNAL')}</>;
  const issues = (err.details as { issues?: { path: string[]; message: string }[] } | undefined)?.issues;
  const detail = issues?.length ? `${err.message}: ${issues.map((i) => i.path.slice(1).join('.')).join(', ')}` : err.message;
  return <>{t(`error.${err.code}`)} {serverSays(detail)}</>;
}

/** The mediator's controls: lock for signature (inline confirmation), unlock with a reason, the clerk's permission. */
export function LockPanel({ agreement, access, onChange }: { agreement: AgreementInfo; access: PadAccess; onChange: (e: AgreementEntry) => void }) {
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (!access.canManage) return null;
  const run = async (f: () => Promise<AgreementEntry>) => {
    setBusy(true);
    setError(null);
    try {
      onChange(await f());
      setConfirming(false);
      setReason('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="pad-panel pad-lock" data-testid="pad-lock-panel">
      {agreement.status === 'drafting' ? (
        confirming ? (
          <div>
            <p>{tp('pad.lock.explain')}</p>
            <button type="button" class="primary" data-testid="pad-lock-confirm" disabled={busy} onClick={() => run(() => padApi.lock(agreement.id))}>{tp('pad.lock.confirm')}</button>{' '}
            <button type="button" aria-label={t('common.cancel')} title={t('common.cancel')} onClick={() => setConfirming(false)}>✕</button>
          </div>
        ) : (
          <button type="button" class="primary" data-testid="pad-lock" onClick={() => setConfirming(true)}>{tp('pad.lock')}</button>
        )
      ) : (
        <div>
          <label for="pad-unlock-reason">{tp('pad.unlock.reason')}</label>
          <input id="pad-unlock-reason" data-testid="pad-unlock-reason" value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
          <button type="button" data-testid="pad-unlock" disabled={busy || !reason.trim()} onClick={() => run(() => padApi.unlock(agreement.id, reason.trim()))}>{tp('pad.unlock.confirm')}</button>
        </div>
      )}
      <label class="pad-check">
        <input type="checkbox" data-testid="pad-clerk-edit" checked={agreement.clerkCanEdit} disabled={busy}
          onChange={(e) => run(() => padApi.clerkEdit(agreement.id, (e.target as HTMLInputElement).checked))} />{' '}
        {tp('pad.clerkEdit')}
      </label>
      {error ? <p class="field-error" role="alert" data-testid="pad-lock-error"><Problem err={error} /></p> : null}
    </div>
  );
}
