import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { lazyView } from '../components/Lazy.js';
import { tp } from '../i18n/pad/index.js';
import { padApi, participantCaseId } from './api.js';
import { Icon } from '../room/icons.js';

// The editor (CodeMirror, Yjs) loads only when someone opens the pad.
const LazyPad = lazyView(() => import('./PadView.js').then((m) => m.PadView));
const LazyList = lazyView(() => import('./AgreementList.js').then((m) => m.AgreementList));

/**
 * The hearing room's "Agreement" control: the drafting pad in a drawer over the room, so a party keeps seeing and
 * hearing the hearing while drafting. It opens the case's newest agreement, or the list when there are several. The
 * controls bar draws the button (in the bar or in its "more" menu) and the drawer, which stays open when that menu
 * closes. `available` is false without a case (no button then).
 */
export function useRoomPad(): { available: boolean; open: boolean; toggle: () => void; drawer: VNode | null } {
  const [open, setOpen] = useState(false);
  const [agreementId, setAgreementId] = useState<string | null>(null);
  const caseId = participantCaseId();
  const toggle = () => {
    if (!caseId) return;
    if (!open) padApi.list(caseId).then((r) => setAgreementId(r.items.length === 1 ? r.items[0]!.agreement.id : null), () => setAgreementId(null));
    setOpen(!open);
  };
  const drawer = open && caseId ? (
    <div class="pad-drawer" role="dialog" aria-label={tp('pad.title')} data-testid="pad-drawer">
      <button type="button" class="pad-drawer-close" data-testid="pad-drawer-close" onClick={() => setOpen(false)}>
        {tp('pad.room.close')} <Icon name="close" size={16} />
      </button>
      {agreementId ? <LazyPad agreementId={agreementId} compact /> : <LazyList caseId={caseId} onOpen={setAgreementId} />}
    </div>
  ) : null;
  return { available: !!caseId, open, toggle, drawer };
}

/** On the waiting page (before or outside a live hearing): a link to the case's agreements. */
export function PadEntry() {
  if (!participantCaseId()) return null;
  return (
    <p class="pad-entry">
      <a href="/pad" data-testid="pad-entry">{tp('pad.entry')}</a>
    </p>
  );
}
