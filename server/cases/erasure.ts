import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { AuditLog } from './audit.js';

/**
 * Deletion by the retention schedule of what the cases layer holds (issue 12): identity data of the parties and
 * guests (names, ID-number hashes and last digits, phones, representatives, identity-check addresses, names in chat
 * rows) with the audit payloads that repeat them, and the texts of chat messages. Rows keep their ids and hashes;
 * content columns are cleared and `deleted_by_policy` says when. Each deletion is one transaction with its audit entry.
 * Kept on purpose: the signatures and sealed documents (the binding agreement names its parties) and staff names.
 */

/** Why a deletion ran: the category's schedule as the run applied it (goes into the audit entry). */
export interface PolicyNote {
  category: 'recordings' | 'transcripts' | 'chat' | 'identity';
  days: number; closedAt: string; expiredAt: string; runAt: string; scheduleSource: 'organisation' | 'default';
}

export interface ClosedCase { caseId: string; orgId: string; closedAt: string }

/** Payload keys that carry identity data in audit entries (case.registered, hearing.scheduled, link.issued, identity.*). */
const PERSONAL_KEYS: ReadonlySet<string> = new Set(['name', 'fromName', 'displayName', 'idNumberLast4', 'phone', 'representative', 'ip']);
/** Evidence of the binding agreement and the court's decision: their payloads stay whole. */
const KEPT_ACTIONS: ReadonlySet<string> = new Set(['signature.signed', 'signature.code_issued', 'agreement.sealed', 'court.confirmation_requested', 'court.confirmed', 'court.rejected']);

/** The payload with identity values set to null, or null when it holds none. */
export function redactPersonal(data: unknown): { data: unknown; changed: boolean } {
  if (Array.isArray(data)) {
    let changed = false;
    const out = data.map((v) => {
      const r = redactPersonal(v);
      changed ||= r.changed;
      return r.data;
    });
    return { data: out, changed };
  }
  if (data && typeof data === 'object') {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(data)) {
      if (PERSONAL_KEYS.has(k) && v !== null && v !== '') {
        out[k] = null;
        changed = true;
      } else {
        const r = redactPersonal(v);
        changed ||= r.changed;
        out[k] = r.data;
      }
    }
    return { data: out, changed };
  }
  return { data, changed: false };
}

export class CaseErasure {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditLog,
  ) {}

  /** Cases that are closed (archived), with when they closed: the retention clock starts there. */
  async closedCases(): Promise<ClosedCase[]> {
    const rows = await this.db.selectFrom('cases').select(['id', 'org_id', 'closed_at', 'updated_at'])
      .where('status', '=', 'archived').orderBy('id').execute();
    return rows.map((r) => ({ caseId: r.id, orgId: r.org_id, closedAt: r.closed_at ?? r.updated_at }));
  }

  /** The case's hearing participants who are not staff (parties, guests): whose names other layers clear too. */
  async nonStaffParticipants(caseId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('hearing_participants').select('id').where('case_id', '=', caseId).where('staff_id', 'is', null).execute();
    return rows.map((r) => r.id);
  }

  /** Clears the texts of the case's chat messages (their SHA-256 stays in the audit chain). Null when nothing was left. */
  async deleteChatTexts(caseId: string, note: PolicyNote): Promise<{ messages: number } | null> {
    return this.db.transaction().execute(async (trx) => {
      const res = await trx.updateTable('hearing_chat').set({ text: '', deleted_by_policy: note.runAt })
        .where('case_id', '=', caseId).where('deleted_by_policy', 'is', null).executeTakeFirst();
      const messages = Number(res.numUpdatedRows);
      if (messages === 0) return null;
      await this.audit.append(trx, caseId, { actor: 'system:retention', action: 'retention.chat_deleted', data: { messages, schedule: note } });
      return { messages };
    });
  }

  /** Clears identity data of parties and guests, and redacts it from the case's audit payloads. Null when nothing was left. */
  async deleteIdentity(caseId: string, note: PolicyNote): Promise<{ parties: number; participants: number; redactedSeqs: number[]; notRedactable: number[] } | null> {
    const at = note.runAt;
    return this.db.transaction().execute(async (trx) => {
      const parties = Number((await trx.updateTable('parties')
        .set({ name: '', name_norm: '', id_number_hash: '', id_number_last4: '', phone: null, representative: null, deleted_by_policy: at })
        .where('case_id', '=', caseId).where('deleted_by_policy', 'is', null).executeTakeFirst()).numUpdatedRows);
      // Staff keep their names: they acted for the organisation, and the roster is not case data.
      const participants = Number((await trx.updateTable('hearing_participants')
        .set({ display_name: '', guest_name_norm: null, guest_id_hash: null, deleted_by_policy: at })
        .where('case_id', '=', caseId).where('staff_id', 'is', null).where('deleted_by_policy', 'is', null).executeTakeFirst()).numUpdatedRows);
      await trx.updateTable('identity_checks').set({ ip: '' }).where('case_id', '=', caseId).execute();
      const staffIds = trx.selectFrom('hearing_participants').select('id').where('case_id', '=', caseId).where('staff_id', 'is not', null);
      await trx.updateTable('hearing_chat').set({ from_name: '' }).where('case_id', '=', caseId).where('from_participant_id', 'not in', staffIds).execute();
      const entries = await this.audit.entries(caseId, trx);
      const redactions = entries
        .filter((e) => !KEPT_ACTIONS.has(e.action))
        .map((e) => ({ seq: e.seq, ...redactPersonal(e.data) }))
        .filter((r) => r.changed)
        .map((r) => ({ seq: r.seq, data: { ...(r.data as Record<string, unknown>), redactedByPolicy: at } }));
      const { redacted, notRedactable } = await this.audit.redact(trx, caseId, redactions, at);
      if (parties === 0 && participants === 0 && redacted.length === 0) return null;
      await this.audit.append(trx, caseId, {
        actor: 'system:retention', action: 'retention.identity_deleted',
        data: { parties, participants, redactedSeqs: redacted, notRedactable, schedule: note },
      });
      return { parties, participants, redactedSeqs: redacted, notRedactable };
    });
  }
}
