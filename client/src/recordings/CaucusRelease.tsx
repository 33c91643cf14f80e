import { useState } from 'preact/hooks';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { tr } from '../i18n/recordings/index.js';
import { getStaffSession } from '../session.js';
import { recApi, type CaucusItemState } from './api.js';

/**
 * The recorded caucuses of a recording with their release state (issue 12). A caucus item is released only when the
 * mediator who held the caucus and the party in it have both released it; the mediator who held it gets the button.
 */
export function CaucusReleases({ caseId, items, onChange }: { caseId: string; items: CaucusItemState[]; onChange: () => void }) {
  const me = getStaffSession()?.staff.id;
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (items.length === 0) return null;
  const release = async (itemId: string) => {
    setBusy(true);
    try {
      await recApi.release('staff', caseId, itemId);
      setError(null);
      onChange();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const state = (i: CaucusItemState) =>
    i.released ? tr('rec.released') : i.mediatorReleased ? tr('rec.releaseMediatorDone') : i.partyReleased ? tr('rec.releasePartyDone') : tr('rec.releaseNone');
  return (
    <div class="rec-caucus" data-testid="caucus-items">
      <h3 class="h4">{tr('rec.caucusItems')}</h3>
      <ul>
        {items.map((i) => (
          <li key={i.itemId} data-testid="caucus-item" data-item-id={i.itemId} data-released={String(i.released)}>
            {tr('rec.caucusRecording')} · <span data-testid="caucus-release-state">{state(i)}</span>{' '}
            {me && i.heldByStaff === me && !i.mediatorReleased ? (
              <button type="button" class="btn btn-small" data-testid="caucus-release" disabled={busy} onClick={() => void release(i.itemId)}>{tr('rec.release')}</button>
            ) : null}
          </li>
        ))}
      </ul>
      {error ? <ErrorBanner error={error} testId="caucus-release-error" /> : null}
    </div>
  );
}
