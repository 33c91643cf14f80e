import { useState } from 'preact/hooks';
import type { HearingRole } from '../../../signaling/protocol/domain.js';
import type { HearingSnapshot, ParticipantState } from '../../../signaling/protocol/hearing.js';
import { t } from '../i18n/index.js';
import { rt } from './i18n.js';
import { roleLabel } from '../labels.js';
import type { RoomController } from './controller.js';
import { NotRecordedBadge } from '../recordings/ConsentDialog.js';
import { CaucusControls } from './CaucusPanel.js';
import { Icon } from './icons.js';

/** What the chair may do, as the server's policy says (server/hearings/permissions.ts); the server checks again. */
export const isMediator = (r: HearingRole) => r === 'mediator';
export const keepsDoor = (r: HearingRole) => r === 'mediator' || r === 'clerk';

interface Props {
  room: RoomController;
  snapshot: HearingSnapshot;
  self: ParticipantState;
  onClose: () => void;
  /** Who is absent from the running recording. */
  notRecorded?: ReadonlySet<string>;
}

function LobbyPanel({ room, people, mediator }: { room: RoomController; people: ParticipantState[]; mediator: boolean }) {
  return (
    <div class="lobby-panel" data-testid="lobby-panel">
      <h3 class="h4">{rt('people.lobby', { n: people.length })}</h3>
      {people.length === 0 ? <p class="muted small">{rt('people.lobbyEmpty')}</p> : null}
      <ul class="people">
        {people.map((p) => (
          <li key={p.id} class="person" data-testid="lobby-person" data-participant-id={p.id} data-presence={p.presence}>
            <div class="person-main">
              <span class="person-name">{p.displayName}</span>
              <span class={`role-tag role-${p.role}`}>{roleLabel(p.role)}</span>
              {p.presence === 'disconnected' ? <span class="presence presence-disconnected">{rt('presence.disconnected')}</span> : null}
            </div>
            <div class="button-row">
              <button type="button" class="btn btn-primary btn-small" data-testid={`lobby-admit-${p.id}`}
                onClick={() => void room.act('lobby.admit', { participantId: p.id })}>{rt('people.admit')}</button>
              {mediator ? (
                <button type="button" class="btn btn-danger btn-small" data-testid={`lobby-deny-${p.id}`}
                  onClick={() => void room.act('lobby.deny', { participantId: p.id })}>{rt('people.deny')}</button>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}

function PersonRow({ room, p, self, caucusNo, notRecorded }: { room: RoomController; p: ParticipantState; self: ParticipantState; caucusNo: number | null; notRecorded: boolean }) {
  const [confirmRemove, setConfirmRemove] = useState(false);
  const mediator = isMediator(self.role);
  const isSelf = p.id === self.id;
  const present = p.presence === 'joined' || p.presence === 'disconnected';
  const canMove = present && !isSelf && !isMediator(p.role);
  return (
    <li class="person" data-testid="participant-row" data-participant-id={p.id} data-presence={p.presence} data-room={p.roomId ?? ''}>
      <div class="person-main">
        <span class="person-name">{p.displayName}{isSelf ? ` (${rt('people.you')})` : ''}</span>
        <span class={`role-tag role-${p.role}`}>{roleLabel(p.role)}</span>
        <span class={`presence presence-${p.presence}`} data-testid={`presence-${p.id}`}>{rt(`presence.${p.presence}`)}</span>
        {caucusNo !== null ? <span class="tag tag-caucus">{rt('people.inCaucus', { n: caucusNo })}</span> : null}
        {notRecorded ? <NotRecordedBadge testId={`row-not-recorded-${p.id}`} /> : null}
        {p.handRaised ? <span class="tile-icon" title={rt('tile.hand')}><Icon name="hand" size={16} /></span> : null}
        {p.audioMuted ? <span class="tile-icon" title={rt('tile.muted')}><Icon name="micOff" size={16} /></span> : null}
        {p.videoMuted ? <span class="tile-icon" title={rt('tile.videoOff')}><Icon name="camOff" size={16} /></span> : null}
      </div>
      {present && !isSelf && (mediator || keepsDoor(self.role)) ? (
        <div class="button-row person-actions" aria-label={rt('people.actionsFor', { name: p.displayName })}>
          {mediator ? (
            <>
              <button type="button" class="btn btn-small" data-testid={`mute-audio-${p.id}`} disabled={p.audioMuted}
                onClick={() => void room.act('participant.mute', { participantId: p.id, kind: 'audio' })}>{rt('people.muteAudio')}</button>
              <button type="button" class="btn btn-small" data-testid={`mute-video-${p.id}`} disabled={p.videoMuted}
                onClick={() => void room.act('participant.mute', { participantId: p.id, kind: 'video' })}>{rt('people.muteVideo')}</button>
              <button type="button" class="btn btn-small" data-testid={`ask-unmute-${p.id}`}
                onClick={() => void room.act('participant.askUnmute', { participantId: p.id })}>{rt('people.askUnmute')}</button>
            </>
          ) : null}
          {canMove ? (
            <button type="button" class="btn btn-small" data-testid={`send-back-${p.id}`}
              onClick={() => void room.act('lobby.sendBack', { participantId: p.id })}>{rt('people.sendBack')}</button>
          ) : null}
          {canMove && mediator ? (
            <button type="button" class="btn btn-small btn-danger" data-testid={`remove-${p.id}`} aria-expanded={confirmRemove}
              onClick={() => setConfirmRemove(!confirmRemove)}>{rt('people.remove')}</button>
          ) : null}
        </div>
      ) : null}
      {confirmRemove ? (
        <div class="inline-confirm" data-testid={`remove-form-${p.id}`}>
          <span>{rt('people.removeConfirm', { name: p.displayName })}</span>
          <div class="button-row">
            <button type="button" class="btn btn-danger-solid btn-small" data-testid={`remove-confirm-${p.id}`}
              onClick={() => { setConfirmRemove(false); void room.act('participant.remove', { participantId: p.id }); }}>{rt('people.removeYes')}</button>
            <button type="button" class="btn btn-ghost btn-small" onClick={() => setConfirmRemove(false)}>{t('common.cancel')}</button>
          </div>
        </div>
      ) : null}
    </li>
  );
}

/** Participants: the lobby (mediator, clerk), everyone with their state and the chair's actions, lock, end, caucuses. */
export function PeoplePanel({ room, snapshot, self, onClose, notRecorded }: Props) {
  const [confirmEnd, setConfirmEnd] = useState(false);
  const mediator = isMediator(self.role);
  const lobby = snapshot.participants.filter((p) => p.roomId === null && p.presence !== 'left' && p.id !== self.id);
  const inside = snapshot.participants.filter((p) => p.roomId !== null || p.presence === 'left' || p.id === self.id);
  const order: Record<string, number> = { joined: 0, disconnected: 1, lobby: 2, left: 3 };
  inside.sort((a, b) => (order[a.presence] ?? 0) - (order[b.presence] ?? 0));
  const caucusNo = (roomId: string | null) => {
    const i = snapshot.caucuses.findIndex((c) => c.id === roomId);
    return i >= 0 ? i + 1 : null;
  };
  return (
    <section class="panel people-panel" data-testid="people-panel" aria-label={rt('people.title')}>
      <div class="panel-head">
        <h2 class="h3">{rt('people.title')}</h2>
        <button type="button" class="icon-btn" data-testid="people-close" aria-label={t('common.close')} onClick={onClose}>
          <Icon name="close" size={18} />
        </button>
      </div>
      {keepsDoor(self.role) ? <LobbyPanel room={room} people={lobby} mediator={mediator} /> : null}
      <h3 class="h4">{rt('people.inside')}</h3>
      <ul class="people" data-testid="participant-list">
        {inside.map((p) => <PersonRow key={p.id} room={room} p={p} self={self} caucusNo={caucusNo(p.roomId)} notRecorded={notRecorded?.has(p.id) ?? false} />)}
      </ul>
      {mediator ? <CaucusControls room={room} snapshot={snapshot} self={self} /> : null}
      {mediator ? (
        <div class="chair-actions">
          <button type="button" class={`btn btn-small ${snapshot.locked ? 'btn-selected' : ''}`} data-testid="lock-hearing" data-locked={snapshot.locked ? 'true' : 'false'}
            aria-pressed={snapshot.locked} onClick={() => void room.act('hearing.lock', { locked: !snapshot.locked })}>
            <Icon name={snapshot.locked ? 'lock' : 'unlock'} size={18} />
            {snapshot.locked ? rt('people.unlock') : rt('people.lock')}
          </button>
          <button type="button" class="btn btn-small btn-danger" data-testid="end-hearing" aria-expanded={confirmEnd} onClick={() => setConfirmEnd(!confirmEnd)}>
            {rt('people.end')}
          </button>
          {snapshot.locked ? <p class="hint">{rt('people.lockedHint')}</p> : null}
          {confirmEnd ? (
            <div class="inline-confirm" data-testid="end-form">
              <span>{rt('people.endConfirm')}</span>
              <div class="button-row">
                <button type="button" class="btn btn-danger-solid btn-small" data-testid="end-confirm"
                  onClick={() => { setConfirmEnd(false); void room.act('hearing.end', {}); }}>{rt('people.endYes')}</button>
                <button type="button" class="btn btn-ghost btn-small" data-testid="end-cancel" onClick={() => setConfirmEnd(false)}>{t('common.cancel')}</button>
              </div>
            </div>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
