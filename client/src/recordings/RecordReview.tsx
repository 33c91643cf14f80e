import { useEffect, useState } from 'preact/hooks';
import { useLang } from '../i18n/index.js';
import { tr } from '../i18n/recordings/index.js';
import { getParticipantSession } from '../session.js';
import { clock, recApi, type HearingRecordView } from './api.js';

/** The case id a participant session is for (the token's `case` claim; the server checks it again). */
function caseOf(token: string): string | null {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { case?: string };
    return payload.case ?? null;
  } catch {
    return null;
  }
}

/** For a party: the hearing record the clerk sent for review, and an audited confirmation of exactly that version. */
export function RecordReview() {
  useLang();
  const session = getParticipantSession();
  const caseId = session ? caseOf(session.token) : null;
  const hearingId = session?.hearing.id ?? null;
  const [rec, setRec] = useState<HearingRecordView | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (caseId && hearingId) void recApi.record('participant', caseId, hearingId).then((x) => setRec(x.record), () => undefined);
  }, [caseId, hearingId]);
  if (!rec || !caseId || !hearingId || rec.status === 'draft') return null;
  const mine = rec.signoffs.find((s) => s.participantId === session!.participant.id && s.version === rec.version);
  const sign = async (decision: 'confirmed' | 'objected') => {
    setBusy(true);
    try {
      setRec((await recApi.signoff(caseId, hearingId, decision, rec.sha256)).record);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card" data-testid="record-review" data-status={rec.status}>
      <h2 class="h3">{tr('rec.record')}</h2>
      <ol>{rec.lines.map((l, i) => <li key={i}>{l.atMs !== undefined ? <span class="muted">[{clock(l.atMs)}] </span> : null}{l.text}</li>)}</ol>
      <details class="small muted" data-testid="record-technical">
        <summary>{tr('rec.technical')}</summary>
        <p>{tr('rec.hashExplain')}</p>
        <p>{tr('rec.hash')} <code class="hash">{rec.sha256}</code></p>
      </details>
      {rec.status === 'review' && !mine ? (
        <div class="rec-actions">
          <button type="button" class="btn btn-primary" data-testid="record-confirm" disabled={busy} onClick={() => void sign('confirmed')}>{tr('rec.confirm')}</button>
          <button type="button" class="btn" data-testid="record-object" disabled={busy} onClick={() => void sign('objected')}>{tr('rec.object')}</button>
        </div>
      ) : (
        <p data-testid="record-signed">{tr(`rec.status.${rec.status}` as 'rec.status.review')}</p>
      )}
    </section>
  );
}
