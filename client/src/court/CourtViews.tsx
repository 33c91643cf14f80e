import { useEffect, useState } from 'preact/hooks';
import type { CourtPackageView, CourtQueueItem } from '../../../signaling/protocol/signing.js';
import { AuditAction } from '../components/AuditAction.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { Loading } from '../components/Loading.js';
import { formatDateTime } from '../format.js';
import { useLang } from '../i18n/index.js';
import { onLinkClick } from '../router.js';
import { signingApi } from '../signing/api.js';
import { SignError, SlotList } from '../signing/Ceremony.js';
import { ConfirmationOutcome, DocumentLinks } from '../signing/Outcome.js';
import { st, type SignKey } from '../signing/i18n.js';
import '../signing/signing.css';

/** `/court`: the judicial-confirmation requests on the cases this court user is assigned to. */
export function CourtQueueView() {
  useLang();
  const [items, setItems] = useState<CourtQueueItem[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => { signingApi.courtQueue().then((r) => setItems(r.items), setError); }, []);
  return (
    <section class="page" data-testid="court-queue">
      <h1>{st('court.queue')}</h1>
      <ErrorBanner error={error} />
      {!items && !error ? <Loading /> : null}
      {items && items.length === 0 ? <p class="muted" data-testid="court-queue-empty">{st('court.queueEmpty')}</p> : null}
      <ul class="court-queue">
        {items?.map((i) => (
          <li key={i.id} class="card" data-testid="court-queue-item" data-confirmation-id={i.id} data-status={i.status}>
            <a href={`/court/requests/${i.id}`} onClick={onLinkClick}><strong>{i.caseNumber}</strong> · {i.title}</a>
            <div class="small">{i.applicants.join('、')} ⇄ {i.respondents.join('、')}</div>
            <div class="small muted">{st(`court.status.${i.status}` as SignKey)} · {formatDateTime(i.requestedAt)}</div>
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * `/court/requests/:id`: the judge's review. The sealed agreement in the browser's PDF viewer, the certificate of
 * completion, signatures, hearing record, recordings, identity checks and the audit timeline; then confirm (ruling
 * sealed with the court's certificate) or reject with reasons.
 */
export function CourtReviewView({ id }: { id: string }) {
  useLang();
  const [pkg, setPkg] = useState<CourtPackageView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [decisionError, setDecisionError] = useState<unknown>(null);
  const [mode, setMode] = useState<'none' | 'confirm' | 'reject'>('none');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [version, setVersion] = useState(0);
  useEffect(() => { signingApi.courtPackage(id).then((p) => { setPkg(p); setError(null); }, setError); }, [id, version]);

  if (!pkg) return <section class="page">{error ? <ErrorBanner error={error} /> : <Loading />}</section>;
  const agreementPdf = pkg.documents.find((d) => d.kind === 'agreement');
  const open = pkg.confirmation.status === 'requested';
  const decide = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setDecisionError(null);
    try {
      if (mode === 'confirm') await signingApi.confirm(id, text.trim() || undefined);
      else await signingApi.reject(id, text.trim());
      setMode('none');
      setVersion((v) => v + 1);
    } catch (err) {
      setDecisionError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="page court-review" data-testid="court-review" data-confirmation-id={id} data-status={pkg.confirmation.status}>
      <p class="crumbs"><a href="/court" onClick={onLinkClick}>‹ {st('court.queue')}</a></p>
      <h1>{st('court.reviewTitle', { number: pkg.caseNumber })}</h1>
      <p class="muted">{pkg.orgName} · {pkg.agreement.title}</p>
      <ConfirmationOutcome c={pkg.confirmation} />
      <div class="court-grid">
        <section class="card">
          <h2>{st('court.agreementPdf')}</h2>
          {agreementPdf ? (
            <iframe class="pdf-frame" data-testid="court-pdf" src={agreementPdf.url} title={st('court.agreementPdf')} />
          ) : <p class="muted">—</p>}
          <DocumentLinks docs={pkg.documents} />
          <p class="small">{st('text.hash')} <code class="hash" data-testid="court-agreement-hash">{pkg.agreement.sha256}</code></p>
        </section>
        <section class="card">
          <h2>{st('court.signatures')}</h2>
          <SlotList slots={pkg.signatures.map((s) => ({ slot: s.slot, role: s.role, name: s.signerName, signed: true, signature: s, mine: false }))} />
          <h3>{st('court.identity')}</h3>
          <ul class="small" data-testid="court-identity">
            {pkg.identityChecks.map((c, i) => <li key={i}>{c.ok ? '✓' : '✗'} {c.role} · {c.method} · {formatDateTime(c.at)}</li>)}
          </ul>
          <h3>{st('court.hearingRecord')}</h3>
          <ul class="small" data-testid="court-hearings">
            {pkg.hearingRecord.map((h) => <li key={h.hearingId}>{formatDateTime(h.startsAt)} · {h.status} · {st('court.chat', { n: h.chatMessages })} · <code class="hash">{h.chatSha256.slice(0, 16)}…</code></li>)}
          </ul>
          <h3>{st('court.recordings')}</h3>
          {pkg.recordings.length === 0 ? <p class="muted small" data-testid="court-recordings-empty">{st('court.noRecordings')}</p> : (
            <ul class="small" data-testid="court-recordings">{pkg.recordings.map((r) => <li key={r.id}>{r.id} · <code class="hash">{r.sha256}</code></li>)}</ul>
          )}
        </section>
      </div>
      <section class="card">
        <h2>{st('court.audit')}</h2>
        <p class={`verify ${pkg.audit.verification.ok ? 'verify-ok' : 'verify-bad'}`} data-testid="court-audit-verify" data-ok={String(pkg.audit.verification.ok)}>
          {pkg.audit.verification.ok ? st('court.auditOk', { n: pkg.audit.verification.checked }) : st('court.auditBroken', { seq: pkg.audit.verification.firstBroken?.seq ?? 0 })}
        </p>
        <ol class="court-timeline" data-testid="court-timeline" tabIndex={0} aria-label={st('court.audit')}>
          {pkg.audit.entries.map((e) => (
            <li key={e.seq} data-testid="court-timeline-entry" data-action={e.action}>
              <span class="muted small">{formatDateTime(e.at)}</span> <AuditAction code={e.action} showCode /> <span class="small muted">{e.actor}</span>
            </li>
          ))}
        </ol>
      </section>
      <details class="card">
        <summary>{st('court.certificate')}</summary>
        <pre class="sign-text" data-testid="court-certificate">{JSON.stringify(pkg.certificate, null, 2)}</pre>
      </details>
      {open ? (
        <section class="card" data-testid="court-decision">
          <h2>{st('court.decision')}</h2>
          {mode === 'none' ? (
            <p>
              <button type="button" class="btn btn-primary" data-testid="court-confirm" onClick={() => { setMode('confirm'); setText(''); }}>{st('court.confirm')}</button>{' '}
              <button type="button" class="btn btn-danger" data-testid="court-reject" onClick={() => { setMode('reject'); setText(''); }}>{st('court.reject')}</button>
            </p>
          ) : (
            <form onSubmit={decide} data-testid={`court-${mode}-form`}>
              <label for="court-text">{mode === 'confirm' ? st('court.confirmNote') : st('court.rejectReasons')}</label>
              <textarea id="court-text" data-testid="court-text" required={mode === 'reject'} minLength={mode === 'reject' ? 5 : 0} maxLength={4000}
                value={text} onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} />
              <SignError error={decisionError} />
              <button type="submit" class={`btn ${mode === 'confirm' ? 'btn-primary' : 'btn-danger-solid'}`} data-testid="court-submit" disabled={busy}>
                {mode === 'confirm' ? st('court.confirmSubmit') : st('court.rejectSubmit')}
              </button>{' '}
              <button type="button" class="btn btn-ghost" onClick={() => setMode('none')}>{st('common.cancel')}</button>
            </form>
          )}
        </section>
      ) : null}
    </section>
  );
}
