import { useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { formatDateTime } from '../format.js';
import { t } from '../i18n/index.js';
import { MAX_VERIFY_BYTES, type VerifyReport } from '../../../signaling/protocol/verify.js';

async function verify(file: File): Promise<VerifyReport> {
  let res: Response;
  try {
    res = await fetch('/api/verify', { method: 'POST', headers: { 'Content-Type': 'application/pdf', Accept: 'application/json' }, body: file, cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, 'NETWORK', e instanceof Error ? e.message : 'network error');
  }
  const json = (await res.json().catch(() => undefined)) as { error?: { code: never; message: string; details?: unknown } } | VerifyReport | undefined;
  if (!res.ok) {
    const err = (json as { error?: { code: never; message: string; details?: unknown } } | undefined)?.error;
    throw new ApiError(res.status, err?.code ?? (res.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_RESPONSE'), err?.message ?? `${res.status}`, err?.details);
  }
  if (!json || !('signatures' in json)) throw new ApiError(res.status, 'BAD_RESPONSE', 'unexpected answer');
  return json;
}

/** Public page (no sign-in): upload a PDF, see each signature and whether the document changed after signing. */
export function VerifyView() {
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<VerifyReport | null>(null);
  const [error, setError] = useState<unknown>(null);

  const onPick = (e: Event) => {
    const f = (e.currentTarget as HTMLInputElement).files?.[0] ?? null;
    setReport(null);
    setError(null);
    if (f && f.size > MAX_VERIFY_BYTES) {
      setFile(null);
      setError(new ApiError(413, 'PAYLOAD_TOO_LARGE', t('verify.tooLarge')));
      return;
    }
    setFile(f);
  };

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setReport(null);
    try {
      setReport(await verify(file));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="narrow-page" data-testid="verify-page">
      <div class="card">
        <h1>{t('verify.title')}</h1>
        <p>{t('verify.intro')}</p>
        <form onSubmit={onSubmit}>
          <label class="field">
            <span>{t('verify.file')}</span>
            <input type="file" accept="application/pdf,.pdf" onChange={onPick} data-testid="verify-file" />
          </label>
          <button class="btn btn-primary" type="submit" disabled={!file || busy} data-testid="verify-submit">
            {busy ? t('verify.checking') : t('verify.check')}
          </button>
        </form>
        <p class="muted">{t('verify.privacy')}</p>
      </div>
      <ErrorBanner error={error} testId="verify-error" />
      {report && <Report report={report} />}
    </section>
  );
}

function Report({ report }: { report: VerifyReport }) {
  const verdict = report.ok ? 'ok' : report.modifiedAfterSigning ? 'changed' : report.signatures.length === 0 ? 'unsigned' : 'invalid';
  return (
    <div class="card" data-testid="verify-report" data-verdict={verdict}>
      <h2>
        <span class={`badge ${report.ok ? 'badge-good' : 'badge-bad'}`} style={{ whiteSpace: 'normal' }} data-testid="verify-verdict">
          {t(`verify.verdict.${verdict}`)}
        </span>
      </h2>
      <p class="muted">
        {t('verify.fileInfo', { pages: report.pages, kb: Math.ceil(report.size / 1024) })}
        <br />
        <code class="hash" style={{ overflowWrap: 'anywhere' }}>SHA-256 {report.sha256}</code>
      </p>
      {report.problems.map((p) => (
        <p class="field-error" key={p}>{p}</p>
      ))}
      <ol class="verify-signatures" style={{ paddingLeft: '1.25rem' }}>
        {report.signatures.map((s) => (
          <li key={s.index} data-testid="verify-signature" data-valid={String(s.valid)}>
            <p>
              <strong>{s.signerName || '—'}</strong>{' '}
              <span class={`badge ${s.valid ? 'badge-good' : 'badge-bad'}`}>{s.valid ? t('verify.valid') : t('verify.invalid')}</span>{' '}
              <span class={`badge ${s.trusted ? 'badge-info' : 'badge-warn'}`}>{s.trusted ? t('verify.trusted') : t('verify.untrusted')}</span>
            </p>
            <dl class="verify-details" style={{ overflowWrap: 'anywhere' }}>
              <dt>{t('verify.time')}</dt>
              <dd>{formatDateTime(s.signingTime)}</dd>
              {s.reason && (
                <>
                  <dt>{t('verify.reason')}</dt>
                  <dd>{s.reason}</dd>
                </>
              )}
              <dt>{t('verify.certificate')}</dt>
              <dd>{s.certificate?.subject ?? '—'}</dd>
              <dt>{t('verify.issuer')}</dt>
              <dd>{s.certificate?.issuer ?? '—'}</dd>
              <dt>{t('verify.checks')}</dt>
              <dd>
                {s.digestValid ? t('verify.digestOk') : t('verify.digestBad')} · {s.signatureValid ? t('verify.sigOk') : t('verify.sigBad')}
              </dd>
              <dt>{t('verify.coverage')}</dt>
              <dd data-testid="verify-coverage">
                {s.coversWholeDocument
                  ? t('verify.coversAll')
                  : s.changesAfter.contentChanged
                    ? t('verify.changedAfter')
                    : t('verify.laterSignatures', { n: s.changesAfter.signaturesAdded, pages: s.changesAfter.certificatePagesAdded.length })}
              </dd>
            </dl>
            {s.problems.map((p) => (
              <p class="field-error" key={p}>{p}</p>
            ))}
          </li>
        ))}
      </ol>
    </div>
  );
}
