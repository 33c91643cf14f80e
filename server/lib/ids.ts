import { randomBytes } from 'node:crypto';

declare const brand: unique symbol;
/** A string id that cannot be mixed up with another kind of id at compile time. */
export type Id<K extends string> = string & { readonly [brand]: K };

export type CaseId = Id<'case'>;
export type OrgId = Id<'org'>;
export type StaffId = Id<'staff'>;
export type PartyId = Id<'party'>;
export type HearingId = Id<'hearing'>;
export type LinkId = Id<'link'>;

/** Random, URL-safe, prefixed ids: the prefix tells a reader of a log what kind of thing it is. */
export function newId<K extends string>(prefix: string): Id<K> {
  return `${prefix}_${randomBytes(12).toString('base64url')}` as Id<K>;
}
