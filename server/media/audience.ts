import { ValidationError } from '../lib/errors.js';
import { FLOOR_CHANNEL, type Audience, type MediaKind } from './engine.js';
import { checkId } from './input.js';

/** Everyone follows the floor and is heard by everyone in their room until told otherwise. */
export const DEFAULT_AUDIENCE: Audience = Object.freeze({ channel: FLOOR_CHANNEL, heardBy: null });

const MAX_ENTRIES = 32;

function ids(what: string, v: unknown): string[] {
  if (!Array.isArray(v) || v.length > MAX_ENTRIES) throw new ValidationError(`invalid ${what}`);
  return [...new Set(v.map((x) => checkId(what, x)))];
}

/** An audience as every engine accepts it (the worker pool passes it over IPC as plain JSON): checked, copied. */
export function cleanAudience(a: Audience | undefined): Audience {
  if (!a || typeof a !== 'object') throw new ValidationError('invalid audience');
  const channel = checkId('channel', a.channel);
  if (a.heardBy === null || a.heardBy === undefined) return { channel, heardBy: null };
  if (typeof a.heardBy !== 'object') throw new ValidationError('invalid audience');
  return { channel, heardBy: { channels: ids('channel', a.heardBy.channels), participants: ids('participant id', a.heardBy.participants) } };
}

/**
 * The interpreter-channel half of the isolation rule, shared by both engines (the room half stays in each router's
 * `refreshSubscriptions`): does `listener` (id, channel) receive a producer of `kind` from someone with `audience`?
 */
export function inAudience(audience: Audience, kind: MediaKind, listenerId: string, listenerChannel: string): boolean {
  if (kind !== 'audio' || audience.heardBy === null) return true;
  return audience.heardBy.channels.includes(listenerChannel) || audience.heardBy.participants.includes(listenerId);
}
