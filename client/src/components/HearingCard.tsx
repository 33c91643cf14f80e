import { useEffect, useRef, useState } from 'preact/hooks';
import type { HearingParticipantView, HearingView, LinkView } from '../../../signaling/protocol/api.js';
import { api } from '../api.js';
import { formatDateTime } from '../format.js';
import { t } from '../i18n/index.js';
import { modeLabel, roleLabel, siteLabel } from '../labels.js';
import { ErrorBanner } from './ErrorBanner.js';
import { val } from './Field.js';
import { HearingStatusBadge } from './StatusBadge.js';
import { LinkLockout } from './LinkLockout.js';
import { ParticipantLanguage } from './ParticipantLanguage.js';

interface Props {
  caseId: string;
  hearing: HearingView;
  /** URLs of links issued in this page (link id -> url): the case view may not repeat them. */
  issuedUrls: Record<string, string>;
  onLinkChange: (link: LinkView) => void;
}

const VALIDITY = [0, 24, 72, 168, 720] as const;

function latestLink(h: HearingView, participantId: string): LinkView | undefined {
  return h.links
    .filter((l) => l.participantId === participantId)
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))[0];
}

/** A hearing with its participants; each participant row manages that person's personal mediation link. */
export function HearingCard({ caseId, hearing: h, issuedUrls, onLinkChange }: Props) {
  const [validity, setValidity] = useState<number>(0);
  const end = new Date(new Date(h.startsAt).getTime() + h.durationMinutes * 60_000).toISOString();
  return (
    <article class="card hearing-card" data-testid="hearing-card" data-hearing-id={h.id}>
      <header class="hearing-head">
        <div>
          <h3>{formatDateTime(h.startsAt)}</h3>
          <p class="muted small">
            {t('hearing.minutes', { n: h.durationMinutes })} · {siteLabel(h.site)} · {modeLabel(h.mode)}
            <span class="visually-hidden"> – {formatDateTime(end)}</span>
          </p>
        </div>
        <HearingStatusBadge status={h.status} />
      </header>
      <div class="section-head">
        <h4>{t('hearing.participants')}</h4>
        <label class="inline-select small">
          <span>{t('hearing.linkValidity')}</span>
          <select data-testid="link-validity" value={String(validity)} onChange={(e) => setValidity(Number(val(e)))}>
            {VALIDITY.map((v) => (
              <option key={v} value={String(v)}>
                {v === 0 ? t('hearing.validityDefault') : v % 24 === 0 && v > 24 ? t('hearing.days', { n: v / 24 }) : t('hearing.hours', { n: v })}
              </option>
            ))}
          </select>
        </label>
      </div>
      {h.participants.length === 0 ? <p class="muted">{t('hearing.noParticipants')}</p> : null}
      <ul class="participants">
        {h.participants.map((p) => (
          <ParticipantRow key={p.id} caseId={caseId} hearingId={h.id} p={p} link={latestLink(h, p.id)} parties={h.participants.filter((x) => x.partyId)}
            issuedUrls={issuedUrls} validity={validity} onLinkChange={onLinkChange} />
        ))}
      </ul>
    </article>
  );
}

interface RowProps {
  caseId: string;
  hearingId: string;
  p: HearingParticipantView;
  link: LinkView | undefined;
  issuedUrls: Record<string, string>;
  validity: number;
  onLinkChange: (link: LinkView) => void;
  parties: HearingParticipantView[];
}

function ParticipantRow({ caseId, hearingId, p, link, issuedUrls, validity, onLinkChange, parties }: RowProps) {
  const [busy, setBusy] = useState<'issue' | 'revoke' | null>(null);
  const [revoking, setRevoking] = useState(false);
  const [reason, setReason] = useState('');
  const [copied, setCopied] = useState<'ok' | 'manual' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const input = useRef<HTMLInputElement>(null);
  const r = p.role;
  useEffect(() => {
    if (copied !== 'ok') return;
    const id = setTimeout(() => setCopied(null), 4000);
    return () => clearTimeout(id);
  }, [copied]);
  const url = link ? issuedUrls[link.id] || link.url : '';
  const active = link?.status === 'active';

  async function issue() {
    setBusy('issue');
    setError(null);
    setCopied(null);
    try {
      onLinkChange(await api.issueLink(caseId, hearingId, validity ? { participantId: p.id, expiresInHours: validity } : { participantId: p.id }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  }

  async function revoke(e: Event) {
    e.preventDefault();
    if (!link) return;
    setBusy('revoke');
    setError(null);
    try {
      const res = await api.revokeLink(caseId, link.id, reason.trim() || undefined);
      setRevoking(false);
      setReason('');
      onLinkChange(res);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }

  async function copy() {
    if (!url) return;
    try {
      if (!navigator.clipboard?.writeText) throw new Error('no clipboard');
      await navigator.clipboard.writeText(url);
      setCopied('ok');
    } catch {
      // Insecure origin or in-app browser without clipboard access: select the text for a manual copy.
      const el = input.current;
      el?.focus();
      el?.select();
      el?.setSelectionRange(0, url.length);
      let ok = false;
      try {
        ok = document.execCommand('copy');
      } catch {
        ok = false;
      }
      setCopied(ok ? 'ok' : 'manual');
    }
  }

  let state: string;
  if (!link) state = t('link.none');
  else if (link.status === 'active') state = t('link.active', { date: formatDateTime(link.expiresAt) });
  else if (link.status === 'revoked') state = t('link.revoked', { date: formatDateTime(link.revokedAt) });
  else state = t('link.expired', { date: formatDateTime(link.expiresAt) });

  return (
    <li class="participant" data-testid="hearing-participant" data-role={r} data-participant-id={p.id} data-link-status={link?.status ?? 'none'}>
      <div class="participant-main">
        <div>
          <span class="role-tag">{roleLabel(r)}</span> <strong>{p.displayName}</strong>
        </div>
        <div class={`link-state link-${link?.status ?? 'none'}`} data-testid={`link-status-${r}`}>
          {state}
          {link ? <span class="muted"> · {link.verifiedAt ? t('link.verified', { date: formatDateTime(link.verifiedAt) }) : t('link.notVerified')}</span> : null}
        </div>
        {link ? <LinkLockout caseId={caseId} link={link} onLinkChange={onLinkChange} /> : null}
        <ParticipantLanguage caseId={caseId} hearingId={hearingId} p={p} parties={parties} />
      </div>
      {active && url ? (
        <div class="link-url">
          <label class="visually-hidden" for={`link-url-${p.id}`}>{t('link.url', { name: p.displayName })}</label>
          <input id={`link-url-${p.id}`} ref={input} data-testid={`link-url-${r}`} readOnly value={url}
            onFocus={(e) => (e.currentTarget as HTMLInputElement).select()} />
        </div>
      ) : null}
      {active && !url ? <p class="hint">{t('link.urlHidden')}</p> : null}
      <div class="button-row">
        <button type="button" class={`btn btn-small${active ? '' : ' btn-primary'}`} data-testid={`issue-link-${r}`} disabled={busy !== null} onClick={issue}>
          {busy === 'issue' ? t('link.issuing') : link ? t('link.reissue') : t('link.issue')}
        </button>
        {active ? (
          <button type="button" class="btn btn-small" data-testid={`copy-link-${r}`} disabled={!url} onClick={copy}>
            {copied === 'ok' ? `✓ ${t('link.copied')}` : t('link.copy')}
          </button>
        ) : null}
        {active ? (
          <button type="button" class="btn btn-small btn-ghost btn-danger" data-testid={`revoke-link-${r}`} disabled={busy !== null}
            aria-expanded={revoking} onClick={() => setRevoking(!revoking)}>
            {t('link.revoke')}
          </button>
        ) : null}
      </div>
      {copied === 'manual' ? <p class="hint" role="status">{t('link.copyManual')}</p> : null}
      {revoking && active ? (
        <form class="inline-confirm" data-testid={`revoke-form-${r}`} onSubmit={revoke}>
          <label for={`revoke-reason-${p.id}`}>{t('link.revokeReason', { optional: t('common.optional') })}</label>
          <input id={`revoke-reason-${p.id}`} data-testid={`revoke-reason-${r}`} maxLength={500} value={reason} onInput={(e) => setReason(val(e))} />
          <div class="button-row">
            <button type="submit" class="btn btn-small btn-danger-solid" data-testid={`revoke-confirm-${r}`} disabled={busy !== null}>
              {busy === 'revoke' ? t('link.revoking') : t('link.revokeConfirm')}
            </button>
            <button type="button" class="btn btn-small btn-ghost" onClick={() => setRevoking(false)}>{t('common.cancel')}</button>
          </div>
        </form>
      ) : null}
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
    </li>
  );
}
