import { useEffect, useRef, useState } from 'preact/hooks';
import { rt } from './i18n.js';
import type { LocalMedia } from './devices.js';

/** The level a voice passes and the fake or a quiet microphone's hiss does not (0..1, the meter's scale). */
export const MIC_CHECK_LEVEL = 0.12;

/**
 * Microphone level bar with its "say something" check: the bar is updated per animation frame straight on the DOM
 * (no re-render); `aria-valuenow` follows in steps of 10 so a screen reader is not flooded; the check turns green the
 * first time the level passes MIC_CHECK_LEVEL.
 */
export function LevelMeter({ local }: { local: LocalMedia }) {
  const bar = useRef<HTMLDivElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const [heard, setHeard] = useState(false);
  useEffect(() => {
    let raf = 0;
    let passed = false;
    const tick = () => {
      const v = local.level();
      if (bar.current) bar.current.style.transform = `scaleX(${v.toFixed(3)})`;
      if (box.current) {
        box.current.dataset.level = v.toFixed(2);
        const now = String(Math.round(v * 10) * 10);
        if (box.current.getAttribute('aria-valuenow') !== now) box.current.setAttribute('aria-valuenow', now);
      }
      if (!passed && v >= MIC_CHECK_LEVEL) {
        passed = true;
        setHeard(true);
      }
      raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(raf);
  }, [local]);
  return (
    <div class="mic-check">
      <div class="meter" ref={box} data-testid="prejoin-level" role="meter" aria-label={rt('prejoin.level')}
        aria-valuemin={0} aria-valuemax={100} aria-valuenow={0}>
        <div class="meter-bar" ref={bar} />
      </div>
      <p class={`check-line small ${heard ? 'check-ok' : 'muted'}`} data-testid="mic-check" data-passed={String(heard)} role="status">
        {heard ? `✓ ${rt('prejoin.micCheckOk')}` : rt('prejoin.micCheck')}
      </p>
    </div>
  );
}

type SpeakerState = 'idle' | 'playing' | 'asked' | 'heard' | 'not_heard' | 'failed';
type SinkAudio = HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };

/** A 1.2 s, 660 Hz tone with soft edges, made with WebAudio and played through an <audio> element on `sinkId`. */
async function playTone(sinkId: string): Promise<void> {
  const Ctx = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Ctx) throw new Error('no WebAudio');
  const ctx = new Ctx();
  try {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    const dest = ctx.createMediaStreamDestination();
    osc.frequency.value = 660;
    const t0 = ctx.currentTime;
    gain.gain.setValueAtTime(0, t0);
    gain.gain.linearRampToValueAtTime(0.3, t0 + 0.05);
    gain.gain.setValueAtTime(0.3, t0 + 1.1);
    gain.gain.linearRampToValueAtTime(0, t0 + 1.2);
    osc.connect(gain).connect(dest);
    const audio: SinkAudio = new Audio();
    audio.srcObject = dest.stream;
    if (sinkId && audio.setSinkId) await audio.setSinkId(sinkId);
    await ctx.resume();
    await audio.play();
    await new Promise<void>((resolve) => {
      osc.onended = () => resolve();
      osc.start(t0);
      osc.stop(t0 + 1.25);
    });
    audio.pause();
    audio.srcObject = null;
  } finally {
    void ctx.close().catch(() => undefined);
  }
}

/** Speaker test: the output choice (where the browser can route audio), a test tone and "I heard it / I did not". */
export function SpeakerTest() {
  const [state, setState] = useState<SpeakerState>('idle');
  const [outputs, setOutputs] = useState<MediaDeviceInfo[]>([]);
  const [sinkId, setSinkId] = useState('');
  useEffect(() => {
    if (!('setSinkId' in HTMLMediaElement.prototype)) return;
    navigator.mediaDevices?.enumerateDevices?.().then(
      (all) => setOutputs(all.filter((d) => d.kind === 'audiooutput' && d.deviceId)),
      () => undefined,
    );
  }, []);
  const play = () => {
    setState('playing');
    playTone(sinkId).then(() => setState('asked'), () => setState('failed'));
  };
  return (
    <div class="speaker-test" data-testid="speaker-test" data-state={state}>
      <h2 class="h3">{rt('prejoin.speakerTitle')}</h2>
      {outputs.length > 1 ? (
        <div class="field">
          <label for="prejoin-speaker">{rt('prejoin.speakerOutput')}</label>
          <select id="prejoin-speaker" data-testid="speaker-output" value={sinkId}
            onChange={(e) => setSinkId((e.currentTarget as HTMLSelectElement).value)}>
            {outputs.map((d, i) => <option key={d.deviceId} value={d.deviceId}>{d.label || rt('prejoin.deviceN', { n: i + 1 })}</option>)}
          </select>
        </div>
      ) : null}
      <button type="button" class="btn" data-testid="speaker-play" disabled={state === 'playing'} onClick={play}>
        {state === 'playing' ? rt('prejoin.speakerPlaying') : rt('prejoin.speakerPlay')}
      </button>
      <div role="status" class="speaker-result">
        {state === 'asked' ? (
          <div class="speaker-ask">
            <span>{rt('prejoin.speakerAsk')}</span>
            <button type="button" class="btn btn-small" data-testid="speaker-heard" onClick={() => setState('heard')}>{rt('prejoin.speakerHeard')}</button>
            <button type="button" class="btn btn-small" data-testid="speaker-not-heard" onClick={() => setState('not_heard')}>{rt('prejoin.speakerNotHeard')}</button>
          </div>
        ) : null}
        {state === 'heard' ? <p class="check-line small check-ok" data-testid="speaker-ok">✓ {rt('prejoin.speakerOk')}</p> : null}
        {state === 'not_heard' ? <p class="small" data-testid="speaker-help">{rt('prejoin.speakerHelp')}</p> : null}
        {state === 'failed' ? <p class="small" data-testid="speaker-help">{rt('prejoin.speakerFailed')}</p> : null}
      </div>
    </div>
  );
}
