import { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { LoginBody, LogoutAllBody, LogoutBody, type LoginResult, type LogoutAllResult } from '../../../signaling/protocol/api.js';
import { UnauthenticatedError } from '../../lib/errors.js';
import { verifyAgainstDummy, verifyPassword } from '../../auth/passwords.js';
import { LIMITER_CHECKS, clientIp, route, staffFrom, type HttpDeps } from '../context.js';
import { errorBody } from '../errors.js';
import { parse } from '../validate.js';

export function authRouter(deps: HttpDeps): Router {
  const r = Router();
  // Per address, all accounts together: it stops one address spraying many accounts. Only checked wrong passwords
  // count (401), not attempts refused by an account's lock, so one locked account behind a proxy (whose address all
  // users share when CONCORD_TRUST_PROXY is off) does not use up everyone's allowance. The per-account limit is LoginGuard.
  const limiter = rateLimit({
    validate: LIMITER_CHECKS,
    windowMs: 15 * 60_000,
    limit: deps.config.loginMaxAttempts,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, res) => {
      res.status(429).json(errorBody('RATE_LIMITED', 'too many failed sign-in attempts from this address; wait 15 minutes'));
    },
  });
  let proxyWarned = false;

  r.post('/login', limiter, route(async (req, res) => {
    const body = parse(LoginBody, req.body);
    const ip = clientIp(req);
    if (!deps.config.trustProxy && req.headers['x-forwarded-for'] !== undefined && !proxyWarned) {
      proxyWarned = true;
      deps.log.warn({ ip }, 'sign-in through a proxy while CONCORD_TRUST_PROXY is off: every user counts as the proxy\'s address');
    }
    const staff = await deps.roster.findByUsername(body.username);
    const account = staff && { id: staff.id, orgId: staff.orgId };
    // A locked account (known or not) is refused before any password check: the same cost either way, and none for the server.
    await deps.loginGuard.assertUnlocked(body.username, ip, account).catch((err: unknown) => {
      deps.metrics.logins.inc({ outcome: 'locked' });
      throw err;
    });
    // Same work whether or not the user exists, so timing does not reveal valid usernames.
    const ok = staff ? await verifyPassword(body.password, staff.passwordHash) : await verifyAgainstDummy(body.password);
    if (!staff || !ok || !staff.active) {
      deps.metrics.logins.inc({ outcome: 'failed' });
      await deps.loginGuard.failed(body.username, ip, account);
      throw new UnauthenticatedError('wrong username or password');
    }
    deps.metrics.logins.inc({ outcome: 'ok' });
    const notices = await deps.loginGuard.succeeded(body.username, { id: staff.id, orgId: staff.orgId }, ip);
    const { token, claims } = await deps.sessions.issue(staff);
    const { passwordHash: _h, active: _a, ...view } = staff;
    const result: LoginResult = { token, expiresAt: new Date(claims.exp * 1000).toISOString(), staff: view, notices };
    res.json(result);
  }));

  r.get('/me', route(async (req, res) => {
    const { actor } = await staffFrom(req, deps);
    const { passwordHash: _h, active: _a, ...staff } = await deps.roster.getStaff(actor.id);
    res.json({ staff, organisation: await deps.roster.getOrganisation(actor.orgId) });
  }));

  // Sign out: this session ends at once on every instance (the token is refused from now on).
  r.post('/logout', route(async (req, res) => {
    parse(LogoutBody, req.body);
    const { session } = await staffFrom(req, deps);
    await deps.sessions.end(session, clientIp(req));
    res.status(204).end();
  }));

  // Sign out everywhere: every session of this account ends, this one included.
  r.post('/logout-all', route(async (req, res) => {
    parse(LogoutAllBody, req.body);
    const { session } = await staffFrom(req, deps);
    const result: LogoutAllResult = { revoked: await deps.sessions.endAll(session, clientIp(req)) };
    res.json(result);
  }));
  return r;
}
