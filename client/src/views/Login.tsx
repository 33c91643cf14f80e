import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { val } from '../components/Field.js';
import { t, type MessageKey } from '../i18n/index.js';
import { setStaffSession, type StaffSession } from '../session.js';

interface Props {
  flash?: MessageKey | null;
  onLogin: (s: StaffSession) => void;
}

export function LoginView({ flash, onLogin }: Props) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const result = await api.login({ username: username.trim(), password });
      let session = setStaffSession(result);
      try {
        const me = await api.me();
        session = setStaffSession(result, me.organisation);
      } catch {
        // the profile is refreshed later; signing in already worked
      }
      onLogin(session);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <section class="card narrow login" data-testid="login-view">
      <h1>{t('login.title')}</h1>
      <p class="muted">{t('login.intro')}</p>
      {flash && !error ? (
        <div class="banner banner-info" role="status" data-testid="login-flash">
          <div class="banner-body">{t(flash)}</div>
        </div>
      ) : null}
      <ErrorBanner error={error} overrides={{ UNAUTHENTICATED: 'login.failed', IDENTITY_CHECK_FAILED: 'login.failed' }} />
      <form onSubmit={submit} noValidate={false}>
        <div class="field">
          <label for="login-username">{t('login.username')}</label>
          <input
            id="login-username"
            data-testid="login-username"
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellcheck={false}
            required
            maxLength={64}
            value={username}
            onInput={(e) => setUsername(val(e))}
          />
        </div>
        <div class="field">
          <label for="login-password">{t('login.password')}</label>
          <input
            id="login-password"
            data-testid="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            maxLength={256}
            value={password}
            onInput={(e) => setPassword(val(e))}
          />
        </div>
        <button type="submit" class="btn btn-primary btn-block" data-testid="login-submit" disabled={busy}>
          {busy ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
    </section>
  );
}
