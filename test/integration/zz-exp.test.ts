import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, startTestServer, type TestServer } from '../helpers/server.js';

describe('exp', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer('postgres'); });
  afterAll(async () => { await s?.close(); });
  it('mixed', async () => {
    const token = await s.login('demo.mediator');
    const statuses: number[] = [];
    for (let round = 0; round < 15; round++) {
      const c = await s.api('POST', '/api/cases', { token, body: caseBody(round + 1) });
      const app = c.body.parties.find((p: any) => p.side === 'applicant').id;
      const reqs = [];
      for (let i = 0; i < 10; i++) {
        reqs.push(s.api('POST', `/api/cases/${c.body.id}/hearings`, { token, body: { startsAt: new Date(Date.now() + 86400e3).toISOString(), durationMinutes: 60, site: 'guangzhou', participants: [{ role: 'applicant', partyId: app }] } }));
        reqs.push(s.api('POST', `/api/cases/${c.body.id}/transitions`, { token, body: { to: 'withdrawn', reason: 'x' } }));
      }
      const rs = await Promise.all(reqs);
      statuses.push(...rs.map((r) => r.status));
    }
    console.log(statuses.join(','));
  });
});
