import { rt } from './i18n.js';
import { tp } from '../i18n/pad/index.js';
import { Icon, type IconName } from './icons.js';
import { useRoomPad } from '../pad/RoomPadButton.js';
import { useMedia } from './hooks.js';
import { MoreMenu } from './MoreMenu.js';

/** Below this the nine controls do not fit in one labelled row (Portuguese needs about 880 px): the rest go in "more". */
export const COMPACT_CONTROLS = '(max-width: 899px)';

interface BtnProps {
  testId: string;
  icon: IconName;
  label: string;
  onClick: () => void;
  pressed?: boolean;
  off?: boolean;
  danger?: boolean;
  disabled?: boolean;
  badge?: number;
  locked?: boolean;
}

function Ctl({ testId, icon, label, onClick, pressed, off, danger, disabled, badge, locked }: BtnProps) {
  return (
    <button type="button" class={`ctl ${off ? 'off' : ''} ${danger ? 'ctl-danger' : ''} ${pressed ? 'on' : ''}`} data-testid={testId}
      aria-pressed={pressed === undefined ? undefined : pressed} aria-label={label} title={label} disabled={disabled}
      data-locked={locked ? 'true' : undefined} onClick={onClick}>
      <Icon name={icon} />
      <span class="ctl-label">{label}</span>
      {badge ? <span class="ctl-badge" aria-hidden="true">{badge > 99 ? '99+' : badge}</span> : null}
    </button>
  );
}

export interface ControlsProps {
  micOn: boolean;
  cameraOn: boolean;
  sharing: boolean;
  canShare: boolean;
  handRaised: boolean;
  audioOnly: boolean;
  chatOpen: boolean;
  peopleOpen: boolean;
  unread: number;
  waiting: number;
  forced: { audio: boolean; video: boolean };
  mediaReady: boolean;
  onMic: () => void;
  onCamera: () => void;
  onScreen: () => void;
  onHand: () => void;
  onAudioOnly: () => void;
  onChat: () => void;
  onPeople: () => void;
  onLeave: () => void;
}

/**
 * The controls bar at the bottom of the screen. Wide screens: every control, labelled. Below 900 px: microphone, camera,
 * "more" and Leave, labelled, and the other controls in the "more" menu (same test ids), so it fits at 360 px.
 */
export function ControlsBar(p: ControlsProps) {
  const compact = useMedia(COMPACT_CONTROLS);
  const pad = useRoomPad();
  const chatBadge = p.chatOpen ? 0 : p.unread;
  const rest = (
    <>
      <Ctl testId="ctl-screen" icon="screen" label={p.sharing ? rt('ctl.screen.stop') : rt('ctl.screen.start')} pressed={p.sharing}
        disabled={!p.canShare || !p.mediaReady} onClick={p.onScreen} />
      <Ctl testId="ctl-hand" icon="hand" label={p.handRaised ? rt('ctl.hand.lower') : rt('ctl.hand.raise')} pressed={p.handRaised} onClick={p.onHand} />
      <Ctl testId="ctl-audio-only" icon="audioOnly" label={rt('ctl.audioOnly')} pressed={p.audioOnly} disabled={!p.mediaReady} onClick={p.onAudioOnly} />
      {pad.available ? <Ctl testId="ctl-pad" icon="pad" label={tp('pad.room.open')} pressed={pad.open} onClick={pad.toggle} /> : null}
      <Ctl testId="ctl-chat" icon="chat" label={rt('ctl.chat')} pressed={p.chatOpen} badge={chatBadge} onClick={p.onChat} />
      <Ctl testId="ctl-people" icon="people" label={rt('ctl.people')} pressed={p.peopleOpen} badge={p.waiting} onClick={p.onPeople} />
    </>
  );
  return (
    <nav class={`controls ${compact ? 'controls-compact' : ''}`} data-testid="controls" aria-label={rt('ctl.bar')}>
      <Ctl testId="ctl-mic" icon={p.micOn ? 'mic' : 'micOff'} label={p.micOn ? rt('ctl.mic.mute') : rt('ctl.mic.unmute')}
        off={!p.micOn} pressed={!p.micOn} locked={p.forced.audio} onClick={p.onMic} />
      <Ctl testId="ctl-camera" icon={p.cameraOn ? 'cam' : 'camOff'} label={p.cameraOn ? rt('ctl.camera.off') : rt('ctl.camera.on')}
        off={!p.cameraOn} pressed={!p.cameraOn} locked={p.forced.video} onClick={p.onCamera} />
      {compact ? <MoreMenu label={rt('ctl.more')} badge={chatBadge + p.waiting}>{rest}</MoreMenu> : rest}
      <Ctl testId="ctl-leave" icon="leave" label={rt('ctl.leave')} danger onClick={p.onLeave} />
      {pad.drawer}
    </nav>
  );
}
