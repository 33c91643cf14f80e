import { z } from 'zod';
import { RecordDraftQuery, ReleaseCaucusItemBody, SaveRecordBody, SignoffBody } from '../../../signaling/protocol/recordings.js';
import type { AddPath } from '../openapi-paths.js';

/** Recordings, transcripts and the hearing record in the case file (routes/recordings.ts); every read is audited. */
export function registerRecordingPaths(add: AddPath): void {
  const rec = '/api/cases/{caseId}/recordings';
  const record = '/api/cases/{caseId}/hearings/{hearingId}/record';
  add('get', rec, 'Recordings of the case (parties: not the private caucus ones)');
  add('get', `${rec}/verify`, 'Staff: check every segment file against its stored SHA-256');
  add('get', `${rec}/{recordingId}/files/{fileId}`, 'A recording file (range requests; `download=1` as an attachment)', {
    query: z.object({ download: z.enum(['1']).optional() }), produces: 'video/webm',
  });
  add('get', `${rec}/{recordingId}/timeline`, 'What happened during the recording (joins, caucuses, mutes)');
  add('get', `${rec}/{recordingId}/transcript`, 'The transcript');
  add('get', `${rec}/{recordingId}/transcript.vtt`, 'The transcript as WebVTT', { produces: 'text/vtt' });
  add('get', `${rec}/{recordingId}/record-draft`, 'Clerk: a draft of the hearing record from the transcript (per speaker, role and language), labelled in `language` (default: the case\'s)', {
    query: RecordDraftQuery,
  });
  add('post', `${rec}/{recordingId}/jobs`, 'Clerk or mediator: run composition and transcription again', { status: 202, answers: 'queued' });
  add('get', record, 'The hearing record (笔录) with its sign-offs');
  add('put', record, 'Clerk: save the hearing record (`submit`: send it for the parties\' review)', { body: SaveRecordBody });
  add('post', `${record}/signoff`, 'A party confirms or objects to the version it read', { body: SignoffBody });
  add('post', '/api/cases/{caseId}/caucus-items/{itemId}/release',
    'The mediator who held the caucus, or the party in it, releases a caucus item (a caucus recording: the caucus id; a caucus chat message: its id); released once both sides did', { body: ReleaseCaucusItemBody });
}
