import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { ValidationError } from '../lib/errors.js';
import type { PadUser } from '../../signaling/protocol/pad.js';

/**
 * Awareness (cursors, selections) as y-protocols encodes it: a count, then per Yjs client id its clock and JSON state.
 * The server rewrites the `user` of every state to the sender's authenticated identity, so a cursor's name and colour
 * cannot be forged, and refuses client ids that belong to another author.
 */
const MAX_ENTRIES = 8;

export function rewriteAwareness(update: Uint8Array, user: PadUser, mayUse: (clientId: number) => boolean): { update: Uint8Array; clientIds: number[] } {
  const entries: { clientId: number; clock: number; state: unknown }[] = [];
  try {
    const d = decoding.createDecoder(update);
    const n = decoding.readVarUint(d);
    if (n > MAX_ENTRIES) throw new Error('too many');
    for (let i = 0; i < n; i++) {
      const clientId = decoding.readVarUint(d);
      const clock = decoding.readVarUint(d);
      const state = JSON.parse(decoding.readVarString(d)) as unknown;
      entries.push({ clientId, clock, state });
    }
    if (decoding.hasContent(d)) throw new Error('trailing bytes');
  } catch {
    throw new ValidationError('malformed awareness update');
  }
  const e = encoding.createEncoder();
  const kept = entries.filter((x) => mayUse(x.clientId));
  if (kept.length !== entries.length) throw new ValidationError('awareness for a client id that is not yours');
  encoding.writeVarUint(e, kept.length);
  for (const x of kept) {
    encoding.writeVarUint(e, x.clientId);
    encoding.writeVarUint(e, x.clock);
    const state = x.state !== null && typeof x.state === 'object' && !Array.isArray(x.state)
      ? { ...(x.state as Record<string, unknown>), user: { name: user.name, color: user.color, colorLight: `${user.color}33`, role: user.role, author: user.author } }
      : null;
    encoding.writeVarString(e, JSON.stringify(state));
  }
  return { update: encoding.toUint8Array(e), clientIds: kept.map((x) => x.clientId) };
}
