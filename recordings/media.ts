import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';

/**
 * Runs a program to completion; rejects with its stderr tail on a non-zero exit. `onLine` sees stdout lines;
 * `keepOutput: false` (with `onLine`) does not keep stdout (a long-running child that prints as it goes).
 */
export function run(cmd: string, args: string[], opts: { onLine?: (line: string) => void; timeoutMs?: number; keepOutput?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let buf = '';
    p.stdout.on('data', (d: Buffer) => {
      const s = d.toString();
      if (opts.keepOutput !== false) out += s;
      if (opts.onLine) {
        buf += s;
        const lines = buf.split('\n');
        buf = lines.pop() ?? '';
        for (const l of lines) opts.onLine(l);
      }
    });
    p.stderr.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-4000);
    });
    const t = opts.timeoutMs ? setTimeout(() => p.kill('SIGKILL'), opts.timeoutMs) : null;
    p.on('error', (e) => reject(new Error(`${cmd}: ${e.message}`)));
    p.on('close', (code) => {
      if (t) clearTimeout(t);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} exited with ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}

export async function sha256File(path: string): Promise<{ sha256: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    h.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: h.digest('hex'), bytes };
}

export interface ProbeResult {
  duration: number;
  streams: { codec: string; kind: string; width?: number; height?: number }[];
}

export async function ffprobe(path: string, ffprobeBin = 'ffprobe'): Promise<ProbeResult> {
  const out = await run(ffprobeBin, ['-v', 'error', '-show_entries', 'format=duration:stream=codec_name,codec_type,width,height', '-of', 'json', path]);
  const j = JSON.parse(out) as { format?: { duration?: string }; streams?: { codec_name: string; codec_type: string; width?: number; height?: number }[] };
  return {
    duration: Number(j.format?.duration ?? 0),
    streams: (j.streams ?? []).map((s) => ({ codec: s.codec_name, kind: s.codec_type, ...(s.width ? { width: s.width, height: s.height } : {}) })),
  };
}

/** A concat-demuxer list of segment files (absolute paths), for ffmpeg `-f concat -safe 0 -i list`. */
export async function writeConcatList(listPath: string, files: string[]): Promise<void> {
  await writeFile(listPath, files.map((f) => `file '${f.replace(/'/g, "'\\''")}'`).join('\n') + '\n');
}

/** Decodes a track's segments into one 16 kHz mono 16-bit WAV (what speech engines take). */
export async function toSpeechWav(segments: string[], listPath: string, wavPath: string, ffmpeg = 'ffmpeg'): Promise<void> {
  await writeConcatList(listPath, segments);
  await run(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'concat', '-safe', '0', '-i', listPath, '-vn', '-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', wavPath]);
}
