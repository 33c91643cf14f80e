import { useEffect, useRef, useState } from 'preact/hooks';
import { rt } from './i18n.js';
import type { RoomController } from './controller.js';
import type { LocalMediaState } from './devices.js';
import { runTestCall, type TestCallProgress, type TestCallResult, type TestCallRun } from './testCall.js';

type State =
  | { kind: 'idle' }
  | { kind: 'running'; progress: TestCallProgress }
  | { kind: 'done'; result: TestCallResult }
  | { kind: 'failed' };

const PHASE_TEXT = {
  connecting: 'prejoin.testCallConnecting',
  sending: 'prejoin.testCallSending',
  measuring: 'prejoin.testCallMeasuring',
} as const;
const VERDICT_TEXT = { good: 'prejoin.testCallGood', weak: 'prejoin.testCallWeak', blocked: 'prejoin.testCallBlocked' } as const;

/**
 * The optional test call on the pre-join page: one button; while it runs a progress bar and what it is doing; then
 * the verdict (good / weak / blocked) with the measured numbers, in a status region a screen reader announces. The
 * call ends when the page leaves the pre-join screen (entering the hearing cancels it).
 */
export function TestCall({ room, local }: { room: RoomController; local: LocalMediaState }) {
  const [state, setState] = useState<State>({ kind: 'idle' });
  const run = useRef<TestCallRun | null>(null);
  useEffect(() => () => run.current?.cancel(), []);
  const running = state.kind === 'running';
  const noDevice = !local.audioTrack && !local.videoTrack;

  const start = async () => {
    if (running || noDevice) return;
    setState({ kind: 'running', progress: { phase: 'connecting', fraction: 0 } });
    try {
      const client = await room.connected();
      const r = runTestCall(client, room.local.state, (progress) => setState({ kind: 'running', progress }));
      run.current = r;
      const result = await r.result;
      if (run.current === r) setState({ kind: 'done', result });
    } catch (err) {
      console.warn('test call failed', err);
      setState({ kind: 'failed' });
    } finally {
      run.current = null;
    }
  };

  const result = state.kind === 'done' ? state.result : null;
  return (
    <div class="test-call" data-testid="test-call" data-state={state.kind} data-verdict={result?.verdict ?? ''}>
      <h2 class="h3">{rt('prejoin.testCallTitle')}</h2>
      <p class="small muted">{rt('prejoin.testCallIntro')}</p>
      <button type="button" class="btn" data-testid="test-call-start" aria-disabled={running || noDevice ? 'true' : undefined} onClick={() => void start()}>
        {running ? rt('prejoin.testCallRunning') : state.kind === 'idle' ? rt('prejoin.testCallStart') : rt('prejoin.testCallAgain')}
      </button>
      {running ? (
        <progress class="test-call-progress" data-testid="test-call-progress" max={100} value={Math.round(state.progress.fraction * 100)}
          aria-label={rt('prejoin.testCallProgress')} />
      ) : null}
      <div role="status" class="test-call-status" data-testid="test-call-status">
        {noDevice && !running && (local.problem || (!local.micOn && !local.cameraOn)) ? <p class="small">{rt('prejoin.testCallNoDevice')}</p> : null}
        {running ? <p class="small">{rt(PHASE_TEXT[state.progress.phase])}</p> : null}
        {result ? (
          <div class={`test-call-verdict verdict-${result.verdict}`} data-testid="test-call-verdict" data-reason={result.reason ?? ''}>
            <p class="small">{rt(VERDICT_TEXT[result.verdict])}</p>
            {result.verdict !== 'blocked' ? (
              <p class="small" data-testid="test-call-detail">
                {rt('prejoin.testCallDetail', { loss: result.lossPct ?? 0, rtt: result.rttMs ?? '?', kbps: result.kbps ?? 0 })}
              </p>
            ) : null}
          </div>
        ) : null}
        {state.kind === 'failed' ? <p class="small">{rt('prejoin.testCallFailed')}</p> : null}
      </div>
    </div>
  );
}
