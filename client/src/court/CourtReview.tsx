import { useEffect, useState } from 'preact/hooks';
import type { HearingStatus } from '../../../signaling/protocol/domain.js';
import type { CourtPackageView, RecordingListItem } from '../../../signaling/protocol/signing.js';
import { AgreementDocument } from '../components/AgreementDocument.js';
import { AuditAction } from '../components/AuditAction.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { Loading } from '../components/Loading.js';
import { formatDateTime } from '../format.js';
import { useLang } from '../i18n/index.js';
import { tr } from '../i18n/recordings/index.js';
import { hearingStatusLabel, isHearingRole, roleLabel } from '../labels.js';
import { recApi } from '../recordings/api.js';
import { onLinkClick } from '../router.js';
import { roleName, SlotList } from '../signing/Ceremony.js';
import { ConfirmationOutcome, DocumentLinks } from '../signing/Outcome.js';
import { signingApi } from '../signing/api.js';
import { st } from '../signing/i18n.js';
import { CourtDecision } from './Decision.js';
import './court.css';

/**
 * `/court/requests/:id`: the judge's review, in the order a judge works: the decision to make (first, reachable
 * without scrolling), the agreement as a document, the parties and signatures with their verification in words, the
 * joint-session hearing record and the case's events in words, a player for the joint recordings. Ids, hashes, the
 * raw event codes and the certificate of completion sit behind "technical details". The page shows what the package
 * holds (the server keeps caucus material out of it).
 */
export function CourtReviewView({ id }: { id: string }) {
  useLang();
  const [pkg, setPkg] = useState<CourtPackageView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => { signingApi.courtPackage(id).then((p) => { setPkg(p); setError(null); }, setError); }, [id, version]);

  if (!pkg) return <section class="page">{error ? <ErrorBanner error={error} /> : <Loading />}</section>;
  const agreementPdf = pkg.documents.find((d) => d.kind === 'agreement');
  const open = pkg.confirmation.status === 'requested';
  return (
    <section class="page court-review" data-testid="court-review" data-confirmation-id={id} data-status={pkg.confirmation.status}>
      <p class="crumbs"><a href="/court" onClick={onLinkClick}>‹ {st('court.queue')}</a></p>
      <h1>{st('court.reviewTitle', { number: pkg.caseNumber })}</h1>
      <p class="muted small">{pkg.orgName} · {pkg.agreement.title}</p>
      {open ? <CourtDecision id={id} onDecided={() => setVersion((v) => v + 1)} /> : <ConfirmationOutcome c={pkg.confirmation} />}

      <section class="card" aria-labelledby="court-agreement-title">
        <h2 id="court-agreement-title">{st('court.agreementDoc')}</h2>
        <AgreementDocument text={pkg.agreement.text} label={st('court.agreementDoc')} testId="court-agreement" />
        <DocumentLinks docs={pkg.documents} />
        {agreementPdf ? (
          <details class="court-pdf-box">
            <summary>{st('court.agreementPdf')}</summary>
            <iframe class="pdf-frame" data-testid="court-pdf" src={agreementPdf.url} title={st('court.agreementPdf')} loading="lazy" />
          </details>
        ) : null}
      </section>

      <section class="card" aria-labelledby="court-parties-title">
        <h2 id="court-parties-title">{st('court.partiesTitle')}</h2>
        <ul class="parties" data-testid="court-parties">
          {pkg.parties.map((p, i) => <li key={i}><span class={`role-tag role-${p.side}`}>{roleName(p.side)}</span> <strong>{p.name}</strong></li>)}
        </ul>
        <SlotList slots={pkg.signatures.map((s) => ({ slot: s.slot, role: s.role, name: s.signerName, signed: true, signature: s, mine: false }))} />
        <ul class="court-checks" data-testid="court-signature-checks">
          {pkg.signatures.map((s) => {
            const ok = s.documentSha256 === pkg.agreement.sha256;
            return <li key={s.id} data-ok={String(ok)} class={ok ? 'ok' : 'bad'}>{ok ? '✓' : '✗'} {roleName(s.role)} {s.signerName}: {ok ? st('court.sigValid') : st('court.sigInvalid')}</li>;
          })}
        </ul>
        <h3>{st('court.identity')}</h3>
        <ul class="court-checks" data-testid="court-identity">
          {pkg.identityChecks.map((c, i) => (
            <li key={i} data-ok={String(c.ok)} class={c.ok ? 'ok' : 'bad'}>{c.ok ? '✓' : '✗'} {roleName(c.role)}: {c.ok ? st('court.idOk') : st('court.idFailed')} · {formatDateTime(c.at)}</li>
          ))}
        </ul>
      </section>

      <section class="card" aria-labelledby="court-record-title">
        <h2 id="court-record-title">{st('court.hearingRecord')}</h2>
        <p class="small banner banner-info" data-testid="court-no-caucus">{st('court.noCaucus')}</p>
        <ul class="court-hearings" data-testid="court-hearings">
          {pkg.hearingRecord.map((h) => (
            <li key={h.hearingId}>
              {st('court.hearingLine', { time: formatDateTime(h.startsAt), status: hearingStatusLabel(h.status as HearingStatus), n: h.chatMessages })}
              <div class="small muted">{h.record ? st('court.recordStatus', { status: tr(`rec.status.${h.record.status}` as Parameters<typeof tr>[0]), v: h.record.version }) : st('court.noRecord')}</div>
            </li>
          ))}
        </ul>
        <h3>{st('court.events')}</h3>
        <p class={`verify ${pkg.audit.verification.ok ? 'verify-ok' : 'verify-bad'}`} data-testid="court-audit-verify" data-ok={String(pkg.audit.verification.ok)}>
          {pkg.audit.verification.ok ? st('court.auditOk', { n: pkg.audit.verification.checked }) : st('court.auditBroken', { seq: pkg.audit.verification.firstBroken?.seq ?? 0 })}
        </p>
        <ol class="court-timeline" data-testid="court-timeline" tabIndex={0} aria-label={st('court.audit')}>
          {pkg.audit.entries.map((e) => (
            <li key={e.seq} data-testid="court-timeline-entry" data-action={e.action}>
              <span class="muted small">{formatDateTime(e.at)}</span> <AuditAction code={e.action} />
            </li>
          ))}
        </ol>
      </section>

      <section class="card" aria-labelledby="court-rec-title">
        <h2 id="court-rec-title">{st('court.player')}</h2>
        {pkg.recordings.length === 0 ? <p class="muted small" data-testid="court-recordings-empty">{st('court.noRecordings')}</p> : (
          <ul class="court-recordings" data-testid="court-recordings">
            {pkg.recordings.map((r) => <RecordingPlayer key={r.id} caseId={pkg.caseId} r={r} />)}
          </ul>
        )}
      </section>

      <details class="card court-technical" data-testid="court-technical">
        <summary>{st('court.technical')}</summary>
        <p class="small">{st('text.hash')} <code class="hash" data-testid="court-agreement-hash">{pkg.agreement.sha256}</code></p>
        <ul class="small" data-testid="court-hashes">
          {pkg.signatures.map((s) => <li key={s.id}>{roleLabel(s.role)} · {s.id} · <code class="hash">{s.documentSha256}</code>{s.ip ? ` · IP ${s.ip}` : ''}</li>)}
          {pkg.identityChecks.map((c, i) => <li key={`i${i}`}>{isHearingRole(c.role) ? roleLabel(c.role) : c.role} · {c.method} · {c.participantId ?? '—'}</li>)}
          {pkg.hearingRecord.map((h) => <li key={h.hearingId}>{h.hearingId} · {st('court.chatHash')} <code class="hash">{h.chatSha256}</code>{h.record ? <> · {st('court.recordHash')} <code class="hash">{h.record.sha256}</code></> : null}</li>)}
          {pkg.recordings.map((r) => <li key={r.id}>{r.id} · <code class="hash">{r.sha256}</code></li>)}
        </ul>
        <ol class="court-timeline small" data-testid="court-timeline-codes" tabIndex={0} aria-label={st('court.audit')}>
          {pkg.audit.entries.map((e) => <li key={e.seq}><code>{e.action}</code> · {e.actor}</li>)}
        </ol>
        <h3>{st('court.certificate')}</h3>
        <pre class="sign-text" data-testid="court-certificate">{JSON.stringify(pkg.certificate, null, 2)}</pre>
      </details>
    </section>
  );
}

/** One joint recording: fetched with the judge's session (the server audits each playing) into a player. */
function RecordingPlayer({ caseId, r }: { caseId: string; r: RecordingListItem }) {
  const [src, setSrc] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);
  const play = async () => {
    const list = await recApi.list('staff', caseId).catch(() => ({ recordings: [] }));
    const rec = list.recordings.find((x) => x.id === r.id);
    const composed = rec?.files.find((f) => f.kind === 'composed');
    if (!rec || !composed) { setMissing(true); return; }
    setSrc(await recApi.blobUrl('staff', caseId, r.id, composed.id));
  };
  const when = r.startedAt ? formatDateTime(r.startedAt) : '—';
  return (
    <li data-testid="court-recording" data-recording-id={r.id}>
      {src ? <video src={src} controls class="court-player" data-testid="court-player" /> : (
        <button type="button" class="btn" data-testid="court-play" onClick={play}>▶ {st('court.play', { time: when })}</button>
      )}
      {missing ? <p class="small muted">{st('court.notComposed')}</p> : null}
    </li>
  );
}
