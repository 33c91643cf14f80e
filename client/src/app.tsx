import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, ApiError, onStaffUnauthorized } from './api.js';
import { AppHeader } from './components/AppHeader.js';
import { t, useLang, type MessageKey } from './i18n/index.js';
import { matchRoute, navigate, onLinkClick, usePathname } from './router.js';
import { clearStaffSession, dismissStaffNotice, getStaffSession, updateStaffProfile, type StaffSession } from './session.js';
import { LockoutNotices } from './components/LockoutNotices.js';
import { lazyView } from './components/Lazy.js';
import { JoinView } from './views/Join.js';
import { LoginView } from './views/Login.js';

// The join page is the whole first load of a party on a phone: the waiting page (with the pad's entry and the recording
// review) and the staff case list come after it, each in its own chunk; the join page fetches the next one while the
// person types (views/Join.tsx).
const WaitingView = lazyView(() => import('./views/Waiting.js').then((m) => m.WaitingView));
const CaseListView = lazyView(() => import('./views/CaseList.js').then((m) => m.CaseListView));
const CaseNewView = lazyView(() => import('./views/CaseNew.js').then((m) => m.CaseNewView));
const CaseDetailView = lazyView(() => import('./views/CaseDetail.js').then((m) => m.CaseDetailView));
// The hearing room brings socket.io-client and the media code: loaded only when someone enters it.
const RoomView = lazyView(() => import('./room/RoomView.js').then((m) => m.RoomView));
// The drafting pad (participants from their link, staff from the case page): CodeMirror and Yjs load with it.
const PadPage = lazyView(() => import('./pad/PadPage.js').then((m) => m.PadPage));
// Public signature verification (upload a PDF): no sign-in.
const VerifyView = lazyView(() => import('./views/Verify.js').then((m) => m.VerifyView));
// Signing ceremony (parties, from their link) and the court's review of judicial confirmation.
const SignView = lazyView(() => import('./signing/SignView.js').then((m) => m.SignView));
const CourtQueueView = lazyView(() => import('./court/CourtViews.js').then((m) => m.CourtQueueView));
const CourtReviewView = lazyView(() => import('./court/CourtViews.js').then((m) => m.CourtReviewView));
const RetentionSettingsView = lazyView(() => import('./privacy/RetentionSettings.js').then((m) => m.RetentionSettingsView));

/** Where to go after signing in, when a staff page was opened without a session. */
let returnTo: string | null = null;

export function App() {
  const lang = useLang();
  const path = usePathname();
  const route = matchRoute(path);
  const [session, setSession] = useState<StaffSession | null>(() => getStaffSession());
  const [flash, setFlash] = useState<MessageKey | null>(null);

  const endSession = useCallback((message: MessageKey | null) => {
    clearStaffSession();
    setSession(null);
    setFlash(message);
    navigate('/login', { replace: true });
  }, []);

  // The server ends the session first (so the token is refused everywhere), then this browser forgets it. If the
  // server cannot be reached the local session still goes, and the login page says the token may live on.
  const signOut = useCallback(
    async (everywhere: boolean) => {
      let message: MessageKey | null = everywhere ? 'nav.signedOutEverywhere' : null;
      try {
        if (everywhere) await api.logoutAll();
        else await api.logout();
      } catch (e) {
        // 401: the session had already ended, which is what was asked for.
        if (!(e instanceof ApiError && e.status === 401)) message = 'nav.logoutFailed';
      }
      endSession(message);
    },
    [endSession],
  );

  useEffect(
    () =>
      onStaffUnauthorized(() => {
        // Come back to the same page after signing in again.
        if (location.pathname !== '/login') returnTo = location.pathname + location.search;
        endSession('login.sessionEnded');
      }),
    [endSession],
  );

  // Refresh the profile (name, organisation) once per session.
  const token = session?.token;
  useEffect(() => {
    if (!token) return;
    api
      .me()
      .then((r) => {
        const next = updateStaffProfile(r.staff, r.organisation);
        if (next) setSession(next);
      })
      .catch(() => undefined); // a 401 is handled by onStaffUnauthorized; anything else can wait
  }, [token]);

  const isPublic = route.name === 'pad' || route.name === 'join' || route.name === 'waiting' || route.name === 'room' || route.name === 'verify' || route.name === 'sign';
  const needsSession = !isPublic && route.name !== 'login' && route.name !== 'notFound';

  useEffect(() => {
    if (needsSession && !session) {
      returnTo = location.pathname + location.search;
      navigate('/login', { replace: true });
    } else if (route.name === 'login' && session) {
      const to = returnTo ?? '/';
      returnTo = null;
      navigate(to, { replace: true });
    }
  }, [needsSession, session, route.name]);

  useEffect(() => {
    document.title =
      route.name === 'room' ? `${t('room.title')} · Concord` : route.name === 'join' || route.name === 'waiting' ? `${t('join.title')} · Concord` : 'Concord';
  }, [route.name, lang]);

  let body;
  if (route.name === 'room') {
    // The room draws its own header (a compact bar while in the hearing) and fills the screen.
    return (
      <div class="app app-public app-room" data-lang={lang}>
        <RoomView />
      </div>
    );
  }
  if (route.name === 'join') body = <JoinView />;
  else if (route.name === 'waiting') body = <WaitingView />;
  else if (route.name === 'pad') body = <PadPage key={route.id ?? ''} id={route.id} />;
  else if (route.name === 'verify') body = <VerifyView />;
  else if (route.name === 'sign') body = <SignView />;
  else if (route.name === 'notFound') body = <NotFound />;
  else if (!session || route.name === 'login')
    body = (
      <LoginView
        flash={flash}
        onLogin={(s) => {
          setFlash(null);
          setSession(s);
        }}
      />
    );
  else if (route.name === 'cases') body = <CaseListView />;
  else if (route.name === 'newCase') body = <CaseNewView session={session} />;
  else if (route.name === 'court') body = <CourtQueueView />;
  else if (route.name === 'courtRequest') body = <CourtReviewView key={route.id} id={route.id} />;
  else if (route.name === 'retention') body = <RetentionSettingsView session={session} />;
  else body = <CaseDetailView key={route.id} caseId={route.id} session={session} />;

  return (
    <div class={`app ${isPublic ? 'app-public' : ''}`} data-lang={lang}>
      <a class="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <AppHeader session={isPublic ? null : session} onLogout={() => void signOut(false)} onLogoutAll={() => void signOut(true)} />
      <main id="main" class="main" tabIndex={-1}>
        {!isPublic && session && route.name !== 'login' ? (
          <LockoutNotices notices={session.notices ?? []} onDismiss={(id) => setSession(dismissStaffNotice(id))} />
        ) : null}
        {body}
      </main>
    </div>
  );
}

function NotFound() {
  return (
    <section class="card narrow" data-testid="not-found">
      <h1>{t('notFound.title')}</h1>
      <p>
        <a href="/" onClick={onLinkClick}>
          {t('notFound.back')}
        </a>
      </p>
    </section>
  );
}
