import { useEffect, useState } from 'preact/hooks';
import type { AuditTrail as Trail } from '../../../signaling/protocol/api.js';
import { api } from '../api.js';
import { formatDateTime, shortHash } from '../format.js';
import { t } from '../i18n/index.js';
import { AuditAction } from './AuditAction.js';
import { ErrorBanner } from './ErrorBanner.js';
import { Loading } from './Loading.js';

/** The case's hash-chained audit log and the server's verification of the chain. */
interface Props {
  caseId: string;
  refreshKey: number;
  /** Readable names for actor ids such as "staff:stf_…" or "link:lnk_…". */
  actorNames: Record<string, string>;
}

export function AuditTrail({ caseId, refreshKey, actorNames }: Props) {
  const [trail, setTrail] = useState<Trail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [manual, setManual] = useState(0);

  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    api.audit(caseId).then(
      (r) => { if (live) { setTrail(r); setLoading(false); } },
      (e) => { if (live) { setError(e); setLoading(false); } },
    );
    return () => { live = false; };
  }, [caseId, refreshKey, manual]);

  const v = trail?.verification;
  return (
    <section class="card" data-testid="audit-trail" aria-labelledby="audit-title">
      <div class="section-head">
        <h2 id="audit-title">{t('audit.title')}</h2>
        <button type="button" class="btn btn-ghost btn-small" data-testid="audit-refresh" disabled={loading} onClick={() => setManual((n) => n + 1)}>
          {t('common.refresh')}
        </button>
      </div>
      <p class="muted small">{t('audit.intro')}</p>
      <ErrorBanner error={error} />
      {loading && !trail ? <Loading /> : null}
      {v ? (
        <p class={`verify ${v.ok ? 'verify-ok' : 'verify-bad'}`} data-testid="audit-verify-status" data-ok={String(v.ok)} role="status">
          <span aria-hidden="true">{v.ok ? '✓' : '✗'}</span>{' '}
          {v.ok || !v.firstBroken
            ? t('audit.intact', { n: v.checked })
            : t('audit.broken', { seq: v.firstBroken.seq, reason: v.firstBroken.reason })}
        </p>
      ) : null}
      {trail && trail.entries.length === 0 ? <p class="muted">{t('audit.empty')}</p> : null}
      {trail && trail.entries.length > 0 ? (
        <div class="table-wrap">
          <table class="audit">
            <thead>
              <tr>
                <th scope="col">{t('audit.seq')}</th>
                <th scope="col">{t('audit.at')}</th>
                <th scope="col">{t('audit.actor')}</th>
                <th scope="col">{t('audit.action')}</th>
                <th scope="col">{t('audit.hash')}</th>
              </tr>
            </thead>
            <tbody>
              {trail.entries.map((e) => {
                const broken = v?.firstBroken?.seq === e.seq;
                return (
                  <tr key={e.seq} data-testid="audit-entry" data-seq={e.seq} class={broken ? 'row-bad' : undefined}>
                    <td class="num">{e.seq}</td>
                    <td data-label={t('audit.at')} class="nowrap">{formatDateTime(e.at)}</td>
                    <td data-label={t('audit.actor')} title={e.actor}>{actorNames[e.actor] ?? e.actor}</td>
                    <td data-label={t('audit.action')}><AuditAction code={e.action} showCode /></td>
                    <td data-label={t('audit.hash')}><code title={e.hash}>{shortHash(e.hash)}</code></td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
