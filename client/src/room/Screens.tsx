import { ErrorBanner } from '../components/ErrorBanner.js';
import { rt } from './i18n.js';
import { roleLabel } from '../labels.js';
import { navigate } from '../router.js';
import type { RoomController, RoomState } from './controller.js';
import type { ConnectionState } from './hearingClient.js';
import { Icon } from './icons.js';
import { SelfPreview } from './PreJoin.js';

/** Connection lost and coming back (socket.io reconnecting), or media still connecting / interrupted. */
export function ConnectionBanner({ connection, mediaStatus }: { connection: ConnectionState; mediaStatus: string | null }) {
  if (connection.kind === 'connecting' || connection.kind === 'reconnecting') {
    return (
      <div class="banner banner-warn" role="status" aria-live="polite" data-testid="connection-banner" data-state={connection.kind}>
        <span class="spinner" aria-hidden="true" />
        <div class="banner-body">
          {connection.kind === 'connecting' ? rt('banner.connecting') : rt('banner.reconnecting', { n: Math.max(1, connection.attempt) })}
        </div>
      </div>
    );
  }
  if (mediaStatus === 'connecting' || mediaStatus === 'failed') {
    return (
      <div class="banner banner-info" role="status" data-testid="media-banner" data-status={mediaStatus}>
        <span class="spinner" aria-hidden="true" />
        <div class="banner-body">{mediaStatus === 'failed' ? rt('banner.mediaFailed') : rt('banner.mediaConnecting')}</div>
      </div>
    );
  }
  return null;
}

/** Short notices (muted by the mediator, switched to audio-only), the unmute request and the last action's error. */
export function RoomNotices({ room, state }: { room: RoomController; state: RoomState }) {
  return (
    <>
      {state.askUnmute ? (
        <div class="banner banner-info unmute-prompt" role="alertdialog" aria-live="assertive" data-testid="unmute-prompt">
          <div class="banner-body">{rt('unmute.prompt')}</div>
          <div class="button-row">
            <button type="button" class="btn btn-primary btn-small" data-testid="unmute-accept" onClick={() => void room.acceptUnmute()}>{rt('unmute.accept')}</button>
            <button type="button" class="btn btn-ghost btn-small" data-testid="unmute-dismiss" onClick={() => room.dismissUnmute()}>{rt('unmute.dismiss')}</button>
          </div>
        </div>
      ) : null}
      {state.notice ? (
        <div class="banner banner-info" role="status" data-testid="room-notice" data-notice={state.notice}>
          <div class="banner-body">{rt(`notice.${state.notice}`)}</div>
        </div>
      ) : null}
      <ErrorBanner error={state.error} onDismiss={() => room.clearError()} />
    </>
  );
}

interface LobbyProps {
  room: RoomController;
  state: RoomState;
  caseNumber: string;
  onChat: () => void;
  chatOpen: boolean;
  unread: number;
}

/** In the lobby: waiting for the mediator, with the own preview so the camera can still be checked. */
export function LobbyWaiting({ room, state, caseNumber, onChat, chatOpen, unread }: LobbyProps) {
  const self = room.self;
  const local = state.local;
  return (
    <section class="card lobby-waiting" data-testid="lobby-waiting">
      <h1>{rt('lobby.title')}</h1>
      <div class="waiting-status" role="status" aria-live="polite">
        <span class="pulse" aria-hidden="true" />
        <span data-testid="lobby-message">{rt('lobby.waiting')}</span>
      </div>
      <p class="muted small">{caseNumber}{self ? ` · ${roleLabel(self.role)} · ${self.displayName}` : ''}</p>
      <SelfPreview local={local} testId="lobby-preview" name={self?.displayName ?? ''} />
      <div class="prejoin-toggles">
        <button type="button" class={`round-btn ${local.micOn ? '' : 'off'}`} data-testid="ctl-mic" aria-pressed={!local.micOn}
          aria-label={local.micOn ? rt('ctl.mic.mute') : rt('ctl.mic.unmute')} onClick={() => void room.toggleMic()}>
          <Icon name={local.micOn ? 'mic' : 'micOff'} />
        </button>
        <button type="button" class={`round-btn ${local.cameraOn ? '' : 'off'}`} data-testid="ctl-camera" aria-pressed={!local.cameraOn}
          aria-label={local.cameraOn ? rt('ctl.camera.off') : rt('ctl.camera.on')} onClick={() => void room.toggleCamera()}>
          <Icon name={local.cameraOn ? 'cam' : 'camOff'} />
        </button>
        <button type="button" class="btn btn-small" data-testid="ctl-chat" aria-pressed={chatOpen} onClick={onChat}>
          <Icon name="chat" size={18} /> {rt('lobby.writeMediator')}{unread && !chatOpen ? ` (${unread})` : ''}
        </button>
        <button type="button" class="btn btn-small btn-danger" data-testid="ctl-leave" onClick={() => void room.leave()}>{rt('ctl.leave')}</button>
      </div>
      <p class="hint">{rt('lobby.tips')}</p>
    </section>
  );
}

const REJOINABLE = new Set(['left', 'server_disconnect']);

/** Removed, denied, ended, link revoked, left or refused: why, and where to go. */
export function ClosedScreen({ connection, onRejoin }: { connection: ConnectionState; onRejoin: () => void }) {
  if (connection.kind !== 'closed') return null;
  const { reason, message, code } = connection;
  return (
    <section class="card narrow" data-testid="hearing-closed" data-reason={reason} data-code={code}>
      <h1>{rt('closed.title')}</h1>
      <div class={`banner ${reason === 'ended' || reason === 'left' ? 'banner-info' : 'banner-error'}`} role="status">
        <div class="banner-body">
          <strong data-testid="closed-message">{rt(`closed.${reason}`)}</strong>
          {message ? <div class="banner-detail">{rt('closed.reason', { message })}</div> : null}
        </div>
      </div>
      <div class="button-row">
        {REJOINABLE.has(reason) || (reason === 'refused' && code === 'NETWORK') ? (
          <button type="button" class="btn btn-primary" data-testid="closed-rejoin" onClick={onRejoin}>{rt('closed.rejoin')}</button>
        ) : null}
        <button type="button" class="btn" data-testid="closed-back" onClick={() => navigate('/waiting')}>{rt('closed.back')}</button>
      </div>
    </section>
  );
}
