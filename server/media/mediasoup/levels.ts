import type { types } from 'mediasoup';
import { levelFromDbov } from './codecs.js';

/**
 * Audio levels from the router's AudioLevelObserver (RFC 6464 levels the publishers send, averaged by mediasoup over
 * each interval): every participant with a microphone is named, 0 when silent. A publisher without the audio level
 * header extension always reads 0 (mediasoup does not decode audio). Silence is reported once.
 */
export class AudioLevels {
  private last = '';

  constructor(
    observer: types.AudioLevelObserver,
    /** Participants publishing audio now. */
    private readonly speakers: () => string[],
    private readonly emit: (levels: Record<string, number>) => void,
  ) {
    observer.on('volumes', (volumes) => {
      const out = this.zero();
      for (const v of volumes) {
        const pid = (v.producer.appData as { participantId?: unknown }).participantId;
        if (typeof pid === 'string' && pid in out) out[pid] = Math.max(out[pid]!, levelFromDbov(v.volume));
      }
      this.report(out);
    });
    observer.on('silence', () => this.report(this.zero()));
  }

  private zero(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const id of this.speakers()) out[id] = 0;
    return out;
  }

  private report(levels: Record<string, number>): void {
    if (Object.keys(levels).length === 0) return;
    const k = JSON.stringify(levels);
    if (Object.values(levels).every((v) => v === 0) && k === this.last) return;
    this.last = k;
    this.emit(levels);
  }
}
