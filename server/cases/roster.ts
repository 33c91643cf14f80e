import type { Kysely } from 'kysely';
import type { Database, StaffTable } from '../store/schema.js';
import type { OrganisationView, StaffView } from '../../signaling/protocol/api.js';
import type { OrgKind, Panel, Site, StaffRole } from '../../signaling/protocol/domain.js';
import { newId, type OrgId, type StaffId } from '../lib/ids.js';
import { ConflictError, InvalidStateError, NotFoundError } from '../lib/errors.js';
import type { AuditLog } from './audit.js';
import { revokeAllSessions } from './sessions.js';

/** Mediation organisations and courts, and their staff roster. Passwords arrive already hashed (auth owns the KDF). */
export class Roster {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditLog,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async createOrganisation(input: { name: string; nameEn: string; site: Site; kind: OrgKind }): Promise<OrganisationView> {
    const id = newId<'org'>('org');
    await this.db
      .insertInto('organisations')
      .values({ id, name: input.name, name_en: input.nameEn, site: input.site, kind: input.kind, created_at: this.now().toISOString() })
      .execute();
    return { id, ...input };
  }

  async findOrganisationByName(name: string): Promise<OrganisationView | undefined> {
    const r = await this.db.selectFrom('organisations').selectAll().where('name', '=', name).executeTakeFirst();
    return r && orgView(r);
  }

  async getOrganisation(id: string): Promise<OrganisationView> {
    const r = await this.db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw new NotFoundError('organisation');
    return orgView(r);
  }

  async createStaff(input: {
    orgId: string; username: string; displayName: string; role: StaffRole; panel?: Panel | null; passwordHash: string;
  }): Promise<StaffView> {
    const id = newId<'staff'>('stf');
    const existing = await this.db.selectFrom('staff').select('id').where('username', '=', input.username).executeTakeFirst();
    if (existing) throw new ConflictError(`username ${input.username} is taken`);
    await this.db
      .insertInto('staff')
      .values({
        id, org_id: input.orgId, username: input.username, display_name: input.displayName, role: input.role,
        panel: input.panel ?? null, password_hash: input.passwordHash, active: 1, created_at: this.now().toISOString(),
      })
      .execute();
    return { id, username: input.username, displayName: input.displayName, role: input.role, orgId: input.orgId, panel: input.panel ?? null };
  }

  /** Includes the password hash: for the login check only. */
  async findByUsername(username: string): Promise<(StaffView & { passwordHash: string; active: boolean }) | undefined> {
    const r = await this.db.selectFrom('staff').selectAll().where('username', '=', username).executeTakeFirst();
    return r && { ...staffView(r), passwordHash: r.password_hash, active: r.active === 1 };
  }

  async getStaff(id: StaffId | string): Promise<StaffView & { passwordHash: string; active: boolean }> {
    const r = await this.db.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw new NotFoundError('staff member');
    return { ...staffView(r), passwordHash: r.password_hash, active: r.active === 1 };
  }

  /**
   * Deactivates an account: marked inactive (sign-in refused, left off hearing rosters) and every live session of it
   * revoked, in one transaction with its `staff.deactivated` entry in the organisation's chain. Deciding who may do
   * this is the caller's (no HTTP route yet: administration comes with a later issue).
   */
  async deactivate(staffId: string, by: { actor: string }): Promise<{ revokedSessions: number }> {
    const at = this.now().toISOString();
    return this.db.transaction().execute(async (trx) => {
      const r = await trx.selectFrom('staff').select(['id', 'org_id', 'active']).where('id', '=', staffId).executeTakeFirst();
      if (!r) throw new NotFoundError('staff member');
      if (Number(r.active) !== 1) throw new InvalidStateError('this account is already inactive');
      // Conditional on still active: of two concurrent deactivations one changes the row, the other refuses.
      const u = await trx.updateTable('staff').set({ active: 0 }).where('id', '=', staffId).where('active', '=', 1).executeTakeFirst();
      if (Number(u.numUpdatedRows) !== 1) throw new InvalidStateError('this account is already inactive');
      const revokedSessions = await revokeAllSessions(trx, staffId, at, 'deactivated');
      await this.audit.append(trx, `org:${r.org_id}`, { actor: by.actor, action: 'staff.deactivated', data: { staffId, revokedSessions } });
      return { revokedSessions };
    });
  }

  /**
   * Who a member of `orgId` may put on a hearing: their own organisation's staff, every arbitrator on the GBA panel
   * (mainland, Hong Kong, Macau) and court staff.
   */
  async schedulable(orgId: OrgId | string): Promise<StaffView[]> {
    const rows = await this.db
      .selectFrom('staff')
      .selectAll()
      .where('active', '=', 1)
      .where((eb) => eb.or([eb('org_id', '=', orgId), eb('role', 'in', ['arbitrator', 'court'])]))
      .orderBy('role')
      .orderBy('display_name')
      .execute();
    return rows.filter((r) => r.role !== 'org_admin').map(staffView);
  }
}

function orgView(r: Database['organisations']): OrganisationView {
  return { id: r.id, name: r.name, nameEn: r.name_en, site: r.site as Site, kind: r.kind as OrgKind };
}

export function staffView(r: StaffTable): StaffView {
  return {
    id: r.id, username: r.username, displayName: r.display_name, role: r.role as StaffRole, orgId: r.org_id,
    panel: (r.panel as Panel | null) ?? null,
  };
}
