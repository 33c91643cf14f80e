import { useEffect, useState } from 'preact/hooks';
import type { RecordingState } from '../../../signaling/protocol/hearing.js';
import type { HearingClient } from '../room/hearingClient.js';

/** The participant's recording state, from the newest `recording.state` (also one that came before mounting). */
export function useRecordingState(client: HearingClient | null | undefined): RecordingState | null {
  const [s, setS] = useState<RecordingState | null>(client?.recording ?? null);
  useEffect(() => {
    if (!client) return undefined;
    setS(client.recording);
    return client.on('recording.state', (x: RecordingState) => setS(x));
  }, [client]);
  return s;
}

/** Who in the viewer's room is absent from the recording (empty while recording is off). */
export function useNotRecorded(client: HearingClient | null | undefined): ReadonlySet<string> {
  const s = useRecordingState(client);
  return new Set(s?.status === 'off' ? [] : s?.notRecorded ?? []);
}
