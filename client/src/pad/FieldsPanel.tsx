import { useEffect, useState } from 'preact/hooks';
import { CURRENCIES } from '../../../signaling/protocol/domain.js';
import { fieldValueSchema, type AgreementInfo, type AgreementLanguage, type FieldType, type PadAccess, type TemplateView } from '../../../signaling/protocol/pad.js';
import { ApiError } from '../api.js';
import { t } from '../i18n/index.js';
import { tp } from '../i18n/pad/index.js';
import { zodFieldErrors } from '../validation.js';
import { padApi } from './api.js';

const CURRENCY_NAMES: Record<AgreementLanguage, Record<string, string>> = {
  'zh-Hans': { CNY: '人民币', HKD: '港币', MOP: '澳门元' },
  'zh-Hant': { CNY: '人民幣', HKD: '港幣', MOP: '澳門元' },
  en: { CNY: 'CNY', HKD: 'HKD', MOP: 'MOP' },
  pt: { CNY: 'CNY', HKD: 'HKD', MOP: 'MOP' },
};
const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const MONTHS_PT = ['janeiro', 'fevereiro', 'março', 'abril', 'maio', 'junho', 'julho', 'agosto', 'setembro', 'outubro', 'novembro', 'dezembro'];

/** How a value reads inside the text (the same rules the server applies when it locks). */
export function formatFieldValue(type: FieldType, v: string, t: TemplateView, lang: AgreementLanguage): string {
  if (type === 'amount') {
    const [int = '0', frac = ''] = v.split('.');
    const [sep, dec] = lang === 'pt' ? ['.', ','] : [',', '.'];
    return `${int.replace(/\B(?=(\d{3})+(?!\d))/g, sep)}${dec}${(frac + '00').slice(0, 2)}`;
  }
  if (type === 'date') {
    const [y, m, d] = v.split('-').map(Number) as [number, number, number];
    if (lang === 'en') return `${d} ${MONTHS_EN[m - 1]} ${y}`;
    if (lang === 'pt') return `${d} de ${MONTHS_PT[m - 1]} de ${y}`;
    return `${y}年${m}月${d}日`;
  }
  if (type === 'currency') return CURRENCY_NAMES[lang][v] ?? v;
  if (type === 'payment_method') return t.paymentMethods[v as keyof TemplateView['paymentMethods']] ?? v;
  return v;
}

/** The typed terms: each validated as you type with the same schema the server uses; saved together. */
export function FieldsPanel(props: {
  agreement: AgreementInfo; access: PadAccess; template: TemplateView; onSaved: (a: AgreementInfo) => void; onInsert: (text: string) => void;
}) {
  const { agreement, access, template } = props;
  const [values, setValues] = useState<Record<string, string>>(agreement.fields);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => setValues(agreement.fields), [agreement.fields]);
  const canEdit = access.canEdit;

  // zod's own messages are English: each problem is shown in the interface's words (client/src/validation.ts).
  const check = (key: string, type: FieldType, v: string): string | null => {
    if (!v.trim()) return null;
    const r = fieldValueSchema(type).safeParse(v.trim());
    return r.success ? null : (zodFieldErrors(r.error.issues.map((i) => ({ ...i, path: [key] })))[key] ?? null);
  };

  const save = async (e: Event) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    const changed: Record<string, string | null> = {};
    for (const f of template.fields) {
      const v = (values[f.key] ?? '').trim();
      const problem = check(f.key, f.type, v);
      if (problem) errs[f.key] = problem;
      if ((agreement.fields[f.key] ?? '') !== v) changed[f.key] = v === '' ? null : v;
    }
    setErrors(errs);
    if (Object.keys(errs).length > 0 || Object.keys(changed).length === 0) return;
    setBusy(true);
    try {
      const r = await padApi.setFields(agreement.id, changed);
      props.onSaved(r.agreement);
      setNotice(tp('pad.fields.saved'));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'VALIDATION_FAILED') {
        const issues = (err.details as { issues?: { path: string[]; message: string; code?: string }[] } | undefined)?.issues ?? [];
        setErrors(zodFieldErrors(issues.map((i) => ({ code: i.code ?? 'custom', message: i.message, path: [i.path[1] ?? ''] }))));
      } else setNotice(t(`error.${err instanceof ApiError ? err.code : 'INTERNAL'}`));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="pad-panel">
      <form class="pad-fields" data-testid="pad-fields" onSubmit={save} noValidate>
        <h2>{tp('pad.fields')}</h2>
        <p class="hint">{tp('pad.fields.hint')}</p>
        {template.fields.map((f) => {
          const id = `pad-field-${f.key}`;
          const v = values[f.key] ?? '';
          const onInput = (e: Event) => {
            const nv = (e.target as HTMLInputElement).value;
            setValues({ ...values, [f.key]: nv });
            const problem = check(f.key, f.type, nv);
            setErrors((x) => {
              const y = { ...x };
              if (problem) y[f.key] = problem;
              else delete y[f.key];
              return y;
            });
          };
          return (
            <div class={`pad-field ${f.required ? 'required' : ''}`} key={f.key}>
              <label for={id}>{f.label}</label>
              <div class="pad-field-row">
                {f.type === 'currency' || f.type === 'payment_method' ? (
                  <select id={id} data-testid={`field-${f.key}`} value={v} disabled={!canEdit} onChange={onInput}>
                    <option value="">{tp('pad.fields.choose')}</option>
                    {(f.type === 'currency' ? [...CURRENCIES] : Object.keys(template.paymentMethods)).map((o) => (
                      <option key={o} value={o}>{f.type === 'currency' ? `${o} ${CURRENCY_NAMES[agreement.language][o] ?? ''}` : template.paymentMethods[o as keyof TemplateView['paymentMethods']]}</option>
                    ))}
                  </select>
                ) : (
                  <input id={id} data-testid={`field-${f.key}`} value={v} disabled={!canEdit} onInput={onInput}
                    type="text" inputMode={f.type === 'amount' ? 'decimal' : 'text'} placeholder={f.type === 'date' ? 'YYYY-MM-DD' : f.type === 'amount' ? '12000.50' : ''}
                    aria-invalid={errors[f.key] ? 'true' : undefined} />
                )}
                {canEdit ? (
                  <button type="button" class="link" title={tp('pad.fields.insert')} data-testid={`field-insert-${f.key}`} onClick={() => props.onInsert(`{{${f.key}}}`)}>＋</button>
                ) : null}
              </div>
              {errors[f.key] ? <span class="field-error" data-testid="field-error" data-field={f.key}>{errors[f.key]}</span> : null}
            </div>
          );
        })}
        {canEdit ? <button type="submit" class="primary" data-testid="pad-save-fields" disabled={busy}>{tp('pad.fields.save')}</button> : null}
        {notice ? <p class="notice" role="status" data-testid="pad-fields-notice">{notice}</p> : null}
      </form>
      {canEdit ? (
        <div class="pad-clauses" data-testid="pad-clauses">
          <h2>{tp('pad.clauses')}</h2>
          {template.clauses.map((c) => (
            <div class="pad-clause" key={c.disputeType}>
              <span>{c.title}</span>
              <button type="button" data-testid={`pad-clause-${c.disputeType}`} onClick={() => props.onInsert(`${c.text}\n\n`)}>{tp('pad.clauses.insert')}</button>
            </div>
          ))}
        </div>
      ) : null}
    </div>
  );
}
