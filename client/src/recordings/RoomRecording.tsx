import { useEffect, useState } from 'preact/hooks';
import type { ParticipantState, RecordingState } from '../../../signaling/protocol/hearing.js';
import { useLang } from '../i18n/index.js';
import { tr } from '../i18n/recordings/index.js';
import type { RoomController } from '../room/controller.js';
import './recordings.css';

/**
 * The recording indicator everyone sees, the consent prompt (the hearing's notice, or a caucus's), and for the clerk
 * and mediator the start/stop controls. Nothing of a participant is recorded before they answer "I agree".
 */
export function RoomRecording({ room, self }: { room: RoomController; self: ParticipantState }) {
  useLang();
  const [s, setS] = useState<RecordingState | null>(null);
  const [busy, setBusy] = useState(false);
  const client = room.client;
  useEffect(() => (client ? client.on('recording.state', (x: RecordingState) => setS(x)) : undefined), [client]);
  const act = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await fn();
    } catch {
      // the room's own banner shows request errors; the state event tells the truth
    } finally {
      setBusy(false);
    }
  };
  const chair = self.role === 'clerk' || self.role === 'mediator';
  const inCaucus = self.roomId !== null && self.roomId !== 'joint';
  const status = s?.status ?? 'off';
  return (
    <div class="rec-bar" data-testid="recording-bar" data-status={status}>
      {status === 'recording' ? (
        <div class="banner banner-warn rec-indicator" role="status" data-testid="recording-indicator" data-status={status} data-private={s?.private ? 'true' : 'false'}>
          <span class="rec-dot" aria-hidden="true" /> <strong>{s?.private ? tr('rec.indicatorPrivate') : tr('rec.indicator')}</strong>
          {s && !s.recordingMe && s.consent === 'refused' ? <span class="muted small"> · {tr('rec.refused')}</span> : null}
        </div>
      ) : status === 'awaiting_consent' ? (
        <div class="banner banner-info" role="status" data-testid="recording-indicator" data-status={status}>{tr('rec.awaiting')}</div>
      ) : null}
      {s?.ask ? (
        <div class="banner banner-info rec-consent" role="alertdialog" aria-live="assertive" data-testid="recording-consent" data-scope={s.ask}>
          <div class="banner-body">{s.ask === 'hearing' ? tr('rec.prompt') : tr('rec.promptCaucus')}</div>
          <button type="button" class="btn btn-primary btn-small" data-testid="recording-consent-accept" disabled={busy}
            onClick={() => void act(() => client!.request('recording.consent', { scope: s.ask!, accept: true }))}>{tr('rec.accept')}</button>
          <button type="button" class="btn btn-small" data-testid="recording-consent-refuse" disabled={busy}
            onClick={() => void act(() => client!.request('recording.consent', { scope: s.ask!, accept: false }))}>{tr('rec.refuse')}</button>
        </div>
      ) : null}
      {chair && client ? (
        <div class="rec-controls">
          {status === 'off' && !inCaucus ? (
            <button type="button" class="btn btn-small" data-testid="recording-start" disabled={busy} onClick={() => void act(() => client.request('recording.start', {}))}>
              <span class="rec-dot" aria-hidden="true" /> {tr('rec.start')}
            </button>
          ) : null}
          {status !== 'off' && !inCaucus ? (
            <button type="button" class="btn btn-small" data-testid="recording-stop" disabled={busy} onClick={() => void act(() => client.request('recording.stop', {}, 30_000))}>{tr('rec.stop')}</button>
          ) : null}
          {inCaucus && self.role === 'mediator' && status === 'off' ? (
            <button type="button" class="btn btn-small" data-testid="recording-caucus" disabled={busy} onClick={() => void act(() => client.request('recording.caucus', { caucusId: self.roomId! }))}>{tr('rec.askCaucus')}</button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
