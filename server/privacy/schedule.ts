import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { AuditLog } from '../cases/audit.js';
import type { RetentionScheduleBody, RetentionScheduleView } from '../../signaling/protocol/privacy.js';

/**
 * The defaults, in days after the case closed (reasoning in docs/ARCHITECTURE.md, "Personal data and retention"):
 * - recordings, transcripts and chat: 1 year. They are what PIPL, the PDPO and Law 8/2005 weigh heaviest (faces,
 *   voices, what was said), and the case file keeps its record (笔录), agreement and hashes without them. A year covers
 *   the 30-day window for judicial confirmation and the one-year limitation for taking the dispute to arbitration
 *   when the agreement is not performed, when the recordings may still be asked for as evidence.
 * - identity data: 3 years. A party must still be identifiable while the agreement can be enforced (two years to
 *   apply for enforcement after the performance date), plus the year above.
 */
export const DEFAULT_SCHEDULE: RetentionScheduleBody = { recordingsDays: 365, transcriptsDays: 365, chatDays: 365, identityDays: 1095 };

export class RetentionSchedules {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditLog,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async get(orgId: string): Promise<RetentionScheduleView> {
    const r = await this.db.selectFrom('retention_schedules').selectAll().where('org_id', '=', orgId).executeTakeFirst();
    if (!r) return { orgId, ...DEFAULT_SCHEDULE, isDefault: true, updatedAt: null, updatedBy: null };
    return {
      orgId, recordingsDays: Number(r.recordings_days), transcriptsDays: Number(r.transcripts_days), chatDays: Number(r.chat_days),
      identityDays: Number(r.identity_days), isDefault: false, updatedAt: r.updated_at, updatedBy: r.updated_by,
    };
  }

  /** Sets the organisation's schedule with its audit entry (chain `org:<id>`), in one transaction. */
  async set(orgId: string, body: RetentionScheduleBody, actor: string): Promise<RetentionScheduleView> {
    const at = this.now().toISOString();
    const before = await this.get(orgId);
    const row = {
      recordings_days: body.recordingsDays, transcripts_days: body.transcriptsDays, chat_days: body.chatDays, identity_days: body.identityDays,
      updated_by: actor, updated_at: at,
    };
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('retention_schedules').values({ org_id: orgId, ...row })
        .onConflict((oc) => oc.column('org_id').doUpdateSet(row)).execute();
      await this.audit.append(trx, `org:${orgId}`, {
        actor, action: 'retention.schedule_changed',
        data: {
          from: { recordingsDays: before.recordingsDays, transcriptsDays: before.transcriptsDays, chatDays: before.chatDays, identityDays: before.identityDays, isDefault: before.isDefault },
          to: body,
        },
      });
    });
    return this.get(orgId);
  }
}
