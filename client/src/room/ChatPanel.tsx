import { useEffect, useRef, useState } from 'preact/hooks';
import type { ChatMessage } from '../../../signaling/protocol/hearing.js';
import { formatTime } from '../format.js';
import { t } from '../i18n/index.js';
import { rt } from './i18n.js';
import { Icon } from './icons.js';

interface Props {
  messages: ChatMessage[];
  selfId: string | null;
  /** From the lobby only the mediator can be written to. */
  lobby: boolean;
  onSend: (to: 'all' | 'mediator', text: string) => Promise<boolean>;
  onClose: () => void;
}

/** Chat: to everyone in the own room (a caucus's chat stays in it) or privately to the mediator. */
export function ChatPanel({ messages, selfId, lobby, onSend, onClose }: Props) {
  const [to, setTo] = useState<'all' | 'mediator'>(lobby ? 'mediator' : 'all');
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const list = useRef<HTMLOListElement>(null);
  const target = lobby ? 'mediator' : to;

  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages.length]);

  const send = async (e: Event) => {
    e.preventDefault();
    const body = text.trim();
    if (!body || sending) return;
    setSending(true);
    const ok = await onSend(target, body);
    setSending(false);
    if (ok) setText('');
  };

  return (
    <section class="panel chat-panel" data-testid="chat-panel" aria-label={rt('chat.title')}>
      <div class="panel-head">
        <h2 class="h3">{rt('chat.title')}</h2>
        <button type="button" class="icon-btn" data-testid="chat-close" aria-label={t('common.close')} onClick={onClose}>
          <Icon name="close" size={18} />
        </button>
      </div>
      <ol class="chat-list" ref={list} aria-live="polite">
        {messages.length === 0 ? <li class="muted small chat-empty">{rt('chat.empty')}</li> : null}
        {messages.map((m) => (
          <li key={m.id} class={`chat-msg ${m.fromId === selfId ? 'mine' : ''} ${m.to === 'mediator' ? 'private' : ''}`}
            data-testid="chat-message" data-from-id={m.fromId} data-to={m.to}>
            <div class="chat-meta">
              <strong>{m.fromId === selfId ? rt('chat.me') : m.fromName}</strong>
              {m.to === 'mediator' ? <span class="chat-private"> · {rt('chat.private')}</span> : null}
              <span class="muted"> · {formatTime(new Date(m.at))}</span>
            </div>
            <div class="chat-text">{m.text}</div>
          </li>
        ))}
      </ol>
      <form class="chat-form" onSubmit={send}>
        {lobby ? (
          <p class="hint">{rt('chat.lobbyHint')}</p>
        ) : (
          <label class="chat-to">
            <span>{rt('chat.to')}</span>
            <select data-testid="chat-to" value={to} onChange={(e) => setTo((e.currentTarget as HTMLSelectElement).value as 'all' | 'mediator')}>
              <option value="all">{rt('chat.toAll')}</option>
              <option value="mediator">{rt('chat.toMediator')}</option>
            </select>
          </label>
        )}
        <div class="chat-row">
          <textarea data-testid="chat-input" rows={2} maxLength={2000} value={text} placeholder={rt('chat.placeholder')} aria-label={rt('chat.placeholder')}
            onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
            onKeyDown={(e) => { if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) void send(e); }} />
          <button type="submit" class="btn btn-primary" data-testid="chat-send" disabled={sending || !text.trim()}>{rt('chat.send')}</button>
        </div>
        <p class="hint">{rt('chat.recordNote')}</p>
      </form>
    </section>
  );
}
