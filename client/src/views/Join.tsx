import { useEffect, useRef, useState } from 'preact/hooks';
import type { LinkInspection, VerifyIdentityBody } from '../../../signaling/protocol/api.js';
import { ApiError, api } from '../api.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { val } from '../components/Field.js';
import { Loading } from '../components/Loading.js';
import { formatDateTime } from '../format.js';
import { t, type MessageKey } from '../i18n/index.js';
import { roleLabel, siteLabel } from '../labels.js';
import { navigate } from '../router.js';
import { getStaffSession, setParticipantSession } from '../session.js';
import { inspectLink, readToken, roleOfToken } from './linkInspect.js';

/** Link-level problems: the link itself cannot be used (as opposed to a wrong name or ID number). */
function linkProblem(e: unknown): MessageKey | null {
  if (!(e instanceof ApiError)) return null;
  if (e.code === 'TOKEN_EXPIRED') return 'join.expired';
  if (e.code === 'TOKEN_REVOKED') return 'join.revoked';
  if (e.code === 'NOT_FOUND' || e.code === 'UNAUTHENTICATED' || e.code === 'VALIDATION_FAILED') return 'join.invalid';
  return null;
}

/** Opening another link in the same tab changes only the fragment: start over with the new token. */
export function JoinView() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const update = () => setHash(location.hash);
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return <JoinFlow key={hash} />;
}

function JoinFlow() {
  const [token] = useState(readToken);
  const [info, setInfo] = useState<LinkInspection | null>(null);
  const [problem, setProblem] = useState<MessageKey | null>(token.length >= 10 ? null : 'join.noToken');
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(token.length >= 10);
  const [attempt, setAttempt] = useState(0);
  const [name, setName] = useState('');
  const [idNumber, setIdNumber] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const prefetched = useRef(false);
  const [signedInError, setSignedInError] = useState<unknown>(null);
  // The form is drawn from the link's own payload at once; the inspection fills in the facts when it answers.
  const [early] = useState(() => roleOfToken(token));
  const check = info?.identityCheck ?? early?.identityCheck ?? null;
  const role = info?.role ?? early?.role ?? null;

  useEffect(() => {
    if (token.length < 10) return;
    let live = true;
    setLoading(true);
    setError(null);
    inspectLink(token).then(
      (r) => {
        if (!live) return;
        setInfo(r);
        setLoading(false);
      },
      (e) => {
        if (!live) return;
        const p = linkProblem(e);
        if (p) setProblem(p);
        else setError(e);
        setLoading(false);
      },
    );
    return () => { live = false; };
  }, [token, attempt]);

  /**
   * The next page's code (the hearing room if the hearing is running, else the waiting page), fetched once the person
   * starts on the form: one wait less after the check, while they type, and none of it in the page's first load on a
   * slow phone network (issue 16: under 60 KB).
   */
  function prefetchNext() {
    if (!info || prefetched.current) return;
    prefetched.current = true;
    if (info.hearing.status === 'in_progress') void import('../room/RoomView.js').catch(() => undefined);
    else void import('./Waiting.js').catch(() => undefined);
  }

  async function verify(body: VerifyIdentityBody, onError: (err: unknown) => void) {
    if (!check || busy) return;
    prefetchNext();
    setBusy(true);
    setError(null);
    setSignedInError(null);
    try {
      const session = await api.verifyIdentity(body);
      setParticipantSession(session);
      // A hearing that is already running: straight to the pre-join check, no stop at the waiting page.
      navigate(session.hearing.status === 'in_progress' ? '/room' : '/waiting', { replace: true });
    } catch (err) {
      const p = err instanceof ApiError && (err.code === 'TOKEN_EXPIRED' || err.code === 'TOKEN_REVOKED' || err.code === 'NOT_FOUND') ? linkProblem(err) : null;
      if (p) setProblem(p);
      else onError(err);
      setBusy(false);
    }
  }

  function submit(e: Event) {
    e.preventDefault();
    if (!check) return;
    const body = check === 'staff'
      ? { token, username: username.trim(), password }
      : { token, name: name.trim(), idNumber: idNumber.trim() };
    void verify(body, setError);
  }

  // Staff signed in to Concord in this browser open their own hearing link without typing the password again.
  const staff = check === 'staff' ? getStaffSession() : null;
  const continueSignedIn = () => void verify({ token, signedIn: true }, setSignedInError);

  return (
    <section class="card narrow join" data-testid="join-view">
      <h1>{t('join.title')}</h1>
      {loading && !check ? <Loading label={t('join.checking')} /> : null}
      {problem ? (
        <div class="banner banner-error" role="alert" data-testid="join-error" data-problem={problem}>
          <div class="banner-body"><strong>{t(problem)}</strong></div>
        </div>
      ) : null}
      {!problem && error && !info ? (
        <>
          <ErrorBanner error={error} />
          <button type="button" class="btn" onClick={() => setAttempt((n) => n + 1)}>{t('common.retry')}</button>
        </>
      ) : null}
      {check && role && !problem && (info || !error) ? (
        <>
          {/* Until the inspection answers, the facts hold their place ("…"), so the form does not move under a finger. */}
          <dl class="facts join-facts" data-testid="join-info" aria-busy={info ? undefined : 'true'} data-loaded={String(!!info)}>
            <dt>{t('join.case')}</dt>
            <dd data-testid="join-case-number">{info?.caseNumber ?? '…'}</dd>
            <dt>{t('join.role')}</dt>
            <dd data-testid="join-role">{roleLabel(role)}</dd>
            <dt>{t('join.name')}</dt>
            <dd data-testid="join-display-name">{info?.displayName ?? '…'}</dd>
            <dt>{t('join.hearingAt')}</dt>
            <dd data-testid="join-hearing-time">{info ? formatDateTime(info.hearing.startsAt) : '…'}</dd>
            <dt>{t('join.site')}</dt>
            <dd>{info ? siteLabel(info.hearing.site) : '…'}</dd>
            <dt>{t('join.linkExpires')}</dt>
            <dd>{info ? formatDateTime(info.expiresAt) : '…'}</dd>
          </dl>
          {staff ? (
            <div class="join-signed-in" data-testid="join-signed-in" onFocusCapture={prefetchNext} onPointerDown={prefetchNext}>
              <p>{t('join.signedInAs', { name: staff.staff.displayName, username: staff.staff.username })}</p>
              <ErrorBanner error={signedInError} overrides={{ IDENTITY_CHECK_FAILED: 'join.notYourLink', UNAUTHENTICATED: 'join.signedInExpired' }} />
              <button type="button" class="btn btn-primary btn-block" data-testid="join-continue-signed-in" disabled={busy} onClick={continueSignedIn}>
                {busy ? t('join.submitting') : t('join.continueSignedIn')}
              </button>
              <p class="muted small">{t('join.orPassword')}</p>
            </div>
          ) : null}
          <form onSubmit={submit} onFocusCapture={prefetchNext} data-testid="join-form" data-check={check}>
            <p>{check === 'staff' ? t('join.staffPrompt') : t('join.partyPrompt')}</p>
            {check === 'staff' ? (
              <>
                <div class="field">
                  <label for="join-username">{t('join.username')}</label>
                  <input id="join-username" data-testid="join-username" autoComplete="username" autoCapitalize="none" spellcheck={false}
                    required maxLength={64} value={username} onInput={(e) => setUsername(val(e))} />
                </div>
                <div class="field">
                  <label for="join-password">{t('join.password')}</label>
                  <input id="join-password" data-testid="join-password" type="password" autoComplete="current-password"
                    required maxLength={256} value={password} onInput={(e) => setPassword(val(e))} />
                </div>
              </>
            ) : (
              <>
                <div class="field">
                  <label for="join-name">{t('join.fullName')}</label>
                  <input id="join-name" data-testid="join-name" autoComplete="name" required maxLength={200} value={name}
                    onInput={(e) => setName(val(e))} />
                </div>
                <div class="field">
                  <label for="join-id-number">{t('join.idNumber')}</label>
                  <input id="join-id-number" data-testid="join-id-number" autoComplete="off" autoCapitalize="characters" spellcheck={false}
                    required minLength={4} maxLength={40} value={idNumber} onInput={(e) => setIdNumber(val(e))} />
                  <div class="hint">{t('join.privacy')}</div>
                </div>
              </>
            )}
            <ErrorBanner error={error} overrides={{ IDENTITY_CHECK_FAILED: 'join.mismatch', UNAUTHENTICATED: 'join.mismatch' }} />
            {attemptsLeft(error) !== null ? (
              <p class="hint" role="status" data-testid="join-attempts-left" data-n={attemptsLeft(error)}>{t('join.attemptsLeft', { n: attemptsLeft(error) ?? 0 })}</p>
            ) : null}
            <button type="submit" class="btn btn-primary btn-block" data-testid="join-submit" disabled={busy}>
              {busy ? t('join.submitting') : t('join.submit')}
            </button>
          </form>
        </>
      ) : null}
    </section>
  );
}

/** Tries this address has left on the link, from a failed identity check (the server counts per link and address). */
function attemptsLeft(e: unknown): number | null {
  if (!(e instanceof ApiError) || e.code !== 'IDENTITY_CHECK_FAILED') return null;
  const n = (e.details as { attemptsLeft?: unknown } | undefined)?.attemptsLeft;
  return typeof n === 'number' ? n : null;
}
