import { useEffect, useRef, useState } from 'preact/hooks';
import { st } from './i18n.js';

export const PAD_WIDTH = 600;
export const PAD_HEIGHT = 200;

export interface SignatureValue { method: 'drawn' | 'typed'; image: string; typedName?: string }

interface Props {
  /** Called with the PNG (data URL) whenever the signature changes; null when there is nothing to sign with. */
  onChange: (v: SignatureValue | null) => void;
  defaultName: string;
}

/**
 * Draw with finger, pen or mouse on a canvas, or type the name (rendered onto the same canvas): either way the signature
 * is a transparent PNG of fixed size, so the server and the PDF treat both alike.
 */
export function SignaturePad({ onChange, defaultName }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [method, setMethod] = useState<'drawn' | 'typed'>('drawn');
  const [typed, setTyped] = useState('');
  const strokes = useRef(0);
  const drawing = useRef<{ x: number; y: number } | null>(null);

  const ctx = () => canvas.current?.getContext('2d') ?? null;
  const clear = () => {
    const c = ctx();
    if (c) c.clearRect(0, 0, PAD_WIDTH, PAD_HEIGHT);
    strokes.current = 0;
  };

  const emit = () => {
    if (!canvas.current) return;
    if (method === 'drawn') onChange(strokes.current > 0 ? { method, image: canvas.current.toDataURL('image/png') } : null);
    else onChange(typed.trim() ? { method, image: canvas.current.toDataURL('image/png'), typedName: typed.trim() } : null);
  };

  // Typed: render the name whenever it changes.
  useEffect(() => {
    if (method !== 'typed') return;
    clear();
    const c = ctx();
    const name = typed.trim();
    if (c && name) {
      let size = 72;
      const font = (s: number) => `italic ${s}px "Noto Serif CJK SC", "Songti SC", "KaiTi", serif`;
      c.font = font(size);
      while (size > 24 && c.measureText(name).width > PAD_WIDTH - 40) c.font = font((size -= 4));
      c.fillStyle = '#0b1f5c';
      c.textBaseline = 'middle';
      c.fillText(name, 20, PAD_HEIGHT / 2);
    }
    emit();
  }, [typed, method]);

  // Switching mode starts over; the typed mode renders the name (pre-filled with the signer's own) at once.
  const switchTo = (m: 'drawn' | 'typed') => {
    if (m === method) return;
    clear();
    onChange(null);
    if (m === 'typed' && !typed) setTyped(defaultName);
    setMethod(m);
  };

  const point = (e: PointerEvent) => {
    const r = canvas.current!.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * PAD_WIDTH, y: ((e.clientY - r.top) / r.height) * PAD_HEIGHT };
  };
  const down = (e: PointerEvent) => {
    if (method !== 'drawn') return;
    e.preventDefault();
    canvas.current?.setPointerCapture?.(e.pointerId);
    drawing.current = point(e);
    const c = ctx();
    if (c) {
      c.fillStyle = '#0b1f5c';
      c.beginPath();
      c.arc(drawing.current.x, drawing.current.y, 1.5, 0, Math.PI * 2);
      c.fill();
    }
  };
  const move = (e: PointerEvent) => {
    if (!drawing.current) return;
    e.preventDefault();
    const p = point(e);
    const c = ctx();
    if (c) {
      c.strokeStyle = '#0b1f5c';
      c.lineWidth = 3;
      c.lineCap = 'round';
      c.lineJoin = 'round';
      c.beginPath();
      c.moveTo(drawing.current.x, drawing.current.y);
      c.lineTo(p.x, p.y);
      c.stroke();
    }
    drawing.current = p;
  };
  const up = () => {
    if (!drawing.current) return;
    drawing.current = null;
    strokes.current += 1;
    emit();
  };

  return (
    <div class="sign-pad" data-testid="sign-pad">
      <div class="sign-methods" role="tablist" aria-label={st('pad.method')}>
        <button type="button" role="tab" aria-selected={method === 'drawn'} class={`btn btn-small ${method === 'drawn' ? 'btn-selected' : ''}`}
          data-testid="sign-method-drawn" onClick={() => switchTo('drawn')}>{st('pad.draw')}</button>
        <button type="button" role="tab" aria-selected={method === 'typed'} class={`btn btn-small ${method === 'typed' ? 'btn-selected' : ''}`}
          data-testid="sign-method-typed" onClick={() => switchTo('typed')}>{st('pad.type')}</button>
      </div>
      {method === 'typed' ? (
        <div class="field">
          <label for="sign-typed-name">{st('pad.typedLabel')}</label>
          <input id="sign-typed-name" data-testid="sign-typed-name" maxLength={100} value={typed} onInput={(e) => setTyped((e.currentTarget as HTMLInputElement).value)} />
        </div>
      ) : (
        <p class="hint">{st('pad.drawHint')}</p>
      )}
      <canvas ref={canvas} width={PAD_WIDTH} height={PAD_HEIGHT} class="sign-canvas" data-testid="sign-canvas"
        aria-label={st('pad.canvas')} style={{ touchAction: 'none' }}
        onPointerDown={down} onPointerMove={move} onPointerUp={up} onPointerLeave={up} onPointerCancel={up} />
      {method === 'drawn' ? (
        <button type="button" class="btn btn-ghost btn-small" data-testid="sign-clear" onClick={() => { clear(); onChange(null); }}>{st('pad.clear')}</button>
      ) : null}
    </div>
  );
}
