import { useState } from 'preact/hooks';
import { CreateCaseBody } from '../../../signaling/protocol/api.js';
import { CURRENCIES, DISPUTE_TYPES, SITES, type Currency, type DisputeType, type Site } from '../../../signaling/protocol/domain.js';
import { ApiError, api } from '../api.js';
import { deriveCaseLanguages } from '../../../signaling/protocol/languages.js';
import { CaseLanguagesField, chosenLanguages, languagesError, type LanguagesDraft } from '../components/CaseLanguagesField.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { Field, describedBy, val } from '../components/Field.js';
import { PartyFieldset, type PartyDraft } from '../components/PartyFieldset.js';
import { t } from '../i18n/index.js';
import { currencyLabel, disputeLabel, siteLabel } from '../labels.js';
import { navigate, onLinkClick } from '../router.js';
import type { StaffSession } from '../session.js';
import { detailLines, serverIssues, zodFieldErrors, type FieldErrors } from '../validation.js';

let nextKey = 1;
const newParty = (side: PartyDraft['side']): PartyDraft => ({
  key: nextKey++, side, kind: side === 'respondent' ? 'organisation' : 'person', name: '',
  idType: side === 'respondent' ? 'uscc' : 'prc_id', idNumber: '', phone: '', representative: '',
});
const currencyFor = (site: Site | ''): Currency => (site === 'hong_kong' ? 'HKD' : site === 'macau' ? 'MOP' : 'CNY');

export function CaseNewView({ session }: { session: StaffSession }) {
  const orgSite = session.organisation?.site;
  const [disputes, setDisputes] = useState<DisputeType[]>([]);
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState<Currency>(currencyFor(orgSite ?? ''));
  const [currencyTouched, setCurrencyTouched] = useState(false);
  const [site, setSite] = useState<Site | ''>('');
  const [summary, setSummary] = useState('');
  const [parties, setParties] = useState<PartyDraft[]>(() => [newParty('applicant'), newParty('respondent')]);
  const [languages, setLanguages] = useState<LanguagesDraft>({ mode: 'auto' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const opt = (s: string) => (s.trim() === '' ? undefined : s.trim());
  function buildBody() {
    const chosen = chosenLanguages(languages);
    return {
      disputeTypes: disputes,
      claim: { amount: amount.trim(), currency },
      summary: summary.trim(),
      ...(site ? { site } : {}),
      ...(chosen ? { languages: chosen } : {}),
      parties: parties.map((p) => ({
        side: p.side, kind: p.kind, name: p.name.trim(), idType: p.idType, idNumber: p.idNumber.trim(),
        ...(opt(p.phone) ? { phone: opt(p.phone) } : {}),
        ...(opt(p.representative) ? { representative: opt(p.representative) } : {}),
      })),
    };
  }

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    setError(null);
    const body = buildBody();
    const parsed = CreateCaseBody.safeParse(body);
    if (!parsed.success) {
      setErrors(zodFieldErrors(parsed.error.issues, body));
      setError(t('newCase.fixErrors'));
      requestAnimationFrame(() => document.querySelector<HTMLElement>('.field-invalid input, .field-invalid select, .field-invalid textarea, [data-testid="error"]')?.focus());
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const created = await api.createCase(parsed.data);
      navigate(`/cases/${encodeURIComponent(created.id)}`);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'VALIDATION_FAILED') {
        const issues = serverIssues(err.details);
        const fe: FieldErrors = issues.length ? zodFieldErrors(issues, body) : {};
        for (const l of detailLines(err.details)) if (l.field && !(l.field in fe)) fe[l.field] = l.message;
        setErrors(fe);
      }
      setError(err);
      setBusy(false);
    }
  }

  const toggleDispute = (d: DisputeType, on: boolean) =>
    setDisputes((cur) => (on ? DISPUTE_TYPES.filter((x) => x === d || cur.includes(x)) : cur.filter((x) => x !== d)));

  return (
    <section class="page narrow-page" data-testid="case-new">
      <p class="crumbs"><a href="/" onClick={onLinkClick}>‹ {t('detail.back')}</a></p>
      <h1>{t('newCase.title')}</h1>
      <p class="muted">{t('newCase.intro')}</p>
      <ErrorBanner error={error} />
      <form onSubmit={submit} noValidate>
        <fieldset class={`card${errors.disputeTypes ? ' field-invalid' : ''}`}>
          <legend>{t('newCase.disputeTypes')}</legend>
          <div class="checks">
            {DISPUTE_TYPES.map((d) => (
              <label key={d} class="check">
                <input type="checkbox" data-testid={`dispute-type-${d}`} checked={disputes.includes(d)}
                  onChange={(e) => toggleDispute(d, (e.currentTarget as HTMLInputElement).checked)} />
                <span>{disputeLabel(d)}</span>
              </label>
            ))}
          </div>
          {errors.disputeTypes ? <div class="field-error" data-testid="field-error" data-field="disputeTypes">{errors.disputeTypes}</div> : null}
        </fieldset>

        <div class="card">
          <div class="grid grid-3">
            <Field id="claim-amount" label={t('newCase.claim')} error={errors['claim.amount']}>
              <input id="claim-amount" data-testid="claim-amount" inputMode="decimal" autoComplete="off" placeholder="12000.00"
                value={amount} aria-invalid={Boolean(errors['claim.amount'])} aria-describedby={describedBy('claim-amount', errors['claim.amount'])}
                onInput={(e) => setAmount(val(e))} />
            </Field>
            <Field id="claim-currency" label={t('newCase.currency')} error={errors['claim.currency']}>
              <select id="claim-currency" data-testid="claim-currency" value={currency}
                onChange={(e) => { setCurrency(val(e) as Currency); setCurrencyTouched(true); }}>
                {CURRENCIES.map((c) => <option key={c} value={c}>{currencyLabel(c)}</option>)}
              </select>
            </Field>
            <Field id="case-site" label={t('newCase.site')} error={errors.site}>
              <select id="case-site" data-testid="case-site" value={site}
                onChange={(e) => {
                  const s = val(e) as Site | '';
                  setSite(s);
                  if (!currencyTouched) setCurrency(currencyFor(s || (orgSite ?? '')));
                }}>
                <option value="">{orgSite ? t('newCase.siteDefault', { site: siteLabel(orgSite) }) : '—'}</option>
                {SITES.map((s) => <option key={s} value={s}>{siteLabel(s)}</option>)}
              </select>
            </Field>
          </div>
          <Field id="case-summary" label={<>{t('newCase.summary')} <span class="muted">{t('common.optional')}</span></>} error={errors.summary}>
            <textarea id="case-summary" data-testid="case-summary" rows={4} maxLength={4000} value={summary}
              onInput={(e) => setSummary(val(e))} />
          </Field>
        </div>

        <CaseLanguagesField draft={languages} error={languagesError(errors)} onChange={setLanguages}
          auto={deriveCaseLanguages(site || orgSite, parties.map((p) => p.idType))} />

        <h2>{t('newCase.parties')}</h2>
        {errors.parties ? <div class="field-error" data-testid="field-error" data-field="parties">{errors.parties}</div> : null}
        {parties.map((p, i) => (
          <PartyFieldset key={p.key} index={i} party={p} errors={errors} canRemove={parties.length > 2}
            onChange={(np) => setParties((cur) => cur.map((x) => (x.key === p.key ? np : x)))}
            onRemove={() => { setParties((cur) => cur.filter((x) => x.key !== p.key)); setErrors({}); }} />
        ))}
        <div class="form-actions">
          <button type="button" class="btn" data-testid="add-party" disabled={parties.length >= 20}
            onClick={() => setParties((cur) => [...cur, newParty('applicant')])}>
            + {t('newCase.addParty')}
          </button>
          <button type="submit" class="btn btn-primary" data-testid="case-submit" disabled={busy}>
            {busy ? t('newCase.submitting') : t('newCase.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
