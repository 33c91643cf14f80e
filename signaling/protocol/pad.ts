import { z } from 'zod';
import { CURRENCIES, DISPUTE_TYPES, type Currency, type DisputeType, type HearingRole, type StaffRole } from './domain.js';
import type { ErrorCode } from './errors.js';

/**
 * The drafting pad: one Yjs document per agreement, synced over socket.io (namespace `/pad`, same server and tokens as
 * the live hearing). The handshake carries `auth: { token, protocol: PROTOCOL_VERSION, agreementId }`; the token is a
 * staff session or a participant session (after the identity check), and the agreement must belong to the token's case.
 *
 * Messages carry Yjs binary (y-protocols style): the client sends its state vector (`pad.sync`), gets what it lacks and
 * the server's state vector, then sends what the server lacks as `pad.update`s. An update is acknowledged only after it
 * is stored: `saved` means it survives a restart. Every request has an acknowledgement answered with `PadAck<T>`.
 */
export const PAD_NAMESPACE = '/pad';
/** Largest Yjs update one `pad.update` may carry; the client splits larger batches (and the socket refuses > 64 KiB). */
export const PAD_MAX_UPDATE_BYTES = 48 * 1024;
export const PAD_MAX_AWARENESS_BYTES = 4 * 1024;
/** Largest agreement text the server keeps (characters of the body). */
export const PAD_MAX_TEXT_CHARS = 1_000_000;
/** The one shared type of a pad document: the agreement body (a Y.Text). */
export const PAD_TEXT = 'body';

export type PadAck<T> = { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string; details?: unknown } };

/** Binary in both directions: Node delivers Buffers (Uint8Array), browsers ArrayBuffers. */
export const PAD_TOO_LARGE = 'binary data over the size limit';
const binary = (max: number) =>
  z
    .custom<Uint8Array | ArrayBuffer>((v) => v instanceof Uint8Array || v instanceof ArrayBuffer, { message: 'binary data expected' })
    .refine((v) => v.byteLength <= max, { message: PAD_TOO_LARGE });

export const PadRequests = {
  'pad.sync': z.strictObject({ stateVector: binary(64 * 1024) }),
  'pad.update': z.strictObject({ update: binary(PAD_MAX_UPDATE_BYTES) }),
  'pad.awareness': z.strictObject({ update: binary(PAD_MAX_AWARENESS_BYTES) }),
} as const;
export type PadRequestName = keyof typeof PadRequests;
export type PadRequestPayload<N extends PadRequestName> = z.infer<(typeof PadRequests)[N]>;

export const AGREEMENT_LANGUAGES = ['zh-Hans', 'zh-Hant', 'en', 'pt'] as const;
export type AgreementLanguage = (typeof AGREEMENT_LANGUAGES)[number];
export const AGREEMENT_KINDS = ['draft', 'final'] as const;
export type AgreementKind = (typeof AGREEMENT_KINDS)[number];
export type AgreementStatus = 'drafting' | 'locked';

/** Who may do what on the pad, as the server decided for this principal (the editor follows it). */
export interface PadAccess {
  canRead: true;
  canEdit: boolean;
  /** Mediator: lock/unlock, name versions, let the clerk edit. */
  canManage: boolean;
  /** Why editing is off, when it is: a read-only role, or the text is locked for signature. */
  readOnlyReason: 'role' | 'locked' | null;
}

export interface PadUser {
  /** Stable author key: `participant:<id>` or `staff:<id>`. */
  author: string;
  name: string;
  role: HearingRole | StaffRole;
  color: string;
}

export interface AgreementInfo {
  id: string; caseId: string; caseNumber: string; title: string; kind: AgreementKind; language: AgreementLanguage;
  status: AgreementStatus; lockSeq: number; lockedSha256: string | null; lockedAt: string | null; lockedBy: string | null;
  clerkCanEdit: boolean; fields: Record<string, string>; createdAt: string; updatedAt: string;
}

export interface PadSyncResult {
  /** What the client lacks (Yjs update) and the server's state vector (the client then sends what the server lacks). */
  update: Uint8Array | ArrayBuffer;
  stateVector: Uint8Array | ArrayBuffer;
  /** Current awareness states (cursors of the others). */
  awareness: Uint8Array | ArrayBuffer;
  agreement: AgreementInfo;
  access: PadAccess;
  self: PadUser;
  /** Yjs client id -> author, for attribution colours. */
  authors: Record<string, { author: string; name: string; role: string }>;
}

export interface PadResponses {
  'pad.sync': PadSyncResult;
  'pad.update': { saved: true; seq: number | null };
  'pad.awareness': null;
}

export type PadClientToServerEvents = {
  [N in PadRequestName]: (payload: PadRequestPayload<N>, ack: (res: PadAck<PadResponses[N]>) => void) => void;
};

export interface PadServerToClientEvents {
  'pad.update': (m: { update: Uint8Array | ArrayBuffer; author: string; clientIds: number[] }) => void;
  'pad.awareness': (m: { update: Uint8Array | ArrayBuffer }) => void;
  /** Lock, unlock, fields changed, clerk permission: the new state and this socket's access. */
  'pad.state': (m: { agreement: AgreementInfo; access: PadAccess }) => void;
  /** New authors appeared (client id -> author). */
  'pad.authors': (m: PadSyncResult['authors']) => void;
}

/** Cursor and authorship colour by role, the same in every client, so the sides can be told apart at a glance. */
export const PAD_ROLE_COLOURS: Record<string, string> = {
  mediator: '#1d4ed8', org_admin: '#1d4ed8', arbitrator: '#7c3aed', applicant: '#c2410c', respondent: '#047857',
  clerk: '#4b5563', interpreter: '#0e7490', observer: '#6b7280', court: '#9f1239',
};

// ---- typed fields ---------------------------------------------------------------------------------------------------

export const FIELD_TYPES = ['text', 'amount', 'currency', 'date', 'payment_method'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];
export const PAYMENT_METHODS = ['bank_transfer', 'cash', 'cheque', 'mobile_payment'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export interface FieldDef {
  key: string;
  type: FieldType;
  required: boolean;
}

/** A decimal amount as a string, up to 2 decimals, never a float. */
const AmountValue = z.string().regex(/^(0|[1-9]\d{0,11})(\.\d{1,2})?$/, 'a decimal amount like 12000 or 12000.50');
const DateValue = z.iso.date();

/** The schema of one field value by its type: what the server validates and the editor's form checks as you type. */
export function fieldValueSchema(type: FieldType): z.ZodType<string> {
  switch (type) {
    case 'text':
      return z.string().trim().min(1).max(500);
    case 'amount':
      return AmountValue;
    case 'currency':
      return z.enum(CURRENCIES) as z.ZodType<Currency>;
    case 'date':
      return DateValue;
    case 'payment_method':
      return z.enum(PAYMENT_METHODS) as z.ZodType<string>;
  }
}

// ---- HTTP bodies (routes under /api) ---------------------------------------------------------------------------------

const key = z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{0,39}$/);

export const CreateAgreementBody = z.strictObject({
  title: z.string().trim().min(1).max(200).optional(),
  kind: z.enum(AGREEMENT_KINDS).default('draft'),
  language: z.enum(AGREEMENT_LANGUAGES),
  /** `labour`: the labour mediation agreement template with the case's parties and clauses; `blank`: an empty pad. */
  template: z.enum(['labour', 'blank']).default('labour'),
  /** Clause snippets to include; default: the case's dispute types. */
  clauses: z.array(z.enum(DISPUTE_TYPES)).max(DISPUTE_TYPES.length).optional(),
  fields: z.record(key, z.string().max(500)).optional(),
});
export type CreateAgreementBody = z.infer<typeof CreateAgreementBody>;

/** Set (string) or clear (null) typed field values; each value is validated against its field's type. */
export const SetFieldsBody = z.strictObject({ fields: z.record(key, z.string().max(500).nullable()) });
export type SetFieldsBody = z.infer<typeof SetFieldsBody>;

export const NameVersionBody = z.strictObject({ name: z.string().trim().min(1).max(120) });
export const LockBody = z.strictObject({ reason: z.string().trim().max(500).optional() });
export const UnlockBody = z.strictObject({ reason: z.string().trim().max(500).optional() });
export const ClerkEditBody = z.strictObject({ allowed: z.boolean() });
export const DiffQuery = z.strictObject({
  /** A version id, or `current` for the live text. */
  from: z.string().min(1).max(64),
  to: z.string().min(1).max(64),
});

export interface TemplateView {
  language: AgreementLanguage;
  title: string;
  fields: (FieldDef & { label: string; hint?: string })[];
  clauses: { disputeType: DisputeType; title: string; text: string }[];
  parts: { key: string; heading: string }[];
  paymentMethods: Record<PaymentMethod, string>;
}

export interface VersionView {
  id: string; number: number; name: string; sha256: string; createdAt: string; createdBy: string; createdByName: string;
}
export interface DiffOp {
  op: 'eq' | 'ins' | 'del';
  text: string;
}
export interface DiffView {
  from: { id: string; name: string; sha256: string };
  to: { id: string; name: string; sha256: string };
  ops: DiffOp[];
  stats: { inserted: number; deleted: number };
}
export interface ChangeView {
  seq: number; at: string; author: string; authorName: string; authorRole: string; kind: string; summary: Record<string, unknown>;
}
export interface AttributionView {
  authors: { author: string; name: string; role: string; chars: number }[];
  spans: { author: string; text: string }[];
}
export interface LockedAgreementView {
  agreementId: string; caseId: string; title: string; language: AgreementLanguage; lockSeq: number; text: string; sha256: string;
  fields: Record<string, string>; lockedAt: string; lockedBy: string;
}
