import type { Logger } from '../lib/logger.js';
import type { CaseErasure, PolicyNote } from '../cases/erasure.js';
import type { RecordingRetention } from '../recordings/retention.js';
import type { RetentionCategory } from '../../signaling/protocol/privacy.js';
import type { RetentionSchedules } from './schedule.js';

const DAY_MS = 86_400_000;

export interface RetentionRunReport {
  runAt: string;
  casesChecked: number;
  deletions: { caseId: string; category: RetentionCategory; expiredAt: string; result: Record<string, unknown> }[];
  failures: { caseId: string; category: RetentionCategory; error: string }[];
}

/**
 * The retention run: for each closed case, each category whose time is up under its organisation's schedule is
 * deleted by the layer that owns it (recordings and transcripts by server/recordings, chat and identity data by
 * server/cases), each with its own audit entry. A run is idempotent: what is already deleted is skipped, and a
 * failure in one case or category is reported and does not stop the others (the next run tries again).
 */
export class RetentionRun {
  constructor(
    private readonly d: { schedules: RetentionSchedules; cases: CaseErasure; recordings: RecordingRetention; log: Logger },
  ) {}

  async run(now: Date): Promise<RetentionRunReport> {
    const runAt = now.toISOString();
    const report: RetentionRunReport = { runAt, casesChecked: 0, deletions: [], failures: [] };
    const closed = await this.d.cases.closedCases();
    for (const c of closed) {
      report.casesChecked++;
      const schedule = await this.d.schedules.get(c.orgId);
      const daysOf: Record<RetentionCategory, number> = {
        recordings: schedule.recordingsDays, transcripts: schedule.transcriptsDays, chat: schedule.chatDays, identity: schedule.identityDays,
      };
      for (const category of ['recordings', 'transcripts', 'chat', 'identity'] as const) {
        const expiredAt = new Date(Date.parse(c.closedAt) + daysOf[category] * DAY_MS).toISOString();
        if (expiredAt > runAt) continue;
        const note: PolicyNote = {
          category, days: daysOf[category], closedAt: c.closedAt, expiredAt, runAt, scheduleSource: schedule.isDefault ? 'default' : 'organisation',
        };
        try {
          const result = await this.deleteCategory(c.caseId, note);
          if (result) report.deletions.push({ caseId: c.caseId, category, expiredAt, result });
        } catch (err) {
          this.d.log.error({ err, caseId: c.caseId, category }, 'retention: deletion failed');
          report.failures.push({ caseId: c.caseId, category, error: (err as Error).message });
        }
      }
    }
    return report;
  }

  private async deleteCategory(caseId: string, note: PolicyNote): Promise<Record<string, unknown> | null> {
    switch (note.category) {
      case 'recordings':
        return this.d.recordings.deleteFiles(caseId, note);
      case 'transcripts':
        return this.d.recordings.deleteTranscripts(caseId, note);
      case 'chat':
        return this.d.cases.deleteChatTexts(caseId, note);
      case 'identity': {
        // Names in the recordings' rows first: if that fails, the cases layer has not marked anything done yet.
        await this.d.recordings.deleteNames(caseId, await this.d.cases.nonStaffParticipants(caseId));
        return this.d.cases.deleteIdentity(caseId, note);
      }
    }
  }
}
