import type { Kysely } from 'kysely';
import type { AuditLog } from '../cases/audit.js';
import type { RecordingsConfig } from '../config/recordings.js';
import type { Logger } from '../lib/logger.js';
import type { Database } from '../store/schema.js';
import { RecordingCaseFile } from './casefile.js';
import { RecordingJobs } from './jobs.js';
import { RecordingService } from './service.js';
import { RecordingRetention } from './retention.js';
import { RecordingSubjectData } from './subject.js';

export { RecordingService } from './service.js';
export { RecordingCaseFile, type Reader } from './casefile.js';
export { RecordingJobs } from './jobs.js';
export { RecordingRetention } from './retention.js';
export { RecordingSubjectData } from './subject.js';

export interface Recordings {
  service: RecordingService;
  casefile: RecordingCaseFile;
  jobs: RecordingJobs;
  /** Deletion by the retention schedule, and one person's part for their data export (issue 12). */
  retention: RecordingRetention;
  subject: RecordingSubjectData;
}

/** The recordings of the case file, wired: a stopped recording is composed and transcribed in the background. */
export function createRecordings(o: { db: Kysely<Database>; audit: AuditLog; config: RecordingsConfig; log: Logger }): Recordings {
  const service = new RecordingService(o);
  const jobs = new RecordingJobs(service);
  service.afterStop.push((id) => void jobs.enqueue(id));
  return { service, casefile: new RecordingCaseFile(service), jobs, retention: new RecordingRetention(service), subject: new RecordingSubjectData(service) };
}
