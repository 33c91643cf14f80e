import { ID_TYPES, PARTY_KINDS, PARTY_SIDES, type IdType, type PartyKind, type PartySide } from '../../../signaling/protocol/domain.js';
import { t } from '../i18n/index.js';
import { idTypeLabel, kindLabel, roleLabel } from '../labels.js';
import type { FieldErrors } from '../validation.js';
import { Field, describedBy, val } from './Field.js';

export interface PartyDraft {
  key: number;
  side: PartySide;
  kind: PartyKind;
  name: string;
  idType: IdType;
  idNumber: string;
  phone: string;
  representative: string;
}

interface Props {
  index: number;
  party: PartyDraft;
  errors: FieldErrors;
  canRemove: boolean;
  onChange: (p: PartyDraft) => void;
  onRemove: () => void;
}

/** One party of the registration form. Test ids carry the 0-based index: party-name-0, party-id-0, ... */
export function PartyFieldset({ index: i, party: p, errors, canRemove, onChange, onRemove }: Props) {
  const err = (f: string) => errors[`parties.${i}.${f}`];
  const set = <K extends keyof PartyDraft>(k: K, v: PartyDraft[K]) => onChange({ ...p, [k]: v });
  const setKind = (kind: PartyKind) => {
    // Organisations are identified by their unified social credit code, people by a personal document.
    const idType = kind === 'organisation' && p.idType !== 'uscc' ? 'uscc' : kind === 'person' && p.idType === 'uscc' ? 'prc_id' : p.idType;
    onChange({ ...p, kind, idType });
  };
  const id = (f: string) => `party-${f}-${i}`;
  return (
    <fieldset class={`party party-${p.side}`} data-testid={`party-${i}`}>
      <legend>
        {t('newCase.party', { n: i + 1 })} · {roleLabel(p.side)}
      </legend>
      <div class="grid grid-3">
        <Field id={id('side')} label={t('newCase.side')} error={err('side')}>
          <select id={id('side')} data-testid={id('side')} value={p.side} onChange={(e) => set('side', val(e) as PartySide)}>
            {PARTY_SIDES.map((s) => <option key={s} value={s}>{roleLabel(s)}</option>)}
          </select>
        </Field>
        <Field id={id('kind')} label={t('newCase.kind')} error={err('kind')}>
          <select id={id('kind')} data-testid={id('kind')} value={p.kind} onChange={(e) => setKind(val(e) as PartyKind)}>
            {PARTY_KINDS.map((k) => <option key={k} value={k}>{kindLabel(k)}</option>)}
          </select>
        </Field>
        <Field id={id('name')} label={p.kind === 'organisation' ? t('newCase.orgName') : t('newCase.name')} error={err('name')}>
          <input id={id('name')} data-testid={id('name')} maxLength={200} autoComplete="off" value={p.name}
            aria-invalid={Boolean(err('name'))} aria-describedby={describedBy(id('name'), err('name'))}
            onInput={(e) => set('name', val(e))} />
        </Field>
        <Field id={id('id-type')} label={t('newCase.idType')} error={err('idType')}>
          <select id={id('id-type')} data-testid={id('id-type')} value={p.idType} onChange={(e) => set('idType', val(e) as IdType)}>
            {ID_TYPES.map((x) => <option key={x} value={x}>{idTypeLabel(x)}</option>)}
          </select>
        </Field>
        <Field id={id('id')} label={t('newCase.idNumber')} error={err('idNumber')}>
          <input id={id('id')} data-testid={id('id')} maxLength={40} autoComplete="off" autoCapitalize="characters" spellcheck={false}
            value={p.idNumber} aria-invalid={Boolean(err('idNumber'))} aria-describedby={describedBy(id('id'), err('idNumber'))}
            onInput={(e) => set('idNumber', val(e))} />
        </Field>
        <Field id={id('phone')} label={<>{t('newCase.phone')} <span class="muted">{t('common.optional')}</span></>} error={err('phone')}>
          <input id={id('phone')} data-testid={id('phone')} type="tel" inputMode="tel" maxLength={20} autoComplete="off"
            value={p.phone} aria-invalid={Boolean(err('phone'))} aria-describedby={describedBy(id('phone'), err('phone'))}
            onInput={(e) => set('phone', val(e))} />
        </Field>
        <Field id={id('rep')} class="span-2" label={<>{t('newCase.representative')} <span class="muted">{t('common.optional')}</span></>} error={err('representative')}>
          <input id={id('rep')} data-testid={id('rep')} maxLength={200} autoComplete="off" value={p.representative}
            onInput={(e) => set('representative', val(e))} />
        </Field>
        {canRemove ? (
          <div class="field field-action">
            <button type="button" class="btn btn-ghost btn-danger" data-testid={`remove-party-${i}`} onClick={onRemove}>
              {t('newCase.removeParty', { n: i + 1 })}
            </button>
          </div>
        ) : null}
      </div>
    </fieldset>
  );
}
