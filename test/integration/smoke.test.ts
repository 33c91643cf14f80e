import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, startTestServer, type DbKind, type TestServer } from '../helpers/server.js';

describe.each<DbKind>(['sqlite', 'postgres'])('smoke (%s)', (db) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(db);
  });
  afterAll(async () => {
    await s?.close();
  });
  it('registers a case and reads it back', async () => {
    const token = await s.login('demo.mediator');
    const created = await s.api('POST', '/api/cases', { token, body: caseBody(1) });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('registered');
    const got = await s.api('GET', `/api/cases/${created.body.id}`, { token });
    expect(got.body.number).toMatch(/^GZ-\d{4}-000001$/);
    expect(got.body.parties[0].idNumberMasked).toMatch(/^\*{4}.{4}$/);
  });
});
