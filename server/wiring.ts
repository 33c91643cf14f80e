import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { Config } from './config/index.js';
import { createLogger, type Logger } from './lib/logger.js';
import { openStore, type Store } from './store/db.js';
import { SqlKeyStore } from './store/keys.js';
import { BOX_LABELS, SecretBox } from './lib/secret-box.js';
import { AuditLog } from './cases/audit.js';
import { CaseService } from './cases/cases.js';
import { HearingService } from './cases/hearings.js';
import { IdentityHasher } from './cases/identity.js';
import { LinkService } from './cases/links.js';
import { Roster } from './cases/roster.js';
import { LoginGuard } from './cases/login-guard.js';
import { KeyRing } from './auth/keyring.js';
import { TokenService } from './auth/tokens.js';
import { StaffSessions } from './auth/sessions.js';
import { PrincipalResolver } from './auth/principal.js';
import { StaffSessionStore } from './cases/sessions.js';
import type { Express } from 'express';
import { createApp } from './http/app.js';
import { DocumentService } from './documents/index.js';
import { Metrics } from './http/metrics.js';
import type { HttpDeps } from './http/context.js';
import { HearingRoomStore } from './cases/hearing-room.js';
import { HearingRegistry } from './hearings/index.js';
import type { MediaEngine } from './media/engine.js';
import { chooseEngine, lazyEngine, type EngineChoice } from './media/select.js';
import { createRecordings, type Recordings } from './recordings/index.js';
import { CaptionService } from './recordings/captions.js';
import { createHearingGateway, type HearingGateway } from '../signaling/gateway/index.js';
import { AgreementService } from './pad/agreements.js';
import { SigningService } from './signing/service.js';
import { documentPort } from './signing/documents-adapter.js';
import { CourtService } from './court/service.js';
import { createPadNamespace, type PadNamespace } from '../signaling/pad/index.js';
import { PAD_NAMESPACE } from '../signaling/protocol/pad.js';
import { createPrivacy, startRetentionTimer, type Privacy } from './privacy/index.js';

export interface Services {
  config: Config; log: Logger; store: Store; audit: AuditLog; roster: Roster; cases: CaseService; hearings: HearingService;
  links: LinkService; loginGuard: LoginGuard; keyring: KeyRing; tokens: TokenService; hearingRoom: HearingRoomStore;
  /** Staff sessions: issue at sign-in, resolve every staff token, sign out (issue 11). */
  sessions: StaffSessions;
  /** THE resolver: every credential (staff session, participant session, link) to one Principal (issue 12). */
  principals: PrincipalResolver;
  /** Recordings, transcripts and the hearing record (issue 6). */
  recordings: Recordings;
  /** Documents (issue 5): organisation certificates and keys, PDF verification against our organisations' CAs. */
  documents: DocumentService;
  /** The drafting pad's agreements (issue 4). */
  agreements: AgreementService;
  /** Signing ceremony and seal, judicial confirmation (issue 5). */
  signing: SigningService; court: CourtService;
  /** Retention schedules, the retention run and personal-data exports (issue 12). */
  privacy: Privacy;
}

/** Longest link lifetime the config allows (90 days) plus a day: a rotated-out key must keep verifying its links. */
const KEY_GRACE_DAYS = 91;

/**
 * The service secret keys the identity-data hashes. Configured explicitly for scaled-out deployments; in the embedded
 * mode it is created once in the data folder, readable by the service user only.
 */
export function resolveSecret(config: Config): string {
  if (config.secret) return config.secret;
  const file = path.join(config.dataDir, 'secret.key');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}

/** `now`: the clock of the brute-force limits (login lockouts, identity checks); tests move it instead of sleeping. */
export async function createServices(config: Config, log: Logger = createLogger(config.logLevel), now?: () => Date): Promise<Services> {
  const store = await openStore(config.database);
  // Read (or created) once: it is a file in the embedded mode.
  const secret = resolveSecret(config);
  const identity = new IdentityHasher(secret);
  const audit = new AuditLog(store.db, store.dialect);
  const roster = new Roster(store.db, audit);
  const cases = new CaseService(store.db, audit, identity);
  const hearings = new HearingService(store.db, audit, cases, roster, identity);
  const links = new LinkService(store.db, audit, hearings, identity, {
    maxAttempts: config.identityMaxAttempts, windowMinutes: config.identityWindowMinutes, linkMaxAttempts: config.identityLinkMaxAttempts,
  }, now);
  const loginGuard = new LoginGuard(store.db, audit, store.dialect, {
    maxFailures: config.loginAccountMaxAttempts, lockMaxMinutes: config.loginLockMaxMinutes, windowMinutes: 15,
  }, now);
  // The signing keys are sealed with the service secret; a wrong secret stops the start here (the store is closed first).
  const keyStore = new SqlKeyStore(store.db, new SecretBox(secret, BOX_LABELS.signingKeys));
  const keyring = await KeyRing.open(keyStore, { rotateAfterDays: config.jwtRotateDays, graceDays: KEY_GRACE_DAYS }).catch(async (err: unknown) => {
    await store.close();
    throw err;
  });
  const tokens = new TokenService(keyring, { staffTtlSeconds: config.sessionTtlMinutes * 60, participantTtlSeconds: 12 * 3600 });
  const sessions = new StaffSessions(tokens, new StaffSessionStore(store.db, audit));
  const principals = new PrincipalResolver({
    tokens, sessions,
    requireActiveLink: (linkId, claimed) => links.requireActive(linkId, claimed),
    participant: (caseId, hearingId, participantId) => hearings.participant(caseId, hearingId, participantId),
  });
  const hearingRoom = new HearingRoomStore(store.db, audit);
  const recordings = createRecordings({ db: store.db, audit, config: config.recordings, log, secret, rooms: hearingRoom, hearings });
  const agreements = new AgreementService(store.db, audit, cases, roster, { log });
  const documentService = new DocumentService(store.db, secret, audit);
  const signingDocs = documentPort(documentService.credentials);
  const signing = new SigningService({ db: store.db, audit, cases, hearings, roster, agreements, documents: signingDocs, secret, log });
  const court = new CourtService({ db: store.db, audit, cases, roster, signing, documents: signingDocs, log });
  const privacy = createPrivacy({ db: store.db, audit, log, recordings, cases, hearings, hearingRoom, documents: signing.files });
  return { config, log, store, audit, roster, cases, hearings, links, loginGuard, keyring, tokens, sessions, principals, hearingRoom, agreements, signing, court, documents: documentService, recordings, privacy };
}

export interface RunningServer {
  url: string;
  port: number;
  services: Services;
  server: http.Server;
  /** The express app (its router stack lists every mounted route; the OpenAPI coverage test walks it). */
  app: Express;
  /** The live hearings of this process and the socket.io gateway (namespace /hearing) that drives them. */
  liveHearings: HearingRegistry;
  gateway: HearingGateway;
  /** The drafting pad's namespace /pad on the same socket.io server. */
  pad: PadNamespace;
  /** The SFU: the one passed in, or the configured engine (server/media/select.ts) started on the first live hearing. */
  mediaEngine: MediaEngine;
  /** Which engine and why (undefined when the caller passed its own `mediaEngine`). */
  mediaChoice: EngineChoice | undefined;
  /** Live captions: this node's caption decoders under their cap (issue 17.4). */
  captions: CaptionService;
  close(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  clientDir?: string;
  /** Serve the client's precompressed .br/.gz files (default true); false: plain files, one-hour cache (bench's "before"). */
  precompressedClient?: boolean;
  /** The SFU for live hearings. Tests pass an in-process fake; the server closes it on close(). */
  mediaEngine?: MediaEngine;
  /** Reconnection grace period of live hearings (default 30 s). */
  hearingGraceMs?: number;
  /** Clock of the brute-force limits (tests). */
  now?: () => Date;
}

const here = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_CLIENT_DIR = path.resolve(here, '../client/dist');

export async function startServer(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  // Before anything opens: CONCORD_MEDIA_ENGINE=mediasoup without a built worker is a configuration error.
  const mediaChoice = opts.mediaEngine ? undefined : chooseEngine(config);
  const services = await createServices(config, opts.log, opts.now);
  let baseUrl = config.publicUrl ?? '';
  const deps: HttpDeps = {
    ...services,
    ping: () => services.store.ping(),
    metrics: new Metrics(),
    baseUrl: () => baseUrl,
  };
  const app = createApp(deps, {
    clientDir: opts.clientDir ?? DEFAULT_CLIENT_DIR,
    ...(opts.precompressedClient !== undefined ? { precompressedClient: opts.precompressedClient } : {}),
  });
  const server = http.createServer(app);
  if (mediaChoice) services.log.info(`media engine: ${mediaChoice.engine} (${mediaChoice.why})`);
  const mediaEngine = opts.mediaEngine ?? lazyEngine(services.log, mediaChoice ?? chooseEngine(config), config.media);
  const captions = new CaptionService({
    ...config.captions, ffmpeg: config.recordings.ffmpeg, pocketsphinx: config.recordings.pocketsphinx, log: services.log,
  });
  const liveHearings = new HearingRegistry({
    hearings: services.hearings, cases: services.cases, engine: mediaEngine, log: services.log,
    services: { audit: services.audit, records: services.hearingRoom, links: services.links, roster: services.roster },
    recording: services.recordings.service,
    captions,
    ...(opts.hearingGraceMs !== undefined ? { graceMs: opts.hearingGraceMs } : {}),
  });
  const gateway = createHearingGateway({
    httpServer: server, registry: liveHearings, log: services.log,
    principals: services.principals, hearings: services.hearings,
    // Read at each handshake: the listen address (and so the default origin) is known only after listen.
    allowedOrigins: () => [new URL(baseUrl).origin, ...config.corsOrigins],
    iceServers: () => config.iceServers,
    socketLimits: config.sockets, trustProxy: config.trustProxy,
    onRefused: (namespace, reason) => deps.metrics.socketRefusals.inc({ namespace, reason }),
  });
  deps.metrics.observeSockets(() => gateway.limits.counts());
  // The drafting pad: namespace /pad on the same socket.io server, same origins and tokens.
  const pad = createPadNamespace({
    io: gateway.io as unknown as import('socket.io').Server, agreements: services.agreements, deps: services, log: services.log,
    allowedOrigins: () => [new URL(baseUrl).origin, ...config.corsOrigins],
    caps: gateway.limits.namespace(PAD_NAMESPACE),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  baseUrl ||= `http://${hostForUrl}:${port}`;
  // Every minute: pick up keys another instance rotated in, and rotate here when the current key is due.
  const rotation = setInterval(() => {
    services.keyring.reload().then(() => services.keyring.rotateIfDue()).catch((err) => services.log.warn({ err }, 'key rotation check failed'));
  }, 60_000);
  rotation.unref();
  const retention = startRetentionTimer(services.privacy, config.retentionRunHours, services.log);
  let closing: Promise<void> | undefined;
  return {
    url: baseUrl, port, services, server, app, liveHearings, gateway, pad, mediaEngine, mediaChoice, captions,
    close() {
      closing ??= (async () => {
        clearInterval(rotation);
        retention.stop();
        server.closeAllConnections();
        // The gateway first (no new joins), then the live hearings (their routers), then the engine under them.
        await pad.close();
        await gateway.close();
        // Pad documents: edit summaries and snapshots stored before the store closes.
        await services.agreements.close();
        await liveHearings.close();
        await captions.close();
        await mediaEngine.close();
        // Already closed by the gateway (socket.io closes the server it is attached to); harmless, kept for clarity.
        await new Promise<void>((resolve) => server.close(() => resolve()));
        // Composition and transcription in progress finish before the store goes.
        await services.recordings.jobs.idle().catch(() => undefined);
        await services.store.close();
      })();
      return closing;
    },
  };
}
