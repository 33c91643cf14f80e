import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Icon } from './icons.js';

const NAV_KEYS = ['ArrowDown', 'ArrowUp', 'ArrowRight', 'ArrowLeft', 'Home', 'End'];

/**
 * The phone's "more" control: a disclosure button (aria-expanded) and, above the bar, the group of controls that do not
 * fit, each with icon and label. The items keep their own test ids and aria-pressed. Enter / Space open it and focus
 * the first item; arrow keys, Home / End and Tab move; Escape, a click outside or choosing an item closes it, and
 * focus goes back to the button.
 */
export function MoreMenu({ label, badge, children }: { label: string; badge: number; children: ComponentChildren }) {
  const [open, setOpen] = useState(false);
  const wrap = useRef<HTMLDivElement>(null);
  const btn = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const items = () => [...(menu.current?.querySelectorAll<HTMLButtonElement>('button:not(:disabled)') ?? [])];
  const close = () => {
    setOpen(false);
    btn.current?.focus();
  };
  useEffect(() => {
    if (!open) return;
    items()[0]?.focus();
    const outside = (e: PointerEvent) => {
      if (e.target instanceof Node && !wrap.current?.contains(e.target)) setOpen(false);
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [open]);

  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && open) {
      e.preventDefault();
      close();
      return;
    }
    if (!NAV_KEYS.includes(e.key)) return;
    if (!open) {
      if (e.target === btn.current && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
        e.preventDefault();
        setOpen(true);
      }
      return;
    }
    const list = items();
    if (list.length === 0) return;
    e.preventDefault();
    const at = list.findIndex((el) => el === document.activeElement);
    const next = e.key === 'Home' ? 0 : e.key === 'End' ? list.length - 1
      : e.key === 'ArrowDown' || e.key === 'ArrowRight' ? (at + 1) % list.length : (at - 1 + list.length) % list.length;
    list[next]?.focus();
  };
  // An item was chosen: close, so the panel or drawer it opened is in view.
  const onMenuClick = (e: MouseEvent) => {
    if (e.target instanceof Element && e.target.closest('button')) close();
  };

  return (
    <div class="more" ref={wrap} onKeyDown={onKey}>
      <button type="button" ref={btn} class={`ctl ${open ? 'on' : ''}`} data-testid="controls-more" aria-expanded={open}
        aria-controls="controls-more-menu" aria-label={label} title={label} onClick={() => setOpen(!open)}>
        <Icon name="more" />
        <span class="ctl-label">{label}</span>
        {badge && !open ? <span class="ctl-badge" aria-hidden="true">{badge > 99 ? '99+' : badge}</span> : null}
      </button>
      <div ref={menu} id="controls-more-menu" class="controls-menu" data-testid="controls-more-menu" role="group" aria-label={label}
        hidden={!open} onClick={onMenuClick}>
        {children}
      </div>
    </div>
  );
}
