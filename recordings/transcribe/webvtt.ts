/** WebVTT from timed, attributed utterances; `<v Speaker>` voice tags name who spoke. */
export interface VttCue {
  startMs: number;
  endMs: number;
  speaker: string;
  text: string;
}

const ts = (ms: number): string => {
  const v = Math.max(0, Math.round(ms));
  const h = Math.floor(v / 3_600_000);
  const m = Math.floor((v % 3_600_000) / 60_000);
  const s = Math.floor((v % 60_000) / 1000);
  const r = v % 1000;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(r).padStart(3, '0')}`;
};

const clean = (s: string): string => s.replace(/-->/g, '→').replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!).replace(/\s+/g, ' ').trim();

export function toWebVtt(cues: VttCue[]): string {
  const lines = ['WEBVTT', ''];
  const sorted = [...cues].sort((a, b) => a.startMs - b.startMs);
  sorted.forEach((c, i) => {
    lines.push(String(i + 1), `${ts(c.startMs)} --> ${ts(Math.max(c.endMs, c.startMs + 1))}`, `<v ${clean(c.speaker)}>${clean(c.text)}`, '');
  });
  return lines.join('\n');
}
