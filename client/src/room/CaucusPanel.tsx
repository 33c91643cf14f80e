import { useState } from 'preact/hooks';
import type { HearingSnapshot, ParticipantState } from '../../../signaling/protocol/hearing.js';
import { t } from '../i18n/index.js';
import { rt } from './i18n.js';
import { roleLabel } from '../labels.js';
import type { RoomController } from './controller.js';
import { elapsed, useNow } from './hooks.js';

export const JOINT = 'joint';

/** The mediator's private caucuses (背对背): start one with some participants, see the running ones, end them. */
export function CaucusControls({ room, snapshot, self }: { room: RoomController; snapshot: HearingSnapshot; self: ParticipantState }) {
  const [picking, setPicking] = useState(false);
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const now = useNow();
  const names = new Map(snapshot.participants.map((p) => [p.id, p.displayName]));
  const candidates = snapshot.participants.filter((p) => p.roomId === JOINT && p.id !== self.id && (p.presence === 'joined' || p.presence === 'disconnected'));
  const inJoint = self.roomId === JOINT;

  const toggle = (id: string, on: boolean) => {
    const next = new Set(picked);
    if (on) next.add(id);
    else next.delete(id);
    setPicked(next);
  };
  const start = async () => {
    const ids = candidates.map((p) => p.id).filter((id) => picked.has(id));
    if (!ids.length) return;
    setBusy(true);
    const r = await room.act('caucus.start', { participantIds: ids });
    setBusy(false);
    if (r) {
      setPicking(false);
      setPicked(new Set());
    }
  };

  return (
    <div class="caucus-controls" data-testid="caucus-controls">
      <h3 class="h4">{rt('caucus.title')}</h3>
      {snapshot.caucuses.length === 0 ? <p class="muted small">{rt('caucus.none')}</p> : null}
      <ul class="people">
        {snapshot.caucuses.map((c, i) => (
          <li key={c.id} class="person caucus-item" data-testid="caucus-item" data-caucus-id={c.id}>
            <div class="person-main">
              <strong>{rt('caucus.running', { n: i + 1, time: elapsed(c.startedAt, now) })}</strong>
              <span class="small">{rt('caucus.members', { names: (c.memberIds ?? []).map((id) => names.get(id) ?? id).join(', ') })}</span>
            </div>
            <button type="button" class="btn btn-small" data-testid={`caucus-end-${c.id}`}
              onClick={() => void room.act('caucus.end', { caucusId: c.id })}>{rt('caucus.end')}</button>
          </li>
        ))}
      </ul>
      {!picking ? (
        <button type="button" class="btn btn-small" data-testid="caucus-start" disabled={!inJoint || candidates.length === 0}
          title={!inJoint ? rt('caucus.mustBeJoint') : undefined} onClick={() => setPicking(true)}>{rt('caucus.start')}</button>
      ) : (
        <fieldset class="caucus-picker" data-testid="caucus-picker">
          <legend>{rt('caucus.pick')}</legend>
          <p class="hint">{rt('caucus.privacy')}</p>
          {candidates.map((p) => (
            <label key={p.id} class="check">
              <input type="checkbox" data-testid={`caucus-pick-${p.id}`} checked={picked.has(p.id)}
                onChange={(e) => toggle(p.id, (e.currentTarget as HTMLInputElement).checked)} />
              <span>{p.displayName} <span class={`role-tag role-${p.role}`}>{roleLabel(p.role)}</span></span>
            </label>
          ))}
          <div class="button-row">
            <button type="button" class="btn btn-primary btn-small" data-testid="caucus-confirm" disabled={busy || ![...picked].some((id) => candidates.some((p) => p.id === id))}
              onClick={() => void start()}>{rt('caucus.confirm')}</button>
            <button type="button" class="btn btn-ghost btn-small" data-testid="caucus-cancel" onClick={() => { setPicking(false); setPicked(new Set()); }}>
              {t('common.cancel')}
            </button>
          </div>
        </fieldset>
      )}
    </div>
  );
}

/**
 * Everyone outside a caucus learns that one runs and since when (never who is in it); the members see they are in one.
 */
export function CaucusBanner({ snapshot, self }: { snapshot: HearingSnapshot; self: ParticipantState }) {
  const now = useNow();
  const mine = snapshot.caucuses.find((c) => c.id === self.roomId);
  const others = snapshot.caucuses.filter((c) => c !== mine && !(c.memberIds ?? []).includes(self.id));
  const oldest = others.reduce<string | null>((a, c) => (a === null || c.startedAt < a ? c.startedAt : a), null);
  return (
    <>
      {mine ? (
        <div class="banner banner-caucus-self" role="status" data-testid="caucus-self-banner" data-caucus-id={mine.id}>
          <div class="banner-body">{rt('banner.inCaucus', { time: elapsed(mine.startedAt, now) })}</div>
        </div>
      ) : null}
      {oldest ? (
        <div class="banner banner-caucus" role="status" data-testid="caucus-banner" data-count={others.length}>
          <div class="banner-body">
            {others.length > 1 ? rt('banner.caucusMany', { n: others.length, time: elapsed(oldest, now) }) : rt('banner.caucus', { time: elapsed(oldest, now) })}
          </div>
        </div>
      ) : null}
    </>
  );
}
