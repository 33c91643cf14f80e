import type { StaffNoticeView } from '../../../signaling/protocol/api.js';
import { formatDateTime } from '../format.js';
import { t } from '../i18n/index.js';

interface Props {
  notices: readonly StaffNoticeView[];
  onDismiss: (id: string) => void;
}

/**
 * What the account holder is told after a lockout of their account (handed over with the sign-in that followed it):
 * when, how many failed attempts, from how many addresses. Stays until dismissed.
 */
export function LockoutNotices({ notices, onDismiss }: Props) {
  if (notices.length === 0) return null;
  return (
    <>
      {notices.map((n) => (
        <div key={n.id} class="banner banner-error" role="alert" data-testid="lockout-notice" data-attempts={n.attempts} data-addresses={n.addresses}>
          <div class="banner-body">
            <strong>{t('notice.lockout.title')}</strong>
            <div>
              {t('notice.lockout.body', {
                from: formatDateTime(n.firstAt), to: formatDateTime(n.lastAt), attempts: n.attempts, addresses: n.addresses, until: formatDateTime(n.lockedUntil),
              })}
            </div>
            <div class="muted small">{t('notice.lockout.advice')}</div>
          </div>
          <button type="button" class="btn btn-small" data-testid="lockout-notice-dismiss" onClick={() => onDismiss(n.id)}>
            {t('common.dismiss')}
          </button>
        </div>
      ))}
    </>
  );
}
