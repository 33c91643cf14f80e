import { useEffect, useState } from 'preact/hooks';
import type { CaseView, LinkView, StaffView } from '../../../signaling/protocol/api.js';
import { api } from '../api.js';
import { AuditTrail } from '../components/AuditTrail.js';
import { CaseTabBar, CaseTabPanel, useCaseTab } from '../components/CaseTabs.js';
import { AgreementsSection } from '../pad/AgreementsSection.js';
import { RecordingsSection } from '../recordings/RecordingsSection.js';
import { ErrorBanner, Notice } from '../components/ErrorBanner.js';
import { HearingCard } from '../components/HearingCard.js';
import { HearingForm } from '../components/HearingForm.js';
import { Loading } from '../components/Loading.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { TransitionActions } from '../components/TransitionActions.js';
import { formatDateTime, formatMoney } from '../format.js';
import { LANG_NAMES, t } from '../i18n/index.js';
import { disputeLabel, idTypeLabel, kindLabel, roleLabel, siteLabel, statusLabel } from '../labels.js';
import { onLinkClick } from '../router.js';
import type { StaffSession } from '../session.js';
import { SigningSection } from '../signing/SigningSection.js';

interface Props {
  caseId: string;
  session: StaffSession;
}

export function CaseDetailView({ caseId, session }: Props) {
  const [c, setC] = useState<CaseView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0); // bump to reload the case and the audit trail
  const [issuedUrls, setIssuedUrls] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string | null>(null);
  const [staff, setStaff] = useState<StaffView[] | null>(null);
  const [staffError, setStaffError] = useState<unknown>(null);
  const [tab, setTab] = useCaseTab();

  useEffect(() => {
    api.staff().then((r) => setStaff(r.items), setStaffError);
  }, []);

  useEffect(() => {
    let live = true;
    setLoading(true);
    api.getCase(caseId).then(
      (r) => { if (live) { setC(r); setError(null); setLoading(false); } },
      (e) => { if (live) { setError(e); setLoading(false); } },
    );
    return () => { live = false; };
  }, [caseId, version]);

  useEffect(() => {
    if (c) document.title = `${c.number} · Concord`;
  }, [c?.number]);

  if (!c) {
    return (
      <section class="page">
        <p class="crumbs"><a href="/" onClick={onLinkClick}>‹ {t('detail.back')}</a></p>
        {loading ? <Loading /> : null}
        <ErrorBanner error={error} />
        {error && !loading ? <button type="button" class="btn" onClick={() => setVersion((v) => v + 1)}>{t('common.retry')}</button> : null}
      </section>
    );
  }

  const reload = () => setVersion((v) => v + 1);
  const actorNames: Record<string, string> = {};
  for (const s of staff ?? []) actorNames[`staff:${s.id}`] = s.displayName;
  if (!actorNames[`staff:${session.staff.id}`]) actorNames[`staff:${session.staff.id}`] = session.staff.displayName;
  for (const h of c.hearings) {
    for (const p of h.participants) actorNames[`participant:${p.id}`] = `${p.displayName} (${roleLabel(p.role)})`;
    for (const l of h.links) actorNames[`link:${l.id}`] = `${l.displayName} (${roleLabel(l.role)})`;
  }
  const onLinkChange = (l: LinkView) => {
    if (l.url) setIssuedUrls((m) => ({ ...m, [l.id]: l.url }));
    // Show the change at once, then reload for the server's full view.
    setC((cur) => cur && {
      ...cur,
      hearings: cur.hearings.map((h) => (h.participants.some((p) => p.id === l.participantId)
        ? { ...h, links: [l, ...h.links.filter((x) => x.id !== l.id)] } : h)),
    });
    reload();
  };

  return (
    <section class="page case-detail" data-testid="case-detail" data-case-id={c.id}>
      <p class="crumbs"><a href="/" onClick={onLinkClick}>‹ {t('detail.back')}</a></p>
      <header class="case-head">
        <div>
          <h1 data-testid="case-number">{c.number}</h1>
          <p class="muted small">
            {siteLabel(c.site)} · {t('detail.created')} {formatDateTime(c.createdAt)}
          </p>
        </div>
        <StatusBadge status={c.status} testId="case-status" />
      </header>
      {loading ? <Loading /> : null}
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      {notice ? <Notice testId="notice">{notice}</Notice> : null}

      <CaseTabBar tab={tab} onChoose={setTab} />

      <CaseTabPanel id="overview" tab={tab}>
      <div class="detail-grid">
        <section class="card" aria-labelledby="parties-title">
          <h2 id="parties-title">{t('detail.parties')}</h2>
          <ul class="parties" data-testid="parties">
            {c.parties.map((p) => (
              <li key={p.id} class="party-item" data-testid="party" data-party-id={p.id}>
                <div>
                  <span class={`role-tag role-${p.side}`}>{roleLabel(p.side)}</span> <strong>{p.name}</strong>{' '}
                  <span class="muted small">{kindLabel(p.kind)}</span>
                </div>
                <div class="muted small">
                  {idTypeLabel(p.idType)} <code data-testid="party-id-masked">{p.idNumberMasked}</code>
                  {p.phoneMasked ? <> · {t('detail.phone', { phone: p.phoneMasked })}</> : null}
                </div>
                {p.representative ? <div class="small">{t('detail.representative', { name: p.representative })}</div> : null}
              </li>
            ))}
          </ul>
        </section>

        <section class="card" aria-labelledby="claim-title">
          <h2 id="claim-title">{t('detail.disputes')}</h2>
          <ul class="tags" data-testid="case-disputes">
            {c.disputeTypes.map((d) => <li key={d} class="tag">{disputeLabel(d)}</li>)}
          </ul>
          <dl class="facts">
            <dt>{t('detail.claim')}</dt>
            <dd data-testid="case-claim">{formatMoney(c.claim.amount, c.claim.currency)}</dd>
            <dt>{t('detail.site')}</dt>
            <dd>{siteLabel(c.site)}</dd>
            <dt>{t('detail.documentLanguages')}</dt>
            <dd data-testid="case-languages">
              {c.languages.map((l, i) => <span key={l} lang={l}>{i > 0 ? ' · ' : ''}{LANG_NAMES[l]}</span>)}
            </dd>
            <dt>{t('detail.updated')}</dt>
            <dd>{formatDateTime(c.updatedAt)}</dd>
          </dl>
          <h3>{t('detail.summary')}</h3>
          <p class="summary">{c.summary || <span class="muted">{t('detail.noSummary')}</span>}</p>
        </section>
      </div>

      <TransitionActions c={c} onChanged={(next, to) => {
        setC(next);
        setNotice(t('detail.changed', { status: statusLabel(to) }));
        reload();
      }} />
      </CaseTabPanel>

      <CaseTabPanel id="hearings" tab={tab}>
      <section aria-labelledby="hearings-title" data-testid="hearings">
        <h2 id="hearings-title" class="section-title">{t('detail.hearings')}</h2>
        {c.hearings.length === 0 ? <p class="muted">{t('detail.noHearings')}</p> : null}
        {[...c.hearings].sort((a, b) => (a.startsAt < b.startsAt ? 1 : -1)).map((h) => (
          <HearingCard key={h.id} caseId={c.id} hearing={h} issuedUrls={issuedUrls} onLinkChange={onLinkChange} />
        ))}
      </section>

      <HearingForm c={c} session={session} staff={staff} staffError={staffError} onScheduled={(h) => {
        setC((cur) => cur && { ...cur, hearings: [...cur.hearings.filter((x) => x.id !== h.id), h] });
        setNotice(t('hearing.scheduled'));
        reload();
      }} />
      </CaseTabPanel>

      <CaseTabPanel id="documents" tab={tab}>
        <SigningSection caseId={c.id} session={session} refreshKey={version} onChanged={reload} />
        <AgreementsSection caseId={c.id} canCreate={session.staff.role === 'mediator' || session.staff.role === 'org_admin'} />
      </CaseTabPanel>
      <CaseTabPanel id="recordings" tab={tab}>
        <RecordingsSection caseId={c.id} refreshKey={version} />
      </CaseTabPanel>
      <CaseTabPanel id="audit" tab={tab}>
        <AuditTrail caseId={c.id} refreshKey={version} actorNames={actorNames} />
      </CaseTabPanel>
    </section>
  );
}
