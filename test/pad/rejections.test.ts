import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PadProvider } from '../../client/src/pad/provider.js';
import { PAD_TEXT } from '../../signaling/protocol/pad.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { allSaved, padClient, padFixture, serverText, synced, waitFor, type PadFixture } from './helpers.js';

/**
 * Everything the pad must refuse, each time with the document unchanged on the server, in the store and at the other
 * clients: edits from read-only roles, from another case's token, while locked; malformed and oversized updates;
 * updates written under another author's client id.
 */
describe.each(['sqlite', 'postgres'] as const)('pad rejections on %s', (db) => {
  let s: TestServer;
  let f: PadFixture;
  let other: PadFixture;
  const clients: PadProvider[] = [];
  const open = (token: string, agreementId = f.agreementId) => {
    const c = padClient(s, token, agreementId, { reconnection: false });
    clients.push(c);
    return c;
  };
  let witness: PadProvider;

  beforeAll(async () => {
    s = await startTestServer(db);
    f = await padFixture(s, 1);
    other = await padFixture(s, 2);
    witness = open(f.participants.applicant.token);
    await synced(witness);
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await s?.close();
  });

  const changeRows = async () =>
    Number((await (s.services.store.db as any).selectFrom('agreement_changes').select((eb: any) => eb.fn.countAll().as('n')).where('agreement_id', '=', f.agreementId).executeTakeFirstOrThrow()).n);

  /** Runs `act` and checks that nothing changed: server text, stored change log, the witness client's text. */
  async function unchanged(act: () => Promise<void>): Promise<void> {
    const before = { text: await serverText(s, f.staffToken, f.agreementId), rows: await changeRows(), witness: witness.text.toString() };
    await act();
    await new Promise((r) => setTimeout(r, 150));
    expect(await serverText(s, f.staffToken, f.agreementId)).toBe(before.text);
    expect(await changeRows()).toBe(before.rows);
    expect(witness.text.toString()).toBe(before.witness);
  }

  const send = (c: PadProvider, update: Uint8Array) => (c.socket.timeout(30_000) as any).emitWithAck('pad.update', { update }) as Promise<any>;
  /** An update that inserts `text` at the start, built on the server's current state by a client with `clientID`. */
  function insertion(base: PadProvider, text: string, clientID?: number): Uint8Array {
    const d = new Y.Doc();
    if (clientID !== undefined) d.clientID = clientID;
    Y.applyUpdate(d, Y.encodeStateAsUpdate(base.doc));
    const sv = Y.encodeStateVector(d);
    d.getText(PAD_TEXT).insert(0, text);
    return Y.encodeStateAsUpdate(d, sv);
  }

  it('observers read but cannot edit; so does the clerk until the mediator allows it', async () => {
    const obs = open(f.observerToken);
    await synced(obs);
    expect(obs.text.toString()).toBe(witness.text.toString());
    expect(obs.access).toMatchObject({ canEdit: false, readOnlyReason: 'role' });
    await unchanged(async () => {
      const r = await send(obs, insertion(obs, '观察员不应写入'));
      expect(r).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
      obs.text.insert(0, '本地写入');
      await waitFor(() => obs.stats.sent === 0, 'nothing sent', 500).catch(() => undefined);
      expect(obs.stats.sent).toBe(0);
    });
    const clerk = open(f.clerkStaffToken);
    await synced(clerk);
    expect(clerk.access?.canEdit).toBe(false);
    await unchanged(async () => {
      expect(await send(clerk, insertion(clerk, '书记员'))).toMatchObject({ ok: false, error: { code: 'PERMISSION_DENIED' } });
    });
    // A party may not grant it; the mediator may.
    const byParty = await s.api('POST', `/api/agreements/${f.agreementId}/clerk-edit`, { token: f.participants.applicant.token, body: { allowed: true } });
    expect(byParty.status).toBe(403);
    const granted = await s.api('POST', `/api/agreements/${f.agreementId}/clerk-edit`, { token: f.staffToken, body: { allowed: true } });
    expect(granted.status).toBe(200);
    await waitFor(() => clerk.access?.canEdit === true, 'clerk hears the grant');
    clerk.text.insert(0, '书记员记录');
    await allSaved([clerk]);
    await waitFor(() => witness.text.toString().startsWith('书记员记录'), 'clerk edit reaches others');
    await s.api('POST', `/api/agreements/${f.agreementId}/clerk-edit`, { token: f.staffToken, body: { allowed: false } });
    await waitFor(() => clerk.access?.canEdit === false, 'clerk hears the revocation');
  });

  it("another case's token reads nothing: the handshake and the API answer NOT_FOUND", async () => {
    const c = open(other.participants.applicant.token);
    const refused = await new Promise<any>((resolve) => c.on('refused', resolve));
    expect(refused.code).toBe('NOT_FOUND');
    expect(c.text.toString()).toBe('');
    for (const token of [other.participants.respondent.token, other.observerToken]) {
      const r = await s.api('GET', `/api/agreements/${f.agreementId}`, { token });
      expect(r.status).toBe(404);
    }
    const list = await s.api('GET', `/api/cases/${f.caseId}/agreements`, { token: other.participants.applicant.token });
    expect(list.status).toBe(404);
    // No token, a link token (identity check not passed), garbage.
    for (const token of ['', 'garbage', f.participants.applicant.linkToken]) {
      const x = open(token);
      expect((await new Promise<any>((resolve) => x.on('refused', resolve))).code).toBe('UNAUTHENTICATED');
    }
    const anonymous = await s.api('GET', `/api/agreements/${f.agreementId}`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('malformed updates are refused and change nothing', async () => {
    const b = open(f.participants.respondent.token);
    await synced(b);
    const bad: [string, Uint8Array, string][] = [];
    bad.push(['garbage bytes', new Uint8Array([1, 2, 3, 250, 251, 252, 253]), 'VALIDATION_FAILED']);
    const map = new Y.Doc();
    map.getMap('fields').set('amount', '0.01');
    bad.push(['a map instead of text', Y.encodeStateAsUpdate(map), 'VALIDATION_FAILED']);
    const other = new Y.Doc();
    other.getArray('x').insert(0, [1]);
    bad.push(['another shared type', Y.encodeStateAsUpdate(other), 'VALIDATION_FAILED']);
    const fmt = new Y.Doc();
    Y.applyUpdate(fmt, Y.encodeStateAsUpdate(b.doc));
    const sv = Y.encodeStateVector(fmt);
    fmt.getText(PAD_TEXT).format(0, 3, { bold: true });
    bad.push(['formatting', Y.encodeStateAsUpdate(fmt, sv), 'VALIDATION_FAILED']);
    // Refers to text the server never saw (an item of a third document).
    const ghost = new Y.Doc();
    ghost.getText(PAD_TEXT).insert(0, 'ghost');
    const dep = new Y.Doc();
    Y.applyUpdate(dep, Y.encodeStateAsUpdate(b.doc));
    Y.applyUpdate(dep, Y.encodeStateAsUpdate(ghost));
    const depSv = Y.encodeStateVector(dep);
    dep.getText(PAD_TEXT).insert(dep.getText(PAD_TEXT).toString().indexOf('ghost') + 2, 'XYZ');
    bad.push(['missing dependency', Y.encodeStateAsUpdate(dep, depSv), 'VALIDATION_FAILED']);
    // A gap: clocks starting beyond what the server holds for a client.
    const gap = new Y.Doc();
    Y.applyUpdate(gap, Y.encodeStateAsUpdate(b.doc));
    const gapSv = Y.encodeStateVector(gap);
    gap.getText(PAD_TEXT).insert(0, 'first');
    const gapSv2 = Y.encodeStateVector(gap);
    gap.getText(PAD_TEXT).insert(0, 'second');
    void gapSv;
    bad.push(['a gap in the sequence', Y.encodeStateAsUpdate(gap, gapSv2), 'VALIDATION_FAILED']);
    // Written under the applicant's client id by the respondent.
    bad.push(["another author's client id", insertion(b, '冒名', witness.doc.clientID), 'PERMISSION_DENIED']);
    for (const [what, update, code] of bad) {
      await unchanged(async () => {
        const r = await send(b, update);
        expect({ what, r }).toMatchObject({ what, r: { ok: false, error: { code } } });
      });
    }
    // Not binary, extra fields, no ack: refused or ignored, the socket lives on.
    await unchanged(async () => {
      expect(await (b.socket.timeout(30_000) as any).emitWithAck('pad.update', { update: 'text' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      expect(await (b.socket.timeout(30_000) as any).emitWithAck('pad.update', { update: new Uint8Array([0, 0]), extra: 1 })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      expect(await (b.socket.timeout(30_000) as any).emitWithAck('pad.nope', {})).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      expect(await (b.socket.timeout(30_000) as any).emitWithAck('pad.sync', { stateVector: new Uint8Array([255, 255, 255]) })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      (b.socket as any).emit('pad.update', { update: insertion(b, 'no ack') });
    });
    expect(b.connected).toBe(true);
  });

  it('oversized updates are refused: over the pad limit with PAYLOAD_TOO_LARGE, over the socket limit by disconnecting', async () => {
    const b = open(f.participants.respondent.token);
    await synced(b);
    await unchanged(async () => {
      const big = insertion(b, '长'.repeat(20_000));
      expect(big.byteLength).toBeGreaterThan(48 * 1024);
      expect(await send(b, big)).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
    });
    expect(b.connected).toBe(true);
    await unchanged(async () => {
      b.socket.emit('pad.update', { update: insertion(b, '长'.repeat(40_000)) } as any, () => undefined);
      await waitFor(() => !b.connected, 'the socket is dropped');
    });
  });

  it('while locked every edit is refused; unlocking is audited, calls the unlock listeners and allows edits again', async () => {
    const unlocks: unknown[] = [];
    const off = s.services.agreements.onUnlock((e) => {
      unlocks.push(e);
    });
    const fill = await s.api('POST', `/api/agreements/${f.agreementId}/fields`, {
      token: f.staffToken, body: { fields: { amount: '12000.50', paymentDate: '2026-12-31', paymentMethod: 'bank_transfer', wagePeriod: '2026年7月至9月' } },
    });
    expect(fill.status).toBe(200);
    // Only the mediator locks.
    expect((await s.api('POST', `/api/agreements/${f.agreementId}/lock`, { token: f.participants.applicant.token, body: {} })).status).toBe(403);
    const b = open(f.participants.respondent.token);
    await synced(b);
    const locked = await s.api('POST', `/api/agreements/${f.agreementId}/lock`, { token: f.staffToken, body: {} });
    expect(locked.status).toBe(200);
    expect(locked.body.locked.lockSeq).toBe(1);
    await waitFor(() => b.access?.readOnlyReason === 'locked' && witness.access?.canEdit === false, 'clients hear the lock');
    await unchanged(async () => {
      expect(await send(b, insertion(b, '锁定后修改'))).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
      const fields = await s.api('POST', `/api/agreements/${f.agreementId}/fields`, { token: f.staffToken, body: { fields: { amount: '1.00' } } });
      expect(fields.status).toBe(409);
    });
    expect((await s.services.agreements.lockedContent(f.agreementId))?.sha256).toBe(locked.body.locked.sha256);
    // Unlock: only the mediator; audited with the hash; the listeners run before the answer.
    expect((await s.api('POST', `/api/agreements/${f.agreementId}/unlock`, { token: f.participants.respondent.token, body: { reason: 'x' } })).status).toBe(403);
    const un = await s.api('POST', `/api/agreements/${f.agreementId}/unlock`, { token: f.staffToken, body: { reason: '当事人要求修改付款日期' } });
    expect(un.status).toBe(200);
    expect(unlocks).toEqual([{ agreementId: f.agreementId, caseId: f.caseId, lockSeq: 1, by: `staff:${s.staff.mediator.id}` }]);
    const audit = await s.services.audit.entries(f.caseId);
    const unlocked = audit.find((e) => e.action === 'agreement.unlocked');
    expect(unlocked?.data).toMatchObject({ agreementId: f.agreementId, lockSeq: 1, sha256: locked.body.locked.sha256, reason: '当事人要求修改付款日期' });
    expect(await s.services.agreements.lockedContent(f.agreementId)).toBeNull();
    await waitFor(() => b.access?.canEdit === true, 'clients hear the unlock');
    b.text.insert(0, '解锁后');
    await allSaved([b]);
    await waitFor(() => witness.text.toString().startsWith('解锁后'), 'edit after unlock');
    off();
  });

  it('a link revoked on the case page ends its holder\'s open pad session at once; the others stay; the timer finds a revocation made elsewhere', async () => {
    const b = padClient(s, f.participants.respondent.token, f.agreementId);
    clients.push(b);
    await synced(b);
    const refused: { code: string }[] = [];
    b.on('refused', (e) => refused.push(e));
    const r = await s.api('POST', `/api/cases/${f.caseId}/links/${f.participants.respondent.linkId}/revoke`, { token: f.staffToken, body: {} });
    expect(r.status).toBe(200);
    // Disconnected by the revocation itself (no check run); the provider's own reconnect is refused by the handshake.
    await waitFor(() => b.status === 'refused', 'the revoked session is refused');
    expect(refused.map((e) => e.code)).toContain('TOKEN_REVOKED');
    expect(b.socket.connected).toBe(false);
    await unchanged(async () => {
      b.text.insert(0, '撤销后修改');
      await new Promise((res) => setTimeout(res, 300));
    });
    expect(witness.status).toBe('synced');
    expect(witness.socket.connected).toBe(true);
    // A revocation written by another process (straight into the store here) is found by the periodic check.
    await s.services.store.db.updateTable('links').set({ revoked_at: new Date().toISOString() }).where('id', '=', f.participants.applicant.linkId).execute();
    expect(witness.socket.connected).toBe(true);
    await s.pad.checkLinks();
    await waitFor(() => witness.status === 'refused', 'the session of a link revoked elsewhere is refused');
  });
});
