import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import * as Y from 'yjs';
import { PAD_TEXT } from '../../signaling/protocol/pad.js';
import { setupHearing, verifyLink, type HearingFixture } from '../helpers/hearing.js';
import { dropPgSchema, startTestServer, type DbKind, type TestServer } from '../helpers/server.js';

export { allSaved, padClient, synced, waitFor } from './client.js';

/**
 * Drafting-pad test helpers: a case with a hearing (mediator, clerk, arbitrator, both parties, plus an observer), an
 * agreement made from the labour template, Node pad clients (the browser's PadProvider, unchanged; in ./client.ts), and
 * a server that can be restarted on the same store and port.
 */
export interface PadFixture extends HearingFixture {
  agreementId: string;
  observerToken: string;
  /** Staff sessions. */
  clerkStaffToken: string;
  courtStaffToken: string;
}

export async function createAgreement(s: TestServer, token: string, caseId: string, body: Record<string, unknown> = {}): Promise<string> {
  const r = await s.api('POST', `/api/cases/${caseId}/agreements`, { token, body: { language: 'zh-Hans', ...body } });
  if (r.status !== 201) throw new Error(`create agreement: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.agreement.id as string;
}

export async function padFixture(s: TestServer, n: number): Promise<PadFixture> {
  const f = await setupHearing(s, n);
  // An observer (a guest with name and ID number) on a second hearing of the same case.
  const guest = { name: `观察员${n}`, idNumber: `G${String(n).padStart(7, '0')}X` };
  const h = await s.api('POST', `/api/cases/${f.caseId}/hearings`, {
    token: f.staffToken,
    body: { startsAt: new Date(Date.now() + 2 * 86_400_000).toISOString(), durationMinutes: 60, site: 'guangzhou', participants: [{ role: 'observer', ...guest }, { role: 'mediator', staffId: s.staff.mediator.id }] },
  });
  if (h.status !== 201) throw new Error(`observer hearing: ${h.status} ${JSON.stringify(h.body)}`);
  const obs = h.body.participants.find((p: { role: string }) => p.role === 'observer');
  const link = await s.api('POST', `/api/cases/${f.caseId}/hearings/${h.body.id}/links`, { token: f.staffToken, body: { participantId: obs.id } });
  const observerToken = await verifyLink(s, link.body.url.slice(link.body.url.indexOf('#') + 1), guest);
  const agreementId = await createAgreement(s, f.staffToken, f.caseId);
  return { ...f, agreementId, observerToken, clerkStaffToken: await s.login('demo.clerk'), courtStaffToken: await s.login('demo.judge') };
}

/** The server's live text as the HTTP API reports it. */
export async function serverText(s: TestServer, token: string, agreementId: string): Promise<string> {
  const r = await s.api('GET', `/api/agreements/${agreementId}`, { token });
  if (r.status !== 200) throw new Error(`get agreement: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.text.body as string;
}

/** The stored document as a fresh load from the store would build it (snapshot + updates). */
export async function storedText(s: TestServer, agreementId: string): Promise<string> {
  const db = s.services.store.db as any;
  const snap = await db.selectFrom('agreement_snapshots').selectAll().where('agreement_id', '=', agreementId).orderBy('upto_seq', 'desc').executeTakeFirst();
  const upto = snap ? Number(snap.upto_seq) : 0;
  const rows = await db.selectFrom('agreement_changes').select(['data']).where('agreement_id', '=', agreementId).where('seq', '>', upto).where('data', 'is not', null).orderBy('seq').execute();
  const doc = new Y.Doc();
  if (snap) Y.applyUpdate(doc, Buffer.from(snap.state, 'base64'));
  for (const r of rows) Y.applyUpdate(doc, Buffer.from(r.data, 'base64'));
  return doc.getText(PAD_TEXT).toString();
}

/** A server on a fixed data folder / PostgreSQL schema, so it can be stopped and started again on the same port. */
export class RestartableServer {
  s!: TestServer;
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-pad-'));
  private readonly schema = `t_pad_${randomBytes(5).toString('hex')}`;

  constructor(readonly db: DbKind) {}

  private env(port?: number): Record<string, string> {
    return { CONCORD_DATA_DIR: this.dir, ...(this.db === 'postgres' ? { CONCORD_PG_SCHEMA: this.schema } : {}), ...(port ? { CONCORD_PORT: String(port) } : {}) };
  }

  async start(): Promise<TestServer> {
    this.s = await startTestServer(this.db, this.env());
    return this.s;
  }

  async stop(): Promise<void> {
    await this.s.close();
  }

  async restart(): Promise<TestServer> {
    const port = this.s.port;
    await this.s.close();
    this.s = await startTestServer(this.db, this.env(port));
    return this.s;
  }

  async cleanup(): Promise<void> {
    await this.s?.close().catch(() => undefined);
    fs.rmSync(this.dir, { recursive: true, force: true });
    if (this.db === 'postgres') await dropPgSchema(this.schema);
  }
}
