import { useEffect, useState } from 'preact/hooks';
import type { AttributionView, ChangeView, DiffView, PadAccess, VersionView } from '../../../signaling/protocol/pad.js';
import { PAD_ROLE_COLOURS } from '../../../signaling/protocol/pad.js';
import { formatDateTime } from '../format.js';
import { tp, type PadKey } from '../i18n/pad/index.js';
import { padApi } from './api.js';

function changeText(c: ChangeView): string {
  const s = c.summary as Record<string, unknown>;
  switch (c.kind) {
    case 'edit':
      return tp('pad.change.edit', { ins: Number(s.inserted ?? 0), del: Number(s.deleted ?? 0) });
    case 'fields':
      return tp('pad.change.fields', { keys: Object.keys((s.changed as object) ?? {}).join(', ') });
    case 'version':
      return tp('pad.change.version', { name: String(s.name ?? '') });
    case 'lock':
      return tp('pad.change.lock', { seq: Number(s.lockSeq ?? 0) });
    case 'unlock':
      return tp('pad.change.unlock', { seq: Number(s.lockSeq ?? 0), reason: String(s.reason ?? '') });
    case 'created':
      return tp('pad.change.created');
    default:
      return tp('pad.change.permission');
  }
}

/** Consecutive edits by one person within two minutes read as one line of the log. */
function grouped(items: ChangeView[]): (ChangeView & { count: number })[] {
  const out: (ChangeView & { count: number })[] = [];
  for (const c of items) {
    const last = out[out.length - 1];
    if (last && c.kind === 'edit' && last.kind === 'edit' && last.author === c.author && Date.parse(last.at) - Date.parse(c.at) < 120_000) {
      const ls = last.summary as { inserted?: number; deleted?: number };
      const cs = c.summary as { inserted?: number; deleted?: number };
      last.summary = { inserted: (ls.inserted ?? 0) + (cs.inserted ?? 0), deleted: (ls.deleted ?? 0) + (cs.deleted ?? 0) };
      last.count++;
      continue;
    }
    out.push({ ...c, summary: { ...c.summary }, count: 1 });
  }
  return out;
}

/** Named versions, the differences between any two (or a version and the current text), authorship and the change log. */
export function HistoryPanel({ agreementId, access }: { agreementId: string; access: PadAccess }) {
  const [versions, setVersions] = useState<VersionView[]>([]);
  const [changes, setChanges] = useState<ChangeView[]>([]);
  const [authors, setAuthors] = useState<AttributionView['authors']>([]);
  const [name, setName] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('current');
  const [diff, setDiff] = useState<DiffView | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    void padApi.versions(agreementId).then((r) => {
      setVersions(r.items);
      if (!from && r.items[0]) setFrom(r.items[r.items.length - 1]!.id);
    });
    void padApi.changes(agreementId).then((r) => setChanges(r.items));
    void padApi.attribution(agreementId).then((r) => setAuthors(r.authors));
  }, [agreementId, tick]);

  const saveVersion = async (e: Event) => {
    e.preventDefault();
    if (!name.trim()) return;
    await padApi.nameVersion(agreementId, name.trim());
    setName('');
    setTick((t) => t + 1);
  };
  const options = [{ id: 'current', label: tp('pad.diff.current') }, ...versions.map((v) => ({ id: v.id, label: `#${v.number} ${v.name}` }))];
  return (
    <div class="pad-panel pad-history" data-testid="pad-history">
      {access.canEdit || access.canManage ? (
        <form class="pad-row" onSubmit={saveVersion}>
          <input aria-label={tp('pad.version.name')} placeholder={tp('pad.version.name')} data-testid="pad-version-name" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
          <button type="submit" data-testid="pad-version-save">{tp('pad.version.save')}</button>
        </form>
      ) : null}
      <h2>{tp('pad.versions')}</h2>
      {versions.length === 0 ? <p class="hint">{tp('pad.versions.none')}</p> : (
        <ol class="pad-versions" data-testid="pad-versions">
          {versions.map((v) => (
            <li key={v.id} data-testid="pad-version" data-version-id={v.id}>#{v.number} {v.name} · {v.createdByName} · {formatDateTime(v.createdAt)}</li>
          ))}
        </ol>
      )}
      <div class="pad-row">
        <label>{tp('pad.diff.from')} <select data-testid="pad-diff-from" value={from} onChange={(e) => setFrom((e.target as HTMLSelectElement).value)}>
          {options.map((o) => <option key={o.id} value={o.id}>{o.label}</option>)}
        </select></label>
        <label>{tp('pad.diff.to')} <select data-testid="pad-diff-to" value={to} onChange={(e) => setTo((e.target as HTMLSelectElement).value)}>
          {options.map((o) => <option key={o.id} value={o.id}>{o.label}</option>)}
        </select></label>
        <button type="button" data-testid="pad-diff-show" disabled={!from || !to} onClick={() => padApi.diff(agreementId, from, to).then(setDiff)}>{tp('pad.diff.show')}</button>
      </div>
      {diff ? (
        <div class="pad-diff" data-testid="pad-diff">
          <p class="hint">{diff.stats.inserted + diff.stats.deleted === 0 ? tp('pad.diff.same') : tp('pad.diff.stats', { ins: diff.stats.inserted, del: diff.stats.deleted })}</p>
          <pre>{diff.ops.map((o, i) => (o.op === 'eq' ? <span key={i}>{o.text}</span> : o.op === 'ins' ? <ins key={i} data-testid="pad-diff-ins">{o.text}</ins> : <del key={i} data-testid="pad-diff-del">{o.text}</del>))}</pre>
        </div>
      ) : null}
      <h2>{tp('pad.authors.title')}</h2>
      <ul class="pad-authors" data-testid="pad-authors">
        {authors.map((a) => (
          <li key={a.author} data-author={a.author}><span class="pad-dot" style={{ background: PAD_ROLE_COLOURS[a.role] ?? '#6b7280' }} /> {a.name} ({tp(`pad.role.${a.role}` as PadKey)}) · {tp('pad.authors.chars', { n: a.chars })}</li>
        ))}
      </ul>
      <h2>{tp('pad.changes')}</h2>
      <ol class="pad-changes" data-testid="pad-changes">
        {grouped(changes).map((c) => (
          <li key={c.seq} data-kind={c.kind}><time>{formatDateTime(c.at)}</time> <b>{c.authorName}</b> {changeText(c)}</li>
        ))}
      </ol>
    </div>
  );
}
