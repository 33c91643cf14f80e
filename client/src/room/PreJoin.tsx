import { useState } from 'preact/hooks';
import type { ParticipantSession } from '../../../signaling/protocol/api.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { rt } from './i18n.js';
import { roleLabel } from '../labels.js';
import type { LocalMediaState } from './devices.js';
import type { RoomController } from './controller.js';
import { useMediaElement } from './hooks.js';
import { Icon } from './icons.js';
import { LevelMeter, SpeakerTest } from './MediaChecks.js';
import { TestCall } from './TestCall.js';

const ACCEPT_KEY = 'concord.roomAccepted';

function acceptedBefore(hearingId: string): boolean {
  try {
    return sessionStorage.getItem(ACCEPT_KEY) === hearingId;
  } catch {
    return false;
  }
}

/** The own camera, mirrored like a mirror; a placeholder when it is off. */
export function SelfPreview({ local, testId, name }: { local: LocalMediaState; testId: string; name: string }) {
  const ref = useMediaElement<HTMLVideoElement>(local.videoTrack);
  return (
    <div class="preview">
      <video ref={ref} class="mirror" data-testid={testId} autoplay playsInline muted hidden={!local.videoTrack} />
      {local.videoTrack ? null : (
        <div class="preview-off">
          <span class="avatar" aria-hidden="true">{name.slice(0, 1)}</span>
          <span>{rt('prejoin.cameraOff')}</span>
        </div>
      )}
    </div>
  );
}

function DeviceSelect(props: { id: string; label: string; value: string; devices: MediaDeviceInfo[]; onChange: (id: string) => void; testId: string }) {
  const { devices } = props;
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} data-testid={props.testId} value={props.value} disabled={devices.length === 0}
        onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)}>
        {devices.length === 0 ? <option value="">{rt('prejoin.noDevice')}</option> : null}
        {devices.map((d, i) => (
          <option key={d.deviceId || i} value={d.deviceId}>{d.label || rt('prejoin.deviceN', { n: i + 1 })}</option>
        ))}
      </select>
    </div>
  );
}

interface Props {
  room: RoomController;
  session: ParticipantSession;
  local: LocalMediaState;
  joining: boolean;
  error: unknown;
}

/** Before joining: camera preview, microphone level, device choice, the hearing rules and the recording notice. */
export function PreJoin({ room, session, local, joining, error }: Props) {
  const [accepted, setAccepted] = useState(() => acceptedBefore(session.hearing.id));
  const name = session.participant.displayName;
  const join = () => {
    if (!accepted) return;
    try {
      sessionStorage.setItem(ACCEPT_KEY, session.hearing.id);
    } catch {
      // storage disabled: asked again next time
    }
    room.local.resumeAudio();
    void room.join();
  };
  return (
    <section class="card prejoin" data-testid="prejoin">
      <h1>{rt('prejoin.title')}</h1>
      <p class="muted small">
        {session.caseNumber} · {roleLabel(session.participant.role)} · {name}
      </p>
      <div class="prejoin-grid">
        <div>
          <SelfPreview local={local} testId="prejoin-preview" name={name} />
          <div class="prejoin-toggles">
            <button type="button" class={`round-btn ${local.micOn ? '' : 'off'}`} data-testid="prejoin-mic-toggle" aria-pressed={!local.micOn}
              onClick={() => { room.local.resumeAudio(); void room.local.setMicOn(!local.micOn); }}
              title={local.micOn ? rt('ctl.mic.mute') : rt('ctl.mic.unmute')} aria-label={local.micOn ? rt('ctl.mic.mute') : rt('ctl.mic.unmute')}>
              <Icon name={local.micOn ? 'mic' : 'micOff'} />
            </button>
            <button type="button" class={`round-btn ${local.cameraOn ? '' : 'off'}`} data-testid="prejoin-camera-toggle" aria-pressed={!local.cameraOn}
              onClick={() => void room.local.setCameraOn(!local.cameraOn)}
              title={local.cameraOn ? rt('ctl.camera.off') : rt('ctl.camera.on')} aria-label={local.cameraOn ? rt('ctl.camera.off') : rt('ctl.camera.on')}>
              <Icon name={local.cameraOn ? 'cam' : 'camOff'} />
            </button>
            <LevelMeter local={room.local} />
          </div>
          {local.problem ? (
            <div class="banner banner-info" role="status" data-testid="prejoin-media-problem" data-problem={local.problem}>
              <div class="banner-body">{rt(`prejoin.problem.${local.problem}`)}</div>
            </div>
          ) : null}
          <div class="grid grid-2">
            <DeviceSelect id="prejoin-camera" testId="prejoin-camera" label={rt('prejoin.camera')} value={local.cameraId} devices={local.cameras}
              onChange={(id) => void room.local.setCamera(id)} />
            <DeviceSelect id="prejoin-mic" testId="prejoin-mic" label={rt('prejoin.mic')} value={local.micId} devices={local.mics}
              onChange={(id) => void room.local.setMic(id)} />
          </div>
          <SpeakerTest />
          <TestCall room={room} local={local} />
        </div>
        <div>
          <h2 class="h3">{rt('prejoin.rulesTitle')}</h2>
          <ul class="rules" data-testid="prejoin-rules">
            <li>{rt('prejoin.rule1')}</li>
            <li>{rt('prejoin.rule2')}</li>
            <li>{rt('prejoin.rule3')}</li>
            <li>{rt('prejoin.rule4')}</li>
          </ul>
          <h2 class="h3">{rt('prejoin.recordingTitle')}</h2>
          <p class="notice-text" data-testid="prejoin-recording-notice">{rt('prejoin.recording')}</p>
          <label class="check accept">
            <input type="checkbox" data-testid="prejoin-accept" checked={accepted} required
              onChange={(e) => setAccepted((e.currentTarget as HTMLInputElement).checked)} />
            <span>{rt('prejoin.accept')}</span>
          </label>
          <ErrorBanner error={error} />
          <button type="button" class="btn btn-primary btn-block" data-testid="prejoin-join" disabled={!accepted || joining} onClick={join}>
            {joining ? rt('prejoin.joining') : rt('prejoin.join')}
          </button>
        </div>
      </div>
    </section>
  );
}
