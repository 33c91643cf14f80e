import { useState } from 'preact/hooks';
import { ScheduleHearingBody, type CaseView, type HearingView, type StaffView } from '../../../signaling/protocol/api.js';
import { HEARING_MODES, SITES, type HearingMode, type Site } from '../../../signaling/protocol/domain.js';
import { api } from '../api.js';
import { localInputToIso, timeZoneName, toLocalInput } from '../format.js';
import { t } from '../i18n/index.js';
import { modeLabel, panelLabel, roleLabel, siteLabel } from '../labels.js';
import type { StaffSession } from '../session.js';
import { zodFieldErrors, type FieldErrors } from '../validation.js';
import { ErrorBanner } from './ErrorBanner.js';
import { Field, describedBy, val } from './Field.js';

const STAFF_SLOTS = ['mediator', 'arbitrator', 'clerk', 'court'] as const;
type Slot = (typeof STAFF_SLOTS)[number];
interface Guest { key: number; role: 'interpreter' | 'observer'; name: string; idNumber: string }

let guestKey = 1;

function defaultStart(): string {
  const d = new Date();
  d.setDate(d.getDate() + 1);
  d.setHours(10, 0, 0, 0);
  return toLocalInput(d);
}

function staffLabel(s: StaffView): string {
  return s.panel && s.panel !== 'mainland' ? `${s.displayName} · ${panelLabel(s.panel)}` : s.displayName;
}

interface Props {
  c: CaseView;
  session: StaffSession;
  /** People who may be scheduled (GET /api/staff); null while loading. */
  staff: StaffView[] | null;
  staffError: unknown;
  onScheduled: (h: HearingView) => void;
}

export function HearingForm({ c, session, staff, staffError, onScheduled }: Props) {
  const [startsAt, setStartsAt] = useState(defaultStart);
  const [duration, setDuration] = useState('60');
  const [site, setSite] = useState<Site>(c.site);
  const [mode, setMode] = useState<HearingMode>('online');
  const [partyIds, setPartyIds] = useState<string[]>(() => c.parties.map((p) => p.id));
  const [staffSel, setStaffSel] = useState<Record<Slot, string>>({
    mediator: session.staff.role === 'mediator' ? session.staff.id : '', arbitrator: '', clerk: '', court: '',
  });
  const [guests, setGuests] = useState<Guest[]>([]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  function buildBody() {
    const staffParts = STAFF_SLOTS.filter((r) => staffSel[r]).map((role) => ({ role, staffId: staffSel[role] }));
    const parties = c.parties.filter((p) => partyIds.includes(p.id)).map((p) => ({ role: p.side, partyId: p.id }));
    const guestParts = guests.map((g) => ({ role: g.role, name: g.name.trim(), idNumber: g.idNumber.trim() }));
    return {
      body: {
        startsAt: localInputToIso(startsAt) ?? startsAt,
        durationMinutes: Number(duration),
        site, mode,
        participants: [...parties, ...staffParts, ...guestParts],
      },
      guestOffset: parties.length + staffParts.length,
    };
  }

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    setError(null);
    const { body, guestOffset } = buildBody();
    const parsed = ScheduleHearingBody.safeParse(body);
    if (!parsed.success) {
      const fe = zodFieldErrors(parsed.error.issues, body);
      // Guest rows: participants.<offset+i>.name -> guest.<i>.name
      for (const k of Object.keys(fe)) {
        const m = /^participants\.(\d+)\.(name|idNumber)$/.exec(k);
        if (m) fe[`guest.${Number(m[1]) - guestOffset}.${m[2]}`] = fe[k] ?? '';
      }
      setErrors(fe);
      setError(t('newCase.fixErrors'));
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const h = await api.scheduleHearing(c.id, parsed.data);
      setGuests([]);
      onScheduled(h);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const setGuest = (key: number, patch: Partial<Guest>) => setGuests((gs) => gs.map((g) => (g.key === key ? { ...g, ...patch } : g)));
  const addGuest = (role: Guest['role']) => setGuests((gs) => [...gs, { key: guestKey++, role, name: '', idNumber: '' }]);

  return (
    <form class="card hearing-form" data-testid="schedule-hearing" onSubmit={submit} noValidate aria-labelledby="schedule-title">
      <h2 id="schedule-title">{t('hearing.schedule')}</h2>
      <div class="grid grid-4">
        <Field id="hearing-starts-at" label={t('hearing.startsAt')} error={errors.startsAt}
          hint={t('hearing.timezone', { tz: timeZoneName() })}>
          <input id="hearing-starts-at" data-testid="hearing-starts-at" type="datetime-local" required value={startsAt}
            aria-invalid={Boolean(errors.startsAt)} aria-describedby={describedBy('hearing-starts-at', errors.startsAt) ?? 'hearing-starts-at-hint'}
            onInput={(e) => setStartsAt(val(e))} />
        </Field>
        <Field id="hearing-duration" label={t('hearing.duration')} error={errors.durationMinutes}>
          <input id="hearing-duration" data-testid="hearing-duration" type="number" inputMode="numeric" min={15} max={480} step={15}
            value={duration} aria-invalid={Boolean(errors.durationMinutes)} onInput={(e) => setDuration(val(e))} />
        </Field>
        <Field id="hearing-site" label={t('hearing.site')} error={errors.site}>
          <select id="hearing-site" data-testid="hearing-site" value={site} onChange={(e) => setSite(val(e) as Site)}>
            {SITES.map((s) => <option key={s} value={s}>{siteLabel(s)}</option>)}
          </select>
        </Field>
        <Field id="hearing-mode" label={t('hearing.mode')} error={errors.mode}>
          <select id="hearing-mode" data-testid="hearing-mode" value={mode} onChange={(e) => setMode(val(e) as HearingMode)}>
            {HEARING_MODES.map((m) => <option key={m} value={m}>{modeLabel(m)}</option>)}
          </select>
        </Field>
      </div>

      <fieldset class="subfield">
        <legend>{t('hearing.parties')}</legend>
        <div class="checks">
          {c.parties.map((p) => (
            <label key={p.id} class="check">
              <input type="checkbox" data-testid={`hearing-party-${p.id}`} checked={partyIds.includes(p.id)}
                onChange={(e) => {
                  const on = (e.currentTarget as HTMLInputElement).checked;
                  setPartyIds((ids) => (on ? [...ids, p.id] : ids.filter((x) => x !== p.id)));
                }} />
              <span>{p.name} <span class="muted">· {roleLabel(p.side)}</span></span>
            </label>
          ))}
        </div>
        {errors.participants ? <div class="field-error" data-testid="field-error" data-field="participants">{errors.participants}</div> : null}
      </fieldset>

      <fieldset class="subfield">
        <legend>{t('hearing.staff')}</legend>
        <ErrorBanner error={staffError} />
        <div class="grid grid-4">
          {STAFF_SLOTS.map((role) => {
            const primary = (staff ?? []).filter((s) => s.role === role || (role === 'mediator' && s.role === 'org_admin'));
            const others = (staff ?? []).filter((s) => !primary.includes(s));
            return (
              <Field key={role} id={`hearing-staff-${role}`} label={roleLabel(role)}>
                <select id={`hearing-staff-${role}`} data-testid={`hearing-staff-${role}`} value={staffSel[role]} disabled={!staff}
                  onChange={(e) => setStaffSel((s) => ({ ...s, [role]: val(e) }))}>
                  <option value="">{staff ? t('hearing.nobody') : t('common.loading')}</option>
                  {primary.map((s) => <option key={s.id} value={s.id}>{staffLabel(s)}</option>)}
                  {others.length > 0 && primary.length > 0 ? <option disabled>──────</option> : null}
                  {others.map((s) => <option key={s.id} value={s.id}>{staffLabel(s)} · {roleLabel(s.role)}</option>)}
                </select>
              </Field>
            );
          })}
        </div>
      </fieldset>

      <fieldset class="subfield">
        <legend>{t('hearing.guests')}</legend>
        {guests.length > 0 ? <p class="hint">{t('hearing.guestHint')}</p> : null}
        {guests.map((g, i) => (
          <div class="guest-row" key={g.key} data-testid="hearing-guest">
            <Field id={`hearing-guest-role-${i}`} label={t('hearing.guestRole')}>
              <select id={`hearing-guest-role-${i}`} data-testid={`hearing-guest-role-${i}`} value={g.role}
                onChange={(e) => setGuest(g.key, { role: val(e) as Guest['role'] })}>
                <option value="interpreter">{roleLabel('interpreter')}</option>
                <option value="observer">{roleLabel('observer')}</option>
              </select>
            </Field>
            <Field id={`hearing-guest-name-${i}`} label={t('hearing.guestName')} error={errors[`guest.${i}.name`]}>
              <input id={`hearing-guest-name-${i}`} data-testid={`hearing-guest-name-${i}`} maxLength={200} value={g.name}
                onInput={(e) => setGuest(g.key, { name: val(e) })} />
            </Field>
            <Field id={`hearing-guest-id-${i}`} label={t('hearing.guestId')} error={errors[`guest.${i}.idNumber`]}>
              <input id={`hearing-guest-id-${i}`} data-testid={`hearing-guest-id-${i}`} maxLength={40} autoCapitalize="characters" value={g.idNumber}
                onInput={(e) => setGuest(g.key, { idNumber: val(e) })} />
            </Field>
            <div class="field field-action">
              <button type="button" class="btn btn-ghost btn-danger" data-testid={`hearing-guest-remove-${i}`}
                onClick={() => { setGuests((gs) => gs.filter((x) => x.key !== g.key)); setErrors({}); }}>
                {t('common.remove')}
              </button>
            </div>
          </div>
        ))}
        <div class="button-row">
          <button type="button" class="btn btn-small" data-testid="hearing-add-interpreter" onClick={() => addGuest('interpreter')}>+ {t('hearing.addInterpreter')}</button>
          <button type="button" class="btn btn-small" data-testid="hearing-add-observer" onClick={() => addGuest('observer')}>+ {t('hearing.addObserver')}</button>
        </div>
      </fieldset>

      <ErrorBanner error={error} />
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" data-testid="hearing-submit" disabled={busy}>
          {busy ? t('hearing.submitting') : t('hearing.submit')}
        </button>
      </div>
    </form>
  );
}
