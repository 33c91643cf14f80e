import type { HearingRole, StaffRole } from '../../signaling/protocol/domain.js';
import type { SignerRole } from '../../signaling/protocol/signing.js';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { HearingService } from '../cases/hearings.js';
import type { Roster } from '../cases/roster.js';
import { PermissionDeniedError } from '../lib/errors.js';

/** Who is asking: the same shape as auth's Principal (the wiring passes that), without importing auth. */
export type SignerPrincipal =
  | { kind: 'staff'; staffId: string; role: StaffRole; orgId: string }
  | { kind: 'participant'; participantId: string; caseId: string; hearingId: string; role: HearingRole };

/**
 * A signer slot: each party of the case signs as that party (`party:<partyId>`, whichever hearing's link they came
 * through), the mediator as `mediator`, the arbitrator (when the procedure needs one) as `arbitrator`.
 */
export interface Signer { role: SignerRole; slot: string; signerId: string; name: string; actor: string }
export interface Slot { slot: string; role: SignerRole; name: string }

export async function resolveSigner(
  p: SignerPrincipal, caseId: string, deps: { hearings: HearingService; roster: Roster },
): Promise<Signer | null> {
  if (p.kind === 'participant') {
    if (p.caseId !== caseId) return null;
    const row = await deps.hearings.participant(p.caseId, p.hearingId, p.participantId);
    const actor = `participant:${row.id}`;
    if ((row.role === 'applicant' || row.role === 'respondent') && row.party_id) {
      return { role: row.role, slot: `party:${row.party_id}`, signerId: row.party_id, name: row.display_name, actor };
    }
    if ((row.role === 'mediator' || row.role === 'arbitrator') && row.staff_id) {
      return { role: row.role, slot: row.role, signerId: row.staff_id, name: row.display_name, actor };
    }
    return null;
  }
  if (p.role !== 'mediator' && p.role !== 'arbitrator') return null;
  const staff = await deps.roster.getStaff(p.staffId);
  return { role: p.role, slot: p.role, signerId: staff.id, name: staff.displayName, actor: `staff:${staff.id}` };
}

/** The full set of signatures an agreement needs before it takes effect. */
export async function requiredSlots(db: Kysely<Database>, caseId: string, arbitrator: boolean): Promise<Slot[]> {
  const parties = await db.selectFrom('parties').select(['id', 'side', 'name']).where('case_id', '=', caseId).orderBy('side').orderBy('created_at').execute();
  const staff = await db
    .selectFrom('case_staff')
    .innerJoin('staff', 'staff.id', 'case_staff.staff_id')
    .select(['case_staff.role as role', 'staff.display_name as name'])
    .where('case_staff.case_id', '=', caseId)
    .where('case_staff.role', 'in', ['mediator', 'arbitrator'])
    .execute();
  const nameOf = (role: string) => staff.find((s) => s.role === role)?.name ?? '';
  const slots: Slot[] = parties.map((p) => ({ slot: `party:${p.id}`, role: p.side as SignerRole, name: p.name }));
  slots.push({ slot: 'mediator', role: 'mediator', name: nameOf('mediator') });
  if (arbitrator) slots.push({ slot: 'arbitrator', role: 'arbitrator', name: nameOf('arbitrator') });
  return slots;
}

/** The role named in the request must be the signer's own. */
export function assertOwnRole(signer: Signer | null, claimed: SignerRole): asserts signer is Signer {
  if (!signer) throw new PermissionDeniedError('you are not a signer of this agreement', { reason: 'not_a_signer' });
  if (signer.role !== claimed) {
    throw new PermissionDeniedError(`you cannot sign for the ${claimed}: you are the ${signer.role}`, { reason: 'wrong_role', role: signer.role });
  }
}

/** Decodes a PNG data URL and checks it is a plausible signature image; an empty buffer when it is not. */
export function decodeSignaturePng(dataUrl: string, maxBytes: number): Buffer {
  const b64 = dataUrl.slice(dataUrl.indexOf(',') + 1);
  const bytes = Buffer.from(b64, 'base64');
  const magic = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (bytes.length < 33 || bytes.length > maxBytes || !bytes.subarray(0, 8).equals(magic) || bytes.subarray(12, 16).toString('latin1') !== 'IHDR') {
    return Buffer.alloc(0);
  }
  const w = bytes.readUInt32BE(16);
  const h = bytes.readUInt32BE(20);
  if (w < 40 || h < 20 || w > 2400 || h > 1200) return Buffer.alloc(0);
  return bytes;
}
