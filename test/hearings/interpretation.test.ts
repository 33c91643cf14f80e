import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, DEMO_PASSWORD, startTestServer, type DbKind, type TestServer } from '../helpers/server.js';
import { ClientPool, must, next, request, state, verifyLink, type HearingClient } from '../helpers/hearing.js';
import { FakeMediaEngine } from './fake-media.js';

/**
 * Interpreter channels in the hearing layer (issue 17): languages stored and validated at scheduling and by the edit
 * route, the router told each audience before the participant enters and before any state change, channels and
 * modes through the policy, audio levels by audience, and the interpreter following their party into a caucus. The
 * SFU's side of it is the engine contract (test/media/contract/interpreter.test.ts).
 */
type Role = 'mediator' | 'applicant' | 'respondent' | 'interpreter';

describe.each<DbKind>(['sqlite', 'postgres'])('live hearing: interpreter channels (%s)', (db) => {
  let s: TestServer;
  let engine: FakeMediaEngine;
  let pool: ClientPool;
  let staffToken: string;
  let caseId: string;
  let hearingId: string;
  let applicantParty: string;
  const ids = {} as Record<Role, string>;
  const c = {} as Record<Role, HearingClient>;
  const INTERPRETER = { name: 'Ana Lei', idNumber: 'M7654321' };

  beforeAll(async () => {
    engine = new FakeMediaEngine();
    s = await startTestServer(db, {}, { mediaEngine: engine });
    pool = new ClientPool(s);
    staffToken = await s.login('demo.mediator', DEMO_PASSWORD);
  });
  afterAll(async () => {
    pool?.closeAll();
    await s?.close();
  });

  const schedule = (participants: unknown[]) =>
    s.api<any>('POST', `/api/cases/${caseId}/hearings`, {
      token: staffToken,
      body: { startsAt: new Date(Date.now() + 3600_000).toISOString(), durationMinutes: 60, site: 'macau', participants },
    });

  it('scheduling stores each language and the interpreter\'s pair, mode and party; bad assignments are refused', async () => {
    const body = caseBody(1701);
    const created = await s.api<any>('POST', '/api/cases', { token: staffToken, body });
    expect(created.status).toBe(201);
    caseId = created.body.id;
    const party = (side: string) => created.body.parties.find((p: { side: string }) => p.side === side).id as string;
    applicantParty = party('applicant');
    const base = [
      { role: 'mediator', staffId: s.staff.mediator.id, language: 'cmn' },
      { role: 'applicant', partyId: applicantParty, language: 'pt' },
      { role: 'respondent', partyId: party('respondent'), language: 'cmn' },
    ];
    const refused = [
      { role: 'observer', ...INTERPRETER, interpretation: { from: 'cmn', to: 'pt' } },
      { role: 'interpreter', ...INTERPRETER, interpretation: { from: 'pt', to: 'pt' } },
      { role: 'interpreter', ...INTERPRETER, interpretation: { from: 'cmn', to: 'pt', mode: 'whispered' } },
      { role: 'interpreter', ...INTERPRETER, interpretation: { from: 'cmn', to: 'fr' } },
      { role: 'interpreter', ...INTERPRETER, interpretation: { from: 'cmn', to: 'pt', servesPartyId: 'pty_not_of_this_case' } },
      { role: 'interpreter', ...INTERPRETER, language: 'klingon' },
    ];
    for (const bad of refused) {
      const r = await schedule([...base, bad]);
      expect(r.status, JSON.stringify(bad)).toBe(400);
    }
    const r = await schedule([
      ...base,
      { role: 'interpreter', ...INTERPRETER, language: 'pt', interpretation: { from: 'cmn', to: 'pt', servesPartyId: applicantParty } },
    ]);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    hearingId = r.body.id;
    const byRole = (role: string) => r.body.participants.find((p: { role: string }) => p.role === role);
    expect(byRole('applicant').language).toBe('pt');
    expect(byRole('interpreter')).toMatchObject({ language: 'pt', interpretation: { from: 'cmn', to: 'pt', mode: 'simultaneous', servesPartyId: applicantParty } });
    expect(byRole('respondent').interpretation).toBeNull();

    for (const p of r.body.participants as { id: string; role: Role }[]) {
      ids[p.role] = p.id;
      const link = await s.api<any>('POST', `/api/cases/${caseId}/hearings/${hearingId}/links`, { token: staffToken, body: { participantId: p.id } });
      const linkToken = (link.body.url as string).slice((link.body.url as string).indexOf('#') + 1);
      const answers = p.role === 'mediator' ? { username: 'demo.mediator', password: DEMO_PASSWORD }
        : p.role === 'interpreter' ? INTERPRETER
          : { name: body.parties[p.role === 'applicant' ? 0 : 1]!.name, idNumber: body.parties[p.role === 'applicant' ? 0 : 1]!.idNumber };
      c[p.role] = (await pool.join(await verifyLink(s, linkToken, answers))).c;
    }
  });

  it('staff change a language through the policy; only an interpreter has a pair', async () => {
    const path = (pid: string) => `/api/cases/${caseId}/hearings/${hearingId}/participants/${pid}/language`;
    const ok = await s.api<any>('PUT', path(ids.respondent), { token: staffToken, body: { language: 'yue' } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ id: ids.respondent, language: 'yue', interpretation: null });
    const back = await s.api<any>('PUT', path(ids.respondent), { token: staffToken, body: { language: 'cmn' } });
    expect(back.body.language).toBe('cmn');
    expect((await s.api<any>('PUT', path(ids.respondent), { token: staffToken, body: { language: 'cmn', interpretation: { from: 'cmn', to: 'pt' } } })).status).toBe(400);
    expect((await s.api<any>('PUT', path(ids.respondent), { token: staffToken, body: { language: 'xx' } })).status).toBe(400);
    // The interpreter's assignment is kept when only the language changes.
    const kept = await s.api<any>('PUT', path(ids.interpreter), { token: staffToken, body: { language: 'pt' } });
    expect(kept.body.interpretation).toMatchObject({ from: 'cmn', to: 'pt', servesPartyId: applicantParty });
    const clerk = await s.login('demo.clerk', DEMO_PASSWORD);
    expect((await s.api<any>('PUT', path(ids.respondent), { token: clerk, body: { language: 'yue' } })).status).toBe(403);
    const audit = await s.services.audit.entries(caseId);
    expect(audit.filter((e) => e.action === 'hearing.language_set').length).toBe(3);
  });

  it('the router learns the interpreter\'s audience before they enter; the snapshot shows channels and assignments', async () => {
    for (const role of ['applicant', 'respondent', 'interpreter'] as const) await must(c.mediator, 'lobby.admit', { participantId: ids[role] });
    const snap = await state(c.applicant, (x) => x.participants.filter((p) => p.presence === 'joined').length === 4);
    expect(snap.channels).toEqual(['pt']);
    const i = snap.participants.find((p) => p.id === ids.interpreter)!;
    expect(i.interpreting).toEqual({ from: 'cmn', to: 'pt', mode: 'simultaneous', serves: [ids.applicant] });
    expect(snap.participants.find((p) => p.id === ids.applicant)).toMatchObject({ language: 'pt', channel: 'floor', interpreting: null });
    const router = engine.router(hearingId);
    expect(router.audiences.get(ids.interpreter)).toEqual({ channel: 'floor', heardBy: { channels: ['pt'], participants: [] } });
    const order = router.calls.filter((x) => x.args[0] === ids.interpreter).map((x) => x.method);
    expect(order.indexOf('setAudience')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('setAudience')).toBeLessThan(order.indexOf('setRoom'));
    // Nobody else is special: no call for them.
    expect(router.audiences.has(ids.respondent)).toBe(false);
  });

  it('a listener picks an offered channel; an unknown one is refused and changes nothing', async () => {
    const router = engine.router(hearingId);
    await must(c.applicant, 'interpretation.listen', { channel: 'pt' });
    expect(router.audiences.get(ids.applicant)).toEqual({ channel: 'pt', heardBy: null });
    const seen = await state(c.mediator, (x) => x.participants.find((p) => p.id === ids.applicant)?.channel === 'pt');
    expect(seen).toBeDefined();
    const bad = await request(c.respondent, 'interpretation.listen', { channel: 'yue' });
    expect(bad.ok ? null : bad.error.code).toBe('VALIDATION_FAILED');
    const garbage = await request(c.respondent, 'interpretation.listen', { channel: 'klingon' } as never);
    expect(garbage.ok ? null : garbage.error.code).toBe('VALIDATION_FAILED');
    expect(router.audiences.has(ids.respondent)).toBe(false);
  });

  it('audio levels of an interpreter reach only their audience', async () => {
    const router = engine.router(hearingId);
    const toRespondent = next(c.respondent, 'media.levels');
    const toApplicant = next(c.applicant, 'media.levels');
    router.emit('audioLevels', { [ids.interpreter]: 90, [ids.mediator]: 40 });
    expect((await toRespondent)[0]).toEqual({ [ids.mediator]: 40 });
    expect((await toApplicant)[0]).toEqual({ [ids.interpreter]: 90, [ids.mediator]: 40 });
  });

  it('captions follow the audio: a floor listener is not offered the interpreter, a pt listener is, in pt', async () => {
    const floor = await must(c.respondent, 'captions.set', { on: true });
    const pt = await must(c.applicant, 'captions.set', { on: true });
    expect(floor.speakers.map((x) => x.participantId)).toEqual(expect.arrayContaining([ids.mediator, ids.applicant]));
    expect(floor.speakers.map((x) => x.participantId)).not.toContain(ids.interpreter);
    expect(pt.speakers.find((x) => x.participantId === ids.interpreter)).toMatchObject({ language: 'pt' });
    expect(pt.speakers.find((x) => x.participantId === ids.respondent)).toMatchObject({ language: 'zh-Hans' });
    for (const who of [c.respondent, c.applicant]) await must(who, 'captions.set', { on: false });
  });

  it('modes: the interpreter for themselves, the mediator for anyone; a party may not', async () => {
    const router = engine.router(hearingId);
    const denied = await request(c.respondent, 'interpretation.mode', { participantId: ids.interpreter, mode: 'consecutive' });
    expect(denied.ok ? null : denied.error.code).toBe('PERMISSION_DENIED');
    await must(c.interpreter, 'interpretation.mode', { participantId: ids.interpreter, mode: 'whispered' });
    expect(router.audiences.get(ids.interpreter)).toEqual({ channel: 'floor', heardBy: { channels: [], participants: [ids.applicant] } });
    await must(c.mediator, 'interpretation.mode', { participantId: ids.interpreter, mode: 'consecutive' });
    expect(router.audiences.get(ids.interpreter)).toEqual({ channel: 'floor', heardBy: null });
    const notInterpreter = await request(c.mediator, 'interpretation.mode', { participantId: ids.respondent, mode: 'consecutive' });
    expect(notInterpreter.ok ? null : notInterpreter.error.code).toBe('INVALID_STATE');
    await must(c.interpreter, 'interpretation.mode', { participantId: ids.interpreter, mode: 'simultaneous' });
    const snap = await state(c.mediator, (x) => x.participants.find((p) => p.id === ids.interpreter)?.interpreting?.mode === 'simultaneous');
    expect(snap).toBeDefined();
    const audit = await s.services.audit.entries(caseId);
    expect(audit.filter((e) => e.action === 'hearing.interpretation_mode').length).toBe(3);
  });

  it('the interpreter follows the party they serve into a caucus', async () => {
    const router = engine.router(hearingId);
    const { caucusId } = await must(c.mediator, 'caucus.start', { participantIds: [ids.applicant] });
    expect(router.rooms.get(ids.applicant)).toBe(caucusId);
    expect(router.rooms.get(ids.interpreter)).toBe(caucusId);
    expect(router.rooms.get(ids.respondent)).toBe('joint');
    await must(c.mediator, 'caucus.end', { caucusId });
    expect(router.rooms.get(ids.interpreter)).toBe('joint');
  });
});
