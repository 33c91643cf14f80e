import type { LoginResult, OrganisationView, ParticipantSession, StaffNoticeView, StaffView } from '../../signaling/protocol/api.js';

/** Staff session: kept in localStorage so it survives a reload; participant session: sessionStorage (per tab). */
const STAFF_KEY = 'concord.session';
const PARTICIPANT_KEY = 'concord.participant';

export interface StaffSession {
  token: string;
  expiresAt: string;
  staff: StaffView;
  organisation?: OrganisationView;
  /** Lockout notices handed over at this sign-in, until the holder dismisses them. */
  notices?: StaffNoticeView[];
}

function read<T>(storage: Storage | undefined, key: string): T | null {
  try {
    const raw = storage?.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

function write(storage: Storage | undefined, key: string, value: unknown): void {
  try {
    if (value === null) storage?.removeItem(key);
    else storage?.setItem(key, JSON.stringify(value));
  } catch {
    // Private mode / storage disabled (some in-app browsers): the session then lives only in memory.
  }
}

const local = (): Storage | undefined => (typeof localStorage === 'undefined' ? undefined : localStorage);
const perTab = (): Storage | undefined => (typeof sessionStorage === 'undefined' ? undefined : sessionStorage);

let staffMemory: StaffSession | null = null;
let participantMemory: ParticipantSession | null = null;

function notExpired<T extends { token?: unknown; expiresAt?: unknown }>(s: T | null): T | null {
  if (!s || typeof s.token !== 'string' || typeof s.expiresAt !== 'string') return null;
  const t = Date.parse(s.expiresAt);
  return Number.isNaN(t) || t > Date.now() ? s : null;
}

export function getStaffSession(): StaffSession | null {
  const s = notExpired(staffMemory ?? read<StaffSession>(local(), STAFF_KEY));
  if (!s) clearStaffSession();
  return s;
}

export function setStaffSession(result: LoginResult, organisation?: OrganisationView): StaffSession {
  const s: StaffSession = { token: result.token, expiresAt: result.expiresAt, staff: result.staff, organisation, notices: result.notices };
  staffMemory = s;
  write(local(), STAFF_KEY, s);
  return s;
}

export function updateStaffProfile(staff: StaffView, organisation: OrganisationView): StaffSession | null {
  const s = getStaffSession();
  if (!s) return null;
  const next = { ...s, staff, organisation };
  staffMemory = next;
  write(local(), STAFF_KEY, next);
  return next;
}

/** The holder has read a lockout notice: it is not shown again. */
export function dismissStaffNotice(id: string): StaffSession | null {
  const s = getStaffSession();
  if (!s) return null;
  const next = { ...s, notices: (s.notices ?? []).filter((n) => n.id !== id) };
  staffMemory = next;
  write(local(), STAFF_KEY, next);
  return next;
}

export function clearStaffSession(): void {
  staffMemory = null;
  write(local(), STAFF_KEY, null);
}

export function getParticipantSession(): ParticipantSession | null {
  const s = notExpired(participantMemory ?? read<ParticipantSession>(perTab(), PARTICIPANT_KEY));
  if (!s) clearParticipantSession();
  return s;
}

export function setParticipantSession(s: ParticipantSession): void {
  participantMemory = s;
  write(perTab(), PARTICIPANT_KEY, s);
}

export function updateParticipantSession(patch: Partial<ParticipantSession>): void {
  const s = getParticipantSession();
  if (s) setParticipantSession({ ...s, ...patch });
}

export function clearParticipantSession(): void {
  participantMemory = null;
  write(perTab(), PARTICIPANT_KEY, null);
}
