import { useEffect, useRef, useState } from 'preact/hooks';
import type { CaseListResult } from '../../../signaling/protocol/api.js';
import { CASE_STATUSES, type CaseStatus } from '../../../signaling/protocol/domain.js';
import { api } from '../api.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { val } from '../components/Field.js';
import { Loading } from '../components/Loading.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { formatDate } from '../format.js';
import { t } from '../i18n/index.js';
import { disputeLabel, siteLabel } from '../labels.js';
import { navigate, onLinkClick, replaceQuery } from '../router.js';

const PAGE = 20;

function readQuery() {
  const sp = new URLSearchParams(location.search);
  const status = sp.get('status') ?? '';
  const offset = Math.max(0, Number.parseInt(sp.get('offset') ?? '0', 10) || 0);
  return {
    q: sp.get('q') ?? '',
    status: ((CASE_STATUSES as readonly string[]).includes(status) ? status : '') as CaseStatus | '',
    offset: offset - (offset % PAGE),
  };
}

export function CaseListView() {
  const initial = useRef(readQuery()).current;
  const [q, setQ] = useState(initial.q);
  const [query, setQuery] = useState(initial.q); // debounced q
  const [status, setStatus] = useState<CaseStatus | ''>(initial.status);
  const [offset, setOffset] = useState(initial.offset);
  const [data, setData] = useState<CaseListResult | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    const id = setTimeout(() => {
      if (q.trim() !== query) {
        setQuery(q.trim());
        setOffset(0);
      }
    }, 300);
    return () => clearTimeout(id);
  }, [q]);

  useEffect(() => {
    replaceQuery({ q: query, status, offset });
    const ctl = new AbortController();
    setLoading(true);
    setError(null);
    api
      .listCases({ q: query || undefined, status, limit: PAGE, offset }, ctl.signal)
      .then((r) => {
        setData(r);
        setLoading(false);
      })
      .catch((e) => {
        if (ctl.signal.aborted) return;
        setError(e);
        setLoading(false);
      });
    return () => ctl.abort();
  }, [query, status, offset, reload]);

  const total = data?.total ?? 0;
  const items = data?.items ?? [];
  const filtered = Boolean(query || status);

  return (
    <section class="page" data-testid="case-list">
      <div class="page-head">
        <h1>{t('cases.title')}</h1>
        <a class="btn btn-primary" href="/cases/new" data-testid="new-case" onClick={onLinkClick}>
          + {t('cases.new')}
        </a>
      </div>

      <form class="filters" role="search" onSubmit={(e) => { e.preventDefault(); setQuery(q.trim()); setOffset(0); }}>
        <div class="field grow">
          <label for="case-search">{t('cases.search')}</label>
          <input
            id="case-search"
            data-testid="case-search"
            type="search"
            enterKeyHint="search"
            placeholder={t('cases.searchPlaceholder')}
            maxLength={100}
            value={q}
            onInput={(e) => setQ(val(e))}
          />
        </div>
        <div class="field">
          <label for="case-status-filter">{t('cases.status')}</label>
          <select
            id="case-status-filter"
            data-testid="case-status-filter"
            value={status}
            onChange={(e) => { setStatus(val(e) as CaseStatus | ''); setOffset(0); }}
          >
            <option value="">{t('cases.allStatuses')}</option>
            {CASE_STATUSES.map((s) => (
              <option key={s} value={s}>{t(`status.${s}`)}</option>
            ))}
          </select>
        </div>
      </form>

      <ErrorBanner error={error} />
      {error ? (
        <button type="button" class="btn" onClick={() => setReload((n) => n + 1)}>{t('common.retry')}</button>
      ) : null}

      {loading && !data ? <Loading /> : null}

      {data && items.length === 0 && !loading ? (
        <p class="empty" data-testid="case-list-empty">{filtered ? t('cases.empty') : t('cases.emptyAll')}</p>
      ) : null}

      {items.length > 0 ? (
        <div class={`table-wrap${loading ? ' is-loading' : ''}`} aria-busy={loading}>
          <table class="cases">
            <thead>
              <tr>
                <th scope="col">{t('cases.col.number')}</th>
                <th scope="col">{t('cases.col.parties')}</th>
                <th scope="col">{t('cases.col.disputes')}</th>
                <th scope="col">{t('cases.col.status')}</th>
                <th scope="col">{t('cases.col.site')}</th>
                <th scope="col">{t('cases.col.updated')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id} data-testid="case-row" data-case-id={c.id} onClick={(e) => {
                  if ((e.target as HTMLElement).closest('a')) return;
                  navigate(`/cases/${encodeURIComponent(c.id)}`);
                }}>
                  <td class="cell-number">
                    <a href={`/cases/${encodeURIComponent(c.id)}`} onClick={onLinkClick} data-testid="case-number">{c.number}</a>
                  </td>
                  <td class="cell-parties" data-label={t('cases.col.parties')}>
                    <span>{c.applicants.join('、')}</span>
                    <span class="muted"> {t('cases.versus')} </span>
                    <span>{c.respondents.join('、')}</span>
                  </td>
                  <td data-label={t('cases.col.disputes')}>{c.disputeTypes.map(disputeLabel).join(' · ')}</td>
                  <td data-label={t('cases.col.status')}><StatusBadge status={c.status} /></td>
                  <td data-label={t('cases.col.site')}>{siteLabel(c.site)}</td>
                  <td data-label={t('cases.col.updated')} class="nowrap">{formatDate(c.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      {total > 0 ? (
        <nav class="pager" aria-label={t('cases.pagination')} data-testid="pagination">
          <button type="button" class="btn" data-testid="page-prev" disabled={offset === 0 || loading} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
            ‹ {t('cases.prev')}
          </button>
          <span class="muted" data-testid="page-range">
            {t('cases.range', { from: Math.min(offset + 1, total), to: Math.min(offset + items.length, total), total })}
          </span>
          <button type="button" class="btn" data-testid="page-next" disabled={offset + PAGE >= total || loading} onClick={() => setOffset(offset + PAGE)}>
            {t('cases.next')} ›
          </button>
        </nav>
      ) : null}
    </section>
  );
}
