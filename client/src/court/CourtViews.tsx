import { useEffect, useState } from 'preact/hooks';
import type { CourtQueueItem } from '../../../signaling/protocol/signing.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { Loading } from '../components/Loading.js';
import { formatDateTime } from '../format.js';
import { useLang } from '../i18n/index.js';
import { onLinkClick } from '../router.js';
import { signingApi } from '../signing/api.js';
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

export { CourtReviewView } from './CourtReview.js';
