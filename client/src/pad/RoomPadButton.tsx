import { useState } from 'preact/hooks';
import { lazyView } from '../components/Lazy.js';
import { tp } from '../i18n/pad/index.js';
import { padApi, participantCaseId } from './api.js';

// The editor (CodeMirror, Yjs) loads only when someone opens the pad.
const LazyPad = lazyView(() => import('./PadView.js').then((m) => m.PadView));
const LazyList = lazyView(() => import('./AgreementList.js').then((m) => m.AgreementList));

/**
 * The hearing room's "Agreement" button: the drafting pad in a drawer over the room, so a party keeps seeing and hearing
 * the hearing while drafting. It opens the case's newest agreement, or the list when there are several.
 */
export function RoomPadButton() {
  const [open, setOpen] = useState(false);
  const [agreementId, setAgreementId] = useState<string | null>(null);
  const caseId = participantCaseId();
  if (!caseId) return null;
  const toggle = () => {
    if (!open) padApi.list(caseId).then((r) => setAgreementId(r.items.length === 1 ? r.items[0]!.agreement.id : null), () => setAgreementId(null));
    setOpen(!open);
  };
  return (
    <>
      <button type="button" class={`ctl ${open ? 'on' : ''}`} data-testid="ctl-pad" aria-pressed={open} aria-label={tp('pad.room.open')} title={tp('pad.room.open')} onClick={toggle}>
        <span aria-hidden="true" style={{ fontSize: '1.2rem' }}>📝</span>
        <span class="ctl-label">{tp('pad.room.open')}</span>
      </button>
      {open ? (
        <div class="pad-drawer" role="dialog" aria-label={tp('pad.title')} data-testid="pad-drawer">
          <button type="button" class="pad-drawer-close" data-testid="pad-drawer-close" onClick={() => setOpen(false)}>{tp('pad.room.close')} ✕</button>
          {agreementId ? <LazyPad agreementId={agreementId} compact /> : <LazyList caseId={caseId} onOpen={setAgreementId} />}
        </div>
      ) : null}
    </>
  );
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
