import { useCallback, useState } from 'preact/hooks';
import type { OtpIssued, SigningStatusView, SignerSlotView } from '../../../signaling/protocol/signing.js';
import { ApiError } from '../api.js';
import { AgreementDocument } from '../components/AgreementDocument.js';
import { ErrorBanner, serverSays } from '../components/ErrorBanner.js';
import { formatDateTime } from '../format.js';
import { useLang } from '../i18n/index.js';
import { signingApi, type SignAuth } from './api.js';
import { st, type SignKey } from './i18n.js';
import { SignaturePad, type SignatureValue } from './SignaturePad.js';
import { ConfirmationOutcome, DocumentLinks } from './Outcome.js';

/** The server's refusal reasons (error details.reason) that have their own wording. */
const REASONS: Record<string, SignKey> = {
  not_locked: 'err.not_locked', text_changed: 'err.text_changed', already_signed: 'err.already_signed', wrong_role: 'err.wrong_role',
  not_a_signer: 'err.not_a_signer', otp_mismatch: 'err.otp_mismatch', otp_expired: 'err.otp_expired', otp_used: 'err.otp_used',
  otp_exhausted: 'err.otp_exhausted', otp_unknown: 'err.otp_used', otp_stale: 'err.text_changed', not_effective: 'err.not_effective',
  case_status: 'err.case_status', already_requested: 'err.already_requested', no_court: 'err.no_court', not_court: 'err.not_court',
  signing_started: 'err.signing_started', bad_image: 'err.bad_image', already_effective: 'err.already_effective',
};

export function reasonOf(e: unknown): string | undefined {
  if (!(e instanceof ApiError)) return undefined;
  const d = e.details as { reason?: unknown } | undefined;
  return typeof d?.reason === 'string' ? d.reason : undefined;
}

/** A refusal in the ceremony's own words when the server named the reason; the shared banner otherwise. */
export function SignError({ error }: { error: unknown }) {
  if (!error) return null;
  const reason = reasonOf(error);
  const key = reason ? REASONS[reason] : undefined;
  if (!key) return <ErrorBanner error={error} />;
  return (
    <div class="banner banner-error" role="alert" data-testid="error" data-code={(error as ApiError).code} data-reason={reason}>
      <div class="banner-body"><strong>{st(key)}</strong><div class="banner-detail">{serverSays((error as ApiError).message)}</div></div>
    </div>
  );
}

export function roleName(role: string): string {
  return st(`role.${role}` as SignKey);
}

export function SlotList({ slots }: { slots: SignerSlotView[] }) {
  return (
    <ul class="sign-slots" data-testid="signer-slots">
      {slots.map((s) => (
        <li key={s.slot} class={`sign-slot ${s.signed ? 'is-signed' : ''}`} data-testid="signer-slot" data-role={s.role} data-slot={s.slot}
          data-signed={String(s.signed)} data-mine={String(s.mine)}>
          <span class={`role-tag role-${s.role}`}>{roleName(s.role)}</span> <strong>{s.name || '—'}</strong>{' '}
          {s.signed && s.signature ? (
            <span class="small">
              ✓ {st('slot.signedAt', { time: formatDateTime(s.signature.signedAt) })} · {st(s.signature.method === 'drawn' ? 'slot.drawn' : 'slot.typed')}
              {s.signature.ip ? <span class="muted"> · IP {s.signature.ip}</span> : null}
            </span>
          ) : (
            <span class="muted small">{st('slot.waiting')}</span>
          )}
          {s.signature?.image ? <img class="sign-thumb" src={s.signature.image} alt={st('slot.imageAlt', { name: s.name })} /> : null}
        </li>
      ))}
    </ul>
  );
}

interface Props { auth: SignAuth; status: SigningStatusView; onStatus: (s: SigningStatusView) => void }

/**
 * One agreement's signing: the exact locked text and its SHA-256, who has signed, and for the person asking (when they
 * sign this agreement and have not yet) the three steps: read, confirm identity with a one-time code, sign.
 */
export function Ceremony({ auth, status, onStatus }: Props) {
  useLang();
  const [read, setRead] = useState(false);
  // "I have read" unlocks once the end of the text has been on screen.
  const [endSeen, setEndSeen] = useState(false);
  const onEndSeen = useCallback(() => setEndSeen(true), []);
  const [otp, setOtp] = useState<OtpIssued | null>(null);
  const [code, setCode] = useState('');
  const [sig, setSig] = useState<SignatureValue | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const mySlot = status.slots.find((s) => s.mine);
  const canSign = status.agreementStatus === 'locked' && !status.effective && !!status.me && !!mySlot && !mySlot.signed;

  async function requestCode() {
    if (!status.me || !status.lockSeq || !status.sha256) return;
    setBusy(true);
    setError(null);
    try {
      setOtp(await signingApi.requestOtp(auth, status.agreementId, { role: status.me.role, lockSeq: status.lockSeq, documentSha256: status.sha256 }));
      setCode('');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  async function submit(e: Event) {
    e.preventDefault();
    if (!status.me || !status.lockSeq || !status.sha256 || !otp || !sig || busy) return;
    setBusy(true);
    setError(null);
    try {
      const r = await signingApi.sign(auth, status.agreementId, {
        role: status.me.role, lockSeq: status.lockSeq, documentSha256: status.sha256, otpId: otp.otpId, code: code.trim(),
        method: sig.method, image: sig.image, ...(sig.typedName ? { typedName: sig.typedName } : {}),
      });
      setOtp(null);
      onStatus(r.status);
    } catch (err) {
      setError(err);
      // The text moved on: show the current one.
      if (reasonOf(err) === 'text_changed' || reasonOf(err) === 'not_locked') signingApi.status(auth, status.agreementId).then(onStatus, () => undefined);
    } finally {
      setBusy(false);
    }
  }

  return (
    <article class="card sign-agreement" data-testid="sign-agreement" data-agreement-id={status.agreementId}
      data-effective={String(status.effective)} data-lock-seq={status.lockSeq ?? ''} data-agreement-status={status.agreementStatus}>
      <header class="section-head">
        <h3>{status.title}</h3>
        <span class={`badge ${status.effective ? 'badge-ok' : ''}`} data-testid="sign-state">
          {status.effective ? st('state.effective') : status.agreementStatus === 'locked' ? st('state.signing') : st('state.drafting')}
        </span>
      </header>
      {status.effective ? (
        <div class="banner banner-ok" role="status" data-testid="sign-effective">
          <div class="banner-body">{st('effective.text', { time: formatDateTime(status.effectiveAt) })}</div>
        </div>
      ) : null}
      {status.sealError ? <div class="banner banner-error" role="alert" data-testid="seal-error"><div class="banner-body">{st('seal.failed')}: {status.sealError}</div></div> : null}
      {status.agreementStatus !== 'locked' ? <p class="muted" data-testid="sign-not-locked">{st('state.notLocked')}</p> : (
        <>
          <details open={canSign} class="sign-text-box">
            <summary>{st('text.show')}</summary>
            <AgreementDocument text={status.text ?? ''} label={st('doc.label')} testId="sign-text" onEndSeen={canSign ? onEndSeen : undefined} />
          </details>
          {!status.effective ? <PdfPreview auth={auth} agreementId={status.agreementId} /> : null}
          <p class="small">{st('text.hash')} <code data-testid="sign-hash" class="hash">{status.sha256}</code> · {st('text.version', { n: status.lockSeq ?? 0 })}</p>
          <SlotList slots={status.slots} />
        </>
      )}
      {mySlot?.signed ? <p class="banner banner-ok" data-testid="sign-done">{st('done.mine')}</p> : null}
      {canSign ? (
        <form class="sign-steps" data-testid="sign-form" onSubmit={submit}>
          <h4>{st('steps.title', { role: roleName(status.me!.role) })}</h4>
          <label class="check">
            <input type="checkbox" data-testid="sign-read" checked={read} disabled={!endSeen} aria-describedby={endSeen ? undefined : `sign-read-hint-${status.agreementId}`}
              onChange={(e) => setRead((e.currentTarget as HTMLInputElement).checked)} />{' '}
            {st('steps.read')}
          </label>
          {!endSeen ? <p class="hint" id={`sign-read-hint-${status.agreementId}`} data-testid="sign-read-hint">{st('doc.readHint')}</p> : null}
          <div class="sign-step">
            <p><strong>{st('steps.identity')}</strong> {st('steps.identityHint')}</p>
            <button type="button" class="btn" data-testid="sign-otp-request" disabled={!read || busy} onClick={requestCode}>
              {otp ? st('otp.again') : st('otp.request')}
            </button>
            {otp ? (
              <div class="banner banner-info sign-inbox" role="status" data-testid="sign-otp-message">
                <div class="banner-body">
                  {st('otp.delivered')} <strong class="otp-code" data-testid="sign-otp-code">{otp.delivery.code}</strong>
                  <div class="small muted">{st('otp.expires', { time: formatDateTime(otp.expiresAt), n: otp.attemptsAllowed })}</div>
                </div>
              </div>
            ) : null}
            {otp ? (
              <div class="field">
                <label for="sign-otp-input">{st('otp.label')}</label>
                <input id="sign-otp-input" data-testid="sign-otp-input" inputMode="numeric" autoComplete="one-time-code" maxLength={6}
                  pattern="[0-9]{6}" value={code} onInput={(e) => setCode((e.currentTarget as HTMLInputElement).value.replace(/\D/g, ''))} />
              </div>
            ) : null}
          </div>
          {otp ? (
            <div class="sign-step">
              <p><strong>{st('steps.sign')}</strong></p>
              <SignaturePad onChange={setSig} defaultName={status.me!.name} />
            </div>
          ) : null}
          <SignError error={error} />
          <button type="submit" class="btn btn-primary btn-block" data-testid="sign-submit" disabled={!read || !otp || code.length !== 6 || !sig || busy}
            data-missing={[!read && 'read', !otp && 'otp', code.length !== 6 && 'code', !sig && 'signature'].filter(Boolean).join(' ')}>
            {busy ? st('steps.signing') : st('steps.submit')}
          </button>
          <p class="hint">{st('steps.legal')}</p>
        </form>
      ) : null}
      {!canSign ? <SignError error={error} /> : null}
      <DocumentLinks docs={status.documents} />
      {status.confirmation ? <ConfirmationOutcome c={status.confirmation} /> : null}
    </article>
  );
}

/** The server-rendered PDF of the text to be signed (unsigned, unsealed), shown before signing. */
function PdfPreview({ auth, agreementId }: { auth: SignAuth; agreementId: string }) {
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const load = async () => {
    setBusy(true);
    setError(null);
    try {
      setUrl(await signingApi.previewPdf(auth, agreementId));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="sign-preview">
      <button type="button" class="btn" data-testid="sign-preview-pdf" disabled={busy} onClick={load}>{st('doc.previewPdf')}</button>
      {url ? (
        <>
          {' '}<a href={url} target="_blank" rel="noopener" data-testid="sign-preview-link">{st('doc.openPdf')}</a>
          <iframe class="pdf-frame" data-testid="sign-preview-frame" src={url} title={st('doc.previewPdf')} />
        </>
      ) : null}
      <SignError error={error} />
    </div>
  );
}
