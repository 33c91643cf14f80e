import { useState } from 'preact/hooks';
import type { LinkView } from '../../../signaling/protocol/api.js';
import { api } from '../api.js';
import { formatDateTime } from '../format.js';
import { t } from '../i18n/index.js';
import { ErrorBanner } from './ErrorBanner.js';

interface Props {
  caseId: string;
  link: LinkView;
  onLinkChange: (link: LinkView) => void;
}

/**
 * Failed identity checks on a participant's link (issue 11): how many, from how many addresses, whether addresses are
 * refused now and until when; the mediator clears the lockout (audited on the server, refused to those without
 * `link.unlock`).
 */
export function LinkLockout({ caseId, link, onLinkChange }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const l = link.lockout;
  if (!l) return null;
  const r = link.role;

  async function clear() {
    setBusy(true);
    setError(null);
    try {
      onLinkChange(await api.clearLinkLockout(caseId, link.id));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="link-lockout" data-testid={`link-lockout-${r}`} data-failures={l.failures} data-locked={l.lockedAddresses > 0 ? 'true' : 'false'}>
      <span class={l.lockedAddresses > 0 ? 'danger' : 'muted'}>
        {l.lockedAddresses > 0 && l.lockedUntil
          ? t('link.lockout.locked', { failures: l.failures, addresses: l.addresses, locked: l.lockedAddresses, until: formatDateTime(l.lockedUntil) })
          : t('link.lockout.failures', { failures: l.failures, addresses: l.addresses })}
      </span>{' '}
      <button type="button" class="btn btn-small" data-testid={`clear-lockout-${r}`} disabled={busy} onClick={clear}>
        {busy ? t('link.lockout.clearing') : t('link.lockout.clear')}
      </button>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
    </div>
  );
}
