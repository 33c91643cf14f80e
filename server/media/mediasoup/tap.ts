import type { types } from 'mediasoup';
import type { Logger } from '../../lib/logger.js';
import { InvalidStateError } from '../../lib/errors.js';
import type { MediaKind, RecordableProducer, RecordingTapStats, RecordingTarget } from '../engine.js';
import { TapRelay } from './tap-relay.js';

export interface TapDeps {
  router: types.Router;
  log?: Logger;
}

const DEFAULT_KEYFRAME_INTERVAL_MS = 4000;
/** While video waits for a keyframe to (re)start the copy, ask at most this often (mediasoup also retries after 1 s). */
const WAITING_KEYFRAME_ASK_MS = 500;

/**
 * The recording tap of the mediasoup engine (issue 13): copies one participant's microphone or camera to a recorder
 * as plain RTP, like the werift engine's RecorderTap. mediasoup cannot send with an SSRC of our choosing, nor keep
 * numbering across consumers (a replaced producer needs a new consumer, with its own SSRC and sequence), so:
 *
 *   producer -> consumer on a PlainTransport (127.0.0.1, RTCP muxed, no SRTP, no RTX) -> TapRelay (dgram, 127.0.0.1)
 *            -> target (SSRC, payload type, sequence numbers and timestamps rewritten; one RTP packet per datagram)
 *
 * One transport per tap; the consumer is replaced when the participant's producer is (`follow`). The gate is held
 * twice: the relay drops per packet (effective at once, also for packets already on their way), and the consumer is
 * paused, so a closed tap costs nothing in the worker. Video asks for a keyframe on (re)start and every
 * `target.keyframeIntervalMs`; simulcast producers get a mediasoup SimulcastConsumer (best layer, keyframe-gated
 * switches, one SSRC). Operations run one at a time in call order.
 */
export class MediasoupRecordingTap {
  private consumer: types.Consumer | null = null;
  /** The codec the recorder was set up for (the first producer's); a replacement with another one is not copied. */
  private codec: string | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private lastAsk = 0;
  private closing: Promise<RecordingTapStats> | null = null;
  private final: RecordingTapStats | null = null;

  private constructor(
    private readonly deps: TapDeps,
    readonly participantId: string,
    readonly kind: MediaKind,
    private readonly target: RecordingTarget,
    private readonly transport: types.PlainTransport,
    private readonly relay: TapRelay,
  ) {
    if (kind === 'video') {
      this.timer = setInterval(() => this.askKeyframe(), target.keyframeIntervalMs ?? DEFAULT_KEYFRAME_INTERVAL_MS);
      this.timer.unref();
    }
    transport.observer.once('close', () => void this.close());
  }

  static async open(deps: TapDeps, participantId: string, kind: MediaKind, target: RecordingTarget): Promise<MediasoupRecordingTap> {
    let tap: MediasoupRecordingTap | null = null;
    const relay = await TapRelay.bind(target, () => tap?.keyframeWanted());
    let transport: types.PlainTransport | undefined;
    try {
      // Loopback, not the engine's listen address: the recorder is on this host, and nothing outside it should see (or
      // send to) the decrypted copy.
      transport = await deps.router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: false });
      await transport.connect({ ip: '127.0.0.1', port: relay.port });
    } catch (err) {
      transport?.close();
      relay.close();
      throw err;
    }
    tap = new MediasoupRecordingTap(deps, participantId, kind, target, transport, relay);
    return tap;
  }

  /** What was copied so far (after `close`, what was copied in all). */
  get stats(): RecordingTapStats {
    return this.final ?? this.relay.stats;
  }

  get closed(): boolean {
    return this.closing !== null;
  }

  /** The participant's current producer of this kind (null: none now); a new one gets a new consumer. */
  follow(producer: types.Producer | null, info: RecordableProducer | null): Promise<void> {
    return this.run(async () => {
      const live = producer && !producer.closed ? producer : null;
      if (live && this.consumer && !this.consumer.closed && this.consumer.producerId === live.id) return;
      this.dropConsumer();
      if (!live) return;
      if (live.kind !== this.kind) throw new InvalidStateError(`a ${this.kind} recording tap cannot follow a ${live.kind} producer`);
      const media = live.consumableRtpParameters.codecs[0];
      if (!media) throw new InvalidStateError(`producer ${live.id} has no codec`);
      const codec = (info?.codec ?? media.mimeType.slice(media.mimeType.indexOf('/') + 1)).toLowerCase();
      if (this.codec !== null && codec !== this.codec) {
        this.deps.log?.warn({ participantId: this.participantId, producerId: live.id, codec, recorded: this.codec }, 'recording tap: new producer has another codec, not copied');
        return;
      }
      const consumer = await this.transport.consume({
        producerId: live.id,
        rtpCapabilities: {
          codecs: [{ kind: this.kind, mimeType: media.mimeType, clockRate: media.clockRate, channels: media.channels, parameters: media.parameters, preferredPayloadType: this.target.payloadType, rtcpFeedback: [] }],
          headerExtensions: [],
        },
        // Paused until its SSRC is known to the relay; resumed below when the gate is open.
        paused: true,
        enableRtx: false,
      });
      const ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc;
      if (ssrc === undefined || this.closed) {
        consumer.close();
        if (this.closed) return;
        throw new InvalidStateError(`consumer of producer ${live.id} has no SSRC`);
      }
      this.codec = codec;
      this.consumer = consumer;
      consumer.observer.once('close', () => {
        if (this.consumer !== consumer) return;
        this.consumer = null;
        this.relay.setSource(null);
      });
      this.relay.setSource({ ssrc, codec, clockRate: media.clockRate, kind: this.kind });
      // Resuming a video consumer asks the producer for a keyframe (mediasoup's SimpleConsumer::UserOnResumed).
      if (this.relay.open) await consumer.resume();
    });
  }

  /** The gate. Closing takes effect on the next packet, before the consumer is paused; opening resumes on a keyframe. */
  setOpen(open: boolean): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.relay.setOpen(open);
    return this.run(async () => {
      const c = this.consumer;
      if (!c || c.closed) return;
      // The wanted state at the time this runs: calls in quick succession end in the last one's state.
      if (this.relay.open && c.paused) await c.resume();
      else if (!this.relay.open && !c.paused) await c.pause();
    });
  }

  /** Idempotent; returns what was copied. */
  close(): Promise<RecordingTapStats> {
    if (this.closing) return this.closing;
    this.relay.setOpen(false);
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.closing = this.queue.then(() => {
      this.dropConsumer();
      this.relay.close();
      if (!this.transport.closed) this.transport.close();
      this.final = { ...this.relay.stats };
      return { ...this.final };
    });
    return this.closing;
  }

  /** Runs `fn` after every earlier operation; a failed one does not stop the next. */
  private run(fn: () => Promise<void>): Promise<void> {
    const p = this.queue.then(() => (this.closed ? undefined : fn()));
    this.queue = p.catch(() => undefined);
    return p;
  }

  private dropConsumer(): void {
    const c = this.consumer;
    this.consumer = null;
    this.relay.setSource(null);
    if (c && !c.closed) c.close();
  }

  /** Video waits for a keyframe (start, replacement, reopened gate): ask, at most every WAITING_KEYFRAME_ASK_MS. */
  private keyframeWanted(): void {
    const now = Date.now();
    if (now - this.lastAsk < WAITING_KEYFRAME_ASK_MS) return;
    this.askKeyframe();
  }

  private askKeyframe(): void {
    const c = this.consumer;
    if (this.kind !== 'video' || !c || c.closed || c.paused || !this.relay.open) return;
    this.lastAsk = Date.now();
    c.requestKeyFrame().catch(() => undefined);
  }
}
