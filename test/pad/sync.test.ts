import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PadProvider } from '../../client/src/pad/provider.js';
import { allSaved, padClient, padFixture, RestartableServer, serverText, storedText, synced, waitFor, type PadFixture } from './helpers.js';

/**
 * Three real Node Yjs clients (the browser's PadProvider) through the real server: concurrent edits, including the same
 * paragraph, converge; a server restart mid-session loses nothing a client was told was saved; edits made offline merge.
 */
describe.each(['sqlite', 'postgres'] as const)('pad sync on %s', (db) => {
  const srv = new RestartableServer(db);
  let f: PadFixture;
  const clients: PadProvider[] = [];
  const open = (token: string) => {
    const c = padClient(srv.s, token, f.agreementId);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    await srv.start();
    f = await padFixture(srv.s, 1);
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await srv.cleanup();
  });

  /** Index of the facts paragraph (a line all three will type into). */
  const factsAt = (c: PadProvider) => c.text.toString().indexOf('测试案件 1');

  it('three clients editing concurrently, the same paragraph too, converge; a restart mid-session loses nothing saved', async () => {
    const [a, b, m] = [open(f.participants.applicant.token), open(f.participants.respondent.token), open(f.participants.mediator.token)];
    for (const c of [a, b, m]) c.on('rejected', (e) => console.log('REJECTED', e));
    await Promise.all([synced(a), synced(b), synced(m)]);
    const start = a.text.toString();
    expect(start).toContain('# 劳动人事争议调解协议书');
    expect(b.text.toString()).toBe(start);

    // Round 1: all three type into the same paragraph at once, and elsewhere.
    for (let i = 0; i < 20; i++) {
      a.text.insert(factsAt(a), `A${i}`);
      b.text.insert(factsAt(b) + 4, `B${i}`);
      m.text.insert(factsAt(m) + 2, `M${i}`);
      if (i % 5 === 0) m.text.insert(m.text.length, `\n调解员补充${i}\n`);
      if (i % 7 === 0) b.text.delete(factsAt(b) + 1, 1);
    }
    await allSaved([a, b, m]);
    await waitFor(() => a.text.toString() === b.text.toString() && b.text.toString() === m.text.toString(), 'round 1 convergence');
    const round1 = a.text.toString();
    for (let i = 0; i < 20; i++) for (const tag of [`A${i}`, `M${i}`]) expect(round1).toContain(tag);
    expect(await serverText(srv.s, f.staffToken, f.agreementId)).toBe(round1);

    // Round 2: edits keep flowing while the server stops and starts again on the same store and port.
    a.text.insert(factsAt(a), '【重启前】');
    await allSaved([a]);
    const stopping = srv.stop();
    b.text.insert(factsAt(b), '【停机中B】');
    m.text.insert(m.text.length, '停机中调解员补充\n');
    await stopping;
    await waitFor(() => !a.connected && !b.connected && !m.connected, 'clients see the server gone');
    a.text.insert(0, '离线A ');
    expect(a.unsaved + b.unsaved + m.unsaved).toBeGreaterThan(0);
    await srv.restart();
    await allSaved([a, b, m], 30_000);
    await waitFor(() => a.text.toString() === b.text.toString() && b.text.toString() === m.text.toString(), 'convergence after restart').catch(async (e) => {
      const st = await serverText(srv.s, f.staffToken, f.agreementId);
      for (const c of [a, b, m]) console.log(c.status, c.unsaved, c.stats, c.text.length, c.text.toString() === st, st.length);
      throw e;
    });
    const round2 = a.text.toString();
    for (const s of ['【重启前】', '【停机中B】', '停机中调解员补充', '离线A ', 'A19', 'M19']) expect(round2).toContain(s);
    expect(await serverText(srv.s, f.staffToken, f.agreementId)).toBe(round2);

    // And once more from the store alone: a restart with nobody connected, then a fresh client.
    for (const c of [a, b, m]) c.disconnect();
    await srv.restart();
    expect(await storedText(srv.s, f.agreementId)).toBe(round2);
    const fresh = open(f.participants.arbitrator.token);
    await synced(fresh);
    expect(fresh.text.toString()).toBe(round2);
  }, 120_000);

  it('edits made while one client is offline merge with the others after it reconnects', async () => {
    const [a, b] = [open(f.participants.applicant.token), open(f.participants.respondent.token)];
    await Promise.all([synced(a), synced(b)]);
    a.disconnect();
    await waitFor(() => a.status === 'offline', 'a offline');
    // The same paragraph on both sides: a offline, b online.
    const para = (c: PadProvider) => c.text.toString().indexOf('双方应当按照本协议约定');
    a.text.insert(para(a), '〔离线修改〕');
    a.text.delete(para(a) + 2, 2);
    b.text.insert(para(b), '〔在线修改〕');
    await allSaved([b]);
    expect(a.unsaved).toBeGreaterThan(0);
    expect(b.text.toString()).not.toContain('〔离线修改〕');
    a.connect();
    await allSaved([a, b]);
    await waitFor(() => a.text.toString() === b.text.toString(), 'offline merge');
    const text = b.text.toString();
    expect(text).toContain('〔离线修改〕');
    expect(text).toContain('〔在线修改〕');
    expect(text).not.toContain('双方应当按照本协议约定');
    expect(text).toContain('双方按照本协议约定');
    expect(await serverText(srv.s, f.staffToken, f.agreementId)).toBe(text);
  }, 120_000);
});
