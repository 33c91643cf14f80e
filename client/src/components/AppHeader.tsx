import { t } from '../i18n/index.js';
import { getLang } from '../i18n/index.js';
import { onLinkClick } from '../router.js';
import type { StaffSession } from '../session.js';
import { LangSwitch } from './LangSwitch.js';

interface Props {
  session?: StaffSession | null;
  onLogout?: () => void;
  /** Sign out everywhere: every session of this account, on every device. */
  onLogoutAll?: () => void;
}

export function AppHeader({ session, onLogout, onLogoutAll }: Props) {
  const org = session?.organisation;
  const orgName = org ? (getLang().startsWith('zh') ? org.name : org.nameEn || org.name) : null;
  return (
    <header class="app-header">
      <div class="app-header-inner">
        <a class="brand" href={session ? '/' : location.pathname} onClick={session ? onLinkClick : undefined}>
          <span class="brand-mark" aria-hidden="true" />
          <span class="brand-text">
            <span class="brand-name">Concord</span>
            <span class="brand-tagline">{orgName ?? t('app.tagline')}</span>
          </span>
        </a>
        <div class="header-tools">
          <LangSwitch />
          {session ? (
            <>
              <span class="user-name" data-testid="user-name" title={t('nav.signedInAs', { name: session.staff.displayName })}>
                {session.staff.displayName}
              </span>
              {session.staff.role === 'org_admin' ? (
                <a class="btn btn-ghost btn-small" href="/settings/retention" data-testid="nav-retention" onClick={onLinkClick}>{t('nav.retention')}</a>
              ) : null}
              <button type="button" class="btn btn-ghost btn-small" data-testid="logout" onClick={onLogout}>
                {t('nav.logout')}
              </button>
              <button type="button" class="btn btn-ghost btn-small" data-testid="logout-all" title={t('nav.logoutAllHint')} onClick={onLogoutAll}>
                {t('nav.logoutAll')}
              </button>
            </>
          ) : null}
        </div>
      </div>
    </header>
  );
}
