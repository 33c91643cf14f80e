import * as Y from 'yjs';
import { allSaved, padClient, padFixture, synced, waitFor, type RestartableServer } from '../test/pad/helpers.js';
import { fmt } from './lib.js';
import { heap } from './pad-run.js';

const mb = (n: number) => `${fmt(n / 2 ** 20)} MiB`;

/** A 50-page agreement (about 1,800 characters a page) typed as many small updates by two authors, stored, reloaded. */
export async function fiftyPages(srv: RestartableServer): Promise<Record<string, string>> {
  const s = srv.s;
  const f = await padFixture(s, 2);
  const a = padClient(s, f.participants.applicant.token, f.agreementId);
  const b = padClient(s, f.participants.respondent.token, f.agreementId);
  await Promise.all([synced(a), synced(b)]);
  const para = '被申请人同意于二〇二六年十二月三十一日前向申请人支付拖欠工资及经济补偿共计人民币三万六千八百元整，以银行转账方式一次性付清。';
  const target = 50 * 1800;
  let n = 0;
  while (a.text.length + b.text.length < target * 2 - 2000) {
    const c = n % 2 === 0 ? a : b;
    c.text.insert(c.text.length, `${n % 20 === 0 ? `\n## 第${n}条\n\n` : ''}${para}\n`);
    n++;
    if (n % 50 === 0) await new Promise((r) => setImmediate(r));
    if (c.text.length >= target) break;
  }
  await allSaved([a, b], 300_000);
  await waitFor(() => a.text.toString() === b.text.toString(), 'converged', 300_000);
  const chars = a.text.length;
  a.destroy();
  b.destroy();
  // The pad layer's change log: one 'edit' row per stored update (besides the 'created' row and any lock or version).
  const edits = (await s.services.agreements.changes(f.agreementId, 100_000)).filter((c) => c.kind === 'edit').length;
  // Cold load from the store after a restart: first the server's own load (snapshot + updates), then a client's sync.
  await srv.restart();
  const h0 = heap();
  const t0 = performance.now();
  const pad = await srv.s.services.agreements.live.get(f.agreementId);
  const serverLoadMs = performance.now() - t0;
  const docHeap = heap() - h0;
  const t1 = performance.now();
  const c = padClient(srv.s, f.participants.applicant.token, f.agreementId);
  await synced(c, 60_000);
  const clientMs = performance.now() - t1;
  const ok = c.text.length === chars && pad.text.length === chars;
  const stateBytes = Y.encodeStateAsUpdate(pad.doc).byteLength;
  c.destroy();
  return {
    pages: '50', chars: String(chars), storedUpdates: String(edits), stateBytes: `${fmt(stateBytes / 1024)} KiB`,
    serverLoadMs: fmt(serverLoadMs), clientOpenMs: fmt(clientMs), docHeap: mb(docHeap), intact: String(ok),
  };
}
