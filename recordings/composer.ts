import { writeConcatList, run } from './media.js';

export interface ComposeTrack {
  participantId: string;
  label: string;
  kind: 'audio' | 'video';
  /** Offset of the track's first packet from the recording's start. */
  offsetMs: number;
  files: string[];
}

export interface ComposeOptions {
  tracks: ComposeTrack[];
  durationMs: number;
  out: string;
  workDir: string;
  ffmpeg?: string;
  width?: number;
  height?: number;
  onProgress?: (fraction: number) => void;
}

/** Grid columns x rows for n tiles. */
export function gridFor(n: number): { cols: number; rows: number } {
  const cols = Math.max(1, Math.ceil(Math.sqrt(n)));
  return { cols, rows: Math.max(1, Math.ceil(n / cols)) };
}

/**
 * The composed file of a hearing: every participant's video in a grid over a black canvas, every audio track mixed,
 * each placed at its offset on the recording's timeline, as WebM (VP8 + Opus) of exactly the recording's duration.
 * Runs ffmpeg in the background of the caller; progress comes from ffmpeg's `-progress` output.
 */
export async function composeRecording(o: ComposeOptions): Promise<void> {
  const W = o.width ?? 640;
  const H = o.height ?? 360;
  const D = Math.max(0.1, o.durationMs / 1000);
  const video = o.tracks.filter((t) => t.kind === 'video' && t.files.length > 0);
  const audio = o.tracks.filter((t) => t.kind === 'audio' && t.files.length > 0);
  const args = ['-hide_banner', '-loglevel', 'error', '-y', '-nostats', '-progress', 'pipe:1'];
  const filters: string[] = [];
  let input = 0;
  args.push('-f', 'lavfi', '-i', `color=c=black:s=${W}x${H}:r=15:d=${D.toFixed(3)}`);
  const canvas = input++;
  args.push('-f', 'lavfi', '-i', `anullsrc=r=48000:cl=stereo:d=${D.toFixed(3)}`);
  const silence = input++;
  const { cols, rows } = gridFor(video.length);
  const cw = Math.floor(W / cols / 2) * 2;
  const ch = Math.floor(H / rows / 2) * 2;
  let last = `[${canvas}:v]`;
  for (const [i, t] of video.entries()) {
    const list = `${o.workDir}/compose-v${i}.txt`;
    await writeConcatList(list, t.files);
    args.push('-f', 'concat', '-safe', '0', '-i', list);
    const idx = input++;
    const x = (i % cols) * cw;
    const y = Math.floor(i / cols) * ch;
    filters.push(`[${idx}:v]scale=${cw}:${ch}:force_original_aspect_ratio=decrease,pad=${cw}:${ch}:(ow-iw)/2:(oh-ih)/2,setpts=PTS-STARTPTS+${(t.offsetMs / 1000).toFixed(3)}/TB[v${i}]`);
    filters.push(`${last}[v${i}]overlay=${x}:${y}:eof_action=pass[o${i}]`);
    last = `[o${i}]`;
  }
  filters.push(`${last}null[vout]`);
  const mix: string[] = [`[${silence}:a]`];
  for (const [i, t] of audio.entries()) {
    const list = `${o.workDir}/compose-a${i}.txt`;
    await writeConcatList(list, t.files);
    args.push('-f', 'concat', '-safe', '0', '-i', list);
    const idx = input++;
    const d = Math.max(0, Math.round(t.offsetMs));
    filters.push(`[${idx}:a]aresample=48000:async=1,adelay=${d}|${d}[a${i}]`);
    mix.push(`[a${i}]`);
  }
  filters.push(`${mix.join('')}amix=inputs=${mix.length}:duration=first:normalize=0[aout]`);
  args.push('-filter_complex', filters.join(';'), '-map', '[vout]', '-map', '[aout]', '-t', D.toFixed(3));
  args.push('-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '500k', '-threads', '1', '-c:a', 'libopus', '-b:a', '48k', o.out);
  await run(o.ffmpeg ?? 'ffmpeg', args, {
    onLine: (line) => {
      const m = /^out_time_us=(\d+)/.exec(line) ?? /^out_time_ms=(\d+)/.exec(line);
      if (m) o.onProgress?.(Math.min(1, Number(m[1]) / 1e6 / D));
    },
  });
  o.onProgress?.(1);
}
