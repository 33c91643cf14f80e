import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, snapshot } from '../helpers/fixtures.js';
import { startTestServer, type DbKind, type TestServer } from '../helpers/server.js';
import { sealedAndChanged } from './sealed.js';

/**
 * The public verifier over HTTP (`POST /api/verify`, no sign-in, raw PDF body) and on the command line
 * (`npm run verify`), on SQLite and PostgreSQL: organisation credentials are created in the store on first use and
 * their CAs are the verifier's trust anchors.
 */

const dbs: DbKind[] = ['sqlite', 'postgres'];

describe.each(dbs)('verification (%s)', (db) => {
  let s: TestServer;
  let sealed: Buffer;
  let tampered: Buffer;
  let orgId: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-verify-'));

  const post = async (body: Uint8Array | string | undefined, type = 'application/pdf') => {
    const res = await fetch(`${s.url}/api/verify`, { method: 'POST', headers: type ? { 'content-type': type } : {}, body: body as NonNullable<Parameters<typeof fetch>[1]>['body'] });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* keep text */
    }
    return { status: res.status, body: parsed as any };
  };

  beforeAll(async () => {
    s = await startTestServer(db);
    ({ orgId, sealed, changed: tampered } = await sealedAndChanged(s));
  }, 120_000);

  afterAll(async () => {
    await s?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('POST /api/verify: a sealed PDF is valid and trusted, without signing in', async () => {
    const r = await post(sealed);
    expect(r.status).toBe(200);
    expect(r.body.ok).toBe(true);
    expect(r.body.modifiedAfterSigning).toBe(false);
    expect(r.body.signatures).toHaveLength(1);
    expect(r.body.signatures[0]).toMatchObject({ valid: true, trusted: true, digestValid: true, signatureValid: true, coversWholeDocument: true });
    expect(r.body.signatures[0].certificate.subject).toContain('OU=Organisation seal');
  });

  it('creating an organisation\'s credentials is audited in its chain, once', async () => {
    await s.services.documents.credentials.forOrg(orgId);
    const entries = (await s.services.audit.entries(`org:${orgId}`)).filter((e) => e.action === 'documents.credentials_created');
    expect(entries).toHaveLength(1);
    expect(entries[0]!.data).toMatchObject({ selfIssued: true, sealCertSha256: (await s.services.documents.credentials.forOrg(orgId)).certSha256 });
    expect((await s.services.audit.verify(`org:${orgId}`)).ok).toBe(true);
  });

  it('POST /api/verify: a changed byte is reported, not refused', async () => {
    const r = await post(tampered, 'application/octet-stream');
    expect(r.status).toBe(200);
    expect(r.body.ok).toBe(false);
    expect(r.body.modifiedAfterSigning).toBe(true);
    expect(r.body.signatures[0].digestValid).toBe(false);
  });

  it('POST /api/verify: bad input gets a clear 4xx and nothing is recorded', async () => {
    const before = await snapshot(s);
    expectError(await post(JSON.stringify({ pdf: 'x' }), 'application/json'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectError(await post(new Uint8Array(0)), 400, 'VALIDATION_FAILED');
    expectError(await post(Buffer.from('GIF89a not a pdf')), 400, 'VALIDATION_FAILED');
    const big = Buffer.alloc(21 * 1024 * 1024, 0x20);
    big.write('%PDF-1.7\n');
    expectError(await post(big), 413, 'PAYLOAD_TOO_LARGE');
    expect(await snapshot(s)).toEqual(before);
  });

  it('the OpenAPI document lists POST /api/verify: public, a PDF body, its refusals', async () => {
    const doc = (await s.api('GET', '/api/openapi.json')).body;
    const op = doc.paths['/api/verify']?.post;
    expect(op).toBeDefined();
    expect(op.security).toBeUndefined();
    expect(Object.keys(op.requestBody.content)).toEqual(['application/pdf']);
    expect(Object.keys(op.responses).sort()).toEqual(['200', '400', '413', '415', '429']);
  });

  it('npm run verify: exit 0 for the sealed file, 2 for the changed one, 1 for usage; --store trusts our CAs', () => {
    const good = path.join(dir, 'good.pdf');
    const bad = path.join(dir, 'bad.pdf');
    fs.writeFileSync(good, sealed);
    fs.writeFileSync(bad, tampered);
    const cli = (args: string[]) => spawnSync('npx', ['tsx', 'server/cli/verify.ts', ...args], { encoding: 'utf8', env: { ...process.env, ...s.env } });
    const ok = cli([good, '--store']);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('RESULT: valid, unchanged since signing');
    expect(ok.stdout).toMatch(/trusted/);
    expect(ok.stdout).not.toMatch(/not a trusted root/);
    const changed = cli([bad, '--json']);
    expect(changed.status).toBe(2);
    expect(JSON.parse(changed.stdout)).toMatchObject({ ok: false, modifiedAfterSigning: true });
    expect(cli([]).status).toBe(1);
    expect(cli([path.join(dir, 'missing.pdf')]).status).toBe(1);
  }, 120_000);
});
