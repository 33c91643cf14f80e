import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { createCase, expectError, participantByRole, scheduleHearing, standardParticipants } from '../helpers/fixtures.js';
import { ffprobe, sha256File } from '../../recordings/media.js';
import { verifyRecordings } from '../../server/recordings/verify.js';
import { feedUntilWritten, opusTrack } from './helpers/rtp.js';

/**
 * Caucus recordings at rest (issue 12): a caucus track's segments are written under `caucus/<caseId>/`, encrypted
 * with the case's key once ffmpeg closes them (ffprobe cannot read them, the plaintext is not in them), readable with
 * the key, unreadable after the key is shredded (verify says "shredded", not "corrupted"); joint tracks stay plain.
 * Real ffmpeg recorders fed RTP over UDP.
 */
describe('caucus recordings encrypted per case', { timeout: 120_000 }, () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer('sqlite', { CONCORD_RECORDINGS_SEGMENT_SECONDS: '2', CONCORD_TRANSCRIBE_ENGINE: 'none' });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('caucus segments are ciphertext on disk, readable with the key, unreadable after shredding; joint files stay plain', async () => {
    const mediator = await s.login('demo.mediator');
    const c = await createCase(s, mediator, 41);
    const h = await scheduleHearing(s, mediator, c.id, standardParticipants(s, c));
    const svc = s.services.recordings.service;
    const med = participantByRole(h, 'mediator');
    const app = participantByRole(h, 'applicant');
    const { recordingId } = await svc.begin({ caseId: c.id, hearingId: h.id }, { participantId: med.id, role: 'mediator' });
    await svc.started(recordingId, new Date());
    // The caucus as the live hearing records it (who held it, who was in it): the policy's facts for its material.
    await s.services.hearingRoom.caucusStarted({
      caucusId: 'cau_testcaucus', caseId: c.id, hearingId: h.id, heldBy: med.id, heldByStaff: null,
      memberIds: [med.id, app.id], at: new Date().toISOString(),
    }, `participant:${med.id}`);
    const caucusTrack = await svc.openTrack(recordingId, opusTrack(app, 'cau_testcaucus', true));
    const jointTrack = await svc.openTrack(recordingId, opusTrack(app, 'joint', false));
    const root = svc.rootFor(c.site);
    await feedUntilWritten(caucusTrack, join(root, 'caucus', c.id, recordingId));
    await feedUntilWritten(jointTrack, join(root, c.id, recordingId));
    await caucusTrack.close(null, 'test');
    await jointTrack.close(null, 'test');

    const files = await svc.db.selectFrom('recording_files').selectAll().where('recording_id', '=', recordingId).execute();
    const cauFiles = files.filter((f) => f.path.startsWith(`caucus/${c.id}/`));
    const jointFiles = files.filter((f) => f.path.startsWith(`${c.id}/`));
    expect(cauFiles.length).toBeGreaterThan(0);
    expect(jointFiles.length).toBeGreaterThan(0);
    expect(cauFiles.length + jointFiles.length).toBe(files.length);

    const cau = cauFiles[0]!;
    const cauAbs = svc.absolute(c.site, cau.path);
    const onDisk = readFileSync(cauAbs);
    // Not a media file any more, and the recorded hash is the ciphertext's.
    await expect(ffprobe(cauAbs)).rejects.toThrow();
    expect((await sha256File(cauAbs)).sha256).toBe(cau.sha256);
    // With the key: the plaintext is a WebM with Opus, and none of it appears in the file on disk.
    const plain = await svc.vault.decryptBuffer(c.id, cauAbs);
    expect(plain.subarray(0, 4).toString('hex')).toBe('1a45dfa3');
    expect(plain.includes(Buffer.from('OpusHead'))).toBe(true);
    expect(onDisk.includes(Buffer.from('OpusHead'))).toBe(false);
    expect(onDisk.includes(Buffer.from('1a45dfa3', 'hex'))).toBe(false);
    expect(onDisk.includes(plain.subarray(plain.length >> 1, (plain.length >> 1) + 32))).toBe(false);
    const decrypted = join(s.env.CONCORD_DATA_DIR!, 'decrypted.webm');
    writeFileSync(decrypted, plain);
    expect((await ffprobe(decrypted)).streams.map((x) => x.codec)).toEqual(['opus']);
    // A joint file is a plain WebM, as before.
    expect((await ffprobe(svc.absolute(c.site, jointFiles[0]!.path))).streams.map((x) => x.codec)).toEqual(['opus']);

    // Served decrypted to a reader the route lets through.
    const url = `${s.url}/api/cases/${c.id}/recordings/${recordingId}/files/${cau.id}`;
    const got = await fetch(url, { headers: { authorization: `Bearer ${mediator}` } });
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer()).equals(plain)).toBe(true);

    const before = await verifyRecordings(svc, c.id);
    expect(before).toMatchObject({ ok: true, problems: [], shredded: [] });

    // Crypto-shredding: audited; reads fail with a clear error; verify calls the files shredded, not corrupted.
    expect(await svc.shredCaseKey(c.id, 'retention period over', 'staff:test')).toEqual({ shredded: true });
    expect(await svc.shredCaseKey(c.id, 'again', 'staff:test')).toEqual({ shredded: false });
    const shredEntries = (await s.services.audit.entries(c.id)).filter((e) => e.action === 'caucus.key_shredded');
    expect(shredEntries).toHaveLength(1);
    expect(shredEntries[0]!.data).toMatchObject({ reason: 'retention period over', files: cauFiles.length });
    await expect(svc.vault.decryptBuffer(c.id, cauAbs)).rejects.toThrow('caucus material was shredded');
    const refused = await s.api('GET', `/api/cases/${c.id}/recordings/${recordingId}/files/${cau.id}`, { token: mediator });
    expectError(refused, 409, 'INVALID_STATE');
    expect(refused.body.error.message).toBe('caucus material was shredded');
    const after = await verifyRecordings(svc, c.id);
    expect(after.ok).toBe(true);
    expect(after.problems).toEqual([]);
    expect(after.shredded.map((x) => x.fileId).sort()).toEqual(cauFiles.map((x) => x.id).sort());
    expect((await s.services.audit.verify(c.id)).ok).toBe(true);
    // Joint material is untouched by the shred.
    const joint = await fetch(`${s.url}/api/cases/${c.id}/recordings/${recordingId}/files/${jointFiles[0]!.id}`, { headers: { authorization: `Bearer ${mediator}` } });
    expect(joint.status).toBe(200);
    expect(Buffer.from(await joint.arrayBuffer()).equals(readFileSync(svc.absolute(c.site, jointFiles[0]!.path)))).toBe(true);
  });

  it('a changed caucus file, or another case\'s key, does not decrypt', async () => {
    const mediator = await s.login('demo.mediator');
    const c = await createCase(s, mediator, 42);
    const svc = s.services.recordings.service;
    const abs = join(s.env.CONCORD_DATA_DIR!, `x-${c.id}.bin`);
    writeFileSync(abs, Buffer.alloc(5000, 7));
    await svc.vault.encryptFile(c.id, abs);
    const bytes = readFileSync(abs);
    bytes[100] = bytes[100]! ^ 1;
    writeFileSync(abs, bytes);
    await expect(svc.vault.decryptBuffer(c.id, abs)).rejects.toThrow(/authenticate/);
    // Another case's key does not open it either.
    writeFileSync(abs, Buffer.alloc(5000, 7));
    await svc.vault.encryptFile(c.id, abs);
    const other = await createCase(s, mediator, 43);
    await svc.vault.key(other.id, true);
    await expect(svc.vault.decryptBuffer(other.id, abs)).rejects.toThrow(/authenticate/);
  });
});
