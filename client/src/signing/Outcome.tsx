import type { ConfirmationSummaryView, SignedDocumentView } from '../../../signaling/protocol/signing.js';
import { formatDateTime } from '../format.js';
import { st, type SignKey } from './i18n.js';

const kindKey = (k: SignedDocumentView['kind']): SignKey => `doc.${k}` as SignKey;

/** Links to the sealed PDFs (short-lived signed URLs), with their SHA-256. */
export function DocumentLinks({ docs }: { docs: SignedDocumentView[] }) {
  if (docs.length === 0) return null;
  return (
    <ul class="sign-docs" data-testid="sign-documents">
      {docs.map((d) => (
        <li key={d.id} data-testid={`doc-${d.kind}`} data-doc-id={d.id} data-sha256={d.sha256}>
          <a href={d.url} target="_blank" rel="noopener" data-testid={`doc-link-${d.kind}`}>{st(kindKey(d.kind))}</a>{' '}
          <span class="muted small">({Math.round(d.bytes / 1024)} KB) SHA-256 <code class="hash">{d.sha256.slice(0, 16)}…</code></span>
        </li>
      ))}
    </ul>
  );
}

/** Where judicial confirmation stands, as the parties and the mediator see it. */
export function ConfirmationOutcome({ c }: { c: ConfirmationSummaryView }) {
  return (
    <section class={`banner ${c.status === 'rejected' ? 'banner-error' : c.status === 'confirmed' ? 'banner-ok' : 'banner-info'}`}
      data-testid="confirmation-outcome" data-status={c.status}>
      <div class="banner-body">
        <strong>{st(`court.status.${c.status}` as SignKey)}</strong>
        <div class="small">{st('court.requestedAt', { time: formatDateTime(c.requestedAt) })}
          {c.decidedAt ? <> · {st('court.decidedAt', { time: formatDateTime(c.decidedAt) })}</> : null}</div>
        {c.reasons ? <p data-testid="confirmation-reasons"><strong>{st('court.reasons')}</strong> {c.reasons}</p> : null}
        {c.ruling ? (
          <p><a href={c.ruling.url} target="_blank" rel="noopener" data-testid="ruling-link">{st('doc.ruling')}</a>{' '}
            <span class="muted small">SHA-256 <code class="hash">{c.ruling.sha256.slice(0, 16)}…</code></span></p>
        ) : null}
      </div>
    </section>
  );
}
