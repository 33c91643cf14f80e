import { FLOOR_CHANNEL, INTERPRETATION_MODES, type InterpretationMode, type ListeningChannel } from '../../../signaling/protocol/domain.js';
import type { HearingSnapshot, ParticipantState } from '../../../signaling/protocol/hearing.js';
import type { RoomController } from './controller.js';
import { rt, type RoomKey } from './i18n.js';

const channelKey = (c: ListeningChannel): RoomKey => (c === FLOOR_CHANNEL ? 'channel.floor' : (`channel.lang.${c}` as RoomKey));
const modeKey = (m: InterpretationMode): RoomKey => `interp.mode.${m}` as RoomKey;

/**
 * Interpreter channels (issue 17): the listener's channel (a labelled select: keyboard and screen reader as any
 * form control), and the interpreter's mode, for the interpreter themselves and for the mediator. The server checks
 * who may do what; this only offers it. Shown only when the hearing has a language channel.
 */
export function ChannelPicker({ room, snapshot, self }: { room: RoomController; snapshot: HearingSnapshot; self: ParticipantState }) {
  if (snapshot.channels.length === 0) return null;
  const channels: ListeningChannel[] = [FLOOR_CHANNEL, ...snapshot.channels];
  const interpreters = snapshot.participants.filter((p) => p.interpreting && p.roomId === self.roomId && (p.id === self.id || self.role === 'mediator'));
  return (
    <div class="channel-picker" data-testid="channel-picker-box">
      <label class="channel-field" for="channel-picker">
        <span>{rt('channel.label')}</span>
        <select id="channel-picker" data-testid="channel-picker" value={self.channel} aria-describedby="channel-picker-hint"
          onChange={(e) => void room.act('interpretation.listen', { channel: (e.currentTarget as HTMLSelectElement).value as ListeningChannel })}>
          {channels.map((c) => <option key={c} value={c}>{rt(channelKey(c))}</option>)}
        </select>
      </label>
      <span id="channel-picker-hint" class="visually-hidden">{rt('channel.hint')}</span>
      {interpreters.map((p) => (
        <label key={p.id} class="channel-field" for={`interp-mode-${p.id}`}>
          <span>{p.id === self.id ? rt('interp.mode.label') : rt('interp.mode.labelFor', { name: p.displayName })}</span>
          <select id={`interp-mode-${p.id}`} data-testid={`interp-mode-${p.id}`} value={p.interpreting!.mode}
            onChange={(e) => void room.act('interpretation.mode', { participantId: p.id, mode: (e.currentTarget as HTMLSelectElement).value as InterpretationMode })}>
            {INTERPRETATION_MODES.map((m) => (
              <option key={m} value={m} disabled={m === 'whispered' && p.interpreting!.serves.length === 0}>{rt(modeKey(m))}</option>
            ))}
          </select>
        </label>
      ))}
    </div>
  );
}
