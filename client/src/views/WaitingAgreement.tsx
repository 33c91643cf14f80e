import { useEffect, useState } from 'preact/hooks';
import type { SigningStatusView } from '../../../signaling/protocol/signing.js';
import { tp, type PadKey } from '../i18n/pad/index.js';
import { useLang } from '../i18n/index.js';
import { onLinkClick } from '../router.js';
import { mine } from '../signing/api.js';
import { PadEntry } from '../pad/RoomPadButton.js';

type AgreementState = 'drafting' | 'locked' | 'effective';

function stateOf(a: SigningStatusView): AgreementState {
  if (a.effective) return 'effective';
  return a.agreementStatus === 'locked' ? 'locked' : 'drafting';
}

/**
 * The waiting page's agreement line, in the agreement's real state as the server has it (asked again whenever the page
 * checks the hearing): a draft links to the pad, a locked text to signing, an effective one says so. Without an answer
 * (no agreement listed for this person, or the call failed) the plain pad link stays.
 */
export function WaitingAgreement({ refresh }: { refresh: unknown }) {
  useLang();
  const [items, setItems] = useState<SigningStatusView[] | null>(null);
  useEffect(() => {
    let live = true;
    mine().then((r) => { if (live) setItems(r.agreements); }, () => { if (live) setItems(null); });
    return () => { live = false; };
  }, [refresh]);
  const newest = items && items.length > 0 ? items[items.length - 1]! : null;
  if (!newest) return <PadEntry />;
  const state = stateOf(newest);
  const href = state === 'drafting' ? '/pad' : '/sign';
  return (
    <p class="pad-entry" data-testid="waiting-agreement" data-state={state}>
      <span data-testid="waiting-agreement-state">{tp(`pad.entry.state.${state}` as PadKey)}</span>{' '}
      <a href={href} data-testid="pad-entry" onClick={onLinkClick}>{tp(`pad.entry.open.${state}` as PadKey)}</a>
    </p>
  );
}
