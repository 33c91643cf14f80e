import * as Y from 'yjs';
import { PAD_MAX_TEXT_CHARS, PAD_TEXT } from '../../signaling/protocol/pad.js';
import { PermissionDeniedError, ValidationError } from '../lib/errors.js';

export interface CheckContext {
  /** What the document already holds: Yjs client id -> next clock. Updated in place when the update passes. */
  stateVector: Map<number, number>;
  /** The author a Yjs client id belongs to, if any (one author per client id, so nobody can write in another's name). */
  ownerOf: (clientId: number) => string | undefined;
  author: string;
  /** Characters in the document now, for the size limit. */
  textLength: number;
}

export interface CheckResult {
  /** Client ids with content in this update (those not yet owned become the author's). */
  clients: number[];
  /** Characters the update inserts (before deletions). */
  inserted: number;
}

const malformed = (why: string) => new ValidationError(`malformed update: ${why}`);

/**
 * Decides, without touching the document, whether a client's Yjs update may be applied. It must decode; contain only
 * text of the one shared type (`body`): strings, no formatting, embeds, maps or nested types; use only client ids that
 * are the sender's own (or new); continue each client's sequence without gaps; and refer (origins, deletions) only to
 * content the document or the update itself holds. Such an update integrates completely: nothing is left pending, so
 * what is stored is exactly what every client sees.
 */
export function checkUpdate(update: Uint8Array, ctx: CheckContext): CheckResult {
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  try {
    decoded = Y.decodeUpdate(update);
  } catch {
    throw malformed('it does not decode');
  }
  const sv = ctx.stateVector;
  // Per client: the clock range this update covers, checked contiguous.
  const next = new Map<number, number>();
  const clients: number[] = [];
  let inserted = 0;
  const refs: Y.ID[] = [];
  for (const s of decoded.structs) {
    const { client, clock } = s.id;
    if (!Number.isSafeInteger(client) || client < 0 || client > 0xffffffff) throw malformed('bad client id');
    if (s instanceof Y.Skip) throw malformed('it has gaps');
    if (!(s.length > 0) || s.length > PAD_MAX_TEXT_CHARS) throw malformed('bad struct length');
    const held = sv.get(client) ?? 0;
    const expected = next.get(client);
    if (expected === undefined) {
      if (clock > held) throw malformed(`it skips ahead of what the document holds for client ${client}`);
      clients.push(client);
    } else if (clock !== expected) throw malformed('structs are not contiguous');
    // Another author's structs the document already holds are harmless repeats (a client relaying what it received);
    // anything new under a client id must come from that id's author.
    const owner = ctx.ownerOf(client);
    if (owner !== undefined && owner !== ctx.author && clock + s.length > held) {
      throw new PermissionDeniedError('this update writes under another author’s client id', { clientId: client });
    }
    next.set(client, clock + s.length);
    if (s instanceof Y.GC) continue;
    const item = s as Y.Item;
    if (item.parentSub !== null) throw malformed('only text is allowed');
    // Decoded, not integrated: `parent` is the root type's name, an ID (a nested type) or null (taken from the origin).
    const parent = item.parent as unknown;
    if (parent !== null && parent !== PAD_TEXT) throw malformed(`only the "${PAD_TEXT}" text is allowed`);
    if (parent === null && item.origin === null && item.rightOrigin === null) throw malformed('an item without position');
    const content = item.content;
    if (content instanceof Y.ContentString) inserted += content.str.length;
    else if (!(content instanceof Y.ContentDeleted)) throw malformed('only plain text is allowed');
    if (item.origin) refs.push(item.origin);
    if (item.rightOrigin) refs.push(item.rightOrigin);
  }
  // After the whole update is read: an item may refer to another client's item further on in the same update.
  for (const ref of refs) if (!known(ref.client, ref.clock)) throw malformed('it refers to content the document does not have');
  for (const [client, ranges] of decoded.ds.clients) {
    for (const r of ranges) {
      if (!(r.len > 0) || !known(client, r.clock + r.len - 1)) throw malformed('it deletes content the document does not have');
    }
  }
  if (ctx.textLength + inserted > PAD_MAX_TEXT_CHARS) throw new ValidationError(`the agreement may hold at most ${PAD_MAX_TEXT_CHARS} characters`);
  for (const [client, to] of next) if (to > (sv.get(client) ?? 0)) sv.set(client, to);
  return { clients, inserted };

  function known(client: number, clock: number): boolean {
    if (clock < (sv.get(client) ?? 0)) return true;
    const to = next.get(client);
    // Within this update: structs of one client come in clock order, so a reference behind `to` is in it
    // (or before it, in the document).
    return to !== undefined && clock < to;
  }
}
