import { CASE_READERS, PARTICIPANT_ROLES, PARTY_ROLES, each, materialReaders, when, type Cells } from './cells.js';

export interface PolicyRow {
  action: string;
  /** One plain line for a lawyer: what the action does, and why the table says who may do it. */
  description: string;
  allow: Cells;
}

const MANAGERS: Cells = { org_admin: when('own_org'), mediator: when('own_org') };
const participants = (...c: Parameters<typeof when>) => each(PARTICIPANT_ROLES, when(...c));
const chair = { hearing_mediator: when('own_hearing') } satisfies Cells;
const door = { hearing_mediator: when('own_hearing'), hearing_clerk: when('own_hearing') } satisfies Cells;
const SYSTEM: Cells = { system: when('always') };

/**
 * THE access policy of Concord: every HTTP route, socket event and CLI that touches case data asks `can()` about one
 * of these actions. Anything not listed is denied. docs/ACCESS.md is generated from this list (npm run access:doc).
 */
export const POLICY = [
  // ---- the case
  { action: 'case.read', description: "Read a case: its parties, hearings, status and links' state.", allow: { ...CASE_READERS, ...SYSTEM } },
  { action: 'case.create', description: "Register a new case in one's own organisation.", allow: MANAGERS },
  {
    action: 'case.transition',
    description: 'Move a case along its lifecycle (the court only between the confirmation states, checked by the lifecycle).',
    allow: { ...MANAGERS, court: when('assigned') },
  },
  { action: 'case.schedule', description: 'Schedule a hearing and name its participants.', allow: MANAGERS },
  {
    action: 'hearing.languages',
    description: "Set a hearing participant's spoken language, and an interpreter's language pair, mode and the party they serve.",
    allow: MANAGERS,
  },
  { action: 'link.issue', description: 'Issue (or show again) the personal mediation link of a participant.', allow: MANAGERS },
  { action: 'link.revoke', description: 'Revoke a mediation link; its hearing session ends with it.', allow: MANAGERS },
  { action: 'link.unlock', description: "Clear a link's identity-check lockout.", allow: MANAGERS },
  { action: 'link.use', description: 'Open a mediation link and pass its identity check.', allow: { link_holder: when('own_case') } },
  { action: 'audit.read', description: "Read and verify the case's tamper-evident audit log.", allow: { ...CASE_READERS, ...SYSTEM } },
  { action: 'audit.verify', description: 'Verify every audit chain of the installation (operator tool).', allow: SYSTEM },
  { action: 'keys.rotate', description: 'Rotate the signing and encryption keys (operator tool).', allow: SYSTEM },
  { action: 'demo.seed', description: 'Load the demonstration data (operator tool).', allow: SYSTEM },

  // ---- the hearing (socket events of the hearing namespace)
  { action: 'hearing.join', description: 'Enter the hearing (lobby first) and take part in it: own state, media, leaving.', allow: participants('own_hearing') },
  {
    action: 'hearing.testCall',
    description: "Before entering, send one's own camera and microphone to the media server and back (a short test call no one else sees).",
    allow: participants('own_hearing'),
  },
  { action: 'hearing.admit', description: 'Admit someone from the lobby, or send them back to it (the clerk keeps the door).', allow: door },
  { action: 'hearing.deny', description: 'Turn someone away from the lobby.', allow: chair },
  { action: 'hearing.lock', description: 'Lock or unlock the hearing (nobody new enters directly).', allow: chair },
  { action: 'hearing.end', description: 'End the hearing for everyone.', allow: chair },
  { action: 'hearing.mute', description: "Mute someone, or ask them to unmute.", allow: chair },
  { action: 'hearing.remove', description: 'Remove someone from the hearing.', allow: chair },
  { action: 'caucus.manage', description: 'Start or end a private caucus (背对背调解) with one side.', allow: chair },
  {
    action: 'interpretation.listen',
    description: "Pick one's own listening channel: the floor, or a language an interpreter of this hearing speaks into.",
    allow: participants('own_hearing'),
  },
  {
    action: 'interpretation.mode',
    description: 'Switch an interpreter between simultaneous, consecutive and whispered interpretation: the mediator, or the interpreter for themselves.',
    allow: { ...chair, interpreter: when('own_hearing', 'own_data') },
  },
  { action: 'chat.send', description: 'Write in the chat of the room one is in, or privately to the mediator.', allow: participants('own_hearing') },
  { action: 'recording.control', description: 'Start or stop recording the hearing.', allow: door },
  { action: 'recording.ask_caucus', description: 'Ask the members of a caucus whether it may be recorded (private).', allow: chair },
  {
    action: 'captions.view',
    description: 'Turn on live captions of what others say in the room one is in (never of a caucus one is not in).',
    allow: participants('own_hearing', 'hearing_live'),
  },
  {
    action: 'consent.give',
    description: "Record one's own answer to the recording notice, while the hearing runs.",
    allow: participants('own_hearing', 'hearing_live'),
  },

  // ---- hearing material: recordings, transcripts, chat
  { action: 'recording.list', description: "List a case's recordings (each item shown only as recording.read allows).", allow: { ...CASE_READERS, ...participants('own_case') } },
  {
    action: 'recording.read',
    description: 'Play or download a recording track. Caucus tracks: only the mediator who held the caucus and that party side, unless both released it. Joint-session tracks: whoever reads the case (the court and an assigned arbitrator review the joint record).',
    allow: materialReaders(),
  },
  { action: 'transcript.read', description: 'Read a transcript line (same rule as the recording it comes from).', allow: materialReaders() },
  { action: 'chat.read', description: 'Read a chat line in the case file (same rule; private messages to the mediator stay between the two).', allow: materialReaders() },
  { action: 'caucus.release', description: 'Release a caucus item to the case file: needs both the mediator who held it and that party.', allow: { mediator: when('held_this_caucus'), hearing_mediator: when('held_this_caucus'), ...each(PARTY_ROLES, when('own_party_caucus')) } },
  { action: 'recording.verify', description: "Check every stored recording file against its hash.", allow: { ...CASE_READERS, ...SYSTEM } },
  { action: 'recording.process', description: 'Run the composing and transcription jobs of a stopped recording.', allow: { ...MANAGERS, clerk: when('own_org') } },
  { action: 'record.read', description: 'Read the hearing record (笔录).', allow: { ...CASE_READERS, ...participants('own_case') } },
  { action: 'record.write', description: 'Write and submit the hearing record (the clerk keeps it; mediator and admin may).', allow: { ...MANAGERS, clerk: when('own_org') } },
  { action: 'record.sign', description: 'Confirm or object to the hearing record, as a participant.', allow: participants('own_case') },

  // ---- the agreement pad
  { action: 'pad.read', description: "Read a case's agreements and follow the drafting pad live.", allow: { ...CASE_READERS, ...participants('own_case') } },
  {
    action: 'pad.edit',
    description: 'Edit the agreement text and fields (the clerk only when the mediator allows it); never while locked for signature.',
    allow: {
      org_admin: when('own_org', 'agreement_unlocked'),
      mediator: when('own_org', 'agreement_unlocked'),
      clerk: when('own_org', 'clerk_allowed', 'agreement_unlocked'),
      arbitrator: when('assigned', 'agreement_unlocked'),
      ...each(['hearing_mediator', 'hearing_arbitrator', 'applicant', 'respondent'], when('own_case', 'agreement_unlocked')),
      hearing_clerk: when('own_case', 'clerk_allowed', 'agreement_unlocked'),
    },
  },
  { action: 'pad.manage', description: 'Open agreements, lock/unlock for signature, name versions, let the clerk edit.', allow: { ...MANAGERS, hearing_mediator: when('own_case') } },

  // ---- signing and judicial confirmation
  { action: 'signing.read', description: "See an agreement's signing status and documents.", allow: { ...CASE_READERS, ...participants('own_case') } },
  {
    action: 'signing.sign',
    description: 'Ask for a one-time code and sign (the signer set then decides whose signature is wanted).',
    allow: { ...CASE_READERS, ...participants('own_case') },
  },
  {
    action: 'signing.detail',
    description: 'See where each signature was made (network address, browser): the organisation\'s staff and the assigned court, not a panel arbitrator from elsewhere and not the parties.',
    allow: { org_admin: when('own_org'), mediator: when('own_org'), clerk: when('own_org'), court: when('assigned') },
  },
  { action: 'signing.manage', description: 'Set the signer set, retry the seal.', allow: MANAGERS },
  { action: 'confirmation.request', description: 'Ask the court to confirm the effective agreement (司法确认).', allow: { ...MANAGERS, ...each(PARTY_ROLES, when('own_case')) } },
  { action: 'court.queue', description: "See the court's queue of confirmation requests.", allow: { court: when('always') } },
  { action: 'court.review', description: 'Read a confirmation request and its package (no caucus material in it).', allow: CASE_READERS },
  { action: 'court.decide', description: 'Confirm or reject an agreement (the judge assigned to it).', allow: { court: when('assigned') } },

  // ---- personal data (rows for issue 12's other parts)
  {
    action: 'data.export',
    description: "Export one's own personal data; the organisation admin for a person of one of its cases.",
    allow: { org_admin: when('own_org'), ...each(['mediator', 'clerk', 'arbitrator', 'court'], when('own_data')), ...participants('own_case', 'own_data') },
  },
  { action: 'retention.manage', description: "Set the organisation's retention schedule.", allow: { org_admin: when('own_org') } },
] as const satisfies readonly PolicyRow[];

export type Action = (typeof POLICY)[number]['action'];
export const ACTIONS: readonly Action[] = POLICY.map((r) => r.action);
