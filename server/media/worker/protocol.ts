/**
 * The IPC protocol between the signalling process and a media worker: requests carry an id and get exactly one
 * response; router events flow the other way unprompted. Everything is plain JSON.
 */
import type { MediaRouter, RouterEvents } from '../engine.js';

/**
 * MediaRouter methods callable over IPC (everything except the event plumbing and properties): the one list both the
 * type and the worker's check of incoming calls come from.
 */
export const ROUTER_METHODS = [
  'publish',
  'subscribe',
  'answerSubscriber',
  'setRoom',
  'setForwarding',
  'setAudience',
  'setReceivePreferences',
  'removeParticipant',
  'forwardingTable',
  'recordableProducers',
  'startRecordingTap',
  'stopRecordingTap',
  'close',
] as const satisfies readonly (keyof MediaRouter)[];

export type RouterMethod = (typeof ROUTER_METHODS)[number];

export type RouterArgs<M extends RouterMethod> = Parameters<MediaRouter[M]>;
export type RouterResult<M extends RouterMethod> = Awaited<ReturnType<MediaRouter[M]>>;

export interface WorkerLoad {
  pid: number;
  routers: number;
  participants: number;
  producers: number;
  consumers: number;
  /** CPU time of the worker process (user + system, microseconds) since it started. */
  cpuMicros: number;
  /** Share of one core used over the last report interval, 0..1 (can exceed 1 with helper threads). */
  cpu: number;
  rssBytes: number;
}

export type WorkerRequest =
  | { type: 'req'; id: number; method: 'createRouter'; hearingId: string }
  | { type: 'req'; id: number; method: 'router'; routerId: string; call: RouterMethod; args: unknown[] }
  | { type: 'req'; id: number; method: 'load' }
  | { type: 'req'; id: number; method: 'shutdown' };

export interface SerializedError {
  message: string;
  code?: string;
  name?: string;
}

export type WorkerResponse = { type: 'res'; id: number; ok: true; value: unknown } | { type: 'res'; id: number; ok: false; error: SerializedError };

export type ForwardedEvent = Exclude<keyof RouterEvents, 'failed'>;

export type WorkerMessage =
  | WorkerResponse
  | { type: 'ready'; pid: number }
  | { type: 'event'; routerId: string; event: ForwardedEvent; args: unknown[] }
  | { type: 'load'; load: WorkerLoad };

/** Options the parent hands a worker on its command line (JSON in argv[2]). */
export interface WorkerInit {
  listenIp: string;
  announcedIp?: string;
  portRange?: [number, number];
  logLevel?: string;
  loadIntervalMs?: number;
}

export const FORWARDED_EVENTS: readonly ForwardedEvent[] = ['subscriberOffer', 'producersChanged', 'audioLevels'];

export function isWorkerMessage(m: unknown): m is WorkerMessage {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string';
}

export function isWorkerRequest(m: unknown): m is WorkerRequest {
  const r = m as { type?: unknown; id?: unknown; method?: unknown } | null;
  return typeof r === 'object' && r !== null && r.type === 'req' && typeof r.id === 'number' && typeof r.method === 'string';
}
