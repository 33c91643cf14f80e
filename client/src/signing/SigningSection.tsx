import { useEffect, useState } from 'preact/hooks';
import type { CaseView } from '../../../signaling/protocol/api.js';
import type { SigningStatusView } from '../../../signaling/protocol/signing.js';
import { api } from '../api.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { useLang } from '../i18n/index.js';
import { onLinkClick } from '../router.js';
import type { StaffSession } from '../session.js';
import { signingApi, type MineView } from './api.js';
import { Ceremony, SignError, roleName } from './Ceremony.js';
import { RequestConfirmation } from './SignView.js';
import { st } from './i18n.js';
import './signing.css';

interface Props { caseId: string; session: StaffSession; refreshKey?: number; onChanged?: () => void }

/**
 * The case page's signing section: each agreement with its signers, the mediator's (or arbitrator's) own ceremony, the
 * parties' signing links, the sealed documents, judicial confirmation (request, outcome; court users: the review).
 */
export function SigningSection({ caseId, session, refreshKey, onChanged }: Props) {
  useLang();
  const [data, setData] = useState<Omit<MineView, 'caseId'> | null>(null);
  const [links, setLinks] = useState<{ role: string; name: string; url: string }[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  const role = session.staff.role;
  const manages = role === 'mediator' || role === 'org_admin';

  useEffect(() => {
    let live = true;
    signingApi.forCase('staff', caseId).then((d) => { if (live) { setData(d); setError(null); } }, (e) => { if (live) setError(e); });
    if (manages) {
      api.getCase(caseId).then((c: CaseView) => {
        if (!live) return;
        const out: { role: string; name: string; url: string }[] = [];
        for (const h of c.hearings) for (const l of h.links) {
          if ((l.role === 'applicant' || l.role === 'respondent') && l.status === 'active' && l.url) out.push({ role: l.role, name: l.displayName, url: l.url.replace('/join#', '/sign#') });
        }
        setLinks(out);
      }, () => undefined);
    }
    return () => { live = false; };
  }, [caseId, refreshKey, version]);

  // Remote signers sign meanwhile: refresh every 10 s while visible and not yet effective.
  useEffect(() => {
    const id = setInterval(() => {
      if (document.visibilityState !== 'hidden' && data?.agreements.some((a) => a.agreementStatus === 'locked' && !a.effective)) setVersion((v) => v + 1);
    }, 10_000);
    return () => clearInterval(id);
  }, [data]);

  const update = (s: SigningStatusView) => {
    setData((d) => d && { ...d, agreements: d.agreements.map((x) => (x.agreementId === s.agreementId ? s : x)) });
    if (s.effective) onChanged?.();
  };

  if (!data && !error) return null;
  const effective = data?.agreements.find((a) => a.effective);
  return (
    <section aria-labelledby="signing-title" data-testid="signing-section">
      <h2 id="signing-title" class="section-title">{st('section.title')}</h2>
      <ErrorBanner error={error} />
      {data && data.agreements.length === 0 ? <p class="muted" data-testid="sign-none">{st('page.none')}</p> : null}
      {data?.agreements.map((a) => (
        <div key={`${a.agreementId}:${a.lockSeq}`}>
          {manages ? <SignerSet status={a} onStatus={update} /> : null}
          <Ceremony auth="staff" status={a} onStatus={update} />
        </div>
      ))}
      {manages && links.length > 0 && data?.agreements.some((a) => a.agreementStatus === 'locked' && !a.effective) ? (
        <div class="card" data-testid="signing-links">
          <h3>{st('links.title')}</h3>
          <p class="hint">{st('links.hint')}</p>
          <ul>
            {links.map((l) => (
              <li key={l.url}><span class={`role-tag role-${l.role}`}>{roleName(l.role)}</span> {l.name}{' '}
                <input readOnly class="link-url" data-testid={`signing-link-${l.role}`} value={l.url}
                  onFocus={(e) => (e.currentTarget as HTMLInputElement).select()} /></li>
            ))}
          </ul>
        </div>
      ) : null}
      {manages && effective && effective.caseStatus === 'agreed' ? (
        <RequestConfirmation auth="staff" caseId={caseId} onDone={() => { setVersion((v) => v + 1); onChanged?.(); }} />
      ) : null}
      {role === 'court' && data?.confirmation ? (
        <p><a class="btn btn-primary" href={`/court/requests/${data.confirmation.id}`} onClick={onLinkClick} data-testid="court-review-link">{st('court.review')}</a></p>
      ) : null}
    </section>
  );
}

/** Before the first signature the mediator says whether the arbitrator signs too; a failed seal can be retried. */
function SignerSet({ status, onStatus }: { status: SigningStatusView; onStatus: (s: SigningStatusView) => void }) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (status.agreementStatus !== 'locked' || status.effective || !status.lockSeq) return null;
  const started = status.slots.some((s) => s.signed);
  const run = async (fn: () => Promise<SigningStatusView>) => {
    setBusy(true);
    setError(null);
    try {
      onStatus(await fn());
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="sign-manage">
      <label class="check">
        <input type="checkbox" data-testid="signers-arbitrator" checked={status.arbitratorRequired} disabled={started || busy}
          onChange={(e) => run(() => signingApi.setSigners(status.agreementId, status.lockSeq!, (e.currentTarget as HTMLInputElement).checked))} />{' '}
        {st('signers.arbitrator')}
      </label>
      {status.sealError ? <button type="button" class="btn btn-small" data-testid="seal-retry" disabled={busy} onClick={() => run(() => signingApi.retrySeal(status.agreementId))}>{st('seal.retry')}</button> : null}
      <SignError error={error} />
    </div>
  );
}
