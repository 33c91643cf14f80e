import { onLinkClick } from '../router.js';
import { tp } from '../i18n/pad/index.js';
import { padToken, participantCaseId } from './api.js';
import { AgreementList } from './AgreementList.js';
import { PadView } from './PadView.js';

/**
 * `/pad` (a participant's agreements) and `/pad/:id` (one agreement). Works with a participant session (opened from a
 * mediation link, inside or outside a live hearing) or a staff session (console).
 */
export function PadPage({ id }: { id: string | null }) {
  if (!padToken()) {
    return (
      <section class="card narrow" data-testid="pad-page">
        <div class="banner banner-info" role="status" data-testid="pad-no-session"><div class="banner-body">{tp('pad.noSession')}</div></div>
      </section>
    );
  }
  if (id) {
    return (
      <div data-testid="pad-page">
        {participantCaseId() ? <p><a href="/pad" onClick={onLinkClick} data-testid="pad-back">← {tp('pad.back')}</a></p> : null}
        <PadView agreementId={id} />
      </div>
    );
  }
  const caseId = participantCaseId();
  return (
    <section class="card" data-testid="pad-page">
      <h1>{tp('pad.list.title')}</h1>
      {caseId ? <AgreementList caseId={caseId} /> : <p class="hint">{tp('pad.noSession')}</p>}
    </section>
  );
}
