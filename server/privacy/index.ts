import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Logger } from '../lib/logger.js';
import type { AuditLog } from '../cases/audit.js';
import { CaseErasure } from '../cases/erasure.js';
import type { Recordings } from '../recordings/index.js';
import { RetentionSchedules } from './schedule.js';
import { RetentionRun } from './run.js';
import { PersonalDataExport, type ExportDeps } from './export.js';

export { DEFAULT_SCHEDULE, RetentionSchedules } from './schedule.js';
export { RetentionRun, type RetentionRunReport } from './run.js';
export { PersonalDataExport } from './export.js';

/** Personal data and retention (issue 12): the organisations' schedules, the retention run, a person's data export. */
export interface Privacy {
  schedules: RetentionSchedules;
  retention: RetentionRun;
  exports: PersonalDataExport;
}

export function createPrivacy(o: {
  db: Kysely<Database>; audit: AuditLog; log: Logger; recordings: Recordings;
} & Omit<ExportDeps, 'recordings' | 'audit'>): Privacy {
  const schedules = new RetentionSchedules(o.db, o.audit);
  const retention = new RetentionRun({ schedules, cases: new CaseErasure(o.db, o.audit), recordings: o.recordings.retention, log: o.log });
  const exports = new PersonalDataExport({ ...o, recordings: o.recordings });
  return { schedules, retention, exports };
}

/**
 * The daily in-process run (CONCORD_RETENTION_RUN_HOURS, 0 = off). Every instance may run it: each deletion is
 * idempotent and guarded by `deleted_by_policy`, so two instances at once only repeat a no-op.
 */
export function startRetentionTimer(p: Privacy, hours: number, log: Logger): { stop(): void } {
  if (hours <= 0) return { stop() {} };
  const timer = setInterval(() => {
    p.retention.run(new Date()).then(
      (r) => log.info({ casesChecked: r.casesChecked, deletions: r.deletions.length, failures: r.failures.length }, 'retention run'),
      (err) => log.error({ err }, 'retention run failed'),
    );
  }, hours * 3_600_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
