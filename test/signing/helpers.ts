import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { deflateSync } from 'node:zlib';
import { expect } from 'vitest';
import { createDemoCase, type DemoCase, type DemoCaseOptions } from '../../server/demo.js';
import type { SigningStatusView, SignerRole } from '../../signaling/protocol/signing.js';
import type { TestServer } from '../helpers/server.js';

export const run = promisify(execFile);

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** A real PNG (grey scale, a diagonal stroke) as a data URL: what the browser's canvas sends, without a browser. */
export function signaturePng(w = 300, h = 100, seed = 1): string {
  const raw = Buffer.alloc((w + 1) * h, 255);
  for (let y = 0; y < h; y++) {
    raw[y * (w + 1)] = 0;
    const x = Math.floor((y * w) / h + seed * 7) % w;
    for (let dx = 0; dx < 4; dx++) raw[y * (w + 1) + 1 + ((x + dx) % w)] = 0;
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grey
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
  ]);
  return `data:image/png;base64,${png.toString('base64')}`;
}

export const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
export const linkToken = (url: string) => url.slice(url.indexOf('#') + 1);

export interface Demo { demo: DemoCase; mediator: string; judge: string; applicant: string; respondent: string }

/** A fresh demo case with the mediator's and judge's sessions and the parties' participant sessions (identity check passed). */
export async function demoWithSessions(s: TestServer, opts: DemoCaseOptions = {}): Promise<Demo> {
  const demo = await createDemoCase(s.services, s.url, opts);
  const party = async (role: 'applicant' | 'respondent') => {
    const r = await s.api('POST', '/api/join/verify', { body: { token: linkToken(demo.links[role]), ...demo.identities[role] } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.token as string;
  };
  return { demo, mediator: await s.login('demo.mediator'), judge: await s.login('demo.judge'), applicant: await party('applicant'), respondent: await party('respondent') };
}

export async function lock(s: TestServer, mediator: string, agreementId: string) {
  const r = await s.api('POST', `/api/agreements/${agreementId}/lock`, { token: mediator, body: {} });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.locked as { lockSeq: number; sha256: string; text: string };
}

export async function status(s: TestServer, token: string, agreementId: string): Promise<SigningStatusView> {
  const r = await s.api<SigningStatusView>('GET', `/api/signing/agreements/${agreementId}`, { token });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

/** The whole ceremony for one signer over HTTP: load the text and hash, ask for a code, sign with it. */
export async function signAs(s: TestServer, token: string, agreementId: string, role: SignerRole, opts: { seed?: number; userAgent?: string } = {}) {
  const st = await status(s, token, agreementId);
  const otp = await s.api('POST', `/api/signing/agreements/${agreementId}/otp`, { token, body: { role, lockSeq: st.lockSeq, documentSha256: st.sha256 } });
  expect(otp.status, JSON.stringify(otp.body)).toBe(201);
  const r = await s.api('POST', `/api/signing/agreements/${agreementId}/sign`, {
    token, headers: { 'user-agent': opts.userAgent ?? `vitest ${role}` },
    body: { role, lockSeq: st.lockSeq, documentSha256: st.sha256, otpId: otp.body.otpId, code: otp.body.delivery.code, method: 'drawn', image: signaturePng(300, 100, opts.seed ?? 1) },
  });
  return r;
}

/** Fetches a document through its signed view URL into a temp file. */
export async function download(s: TestServer, url: string, name: string): Promise<{ file: string; bytes: Buffer }> {
  const res = await fetch(`${s.url}${url}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('application/pdf');
  const bytes = Buffer.from(await res.arrayBuffer());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-sign-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return { file, bytes };
}

/** pdfsig's verdict per signature: [valid, covers the whole document?]. */
export async function pdfsig(file: string): Promise<{ out: string; signatures: { valid: boolean; total: boolean; name: string }[] }> {
  const { stdout } = await run('pdfsig', ['-nocert', file]).catch((e: { stdout?: string; stderr?: string }) => ({ stdout: `${e.stdout ?? ''}${e.stderr ?? ''}` }));
  const blocks = stdout.split(/^Signature #\d+:/m).slice(1);
  return {
    out: stdout,
    signatures: blocks.map((b) => ({
      valid: /Signature Validation: Signature is Valid\./.test(b),
      total: /The signature form field is signed|Total document signed/.test(b) || /Total document signed/.test(b),
      name: /Signer Certificate Common Name: (.*)/.exec(b)?.[1]?.trim() ?? '',
    })),
  };
}
