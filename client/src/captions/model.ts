import type { CaptionText, CaptionsState } from '../../../signaling/protocol/captions.js';
import type { HearingClient } from '../room/hearingClient.js';
import { Emitter } from '../room/emitter.js';

/** How many caption lines stay on screen, and how long a final line stays once nobody says more. */
export const MAX_LINES = 3;
export const LINE_TTL_MS = 10_000;
const PREF_KEY = 'concord.captions';

export interface CaptionLine {
  utteranceId: string;
  speakerId: string;
  speakerName: string;
  text: string;
  final: boolean;
  receivedAt: number;
}

export interface CaptionsView {
  on: boolean;
  /** A request is under way (the toggle shows it). */
  busy: boolean;
  error: 'unavailable' | 'failed' | null;
  server: CaptionsState | null;
  lines: CaptionLine[];
}

function storage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

/**
 * The room's live captions, for the views: off by default; once a person turns them on, this browser remembers it
 * (localStorage) and turns them on again in the next hearing and after a rejoin, so someone who relies on captions
 * sets it once. Captions cost the server a decoder per speaker, so nobody gets them without asking.
 * Lines: a partial is replaced by a later text of the same utterance; a final stays until newer lines push it out
 * (at most MAX_LINES) or LINE_TTL_MS passes.
 */
export class CaptionsModel {
  readonly events = new Emitter<{ state: CaptionsView }>();
  private view: CaptionsView = { on: false, busy: false, error: null, server: null, lines: [] };
  private readonly offs: (() => void)[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly client: HearingClient) {
    this.offs.push(client.on('captions.text', (c) => this.onText(c)));
    this.offs.push(client.on('captions.state', (s) => this.set({ server: s, on: s.on })));
    // A new join (first, or after the server lost the session): the server knows nothing of the choice; say it again.
    this.offs.push(client.on('joined', () => {
      if (this.view.on || storage()?.getItem(PREF_KEY) === 'on') void this.toggle(true, false);
    }));
    if (client.state.joined && storage()?.getItem(PREF_KEY) === 'on') void this.toggle(true, false);
    this.timer = setInterval(() => this.expire(), 1000);
  }

  get state(): CaptionsView {
    return this.view;
  }

  /** Turns captions on or off; `remember`: store the choice for later hearings in this browser. */
  async toggle(on: boolean, remember = true): Promise<void> {
    this.set({ busy: true, error: null });
    try {
      const s = await this.client.request('captions.set', { on });
      if (remember) storage()?.setItem(PREF_KEY, on ? 'on' : 'off');
      this.set({ on: s.on, server: s, busy: false, lines: s.on ? this.view.lines : [] });
    } catch (err) {
      const code = (err as { code?: string }).code;
      this.set({ busy: false, on: false, error: code === 'INVALID_STATE' ? 'unavailable' : 'failed' });
    }
  }

  dispose(): void {
    for (const off of this.offs) off();
    if (this.timer) clearInterval(this.timer);
    this.events.clear();
  }

  private onText(c: CaptionText): void {
    if (!this.view.on) return;
    const line: CaptionLine = { utteranceId: c.utteranceId, speakerId: c.speakerId, speakerName: c.speakerName, text: c.text, final: c.final, receivedAt: Date.now() };
    const rest = this.view.lines.filter((l) => l.utteranceId !== c.utteranceId);
    this.set({ lines: [...rest, line].slice(-MAX_LINES) });
  }

  private expire(): void {
    const now = Date.now();
    const keep = this.view.lines.filter((l) => now - l.receivedAt < LINE_TTL_MS);
    if (keep.length !== this.view.lines.length) this.set({ lines: keep });
  }

  private set(p: Partial<CaptionsView>): void {
    this.view = { ...this.view, ...p };
    this.events.emit('state', this.view);
  }
}
