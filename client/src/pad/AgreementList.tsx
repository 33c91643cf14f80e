import { useEffect, useState } from 'preact/hooks';
import { ApiError, type ClientErrorCode } from '../api.js';
import { t } from '../i18n/index.js';
import { tp, type PadKey } from '../i18n/pad/index.js';
import { onLinkClick } from '../router.js';
import { padApi, type AgreementEntry } from './api.js';

/** The agreements of a case, each with a link to its pad. */
export function AgreementList({ caseId, onOpen }: { caseId: string; onOpen?: (id: string) => void }) {
  const [items, setItems] = useState<AgreementEntry[] | null>(null);
  const [error, setError] = useState<ClientErrorCode | null>(null);
  useEffect(() => {
    padApi.list(caseId).then((r) => setItems(r.items), (e) => setError(e instanceof ApiError ? e.code : 'INTERNAL'));
  }, [caseId]);
  if (error) return <div class="banner banner-error" role="alert" data-testid="pad-problem" data-code={error}><div class="banner-body">{t(`error.${error}`)}</div></div>;
  if (!items) return null;
  if (items.length === 0) return <p class="hint" data-testid="pad-list-empty">{tp('pad.list.empty')}</p>;
  return (
    <ul class="pad-list" data-testid="pad-list">
      {items.map(({ agreement: a }) => (
        <li class="pad-list-item" key={a.id} data-testid="agreement-row" data-agreement-id={a.id} data-status={a.status}>
          <span>{a.title} · {tp(`pad.kind.${a.kind}` as PadKey)} · {tp(`pad.lang.${a.language}` as PadKey)} · {tp(`pad.state.${a.status}` as PadKey)}</span>
          <a href={`/pad/${a.id}`} onClick={(e) => { if (onOpen) { e.preventDefault(); onOpen(a.id); } else onLinkClick(e); }} data-testid="agreement-open">{tp('pad.open')}</a>
        </li>
      ))}
    </ul>
  );
}
