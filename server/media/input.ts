import { ValidationError } from '../lib/errors.js';
import type { ReceivePreferences, TapPurpose } from './engine.js';

/** What the engines accept as participant, room and tile ids (hearing ids, `joint`, caucus ids, `<id>:echo`). */
export const ID_RE = /^[\w.:@-]{1,128}$/;

export function checkId(what: string, id: unknown): string {
  if (typeof id !== 'string' || !ID_RE.test(id)) throw new ValidationError(`invalid ${what}`);
  return id;
}

/** A tap's purpose (RecordingTarget.purpose): absent means 'recording' (null too: an absent argument after IPC's JSON). */
export function checkPurpose(purpose: unknown): TapPurpose | undefined {
  if (purpose === undefined || purpose === null) return undefined;
  if (purpose === 'recording' || purpose === 'captions') return purpose;
  throw new ValidationError('invalid tap purpose');
}

const positive = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined);

/** A client's receive preferences, cleaned the same way for every engine: positive numbers only, at most 100 tiles with valid ids. */
export function cleanPreferences(prefs: ReceivePreferences | undefined): ReceivePreferences {
  let tiles: Record<string, number> | undefined;
  if (prefs?.tiles && typeof prefs.tiles === 'object') {
    tiles = {};
    for (const [id, h] of Object.entries(prefs.tiles).slice(0, 100)) {
      const v = positive(h);
      if (v !== undefined && ID_RE.test(id)) tiles[id] = v;
    }
  }
  const maxHeight = positive(prefs?.maxHeight);
  const maxBitrate = positive(prefs?.maxBitrate);
  return { audioOnly: prefs?.audioOnly === true, ...(maxHeight ? { maxHeight } : {}), ...(maxBitrate ? { maxBitrate } : {}), ...(tiles ? { tiles } : {}) };
}
