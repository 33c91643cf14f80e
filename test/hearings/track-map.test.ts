import { describe, expect, it } from 'vitest';
import type { ParticipantState, ProducerSummary } from '../../signaling/protocol/hearing.js';
import { mapTracks, type IncomingTrack } from '../../client/src/room/trackMap.js';

/** The client's "whose track is this, camera or screen" with the producers' sources from the snapshot. */
const person = (id: string, extra: Partial<ParticipantState> = {}): ParticipantState => ({
  id, role: 'applicant', displayName: id, presence: 'joined', roomId: 'joint', audioMuted: false, videoMuted: false, handRaised: false,
  screenSharing: false, quality: 'good', forcedMuted: { audio: false, video: false }, consent: null,
  language: null, channel: 'floor', interpreting: null, ...extra,
});
const track = (name: string) => ({ id: name }) as unknown as IncomingTrack['track'];
const incoming = (mid: string, kind: 'audio' | 'video', streamId: string, trackId: string, seq: number): IncomingTrack =>
  ({ mid, kind, track: track(`${streamId}/${trackId}`), streamId, trackId, seq });

describe('mapTracks with producer sources', () => {
  it('tells the screen from the camera by the producer source, whatever the order the sections came in', () => {
    const tracks = [incoming('0', 'audio', 'A', 'mic', 1), incoming('1', 'video', 'A', 'scr', 2), incoming('2', 'video', 'A', 'cam', 3)];
    const producers: ProducerSummary[] = [
      { id: 'mic', participantId: 'A', kind: 'audio', source: 'microphone' },
      { id: 'cam', participantId: 'A', kind: 'video', source: 'camera' },
      { id: 'scr', participantId: 'A', kind: 'video', source: 'screen' },
    ];
    // The screen's section came first (a reused m-line): the heuristic would call it the camera.
    const m = mapTracks(tracks, [person('A', { screenSharing: true })], 'ME', producers).get('A')!;
    expect((m.camera as unknown as { id: string }).id).toBe('A/cam');
    expect((m.screen as unknown as { id: string }).id).toBe('A/scr');
    expect(m.audio).toHaveLength(1);
  });

  it('a screen share with the camera off is a screen, not a camera', () => {
    const producers: ProducerSummary[] = [{ id: 'scr', participantId: 'A', kind: 'video', source: 'screen' }];
    const m = mapTracks([incoming('1', 'video', 'A', 'scr', 1)], [person('A')], 'ME', producers).get('A')!;
    expect(m.camera).toBeNull();
    expect((m.screen as unknown as { id: string }).id).toBe('A/scr');
  });

  it('without sources (an older server) the order heuristic still applies', () => {
    const m = mapTracks([incoming('1', 'video', 'A', 'x', 1), incoming('3', 'video', 'A', 'y', 2)], [person('A', { screenSharing: true })], 'ME').get('A')!;
    expect((m.camera as unknown as { id: string }).id).toBe('A/x');
    expect((m.screen as unknown as { id: string }).id).toBe('A/y');
  });
});
