import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ParticipantSession } from '../../../signaling/protocol/api.js';
import { AppHeader } from '../components/AppHeader.js';
import { LangSwitch } from '../components/LangSwitch.js';
import { t, useLang } from '../i18n/index.js';
import { rt } from './i18n.js';
import { getParticipantSession } from '../session.js';
import { CaucusBanner } from './CaucusPanel.js';
import { ChannelPicker } from './ChannelPicker.js';
import { debugOn } from './debug.js';
import { AudioMixer } from './mixer.js';
import { ChatPanel } from './ChatPanel.js';
import { ControlsBar } from './ControlsBar.js';
import { RoomController, roomMates, selfOf, type RoomState } from './controller.js';
import { useEmitterState, useMedia } from './hooks.js';
import { Icon } from './icons.js';
import { PeoplePanel, keepsDoor } from './PeoplePanel.js';
import { PreJoin } from './PreJoin.js';
import { ClosedScreen, ConnectionBanner, LobbyWaiting, RoomNotices } from './Screens.js';
import { Stage, type ViewMode } from './Stage.js';
import './room.css';
import { RoomRecording } from '../recordings/RoomRecording.js';
import { useNotRecorded } from '../recordings/useRecording.js';
import { CaptionsArea, CaptionsToggle, useCaptions } from '../captions/Captions.js';

/** `/room`: pre-join, lobby, the hearing itself, and the closed screen. A rejoin starts over with a new controller. */
export function RoomView() {
  useLang();
  const [session] = useState<ParticipantSession | null>(() => getParticipantSession());
  const [epoch, setEpoch] = useState(0);
  if (!session) {
    return (
      <>
        <AppHeader session={null} />
        <section class="card narrow" data-testid="room-no-session">
          <h1>{t('room.title')}</h1>
          <div class="banner banner-info" role="status"><div class="banner-body">{t('waiting.noSession')}</div></div>
        </section>
      </>
    );
  }
  return <Room key={epoch} session={session} onRejoin={() => setEpoch((e) => e + 1)} />;
}

function Room({ session, onRejoin }: { session: ParticipantSession; onRejoin: () => void }) {
  const room = useMemo(() => new RoomController(() => getParticipantSession()?.token ?? null), []);
  useEffect(() => {
    // Camera and microphone, the socket and the publishing connection get ready while the pre-join page is read.
    room.prepare();
    return () => room.dispose();
  }, [room]);
  const state = useEmitterState<RoomState>(room.events, () => room.state);
  const [chatOpen, setChatOpen] = useState(false);
  const [seenChat, setSeenChat] = useState(0);
  const chatCount = state.hearing?.chat.length ?? 0;
  useEffect(() => {
    if (chatOpen) setSeenChat(chatCount);
  }, [chatOpen, chatCount]);
  const unread = Math.max(0, chatCount - seenChat);
  const toggleChat = () => setChatOpen(!chatOpen);

  const { phase } = state;
  const framed = (body: ComponentChildren) => (
    <div class="room room-framed" data-testid="hearing-room" data-phase={phase}>
      <AppHeader session={null} />
      <main id="main" class="room-page">{body}</main>
    </div>
  );

  if (phase === 'prejoin' || phase === 'joining') {
    return framed(<PreJoin room={room} session={session} local={state.local} joining={phase === 'joining'} error={state.error} />);
  }
  if (phase === 'closed') {
    return framed(
      <>
        <ClosedScreen connection={state.hearing!.connection} onRejoin={onRejoin} />
      </>,
    );
  }
  if (phase === 'lobby') {
    const snapshot = state.hearing!.snapshot!;
    return framed(
      <>
        <ConnectionBanner connection={state.hearing!.connection} mediaStatus={null} />
        <RoomNotices room={room} state={state} />
        <LobbyWaiting room={room} state={state} caseNumber={snapshot.caseNumber} onChat={toggleChat} chatOpen={chatOpen} unread={unread} />
        {chatOpen ? (
          <div class="lobby-chat">
            <ChatPanel messages={state.hearing!.chat} selfId={snapshot.selfId} lobby onClose={() => setChatOpen(false)}
              onSend={async (to, text) => !!(await room.act('chat.send', { to, text }))} />
          </div>
        ) : null}
      </>,
    );
  }
  return <Inside room={room} state={state} chatOpen={chatOpen} setChatOpen={setChatOpen} unread={unread} />;
}

interface InsideProps {
  room: RoomController;
  state: RoomState;
  chatOpen: boolean;
  setChatOpen: (v: boolean) => void;
  unread: number;
}

function Inside({ room, state, chatOpen, setChatOpen, unread }: InsideProps) {
  const wide = useMedia('(min-width: 900px)');
  const hearing = state.hearing!;
  const snapshot = hearing.snapshot!;
  const self = selfOf(snapshot)!;
  const [mode, setMode] = useState<ViewMode>('grid');
  const [peopleChoice, setPeopleChoice] = useState<boolean | null>(null);
  const peopleOpen = peopleChoice ?? (wide && keepsDoor(self.role));
  // On a phone one sheet at a time.
  const openPeople = (v: boolean) => {
    setPeopleChoice(v);
    if (v && !wide) setChatOpen(false);
  };
  const openChat = (v: boolean) => {
    setChatOpen(v);
    if (v && !wide) setPeopleChoice(false);
  };
  const mates = roomMates(snapshot).filter((p) => p.presence !== 'lobby');
  const media = state.media;
  const waiting = keepsDoor(self.role) ? snapshot.participants.filter((p) => p.roomId === null && p.presence !== 'left').length : 0;
  const canShare = typeof navigator !== 'undefined' && !!navigator.mediaDevices && 'getDisplayMedia' in navigator.mediaDevices;
  const inCaucus = self.roomId !== null && self.roomId !== 'joint';
  const notRecorded = useNotRecorded(room.client);
  // Only a hearing with language channels mixes in WebAudio; elsewhere remote audio plays as plain <audio> elements.
  const mixer = useRoomMixer(snapshot.channels.length > 0);
  const { model: capModel, view: capView } = useCaptions(room.client);
  const names = useMemo(() => new Map(snapshot.participants.map((p) => [p.id, p.displayName])), [snapshot]);

  return (
    <div class="room room-inside" data-testid="hearing-room" data-phase="inside" data-role={self.role} data-in-caucus={inCaucus ? 'true' : 'false'}>
      <header class="room-bar">
        <div class="room-title">
          <span class="brand-mark" aria-hidden="true" />
          <span class="room-case" data-testid="room-case-number">{snapshot.caseNumber}</span>
          {snapshot.locked ? <span class="badge badge-warn" data-testid="room-locked"><Icon name="lock" size={14} /> {rt('people.locked')}</span> : null}
        </div>
        <div class="room-tools">
          <button type="button" class="btn btn-ghost btn-small" data-testid="view-toggle" data-view={mode}
            aria-label={mode === 'grid' ? rt('view.speaker') : rt('view.grid')} title={mode === 'grid' ? rt('view.speaker') : rt('view.grid')}
            onClick={() => setMode(mode === 'grid' ? 'speaker' : 'grid')}>
            <Icon name={mode === 'grid' ? 'speaker' : 'grid'} size={18} />
            <span class="hide-narrow">{mode === 'grid' ? rt('view.speaker') : rt('view.grid')}</span>
          </button>
          <ChannelPicker room={room} snapshot={snapshot} self={self} />
          <CaptionsToggle model={capModel} view={capView} />
          <LangSwitch />
        </div>
      </header>
      <div class="room-banners">
        <ConnectionBanner connection={hearing.connection} mediaStatus={media?.status ?? null} />
        <CaucusBanner snapshot={snapshot} self={self} />
        <RoomRecording room={room} self={self} />
        <RoomNotices room={room} state={state} />
        {waiting > 0 && !peopleOpen ? (
          <div class="banner banner-info" role="status" data-testid="lobby-notice" data-count={waiting}>
            <div class="banner-body">{rt('people.waitingNotice', { n: waiting })}</div>
            <button type="button" class="btn btn-small" data-testid="lobby-open" onClick={() => openPeople(true)}>{rt('people.open')}</button>
          </div>
        ) : null}
      </div>
      <main id="main" class="room-body">
        <div class="room-stage-area">
          <div class="room-stage">
            <Stage self={self} selfTrack={state.local.videoTrack} selfScreen={media?.screenTrack ?? null}
              selfQuality={self.quality === 'unknown' && media?.quality ? media.quality : self.quality}
              mates={mates} remote={media?.remote ?? new Map()} speaker={state.speaker} mode={mode} audioOnly={!!media?.audioOnly}
              onTileHeight={(pid, px) => room.setTileHeight(pid, px)} notRecorded={notRecorded} mixer={mixer} />
          </div>
          <CaptionsArea view={capView} names={names} />
        </div>
        {peopleOpen || chatOpen ? (
          <aside class="room-side" data-sheet={wide ? 'false' : 'true'}>
            {peopleOpen ? <PeoplePanel room={room} snapshot={snapshot} self={self} onClose={() => openPeople(false)} notRecorded={notRecorded} /> : null}
            {chatOpen ? (
              <ChatPanel messages={hearing.chat} selfId={snapshot.selfId} lobby={false} onClose={() => openChat(false)}
                onSend={async (to, text) => !!(await room.act('chat.send', { to, text }))} />
            ) : null}
          </aside>
        ) : null}
      </main>
      <ControlsBar micOn={state.local.micOn} cameraOn={state.local.cameraOn} sharing={!!media?.screenTrack} canShare={canShare}
        handRaised={self.handRaised} audioOnly={!!media?.audioOnly} chatOpen={chatOpen} peopleOpen={peopleOpen} unread={unread}
        waiting={waiting} forced={state.forced} mediaReady={!!media && media.status !== 'idle'}
        onMic={() => void room.toggleMic()} onCamera={() => void room.toggleCamera()} onScreen={() => void room.toggleScreen()}
        onHand={() => void room.toggleHand()} onAudioOnly={() => void room.setAudioOnly(!media?.audioOnly)}
        onChat={() => openChat(!chatOpen)} onPeople={() => openPeople(!peopleOpen)} onLeave={() => void room.leave()} />
    </div>
  );
}

declare global {
  /** The media trace's probe of the room's mix (debug.ts): each participant's played RMS after the channel gains. */
  var __concordAudioLevels: (() => Record<string, number>) | undefined;
}

/**
 * The room's WebAudio mix of remote audio (interpreter channels: mixer.ts), closed with the room. With the media
 * trace on (debug.ts), `window.__concordAudioLevels()` reports what each participant plays at after the mix.
 */
function useRoomMixer(wanted: boolean): AudioMixer | null {
  const mixer = useMemo(() => (wanted && AudioMixer.supported() ? new AudioMixer() : null), [wanted]);
  useEffect(() => {
    if (mixer && debugOn()) globalThis.__concordAudioLevels = () => mixer.levels();
    return () => {
      mixer?.close();
      globalThis.__concordAudioLevels = undefined;
    };
  }, [mixer]);
  return mixer;
}
