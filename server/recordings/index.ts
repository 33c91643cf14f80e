import type { Kysely } from 'kysely';
import type { AuditLog } from '../cases/audit.js';
import type { RecordingsConfig } from '../config/recordings.js';
import type { Logger } from '../lib/logger.js';
import type { Database } from '../store/schema.js';
import { RecordingCaseFile } from './casefile.js';
import { RecordingJobs } from './jobs.js';
import { participantLanguages } from './languages.js';
import { RecordingService } from './service.js';
import { CaucusVault } from './vault.js';
import { CaucusItems } from './caucus-items.js';
import type { HearingRoomStore } from '../cases/hearing-room.js';
import type { HearingService } from '../cases/hearings.js';
import { BOX_LABELS, SecretBox } from '../lib/secret-box.js';
import { RecordingRetention } from './retention.js';
import { RecordingSubjectData } from './subject.js';

export { RecordingService } from './service.js';
export { RecordingCaseFile, type Reader } from './casefile.js';
export { RecordingJobs } from './jobs.js';
export { caseRecordLanguage, caseSpokenLanguage, participantLanguages, RECORD_LANGUAGES, type ParticipantLanguages, type RecordLanguage } from './languages.js';
export { CaucusVault, SHREDDED_MESSAGE } from './vault.js';
export { CaucusItems, partyKeyOf } from './caucus-items.js';
export { RecordingRetention } from './retention.js';
export { RecordingSubjectData } from './subject.js';

export interface Recordings {
  service: RecordingService;
  casefile: RecordingCaseFile;
  jobs: RecordingJobs;
  /** Confidential caucus items: the facts access decisions need, and their release (issue 12). */
  caucusItems: CaucusItems;
  /** Deletion by the retention schedule, and one person's part for their data export (issue 12). */
  retention: RecordingRetention;
  subject: RecordingSubjectData;
}

/** The recordings of the case file, wired: a stopped recording is composed and transcribed in the background. */
export function createRecordings(o: { db: Kysely<Database>; audit: AuditLog; config: RecordingsConfig; log: Logger; secret: string; rooms: HearingRoomStore; hearings: HearingService }): Recordings {
  const vault = new CaucusVault(o.db, new SecretBox(o.secret, BOX_LABELS.caucusKeys));
  const service = new RecordingService({ ...o, vault });
  const jobs = new RecordingJobs(service, undefined, participantLanguages(o.hearings));
  service.afterStop.push((id) => void jobs.enqueue(id));
  return {
    service, casefile: new RecordingCaseFile(service), jobs, caucusItems: new CaucusItems(service, o.rooms, o.hearings),
    retention: new RecordingRetention(service), subject: new RecordingSubjectData(service),
  };
}
