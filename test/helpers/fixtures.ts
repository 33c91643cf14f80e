import { expect } from 'vitest';
import { sql } from 'kysely';
import type { Database } from '../../server/store/schema.js';
import { ERROR_CODES, type ErrorCode } from '../../signaling/protocol/errors.js';
import type { CaseView, HearingView, LinkView } from '../../signaling/protocol/api.js';
import { caseBody, type TestServer } from './server.js';

/** Every table of the store (server/store/schema.ts), for before/after snapshots. */
export const TABLES = [
  'organisations', 'staff', 'cases', 'parties', 'case_staff', 'hearings', 'hearing_participants', 'links',
  'identity_checks', 'audit_entries', 'audit_heads', 'signing_keys', 'case_counters', 'hearing_chat',
  // issue 5, documents: organisation certificates and encrypted keys (server/store/m004-documents.ts)
  'org_credentials',
  // issue 5, signing ceremony and judicial confirmation (server/store/m005-signing.ts)
  'signing_otps', 'signing_sets', 'signatures', 'signing_documents', 'sealed_agreements', 'court_confirmations',
  // issue 6, recordings, transcripts and the hearing record (server/store/m006-recordings.ts)
  'recordings', 'recording_tracks', 'recording_files', 'recording_consents', 'transcripts', 'transcript_segments',
  'hearing_records', 'hearing_record_signoffs',
  // issue 11, brute-force limits: login throttle, lockout notices, cleared link lockouts (server/store/m008-lockouts.ts)
  'login_throttle', 'staff_notices', 'link_lockout_clears',
  'agreements', 'agreement_changes', 'agreement_snapshots', 'agreement_clients', 'agreement_versions',
  // issue 11, staff sessions (server/store/m007-staff-sessions.ts)
  'staff_sessions',
  // issue 12, confidential caucus material: caucus records, per-case keys, releases (server/store/m009-caucus.ts)
  'caucuses', 'caucus_keys', 'caucus_releases',
  // issue 12, retention schedules per organisation (server/store/m010-retention.ts)
  'retention_schedules',
] as const;
export type Table = (typeof TABLES)[number];
/** Compile-time check that TABLES names every table of the store's Database type (a snapshot that misses one proves nothing). */
type UnlistedTable = Exclude<keyof Database, Table>;
export const EVERY_TABLE_LISTED: [UnlistedTable] extends [never] ? true : UnlistedTable = true;

/** Asserts the status and exactly the error body shape `{error:{code,message,details?}}`. */
export function expectError(res: { status: number; body: unknown }, status: number, code: ErrorCode): void {
  expect({ status: res.status, code: (res.body as { error?: { code?: unknown } })?.error?.code }, JSON.stringify(res.body)).toEqual({ status, code });
  const body = res.body as Record<string, unknown>;
  expect(Object.keys(body)).toEqual(['error']);
  const err = body.error as Record<string, unknown>;
  expect(Object.keys(err).every((k) => ['code', 'message', 'details'].includes(k))).toBe(true);
  expect(ERROR_CODES).toContain(err.code);
  expect(typeof err.message).toBe('string');
  expect((err.message as string).length).toBeGreaterThan(0);
}

export async function countRows(s: TestServer, table: Table): Promise<number> {
  const r = await s.services.store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The store's tables as the database lists them (so a table added by a later migration is counted too). */
export async function tableNames(s: TestServer): Promise<string[]> {
  const db = s.services.store.db;
  // PostgreSQL: ask for this server's schema only. Kysely's introspection reads every schema's columns, and fails with
  // "schema ... does not exist" when another test file drops its schema at the same moment.
  const all = s.db === 'postgres'
    ? (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = ${s.env.CONCORD_PG_SCHEMA} and table_type = 'BASE TABLE'`.execute(db)).rows.map((r) => r.name)
    : (await db.introspection.getTables()).map((t) => t.name);
  const names = all.filter((n) => !n.startsWith('kysely_'));
  for (const t of TABLES) if (!names.includes(t)) throw new Error(`table ${t} is missing from the store`);
  return names.sort();
}

export async function tableCounts(s: TestServer): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of await tableNames(s)) out[t] = await countRows(s, t as Table);
  return out;
}

/** Row counts of every table plus the full rows of `cases`, links and audit heads: what a refused request must not change. */
export async function snapshot(s: TestServer): Promise<unknown> {
  const db = s.services.store.db;
  return {
    counts: await tableCounts(s),
    cases: await db.selectFrom('cases').selectAll().orderBy('id').execute(),
    links: await db.selectFrom('links').selectAll().orderBy('id').execute(),
    heads: await db.selectFrom('audit_heads').selectAll().orderBy('chain_id').execute(),
  };
}

export async function auditLength(s: TestServer, chainId: string): Promise<number> {
  return (await s.services.audit.entries(chainId)).length;
}

export const inDays = (d: number): string => new Date(Date.now() + d * 86_400_000).toISOString();

export async function createCase(s: TestServer, token: string, n: number, extra: Record<string, unknown> = {}): Promise<CaseView> {
  const r = await s.api<CaseView>('POST', '/api/cases', { token, body: { ...caseBody(n), ...extra } });
  if (r.status !== 201) throw new Error(`create case failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export const partyId = (c: CaseView, side: 'applicant' | 'respondent'): string => c.parties.find((p) => p.side === side)!.id;

/** The identity data caseBody(n) registers for its parties. */
export const partyIdentity = (n: number) => {
  const b = caseBody(n);
  return { applicant: { name: b.parties[0]!.name, idNumber: b.parties[0]!.idNumber }, respondent: { name: b.parties[1]!.name, idNumber: b.parties[1]!.idNumber } };
};

export type ParticipantSpec = { role: string; partyId: string } | { role: string; staffId: string } | { role: string; name: string; idNumber: string };

export async function scheduleHearing(s: TestServer, token: string, caseId: string, participants: ParticipantSpec[]): Promise<HearingView> {
  const r = await s.api<HearingView>('POST', `/api/cases/${caseId}/hearings`, {
    token, body: { startsAt: inDays(2), durationMinutes: 90, site: 'guangzhou', participants },
  });
  if (r.status !== 201) throw new Error(`schedule failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Parties of the case plus the given demo staff (by key of s.staff). */
export function standardParticipants(s: TestServer, c: CaseView, staff: ('mediator' | 'arbitrator' | 'clerk' | 'court')[] = ['mediator']): ParticipantSpec[] {
  return [
    { role: 'applicant', partyId: partyId(c, 'applicant') },
    { role: 'respondent', partyId: partyId(c, 'respondent') },
    ...staff.map((k) => ({ role: k, staffId: s.staff[k].id })),
  ];
}

export async function issueLink(s: TestServer, token: string, caseId: string, hearingId: string, participantId: string, expiresInHours?: number): Promise<LinkView> {
  const r = await s.api<LinkView>('POST', `/api/cases/${caseId}/hearings/${hearingId}/links`, {
    token, body: { participantId, ...(expiresInHours ? { expiresInHours } : {}) },
  });
  if (r.status !== 201) throw new Error(`issue link failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export const tokenOf = (url: string): string => url.slice(url.indexOf('#') + 1);

export const participantByRole = (h: HearingView, role: string) => {
  const p = h.participants.find((x) => x.role === role);
  if (!p) throw new Error(`no ${role} on hearing ${h.id}`);
  return p;
};

export async function transition(s: TestServer, token: string, caseId: string, to: string, reason?: string) {
  return s.api<CaseView>('POST', `/api/cases/${caseId}/transitions`, { token, body: { to, ...(reason ? { reason } : {}) } });
}
