import { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { LoginBody, LogoutAllBody, LogoutBody, type LoginResult, type LogoutAllResult } from '../../../signaling/protocol/api.js';
import { UnauthenticatedError } from '../../lib/errors.js';
import { verifyAgainstDummy, verifyPassword } from '../../auth/passwords.js';
import { clientIp, route, staffFrom, type HttpDeps } from '../context.js';
import { errorBody } from '../errors.js';
import { parse } from '../validate.js';

export function authRouter(deps: HttpDeps): Router {
  const r = Router();
  const limiter = rateLimit({
    windowMs: 15 * 60_000,
    limit: deps.config.loginMaxAttempts,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, res) => {
      res.status(429).json(errorBody('RATE_LIMITED', 'too many failed sign-in attempts; wait 15 minutes'));
    },
  });

  r.post('/login', limiter, route(async (req, res) => {
    const body = parse(LoginBody, req.body);
    const staff = await deps.roster.findByUsername(body.username);
    // Same work whether or not the user exists, so timing does not reveal valid usernames.
    const ok = staff ? await verifyPassword(body.password, staff.passwordHash) : await verifyAgainstDummy(body.password);
    const ip = clientIp(req);
    if (!staff || !ok || !staff.active) {
      deps.metrics.logins.inc({ outcome: 'failed' });
      await deps.audit.record(staff ? `org:${staff.orgId}` : 'system', {
        actor: staff ? `staff:${staff.id}` : 'anonymous', action: 'login.failed', data: { username: body.username, ip },
      });
      throw new UnauthenticatedError('wrong username or password');
    }
    deps.metrics.logins.inc({ outcome: 'ok' });
    await deps.audit.record(`org:${staff.orgId}`, { actor: `staff:${staff.id}`, action: 'login.succeeded', data: { ip } });
    const { token, claims } = await deps.sessions.issue(staff);
    const { passwordHash: _h, active: _a, ...view } = staff;
    const result: LoginResult = { token, expiresAt: new Date(claims.exp * 1000).toISOString(), staff: view };
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
