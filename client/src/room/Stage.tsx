import type { ParticipantState } from '../../../signaling/protocol/hearing.js';
import { rt } from './i18n.js';
import { roleLabel } from '../labels.js';
import { useEffect, useRef, useState } from 'preact/hooks';
import { NotRecordedBadge } from '../recordings/ConsentDialog.js';
import { useMediaElement } from './hooks.js';
import { Icon } from './icons.js';
import type { RemoteMedia } from './trackMap.js';
import { gainFor, type AudioMixer } from './mixer.js';

export type ViewMode = 'grid' | 'speaker';
type Quality = ParticipantState['quality'];

interface TileProps {
  p: ParticipantState;
  track: MediaStreamTrack | null;
  self?: boolean;
  speaking: boolean;
  quality: Quality;
  small?: boolean;
  main?: boolean;
  /** Absent from the running recording: everyone sees a "not recorded" badge. */
  notRecorded?: boolean;
  /** Told the tile's rendered height in device pixels whenever it changes (remote tiles: picks the simulcast layer). */
  onHeight?: (px: number) => void;
}

/** Follows an element's rendered height (device pixels) with a ResizeObserver. */
function useRenderedHeight(onHeight: ((px: number) => void) | undefined) {
  const ref = useRef<HTMLDivElement>(null);
  const cb = useRef(onHeight);
  cb.current = onHeight;
  useEffect(() => {
    const el = ref.current;
    if (!el || !cb.current || typeof ResizeObserver === 'undefined') return;
    const report = () => cb.current?.(el.getBoundingClientRect().height * (window.devicePixelRatio || 1));
    const ro = new ResizeObserver(report);
    ro.observe(el);
    report();
    return () => ro.disconnect();
  }, []);
  return ref;
}

export function QualityDot({ id, quality }: { id: string; quality: Quality }) {
  return (
    <span class={`qdot q-${quality}`} data-testid={`quality-${id}`} data-quality={quality} title={rt(`quality.${quality}`)}
      role="img" aria-label={rt(`quality.${quality}`)} />
  );
}

/** One person: video (or their initial), name and role, mic / camera state, raised hand, connection quality. */
export function VideoTile({ p, track, self, speaking, quality, small, main, notRecorded, onHeight }: TileProps) {
  const ref = useMediaElement<HTMLVideoElement>(track);
  const box = useRenderedHeight(onHeight);
  const showVideo = !!track && !p.videoMuted;
  const cls = ['tile', speaking ? 'speaking' : '', small ? 'tile-small' : '', main ? 'tile-main' : '', p.presence === 'disconnected' ? 'tile-away' : ''].join(' ');
  return (
    <div ref={box} class={cls} data-testid="video-tile" data-participant-id={p.id} data-self={self ? 'true' : undefined}
      data-speaking={speaking ? 'true' : 'false'} data-video={showVideo ? 'on' : 'off'}>
      <video ref={ref} class={self ? 'mirror' : ''} autoplay playsInline muted hidden={!showVideo} />
      {showVideo ? null : (
        <div class="tile-avatar">
          <span class="avatar" aria-hidden="true">{p.displayName.slice(0, 1)}</span>
        </div>
      )}
      {p.handRaised ? (
        <span class="tile-hand" data-testid={`hand-${p.id}`} title={rt('tile.hand')} role="img" aria-label={rt('tile.hand')}>
          <Icon name="hand" size={20} />
        </span>
      ) : null}
      {p.presence === 'disconnected' ? <span class="tile-away-label">{rt('tile.disconnected')}</span> : null}
      <div class="tile-label">
        <QualityDot id={p.id} quality={quality} />
        <span class="tile-name">{self ? rt('tile.you', { name: p.displayName }) : p.displayName}</span>
        <span class={`role-tag role-${p.role}`}>{roleLabel(p.role)}</span>
        {notRecorded ? <NotRecordedBadge testId={`not-recorded-${p.id}`} /> : null}
        {p.audioMuted ? (
          <span class="tile-icon" data-testid={`muted-audio-${p.id}`} title={rt('tile.muted')} role="img" aria-label={rt('tile.muted')}>
            <Icon name="micOff" size={16} />
          </span>
        ) : null}
        {p.forcedMuted?.audio || p.forcedMuted?.video ? (
          <span class="tile-icon tile-forced" data-testid={`forced-muted-${p.id}`} title={rt('tile.forcedMuted')} role="img" aria-label={rt('tile.forcedMuted')}>
            <Icon name="lock" size={16} />
          </span>
        ) : null}
        {p.videoMuted ? (
          <span class="tile-icon" data-testid={`muted-video-${p.id}`} title={rt('tile.videoOff')} role="img" aria-label={rt('tile.videoOff')}>
            <Icon name="camOff" size={16} />
          </span>
        ) : null}
      </div>
    </div>
  );
}

function ScreenTile({ p, track, main }: { p: ParticipantState; track: MediaStreamTrack; main: boolean }) {
  const ref = useMediaElement<HTMLVideoElement>(track);
  return (
    <div class={`tile tile-screen ${main ? 'tile-main' : ''}`} data-testid="screen-tile" data-participant-id={p.id}>
      <video ref={ref} autoplay playsInline muted />
      <div class="tile-label">
        <Icon name="screen" size={16} />
        <span class="tile-name">{rt('tile.screen', { name: p.displayName })}</span>
      </div>
    </div>
  );
}

/**
 * Remote audio plays whichever tiles are on screen, at the channel mix's `gain`: through the room's WebAudio mixer
 * (the element then only holds the stream, muted), or by the element's own volume where WebAudio is missing.
 */
function RemoteAudioTrack({ pid, track, gain, mixer }: { pid: string; track: MediaStreamTrack; gain: number; mixer: AudioMixer | null }) {
  const ref = useMediaElement<HTMLAudioElement>(track);
  const [mixed, setMixed] = useState(false);
  useEffect(() => {
    if (!mixer) return;
    let stop: (() => void) | null = null;
    try {
      stop = mixer.add(pid, track, gain);
      setMixed(true);
    } catch {
      setMixed(false);
    }
    return () => stop?.();
    // The gain follows in the effect below; re-adding the track on a gain change would cut the sound.
  }, [mixer, pid, track]);
  useEffect(() => {
    if (mixed && mixer) mixer.setGain(track.id, gain);
    else if (ref.current) ref.current.volume = gain;
  }, [gain, mixed, mixer, track]);
  return <audio ref={ref} autoplay muted={mixed} data-testid="remote-audio" data-participant-id={pid} data-gain={gain} />;
}

interface StageProps {
  self: ParticipantState;
  selfTrack: MediaStreamTrack | null;
  selfScreen: MediaStreamTrack | null;
  selfQuality: Quality;
  mates: ParticipantState[];
  remote: Map<string, RemoteMedia>;
  speaker: string | null;
  mode: ViewMode;
  /** Audio-only: nobody's video is received, tiles show initials. */
  audioOnly: boolean;
  /** A remote tile's rendered height (device pixels), for the simulcast layer the SFU sends. */
  onTileHeight?: (participantId: string, px: number) => void;
  /** Who is absent from the running recording. */
  notRecorded?: ReadonlySet<string>;
  /** The room's WebAudio mix (interpreter channels); null where WebAudio is missing. */
  mixer?: AudioMixer | null;
}

/**
 * The video grid (1-2 columns on phones) or the speaker view (one large tile and a strip). Both render the same keyed
 * tiles in one container and differ only in classes, so switching the view or the speaker never re-creates a <video>
 * (which would flash black until the next frame).
 */
export function Stage({ self, selfTrack, selfScreen, selfQuality, mates, remote, speaker, mode, audioOnly, onTileHeight, notRecorded, mixer = null }: StageProps) {
  const tiles = [
    { p: self, track: selfTrack, self: true, quality: selfQuality },
    ...mates.map((p) => ({ p, track: audioOnly ? null : remote.get(p.id)?.camera ?? null, self: false, quality: p.quality })),
  ];
  const screens = audioOnly ? [] : mates.flatMap((p) => {
    const s = remote.get(p.id)?.screen;
    return s ? [{ p, track: s }] : [];
  });
  // Our own shared screen last: the others' come first in the speaker view.
  if (selfScreen) screens.push({ p: self, track: selfScreen });
  const audio = mates.flatMap((p) => (remote.get(p.id)?.audio ?? []).map((track) => ({ pid: p.id, track, gain: gainFor(self, p) })));

  const view: ViewMode = mode === 'speaker' && tiles.length + screens.length > 1 ? 'speaker' : 'grid';
  // Focus: a shared screen, else the active speaker (not ourselves), else the first other person.
  let mainKey: string | null = null;
  if (view === 'speaker') {
    const focus = speaker && speaker !== self.id && mates.some((p) => p.id === speaker) ? speaker : mates[0]?.id ?? self.id;
    mainKey = screens[0] ? `screen-${screens[0].p.id}` : focus;
  }
  const count = tiles.length + screens.length;
  return (
    <div class={`stage stage-${view}`} data-testid="stage" data-view={view} data-count={Math.min(count, 9)}>
      {screens.map((x) => (
        <ScreenTile key={`screen-${x.p.id}`} p={x.p} track={x.track} main={mainKey === `screen-${x.p.id}`} />
      ))}
      {tiles.map((x) => (
        <VideoTile key={x.p.id} p={x.p} track={x.track} self={x.self} quality={x.quality} speaking={speaker === x.p.id}
          main={mainKey === x.p.id} small={mainKey !== null && mainKey !== x.p.id} notRecorded={notRecorded?.has(x.p.id) ?? false}
          {...(!x.self && onTileHeight ? { onHeight: (px: number) => onTileHeight(x.p.id, px) } : {})} />
      ))}
      {mates.length === 0 ? <p class="stage-alone muted" data-testid="stage-alone">{rt('stage.alone')}</p> : null}
      <div class="remote-audio" aria-hidden="true">
        {audio.map((a) => <RemoteAudioTrack key={a.track.id} pid={a.pid} track={a.track} gain={a.gain} mixer={mixer} />)}
      </div>
    </div>
  );
}
