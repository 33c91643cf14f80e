import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { PAD_ROLE_COLOURS, type AgreementInfo, type PadAccess, type TemplateView } from '../../../signaling/protocol/pad.js';
import { useLang } from '../i18n/index.js';
import { tp, type PadKey } from '../i18n/pad/index.js';
import { padApi, padToken } from './api.js';
import { authorshipDecorations, createPadEditor, type FieldInfo, type PadEditor } from './editor.js';
import { FieldsPanel, formatFieldValue } from './FieldsPanel.js';
import { HistoryPanel } from './HistoryPanel.js';
import { LockPanel } from './LockPanel.js';
import { PadPreview } from './PadPreview.js';
import { PadProvider, type PadStatus } from './provider.js';
import './pad.css';

const colour = (role: string) => PAD_ROLE_COLOURS[role] ?? '#6b7280';
export const roleName = (role: string) => tp(`pad.role.${role}` as PadKey) ?? role;

/** Who else has the agreement open (from awareness, where the server set each person's name and role). */
function usePeople(provider: PadProvider | null): { id: number; name: string; role: string; self: boolean }[] {
  const [people, setPeople] = useState<{ id: number; name: string; role: string; self: boolean }[]>([]);
  useEffect(() => {
    if (!provider) return;
    const update = () => {
      const out: { id: number; name: string; role: string; self: boolean }[] = [];
      for (const [id, st] of provider.awareness.getStates()) {
        const u = (st as { user?: { name?: string; role?: string } }).user;
        if (u?.name) out.push({ id, name: u.name, role: u.role ?? '', self: id === provider.doc.clientID });
      }
      setPeople(out);
    };
    provider.awareness.on('change', update);
    update();
    return () => provider.awareness.off('change', update);
  }, [provider]);
  return people;
}

/**
 * One agreement's drafting pad: the live editor, the status line (saved / offline / locked), the typed terms, clause
 * snippets, lock and unlock for the mediator, history (named versions, differences, change log) and authorship.
 */
export function PadView({ agreementId, compact = false }: { agreementId: string; compact?: boolean }) {
  const lang = useLang();
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<PadEditor | null>(null);
  const [provider, setProvider] = useState<PadProvider | null>(null);
  const [generation, setGeneration] = useState(0);
  const [status, setStatus] = useState<PadStatus>('connecting');
  const [unsaved, setUnsaved] = useState(0);
  const [agreement, setAgreement] = useState<AgreementInfo | null>(null);
  const [access, setAccess] = useState<PadAccess | null>(null);
  const [template, setTemplate] = useState<TemplateView | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [editorFault, setEditorFault] = useState(false);
  const [showAuthors, setShowAuthors] = useState(false);
  const [tab, setTab] = useState<'terms' | 'history' | 'preview'>('terms');
  const people = usePeople(provider);

  // One provider (socket + Y.Doc) per mount; a refused change rebuilds it from the server's state.
  useEffect(() => {
    const token = padToken();
    if (!token) {
      setProblem(tp('pad.noSession'));
      return;
    }
    const p = new PadProvider({ url: '', token: () => padToken() ?? token, agreementId });
    setProvider(p);
    const offs = [
      p.on('status', (s) => setStatus(s)),
      p.on('saved', (s) => setUnsaved(s.unsaved)),
      p.on('state', (s) => {
        setAgreement(s.agreement);
        setAccess(s.access);
      }),
      p.on('refused', (e) => setProblem(`${tp('pad.status.refused')} (${e.code})`)),
      p.on('rejected', (e) => {
        setProblem(tp('pad.rejected', { code: e.code }));
        setGeneration((g) => g + 1);
      }),
    ];
    return () => {
      for (const off of offs) off();
      p.destroy();
      setProvider(null);
    };
  }, [agreementId, generation]);

  // The editor appears once the first sync has filled the document.
  useEffect(() => {
    if (!provider || status !== 'synced' || editor.current || !host.current) return;
    editor.current = createPadEditor(host.current, provider, {
      editable: !!provider.access?.canEdit, label: tp('pad.title'), onError: () => setEditorFault(true),
    });
    return undefined;
  }, [provider, status]);
  useEffect(
    () => () => {
      editor.current?.destroy();
      editor.current = null;
    },
    [provider],
  );
  useEffect(() => {
    editor.current?.setEditable(!!access?.canEdit);
  }, [access?.canEdit, status]);

  useEffect(() => {
    if (!agreement) return;
    padApi.template(agreement.language).then(setTemplate, () => undefined);
  }, [agreement?.language]);

  const fieldInfo = useMemo(() => {
    const out: Record<string, FieldInfo> = {};
    if (!template || !agreement) return out;
    for (const f of template.fields) {
      const v = agreement.fields[f.key];
      out[f.key] = { label: f.label, value: v ? formatFieldValue(f.type, v, template, agreement.language) : null };
    }
    return out;
  }, [template, agreement]);
  useEffect(() => {
    editor.current?.setFieldInfo(fieldInfo);
  }, [fieldInfo, status]);

  useEffect(() => {
    if (!provider || !editor.current) return;
    if (!showAuthors) {
      editor.current.showAuthors(null);
      return;
    }
    const paint = () => editor.current?.showAuthors(authorshipDecorations(provider.text, provider.authors, colour));
    paint();
    provider.text.observe(paint);
    return () => provider.text.unobserve(paint);
  }, [showAuthors, provider, status]);

  const statusKey: PadKey =
    status === 'synced' ? (unsaved > 0 ? 'pad.status.saving' : 'pad.status.synced') : (`pad.status.${status}` as PadKey);

  return (
    <section class={`pad ${compact ? 'pad-compact' : ''}`} data-testid="pad-view" data-agreement-id={agreementId} data-lang={lang}>
      <header class="pad-head">
        <div>
          <h1 class="pad-title" data-testid="pad-title">{agreement?.title ?? tp('pad.title')}</h1>
          {agreement ? (
            <p class="pad-meta">
              {agreement.caseNumber} · {tp(`pad.kind.${agreement.kind}` as PadKey)} · {tp(`pad.lang.${agreement.language}` as PadKey)} ·{' '}
              <span data-testid="pad-agreement-status" data-status={agreement.status}>{tp(`pad.state.${agreement.status}` as PadKey)}</span>
            </p>
          ) : null}
        </div>
        <span class={`pad-status pad-status-${status}`} role="status" aria-live="polite" data-testid="pad-status" data-status={status} data-unsaved={unsaved}>
          {tp(statusKey)}
        </span>
      </header>
      {problem ? (
        <div class="banner banner-error" role="alert" data-testid="pad-problem">
          <div class="banner-body">{problem}</div>
        </div>
      ) : null}
      {editorFault ? (
        <div class="banner banner-error" role="alert" data-testid="pad-editor-error">
          <div class="banner-body">{tp('pad.editorError')}</div>
        </div>
      ) : null}
      {agreement?.status === 'locked' ? (
        <div class="banner banner-info pad-locked" role="status" data-testid="pad-locked" data-sha256={agreement.lockedSha256 ?? ''} data-lock-seq={agreement.lockSeq}>
          <div class="banner-body">
            {tp('pad.readonly.locked')} {tp('pad.lockedBanner', { seq: agreement.lockSeq, sha: (agreement.lockedSha256 ?? '').slice(0, 16) + '…' })}
          </div>
        </div>
      ) : access && !access.canEdit && access.readOnlyReason === 'role' ? (
        <div class="banner banner-info" role="status" data-testid="pad-readonly">
          <div class="banner-body">{tp('pad.readonly.role')}</div>
        </div>
      ) : null}
      <div class="pad-people" data-testid="pad-people" aria-label={tp('pad.people')}>
        {people.map((p) => (
          <span key={p.id} class="pad-person" data-testid="pad-person" data-role={p.role} style={{ borderColor: colour(p.role) }}>
            <span class="pad-dot" style={{ background: colour(p.role) }} aria-hidden="true" />
            {p.name} · {roleName(p.role)}
          </span>
        ))}
        <label class="pad-authors-toggle">
          <input type="checkbox" data-testid="pad-show-authors" checked={showAuthors} onChange={(e) => setShowAuthors((e.target as HTMLInputElement).checked)} />{' '}
          {tp('pad.authors.show')}
        </label>
      </div>
      <div class="pad-body">
        <div class="pad-editor" ref={host} data-testid="pad-editor" data-can-edit={access?.canEdit ? 'true' : 'false'} />
        {agreement && access ? (
          <aside class="pad-side">
            <div class="pad-tabs" role="tablist">
              <button type="button" role="tab" aria-selected={tab === 'terms'} data-testid="pad-tab-terms" onClick={() => setTab('terms')}>{tp('pad.fields')}</button>
              <button type="button" role="tab" aria-selected={tab === 'history'} data-testid="pad-tab-history" onClick={() => setTab('history')}>{tp('pad.history')}</button>
              <button type="button" role="tab" aria-selected={tab === 'preview'} data-testid="pad-tab-preview" onClick={() => setTab('preview')}>{tp('pad.preview')}</button>
            </div>
            {tab === 'terms' ? (
              <>
                <LockPanel agreement={agreement} access={access} onChange={(a) => { setAgreement(a.agreement); setAccess(a.access); }} />
                {template ? (
                  <FieldsPanel agreement={agreement} access={access} template={template} onSaved={(a) => setAgreement(a)}
                    onInsert={(text) => editor.current?.insert(text)} />
                ) : null}
              </>
            ) : tab === 'history' ? (
              <HistoryPanel agreementId={agreementId} access={access} />
            ) : (
              <PadPreview agreementId={agreementId} />
            )}
          </aside>
        ) : null}
      </div>
    </section>
  );
}
