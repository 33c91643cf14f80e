import type { MediaRouter } from '../../../server/media/engine.js';
import type { RecordingState } from '../../../signaling/protocol/hearing.js';
import { Bot } from '../../media/helpers/bot.js';
import { ClientPool, must, type HearingClient } from '../../helpers/hearing.js';
import { PatternVp8, SpeechOpus } from './speech.js';

/**
 * A hearing participant made of a socket.io client (the real gateway) and a werift peer that publishes through
 * `media.publish`: synthetic VP8 video and, optionally, known speech as Opus. Keeps the newest recording state.
 */
export class HearingBot {
  readonly bot: Bot;
  recording: RecordingState | null = null;
  speech: SpeechOpus | null = null;

  constructor(readonly c: HearingClient, readonly id: string) {
    this.bot = new Bot(id, { videoKbps: 250, fps: 15 });
    c.on('recording.state', (s) => (this.recording = s));
  }

  static async join(pool: ClientPool, token: string, id: string): Promise<HearingBot> {
    const { c } = await pool.join(token);
    return new HearingBot(c, id);
  }

  /**
   * Publishes camera + microphone through the gateway: the camera sends a real VP8 pattern (`ivf`), and `packets`
   * make the microphone speak them on `speech.play()`;
   * without them it sends silence.
   */
  async publish(ivf: string, packets?: Buffer[]): Promise<void> {
    const c = this.c;
    const shim = {
      publish: async (_id: string, sdp: string, sources: Record<string, 'camera' | 'microphone'>) => ({ answerSdp: (await must(c, 'media.publish', { sdp, sources })).sdp }),
    } as unknown as MediaRouter;
    await this.bot.publish(shim);
    (this.bot as unknown as { video: { src: unknown } }).video.src = new PatternVp8(ivf);
    // Without speech the microphone sends Opus silence (the Bot's default source is random bytes, which decode to noise
    // a speech engine may read words from, so a silent participant would not be silent).
    this.speech = new SpeechOpus(packets ?? []);
    (this.bot as unknown as { audio: { src: unknown } }).audio.src = this.speech;
    this.startClock();
  }

  private timers: NodeJS.Timeout[] = [];

  /**
   * Sends on a wall clock that catches up after an event-loop stall (a loaded 2-core machine), so the recorded
   * audio keeps the real timing and nothing is skipped: 20 ms Opus packets, 15 fps video.
   */
  private startClock(): void {
    const t0 = Date.now();
    let audio = 0;
    let video = 0;
    this.timers.push(setInterval(() => {
      const due = Math.floor((Date.now() - t0) / 20);
      for (let n = 0; audio < due && n < 25; n++, audio++) this.bot.sendAudio();
      const vdue = Math.floor(((Date.now() - t0) * 15) / 1000);
      for (let n = 0; video < vdue && n < 3; n++, video++) this.bot.sendVideo();
    }, 10));
  }

  async waitRecording(pred: (s: RecordingState) => boolean, timeoutMs = 10_000): Promise<RecordingState> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (this.recording && pred(this.recording)) return this.recording;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`recording state not reached: ${JSON.stringify(this.recording)}`);
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await this.bot.close();
    this.c.close();
  }
}
