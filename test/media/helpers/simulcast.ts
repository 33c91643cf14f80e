import { randomBytes } from 'node:crypto';
import { RTCPeerConnection, RtcpSenderInfo, RtcpSrPacket, RtpHeader, RtpPacket, RTP_EXTENSION_URI, useSdesMid, useSdesRTPStreamId, type RTCRtpTransceiver } from 'werift';
import type { MediaRouter } from '../../../server/media/engine.js';
import { OutboundStream } from '../../../server/media/werift/outbound.js';
import { Bot, LOOPBACK, connected, gathered } from './bot.js';
import { SyntheticVp8 } from './synthetic.js';

export interface SimulcastLayer {
  rid: string;
  width: number;
  height: number;
  kbps: number;
}

/** A bot that can publish simulcast, which werift cannot send: the layer packets are built and encrypted here. */
export class SimulcastBot extends Bot {
  private simulcast: { ssrc: number; seq: number; src: SyntheticVp8; rid: string; sent: number; octets: number; lastTs: number; lastAt: number }[] = [];
  private lastReportAt = 0;
  /** Like Chromium: MID / RID header extensions only on each layer's first packets, bare headers after. */
  extensionPackets = Infinity;
  private cameraMid = '';
  private screen: { t: RTCRtpTransceiver; src: SyntheticVp8; seq: number; timer: NodeJS.Timeout } | null = null;
  private simulcastOut: OutboundStream | null = null;
  private extIds = { mid: 0, rid: 0, midValue: '' };

  /**
   * Publishes one video track as simulcast layers the way Chromium does: RIDs in the offer, no a=ssrc, each layer on
   * its own SSRC with mid + rid header extensions. werift cannot send simulcast, so the packets are built here.
   */
  async publishSimulcast(router: MediaRouter, layers: SimulcastLayer[]): Promise<void> {
    const pc = new RTCPeerConnection({ ...LOOPBACK, headerExtensions: { audio: [], video: [useSdesMid(), useSdesRTPStreamId()] } });
    this.pub = pc;
    const t = pc.addTransceiver('video', { direction: 'sendonly', sendEncodings: layers.map((l) => ({ rid: l.rid })) } as never);
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc);
    const offer = pc.localDescription!.sdp.split('\r\n').filter((l) => !l.startsWith('a=ssrc:')).join('\r\n');
    this.cameraMid = t.mid!;
    const { answerSdp } = await router.publish(this.id, offer, { [t.mid!]: 'camera' });
    await pc.setRemoteDescription({ type: 'answer', sdp: answerSdp });
    await connected(pc);
    const ext = (t.sender as unknown as { headerExtensions: { id: number; uri: string }[] }).headerExtensions;
    this.extIds = {
      mid: ext.find((e) => e.uri === RTP_EXTENSION_URI.sdesMid)?.id ?? 0,
      rid: ext.find((e) => e.uri === RTP_EXTENSION_URI.sdesRTPStreamID)?.id ?? 0,
      midValue: t.mid!,
    };
    this.simulcastOut = new OutboundStream(t.sender, 'video', 90000);
    this.simulcast = layers.map((l) => ({
      rid: l.rid,
      ssrc: randomBytes(4).readUInt32BE(0),
      seq: 1,
      sent: 0,
      octets: 0,
      lastTs: 0,
      lastAt: 0,
      src: new SyntheticVp8(l.kbps, this.opts.fps ?? 30, 1100, l.width, l.height),
    }));
    this.extraSources.push(() => this.sendFrame());
    for (const dtls of pc.dtlsTransports) {
      dtls.onRtcp.subscribe((packet) => {
        const fb = (packet as { feedback?: { count?: number; mediaSsrc?: number } }).feedback;
        if (packet.type !== 206 || fb?.count !== 1) return; // PLI
        this.simulcast.find((l) => l.ssrc === fb.mediaSsrc)?.src.requestKeyframe();
      });
    }
  }

  private sendFrame(): void {
    const out = this.simulcastOut;
    const pt = this.pub?.getTransceivers()[0]?.sender.codec?.payloadType;
    if (!out || pt === undefined) return;
    const now = Date.now();
    for (const l of this.simulcast) {
      for (const f of l.src.nextFrame()) {
        l.lastTs = f.timestamp;
        l.lastAt = now;
        l.octets += f.payload.length;
        if (l.sent++ >= this.extensionPackets) {
          const bare = Buffer.alloc(12);
          bare[0] = 0x80;
          bare[1] = (f.marker ? 0x80 : 0) | pt;
          bare.writeUInt16BE(l.seq, 2);
          bare.writeUInt32BE(f.timestamp, 4);
          bare.writeUInt32BE(l.ssrc, 8);
          l.seq = (l.seq + 1) & 0xffff;
          out.sendRaw(Buffer.concat([bare, f.payload]), 12);
          this.sent.video++;
          continue;
        }
        const mid = Buffer.from(this.extIds.midValue);
        const rid = Buffer.from(l.rid);
        const extLen = 2 + mid.length + 1 + rid.length;
        const words = Math.ceil(extLen / 4);
        const header = Buffer.alloc(12 + 4 + words * 4);
        header[0] = 0x90;
        header[1] = (f.marker ? 0x80 : 0) | pt;
        header.writeUInt16BE(l.seq, 2);
        header.writeUInt32BE(f.timestamp, 4);
        header.writeUInt32BE(l.ssrc, 8);
        header.writeUInt16BE(0xbede, 12);
        header.writeUInt16BE(words, 14);
        let i = 16;
        header[i++] = (this.extIds.mid << 4) | (mid.length - 1);
        mid.copy(header, i);
        i += mid.length;
        header[i++] = (this.extIds.rid << 4) | (rid.length - 1);
        rid.copy(header, i);
        l.seq = (l.seq + 1) & 0xffff;
        out.sendRaw(Buffer.concat([header, f.payload]), header.length);
        this.sent.video++;
      }
    }
    this.sendReports(now);
  }

  /**
   * Sender reports per layer every 500 ms, as Chromium sends them: an SFU that aligns the layers' timestamps (mediasoup
   * switches a simulcast consumer to another layer only once both layers have had a report) needs them.
   */
  private sendReports(now: number): void {
    const transport = this.pub?.getTransceivers()[0]?.sender.dtlsTransport;
    if (!transport || now - this.lastReportAt < 500) return;
    this.lastReportAt = now;
    const ntp = (BigInt(now + 2_208_988_800_000) << 32n) / 1000n;
    const reports = this.simulcast
      .filter((l) => l.sent > 0)
      .map((l) => new RtcpSrPacket({
        ssrc: l.ssrc,
        senderInfo: new RtcpSenderInfo({ ntpTimestamp: ntp, rtpTimestamp: (l.lastTs + Math.round((now - l.lastAt) * 90)) >>> 0, packetCount: l.sent >>> 0, octetCount: l.octets >>> 0 }),
      }));
    if (reports.length) transport.sendRtcp(reports).catch(() => undefined);
  }

  /** Screen share the way the room does it now: one more video section on the running publisher, renegotiated. */
  async addScreen(router: MediaRouter): Promise<void> {
    const pc = this.pub!;
    const t = pc.addTransceiver('video', { direction: 'sendonly' });
    await this.renegotiate(router, t);
    const src = new SyntheticVp8(200, 10);
    t.sender.onPictureLossIndication.subscribe(() => src.requestKeyframe());
    const screen = {
      t, src, seq: 1,
      timer: setInterval(() => {
        for (const f of src.nextFrame()) {
          const header = new RtpHeader({ payloadType: t.sender.codec?.payloadType ?? 96, sequenceNumber: screen.seq, timestamp: f.timestamp, marker: f.marker, ssrc: t.sender.ssrc });
          screen.seq = (screen.seq + 1) & 0xffff;
          t.sender.sendRtp(new RtpPacket(header, f.payload)).catch(() => undefined);
        }
      }, 100),
    };
    this.screen = screen;
  }

  /** Stops sharing: the section goes inactive in a new offer (m-lines are never removed). */
  async stopScreen(router: MediaRouter): Promise<void> {
    const s = this.screen;
    if (!s) return;
    clearInterval(s.timer);
    this.screen = null;
    s.t.setDirection('inactive');
    await this.renegotiate(router, null);
  }

  private async renegotiate(router: MediaRouter, screen: RTCRtpTransceiver | null): Promise<void> {
    const pc = this.pub!;
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc);
    // Like Chromium: the simulcast camera's section has no a=ssrc lines; the screen's (one encoding) has them.
    const offer = pc.localDescription!.sdp
      .split('\r\nm=')
      .map((sec) => (sec.includes(`\r\na=mid:${this.cameraMid}\r\n`) ? sec.split('\r\n').filter((l) => !l.startsWith('a=ssrc')).join('\r\n') : sec))
      .join('\r\nm=');
    const sources: Record<string, 'camera' | 'screen'> = { [this.cameraMid]: 'camera' };
    if (screen?.mid) sources[screen.mid] = 'screen';
    const { answerSdp } = await router.publish(this.id, offer, sources);
    await pc.setRemoteDescription({ type: 'answer', sdp: answerSdp });
  }

  override async close(): Promise<void> {
    if (this.screen) clearInterval(this.screen.timer);
    this.screen = null;
    await super.close();
  }
}
