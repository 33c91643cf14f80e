import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Staff passwords: scrypt, stored self-describing as `scrypt$<N>$<r>$<p>$<saltB64url>$<hashB64url>` so the
 * parameters can be raised later without invalidating existing hashes (see `needsRehash`).
 */

const N = 2 ** 15;
const R = 8;
const P = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

// Bounds on what verify accepts: the encoding comes from storage, and a corrupt or planted row must not be able
// to make one login attempt burn gigabytes of memory or seconds of CPU.
const MAX_MEMORY_BYTES = 256 * 1024 * 1024;
const MAX_P = 16;
const MIN_SALT_BYTES = 8;
const MIN_KEY_BYTES = 16;
const MAX_KEY_BYTES = 64;

const B64URL = /^[A-Za-z0-9_-]+$/;
const UINT = /^[1-9][0-9]{0,9}$/;

interface Params {
  n: number;
  r: number;
  p: number;
}

function derive(pw: string, salt: Buffer, keyLen: number, { n, r, p }: Params): Promise<Buffer> {
  // NFC: the same password typed through different input methods (pinyin/cangjie IMEs, macOS vs Windows)
  // can arrive as different code point sequences; normalising makes them hash alike.
  const input = pw.normalize('NFC');
  // Node's default maxmem (32 MiB) is exactly 128*N*r for our parameters and is rejected, so give headroom.
  const maxmem = 2 * 128 * n * r + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(input, salt, keyLen, { N: n, r, p, maxmem }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(pw: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(pw, salt, KEY_BYTES, { n: N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

interface Parsed extends Params {
  salt: Buffer;
  hash: Buffer;
}

function parse(encoded: unknown): Parsed | null {
  if (typeof encoded !== 'string') return null;
  const parts = encoded.split('$');
  if (parts.length !== 6) return null;
  const [scheme, ns, rs, ps, saltS, hashS] = parts as [string, string, string, string, string, string];
  if (scheme !== 'scrypt' || !UINT.test(ns) || !UINT.test(rs) || !UINT.test(ps)) return null;
  if (!B64URL.test(saltS) || !B64URL.test(hashS)) return null;
  const n = Number(ns);
  const r = Number(rs);
  const p = Number(ps);
  // N must be a power of two greater than 1 (scrypt's own requirement).
  if (n < 2 || (n & (n - 1)) !== 0 || !Number.isSafeInteger(n)) return null;
  if (128 * n * r > MAX_MEMORY_BYTES || p > MAX_P) return null;
  const salt = Buffer.from(saltS, 'base64url');
  const hash = Buffer.from(hashS, 'base64url');
  if (salt.length < MIN_SALT_BYTES || hash.length < MIN_KEY_BYTES || hash.length > MAX_KEY_BYTES) return null;
  return { n, r, p, salt, hash };
}

/** True when `pw` matches; false for a wrong password and for any malformed or out-of-bounds encoding. */
export async function verifyPassword(pw: string, encoded: string): Promise<boolean> {
  const parsed = parse(encoded);
  if (!parsed || typeof pw !== 'string') return false;
  const key = await derive(pw, parsed.salt, parsed.hash.length, parsed);
  return timingSafeEqual(key, parsed.hash);
}

/** True when a stored hash uses weaker (or just different) parameters than new hashes: rehash it on next login. */
export function needsRehash(encoded: string): boolean {
  const parsed = parse(encoded);
  return !parsed || parsed.n !== N || parsed.r !== R || parsed.p !== P || parsed.hash.length !== KEY_BYTES;
}

/**
 * A valid hash of a random password nobody knows, with the current parameters. Checking a login for an unknown
 * user against it costs the same time as a real check, so response time does not reveal which accounts exist.
 */
export const DUMMY_HASH = 'scrypt$32768$8$1$KiS8oGKmfPuhN8udC5YT9Q$FQxcfm-Y6zUck3sWOkqty270HY5juo_fyBTBgjyHC1c';

/** Spend the time of a real password check, then fail. Use when the account does not exist (or is disabled). */
export async function verifyAgainstDummy(pw: string): Promise<false> {
  await verifyPassword(typeof pw === 'string' ? pw : '', DUMMY_HASH);
  return false;
}
