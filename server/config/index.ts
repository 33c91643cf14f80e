import { z } from 'zod';
import path from 'node:path';
import { recordingsConfig, type RecordingsConfig } from './recordings.js';
import { captionsConfig, type CaptionsConfig } from './captions.js';
import { mediasoupConfig, type MediasoupConfig } from './mediasoup.js';

/**
 * The only place that reads process.env. Every variable is documented in README.md ("Configuration").
 * A bad value stops start-up with a message naming the variable.
 */
const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const iceUrl = z.string().regex(/^(stuns?|turns?):\S+$/, 'must be a stun:, stuns:, turn: or turns: URL');
/** One STUN/TURN server as RTCPeerConnection takes it; TURN needs a username and a credential. */
const iceServer = z
  .strictObject({
    urls: z.union([iceUrl, z.array(iceUrl).min(1).max(10)]),
    username: z.string().min(1).max(256).optional(),
    credential: z.string().min(1).max(256).optional(),
  })
  .refine((s) => !(Array.isArray(s.urls) ? s.urls : [s.urls]).some((u) => u.startsWith('turn')) || (s.username && s.credential), 'a TURN server needs username and credential');
const iceServers = z
  .string()
  .transform((v, ctx) => {
    try {
      return JSON.parse(v) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON: [{"urls":"stun:host:3478"}, ...]' });
      return z.NEVER;
    }
  })
  .pipe(z.array(iceServer).max(10));

const schema = z.object({
  CONCORD_HOST: z.string().min(1).default('127.0.0.1'),
  CONCORD_PORT: int(0, 65535).default(8080),
  CONCORD_PUBLIC_URL: z.url().optional(),
  CONCORD_DATA_DIR: z.string().min(1).default('data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  CONCORD_PG_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a plain lower-case SQL identifier').optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  CONCORD_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  CONCORD_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CONCORD_SESSION_TTL_MINUTES: int(1, 7 * 24 * 60).default(8 * 60),
  CONCORD_LINK_TTL_HOURS: int(1, 24 * 90).default(72),
  CONCORD_JWT_ROTATE_DAYS: int(1, 365).default(30),
  // Hours between in-process retention runs (issue 12); 0 turns the timer off (tests; or `npm run retention:run` from cron).
  CONCORD_RETENTION_RUN_HOURS: int(0, 24 * 7).default(24),
  CONCORD_BODY_LIMIT_KB: int(1, 10_240).default(100),
  CONCORD_LOGIN_MAX_ATTEMPTS: int(1, 10_000).default(100),
  CONCORD_LOGIN_ACCOUNT_MAX_ATTEMPTS: int(1, 1_000).default(5),
  CONCORD_LOGIN_LOCK_MAX_MINUTES: int(1, 24 * 60).default(15),
  CONCORD_IDENTITY_MAX_ATTEMPTS: int(1, 1_000).default(5),
  CONCORD_IDENTITY_WINDOW_MINUTES: int(1, 24 * 60).default(15),
  CONCORD_IDENTITY_LINK_MAX_ATTEMPTS: int(1, 10_000).default(20),
  CONCORD_CORS_ORIGINS: z.string().default(''),
  CONCORD_TRUST_PROXY: bool.default(false),
  CONCORD_DEMO: bool.default(true),
  CONCORD_MEDIA_ENGINE: z.enum(['auto', 'mediasoup', 'werift']).default('auto'),
  CONCORD_MEDIA_WORKERS: int(1, 64).optional(),
  CONCORD_MEDIA_LISTEN_IP: z.ipv4().default('127.0.0.1'),
  CONCORD_MEDIA_ANNOUNCED_IP: z.ipv4().optional(),
  CONCORD_MEDIA_PORT_MIN: int(1024, 65535).optional(),
  CONCORD_MEDIA_PORT_MAX: int(1024, 65535).optional(),
  CONCORD_ICE_SERVERS: iceServers.optional(),
  CONCORD_SOCKETS_PER_SESSION: int(1, 100).default(4),
  CONCORD_SOCKETS_PER_ADDRESS: int(1, 100_000).default(50),
  CONCORD_CONNECTIONS_PER_ADDRESS: int(1, 100_000).default(100),
  CONCORD_SOCKET_REPLACE_AFTER_MS: int(0, 3_600_000).default(10_000),
  CONCORD_SOCKET_CONNECT_TIMEOUT_MS: int(100, 120_000).default(10_000),
});

export interface Config {
  readonly host: string;
  readonly port: number;
  /** Base URL that mediation links point at; defaults to http://host:port. */
  readonly publicUrl: string | undefined;
  readonly dataDir: string;
  readonly database: { readonly kind: 'sqlite'; readonly file: string } | { readonly kind: 'postgres'; readonly url: string; readonly schema: string | undefined };
  readonly redisUrl: string | undefined;
  readonly secret: string | undefined;
  readonly logLevel: z.infer<typeof schema>['CONCORD_LOG_LEVEL'];
  readonly sessionTtlMinutes: number;
  readonly linkTtlHours: number;
  readonly jwtRotateDays: number;
  /** Hours between in-process retention runs; 0: no timer. */
  readonly retentionRunHours: number;
  readonly bodyLimitKb: number;
  /** Failed sign-ins per address per 15 minutes (all accounts together). */
  readonly loginMaxAttempts: number;
  /** Per account: wrong passwords before the lock, and the longest lock of the backoff (1, 2, 4, ... minutes). */
  readonly loginAccountMaxAttempts: number;
  readonly loginLockMaxMinutes: number;
  readonly identityMaxAttempts: number;
  readonly identityWindowMinutes: number;
  /** Failures on one link (all addresses) after which each address gets a single try. */
  readonly identityLinkMaxAttempts: number;
  readonly corsOrigins: readonly string[];
  readonly trustProxy: boolean;
  readonly demo: boolean;
  /** The SFU: worker processes (default one per core), the UDP address it binds and announces, its port range. */
  readonly media: {
    /**
     * Which SFU (CONCORD_MEDIA_ENGINE): `mediasoup` (its worker must be built), `werift` (pure TypeScript, nothing to
     * build), or `auto` (default): mediasoup wherever its worker is built, else werift with one log line saying why.
     */
    readonly engine: 'auto' | 'mediasoup' | 'werift';
    readonly workers: number | undefined;
    readonly listenIp: string;
    readonly announcedIp: string | undefined;
    readonly portRange: readonly [number, number] | undefined;
  };
  /** STUN/TURN servers the browsers use to reach the SFU from restrictive networks (CONCORD_ICE_SERVERS, JSON). */
  readonly iceServers: readonly { readonly urls: string | readonly string[]; readonly username?: string; readonly credential?: string }[];
  /** Recordings and transcripts: storage root per site, segment length, engines (server/config/recordings.ts). */
  readonly recordings: RecordingsConfig;
  /** Live captions: on/off, the node's decoder cap, languages and the streaming model (server/config/captions.ts). */
  readonly captions: CaptionsConfig;
  /** The mediasoup worker: a given binary, or the build cache (server/config/mediasoup.ts). */
  readonly mediasoup: MediasoupConfig;
  /** Caps on socket.io sockets (per namespace) and engine.io connections (signaling/gateway/limits.ts). */
  readonly sockets: SocketLimitsConfig;
}

export interface SocketLimitsConfig {
  /** Sockets one session (a participant's link, a staff account) may hold open per namespace. */
  readonly perSession: number;
  /** Sockets one client address may hold open per namespace. */
  readonly perAddress: number;
  /** engine.io connections one client address may hold open (each socket rides on one; a browser may share one). */
  readonly connectionsPerAddress: number;
  /** A session at its cap may replace its oldest socket once that socket is this old; younger: refused. */
  readonly replaceAfterMs: number;
  /** An engine.io connection that has not joined a namespace by then is closed. */
  readonly connectTimeoutMs: number;
}

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings count as unset, as in most shells' `VAR= cmd`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if ((e.CONCORD_MEDIA_PORT_MIN === undefined) !== (e.CONCORD_MEDIA_PORT_MAX === undefined)) {
    throw new ConfigError('invalid configuration:\n  CONCORD_MEDIA_PORT_MIN, CONCORD_MEDIA_PORT_MAX: set both or neither');
  }
  if (e.CONCORD_MEDIA_PORT_MIN !== undefined && e.CONCORD_MEDIA_PORT_MAX !== undefined && e.CONCORD_MEDIA_PORT_MIN > e.CONCORD_MEDIA_PORT_MAX) {
    throw new ConfigError('invalid configuration:\n  CONCORD_MEDIA_PORT_MIN: must not be above CONCORD_MEDIA_PORT_MAX');
  }
  const dataDir = path.resolve(e.CONCORD_DATA_DIR);
  const recordings = recordingsConfig(cleaned as Record<string, string>, dataDir);
  if (Array.isArray(recordings)) throw new ConfigError(`invalid configuration:\n${recordings.join('\n')}`);
  const mediasoup = mediasoupConfig(cleaned as Record<string, string>);
  const captions = captionsConfig(cleaned as Record<string, string>);
  if (Array.isArray(captions)) throw new ConfigError(`invalid configuration:\n${captions.join('\n')}`);
  if (Array.isArray(mediasoup)) throw new ConfigError(`invalid configuration:\n${mediasoup.join('\n')}`);
  return Object.freeze({
    host: e.CONCORD_HOST,
    port: e.CONCORD_PORT,
    publicUrl: e.CONCORD_PUBLIC_URL?.replace(/\/+$/, ''),
    dataDir,
    database: e.DATABASE_URL
      ? Object.freeze({ kind: 'postgres' as const, url: e.DATABASE_URL, schema: e.CONCORD_PG_SCHEMA })
      : Object.freeze({ kind: 'sqlite' as const, file: path.join(dataDir, 'concord.sqlite') }),
    redisUrl: e.REDIS_URL,
    secret: e.CONCORD_SECRET,
    logLevel: e.CONCORD_LOG_LEVEL,
    sessionTtlMinutes: e.CONCORD_SESSION_TTL_MINUTES,
    linkTtlHours: e.CONCORD_LINK_TTL_HOURS,
    jwtRotateDays: e.CONCORD_JWT_ROTATE_DAYS,
    retentionRunHours: e.CONCORD_RETENTION_RUN_HOURS,
    bodyLimitKb: e.CONCORD_BODY_LIMIT_KB,
    loginMaxAttempts: e.CONCORD_LOGIN_MAX_ATTEMPTS,
    loginAccountMaxAttempts: e.CONCORD_LOGIN_ACCOUNT_MAX_ATTEMPTS,
    loginLockMaxMinutes: e.CONCORD_LOGIN_LOCK_MAX_MINUTES,
    identityMaxAttempts: e.CONCORD_IDENTITY_MAX_ATTEMPTS,
    identityWindowMinutes: e.CONCORD_IDENTITY_WINDOW_MINUTES,
    identityLinkMaxAttempts: e.CONCORD_IDENTITY_LINK_MAX_ATTEMPTS,
    corsOrigins: Object.freeze(e.CONCORD_CORS_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean)),
    trustProxy: e.CONCORD_TRUST_PROXY,
    demo: e.CONCORD_DEMO,
    media: Object.freeze({
      engine: e.CONCORD_MEDIA_ENGINE,
      workers: e.CONCORD_MEDIA_WORKERS,
      listenIp: e.CONCORD_MEDIA_LISTEN_IP,
      announcedIp: e.CONCORD_MEDIA_ANNOUNCED_IP,
      portRange:
        e.CONCORD_MEDIA_PORT_MIN !== undefined && e.CONCORD_MEDIA_PORT_MAX !== undefined
          ? (Object.freeze([e.CONCORD_MEDIA_PORT_MIN, e.CONCORD_MEDIA_PORT_MAX]) as readonly [number, number])
          : undefined,
    }),
    recordings,
    captions,
    mediasoup,
    iceServers: Object.freeze((e.CONCORD_ICE_SERVERS ?? []).map((s) => Object.freeze({ ...s }))),
    sockets: Object.freeze({
      perSession: e.CONCORD_SOCKETS_PER_SESSION,
      perAddress: e.CONCORD_SOCKETS_PER_ADDRESS,
      connectionsPerAddress: e.CONCORD_CONNECTIONS_PER_ADDRESS,
      replaceAfterMs: e.CONCORD_SOCKET_REPLACE_AFTER_MS,
      connectTimeoutMs: e.CONCORD_SOCKET_CONNECT_TIMEOUT_MS,
    }),
  });
}
