import { useState } from 'preact/hooks';
import type { ParticipantState, RecordingOnRefusal } from '../../../signaling/protocol/hearing.js';
import { useLang } from '../i18n/index.js';
import { tr } from '../i18n/recordings/index.js';
import type { RoomController } from '../room/controller.js';
import { ConsentDialog } from './ConsentDialog.js';
import { useRecordingState } from './useRecording.js';
import './recordings.css';

/**
 * The recording indicator everyone sees ("you are (not) recorded", with withdraw / agree), the consent dialog (the
 * hearing's, or a caucus's), and for the clerk and mediator the start/stop controls with the rule for refusals.
 * Nothing of a participant is recorded before they agree in the room.
 */
export function RoomRecording({ room, self }: { room: RoomController; self: ParticipantState }) {
  useLang();
  const client = room.client;
  const s = useRecordingState(client);
  const [busy, setBusy] = useState(false);
  const [onRefusal, setOnRefusal] = useState<RecordingOnRefusal>('continue');
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
  const answer = (scope: string, accept: boolean) => void act(() => client!.request('recording.consent', { scope, accept }));
  const chair = self.role === 'clerk' || self.role === 'mediator';
  const inCaucus = self.roomId !== null && self.roomId !== 'joint';
  const status = s?.status ?? 'off';
  const recorded = status === 'recording' && s?.consent === 'accepted';
  return (
    <div class="rec-bar" data-testid="recording-bar" data-status={status}>
      {status === 'recording' || status === 'paused' ? (
        <div class="banner banner-warn rec-indicator" role="status" data-testid="recording-indicator" data-status={status} data-private={s?.private ? 'true' : 'false'}>
          <span class="rec-dot" aria-hidden="true" /> <strong>{status === 'paused' ? tr('rec.paused') : s?.private ? tr('rec.indicatorPrivate') : tr('rec.indicator')}</strong>
        </div>
      ) : status === 'awaiting_consent' ? (
        <div class="banner banner-info" role="status" data-testid="recording-indicator" data-status={status}>{tr('rec.awaiting')}</div>
      ) : null}
      {s && status !== 'off' && s.consent !== null && client ? (
        <div class="rec-me" data-testid="recording-me" data-recorded={recorded ? 'true' : 'false'}>
          <span>{recorded ? tr('rec.youRecorded') : s.consent === 'refused' ? tr('rec.refused') : tr('rec.notMe')}</span>
          {s.consent === 'accepted' ? (
            <button type="button" class="btn btn-small" data-testid="recording-withdraw" disabled={busy} onClick={() => answer(s.scope, false)}>{tr('rec.withdraw')}</button>
          ) : (
            <button type="button" class="btn btn-small" data-testid="recording-agree" disabled={busy} onClick={() => answer(s.scope, true)}>{tr('rec.accept')}</button>
          )}
        </div>
      ) : null}
      {s?.ask && client ? <ConsentDialog key={s.ask} scope={s.ask} busy={busy} onAnswer={(accept) => answer(s.ask!, accept)} /> : null}
      {chair && client ? (
        <div class="rec-controls">
          {status === 'off' && !inCaucus ? (
            <>
              <label class="small">
                {tr('rec.onRefusal')}{' '}
                <select data-testid="recording-on-refusal" value={onRefusal} onChange={(e) => setOnRefusal((e.currentTarget as HTMLSelectElement).value as RecordingOnRefusal)}>
                  <option value="continue">{tr('rec.onRefusal.continue')}</option>
                  <option value="pause_recording">{tr('rec.onRefusal.pause')}</option>
                </select>
              </label>
              <button type="button" class="btn btn-small" data-testid="recording-start" disabled={busy} onClick={() => void act(() => client.request('recording.start', { onRefusal }))}>
                <span class="rec-dot" aria-hidden="true" /> {tr('rec.start')}
              </button>
            </>
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
