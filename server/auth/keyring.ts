import { randomBytes } from 'node:crypto';

/**
 * HS256 signing keys, identified by `kid` (carried in every token header) so keys can rotate without logging
 * everyone out: the newest active key signs, retired keys keep verifying for a grace period.
 */

export interface SigningKey {
  kid: string;
  /** base64url of 32 random bytes. */
  secret: string;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601; null while the key is active. */
  retiredAt: string | null;
}

/** Persistence for signing keys; implemented by the store layer, injected here. */
export interface KeyStore {
  list(): Promise<SigningKey[]>;
  insert(k: SigningKey): Promise<void>;
  /** Mark a key retired. Retiring an already retired key should keep the earlier time. */
  retire(kid: string, at: string): Promise<void>;
}

export interface KeyRingOptions {
  /** Age of the current key after which `open` / `rotateIfDue` rotate. */
  rotateAfterDays: number;
  /**
   * How long a retired key still verifies. Must cover the longest-lived token signed with it
   * (a mediation link lives up to its own expiry), or those tokens die early at the next rotation.
   */
  graceDays: number;
  now?: () => Date;
}

const SECRET_BYTES = 32;
const DAY_MS = 24 * 60 * 60 * 1000;

function generateKey(now: Date): SigningKey {
  return {
    // Time-ordered prefix makes key ids readable in logs; the random part keeps two instances rotating at the
    // same moment from colliding.
    kid: `k${now.getTime().toString(36)}${randomBytes(6).toString('base64url')}`,
    secret: randomBytes(SECRET_BYTES).toString('base64url'),
    createdAt: now.toISOString(),
    retiredAt: null,
  };
}

function checkKey(k: SigningKey): SigningKey {
  // A truncated or mis-encoded secret from storage would silently weaken every token; refuse to run with it.
  if (typeof k.kid !== 'string' || k.kid.length === 0 || k.kid.length > 64) throw new Error('signing key with invalid kid');
  if (typeof k.secret !== 'string' || !/^[A-Za-z0-9_-]+$/.test(k.secret) || Buffer.from(k.secret, 'base64url').length < SECRET_BYTES) {
    throw new Error(`signing key ${k.kid} has a secret shorter than ${SECRET_BYTES} bytes`);
  }
  if (Number.isNaN(Date.parse(k.createdAt))) throw new Error(`signing key ${k.kid} has an invalid createdAt`);
  if (k.retiredAt !== null && Number.isNaN(Date.parse(k.retiredAt))) throw new Error(`signing key ${k.kid} has an invalid retiredAt`);
  return { kid: k.kid, secret: k.secret, createdAt: k.createdAt, retiredAt: k.retiredAt };
}

/** Newest first; kid breaks ties so every instance agrees on which key is current. */
function newestFirst(a: SigningKey, b: SigningKey): number {
  const d = Date.parse(b.createdAt) - Date.parse(a.createdAt);
  return d !== 0 ? d : a.kid < b.kid ? 1 : a.kid > b.kid ? -1 : 0;
}

export class KeyRing {
  private keys: SigningKey[] = [];
  private readonly now: () => Date;

  private constructor(
    private readonly store: KeyStore,
    private readonly opts: Required<Pick<KeyRingOptions, 'rotateAfterDays' | 'graceDays'>>,
    now: (() => Date) | undefined,
  ) {
    this.now = now ?? (() => new Date());
  }

  /** Load the keys; create a first key if there is no active one; rotate if the current key is due. */
  static async open(store: KeyStore, opts: KeyRingOptions): Promise<KeyRing> {
    if (!(opts.rotateAfterDays > 0) || !(opts.graceDays >= 0)) throw new Error('rotateAfterDays must be > 0 and graceDays >= 0');
    const ring = new KeyRing(store, { rotateAfterDays: opts.rotateAfterDays, graceDays: opts.graceDays }, opts.now);
    await ring.reload();
    await ring.rotateIfDue();
    return ring;
  }

  /** The key that signs new tokens. */
  current(): SigningKey {
    const active = this.keys.find((k) => k.retiredAt === null);
    // reload() guarantees an active key; reaching this means the store was emptied under us.
    if (!active) throw new Error('no active signing key');
    return { ...active };
  }

  /** The key for a token's kid, or undefined if unknown or retired longer than the grace period ago. */
  find(kid: string): SigningKey | undefined {
    const k = this.keys.find((x) => x.kid === kid);
    if (!k) return undefined;
    if (k.retiredAt !== null && this.now().getTime() >= Date.parse(k.retiredAt) + this.opts.graceDays * DAY_MS) return undefined;
    return { ...k };
  }

  /** Make a new key current and retire every other active key (they keep verifying within the grace period). */
  async rotate(): Promise<SigningKey> {
    const now = this.now();
    const fresh = generateKey(now);
    // Insert before retiring: if we crash in between, there are two active keys (harmless), never none.
    await this.store.insert(fresh);
    const at = now.toISOString();
    // Read the store rather than our cached view: another instance may have added a key we have not seen yet.
    for (const k of await this.store.list()) {
      if (k.retiredAt === null && k.kid !== fresh.kid) await this.store.retire(k.kid, at);
    }
    await this.reload();
    return this.current();
  }

  /** Rotate when the current key is older than rotateAfterDays; returns the new key, or null if not due. */
  async rotateIfDue(): Promise<SigningKey | null> {
    const age = this.now().getTime() - Date.parse(this.current().createdAt);
    return age >= this.opts.rotateAfterDays * DAY_MS ? this.rotate() : null;
  }

  /**
   * Re-read the store. Another instance may have rotated: until this runs, tokens signed with its new key are
   * refused here, so multi-instance deployments should call this periodically (well under a minute).
   */
  async reload(): Promise<void> {
    let keys = (await this.store.list()).map(checkKey);
    if (!keys.some((k) => k.retiredAt === null)) {
      const first = generateKey(this.now());
      await this.store.insert(first);
      keys = (await this.store.list()).map(checkKey);
    }
    this.keys = keys.sort(newestFirst);
  }
}

/** Keys held in process memory: for unit tests and tools; a restart loses them (and logs everyone out). */
export class InMemoryKeyStore implements KeyStore {
  private readonly keys = new Map<string, SigningKey>();

  constructor(initial: readonly SigningKey[] = []) {
    for (const k of initial) this.keys.set(k.kid, { ...k });
  }

  async list(): Promise<SigningKey[]> {
    return [...this.keys.values()].map((k) => ({ ...k }));
  }

  async insert(k: SigningKey): Promise<void> {
    if (this.keys.has(k.kid)) throw new Error(`signing key ${k.kid} already exists`);
    this.keys.set(k.kid, { ...k });
  }

  async retire(kid: string, at: string): Promise<void> {
    const k = this.keys.get(kid);
    if (k && k.retiredAt === null) k.retiredAt = at;
  }
}
