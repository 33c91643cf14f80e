import { useEffect, useState } from 'preact/hooks';
import type { LinkInspection } from '../../../signaling/protocol/api.js';
import { ApiError, api } from '../api.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { Loading } from '../components/Loading.js';
import { useLang } from '../i18n/index.js';
import { getParticipantSession, setParticipantSession } from '../session.js';
import { mine, signingApi, type MineView } from './api.js';
import { Ceremony, SignError } from './Ceremony.js';
import { ConfirmationOutcome } from './Outcome.js';
import { st } from './i18n.js';
import './signing.css';

/** The link token, when the page was opened from a personal link (`/sign#<token>`, the same token as `/join#<token>`). */
function hashToken(): string {
  const raw = location.hash.replace(/^#/, '').trim();
  try {
    return decodeURIComponent(raw.startsWith('token=') ? raw.slice(6) : raw);
  } catch {
    return raw;
  }
}

/**
 * The party's signing page (`/sign`). Reached from the personal mediation link: the link's identity check first (the
 * same as the join page), then the agreements of the case with the ceremony. A tab that already passed the check (for
 * the hearing) goes straight on.
 */
export function SignView() {
  useLang();
  const [token] = useState(hashToken);
  const [session, setSession] = useState(() => (token.length >= 10 ? null : getParticipantSession()));
  const [data, setData] = useState<MineView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    if (!session) return;
    let live = true;
    mine().then((d) => { if (live) { setData(d); setError(null); } }, (e) => { if (live) setError(e); });
    return () => { live = false; };
  }, [session?.token, version]);

  // Others sign meanwhile: refresh every 10 s while the page is visible.
  useEffect(() => {
    if (!session) return;
    const id = setInterval(() => { if (document.visibilityState !== 'hidden') setVersion((v) => v + 1); }, 10_000);
    return () => clearInterval(id);
  }, [session?.token]);

  if (!session) {
    return <IdentityStep token={token} onDone={() => { history.replaceState(null, '', '/sign'); setSession(getParticipantSession()); }} />;
  }

  const effective = data?.agreements.some((a) => a.effective) ?? false;
  const caseStatus = data?.agreements[0]?.caseStatus;
  return (
    <section class="page sign-page" data-testid="sign-view">
      <h1>{st('page.title')}</h1>
      <p class="muted">{st('page.who', { name: session.participant.displayName, number: session.caseNumber })}</p>
      {!data && !error ? <Loading /> : null}
      <ErrorBanner error={error} />
      {data && data.agreements.length === 0 ? <p class="muted" data-testid="sign-none">{st('page.none')}</p> : null}
      {data?.agreements.map((a) => (
        <Ceremony key={`${a.agreementId}:${a.lockSeq}`} auth="participant" status={a}
          onStatus={(s) => setData((d) => d && { ...d, agreements: d.agreements.map((x) => (x.agreementId === s.agreementId ? s : x)) })} />
      ))}
      {data?.confirmation && !data.agreements.some((a) => a.confirmation) ? <ConfirmationOutcome c={data.confirmation} /> : null}
      {effective && caseStatus === 'agreed' && data ? <RequestConfirmation auth="participant" caseId={data.caseId} onDone={() => setVersion((v) => v + 1)} /> : null}
    </section>
  );
}

export function RequestConfirmation({ auth, caseId, onDone }: { auth: 'participant' | 'staff'; caseId: string; onDone: () => void }) {
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (!open) {
    return <button type="button" class="btn" data-testid="confirmation-request" onClick={() => setOpen(true)}>{st('court.request')}</button>;
  }
  return (
    <form class="card inline-confirm" data-testid="confirmation-form" onSubmit={async (e) => {
      e.preventDefault();
      setBusy(true);
      setError(null);
      try {
        await signingApi.requestConfirmation(auth, caseId, note.trim() || undefined);
        setOpen(false);
        onDone();
      } catch (err) {
        setError(err);
      } finally {
        setBusy(false);
      }
    }}>
      <p>{st('court.requestExplain')}</p>
      <label for="confirmation-note">{st('court.note')}</label>
      <textarea id="confirmation-note" data-testid="confirmation-note" maxLength={2000} value={note} onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)} />
      <SignError error={error} />
      <button type="submit" class="btn btn-primary" data-testid="confirmation-submit" disabled={busy}>{st('court.requestSubmit')}</button>{' '}
      <button type="button" class="btn btn-ghost" onClick={() => setOpen(false)}>{st('common.cancel')}</button>
    </form>
  );
}

function IdentityStep({ token, onDone }: { token: string; onDone: () => void }) {
  const [info, setInfo] = useState<LinkInspection | null>(null);
  const [error, setError] = useState<unknown>(token.length >= 10 ? null : st('page.noLink'));
  const [a, setA] = useState('');
  const [b, setB] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (token.length < 10) return;
    api.inspectLink(token).then(setInfo, setError);
  }, [token]);
  return (
    <section class="card narrow" data-testid="sign-identity">
      <h1>{st('page.title')}</h1>
      {!info && !error ? <Loading /> : null}
      {info ? (
        <form data-testid="sign-identity-form" data-check={info.identityCheck} onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            const body = info.identityCheck === 'staff' ? { token, username: a.trim(), password: b } : { token, name: a.trim(), idNumber: b.trim() };
            setParticipantSession(await api.verifyIdentity(body));
            onDone();
          } catch (err) {
            setError(err);
            setBusy(false);
          }
        }}>
          <p>{st('page.identity', { number: info.caseNumber, name: info.displayName })}</p>
          <div class="field">
            <label for="sign-id-a">{info.identityCheck === 'staff' ? st('id.username') : st('id.name')}</label>
            <input id="sign-id-a" data-testid="sign-id-name" required maxLength={200} value={a} onInput={(e) => setA((e.currentTarget as HTMLInputElement).value)} />
          </div>
          <div class="field">
            <label for="sign-id-b">{info.identityCheck === 'staff' ? st('id.password') : st('id.number')}</label>
            {info.identityCheck === 'staff' ? (
              <input id="sign-id-b" data-testid="sign-id-number" type="password" required maxLength={256} value={b} onInput={(e) => setB((e.currentTarget as HTMLInputElement).value)} />
            ) : (
              <input id="sign-id-b" data-testid="sign-id-number" type="text" required maxLength={40} value={b} onInput={(e) => setB((e.currentTarget as HTMLInputElement).value)} />
            )}
          </div>
          <ErrorBanner error={error} overrides={{ IDENTITY_CHECK_FAILED: 'join.mismatch' }} />
          <button type="submit" class="btn btn-primary btn-block" data-testid="sign-id-submit" disabled={busy}>{st('id.submit')}</button>
        </form>
      ) : (
        <ErrorBanner error={error instanceof ApiError || typeof error === 'string' ? error : error ? st('page.noLink') : null} />
      )}
    </section>
  );
}
