import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Clock } from '../platform/clock.ts';
import type { OperationalStore } from '../platform/operational-store.ts';
import { createAuditStore, type AuditStore } from '../storage/audit.ts';
import { createSessionStore, type SessionStore } from '../storage/sessions.ts';
import { createUserStore, type UserStore } from '../storage/users.ts';
import type { AccessConfig } from './config.ts';
import { createAuthenticator, type Authenticator } from './authenticate.ts';
import type { KnownUnits } from './jurisdiction-check.ts';
import { registerSessionRoutes } from './session-routes.ts';
import { registerUserRoutes } from './user-routes.ts';
import { registerAuditRoutes } from './audit-routes.ts';

/** The access room as the composition root holds it: the authenticator and the stores behind it. */
export interface Access {
  authenticator: Authenticator;
  users: UserStore;
  sessions: SessionStore;
  /** The audit log: `audit.audit(entry)` appends (line-list reads, exports, alert transitions), `list` reads. */
  audit: AuditStore;
  /** Registers /v1/session, /v1/admin/users… and /v1/audit on the app. */
  registerRoutes(app: FastifyInstance): void;
}

export interface AccessDeps {
  operational: OperationalStore;
  clock: Clock;
  metrics: Registry;
  units: KnownUnits;
  config: AccessConfig & { EWS_ADMIN_TOKEN?: string | undefined };
}

export function createAccess(deps: AccessDeps): Access {
  const users = createUserStore(deps.operational, deps.clock);
  const sessions = createSessionStore(deps.operational, deps.clock);
  const audit = createAuditStore(deps.operational, deps.clock);
  const authenticator = createAuthenticator({
    users,
    sessions,
    clock: deps.clock,
    adminToken: deps.config.EWS_ADMIN_TOKEN,
    sessionTtlMs: deps.config.EWS_SESSION_TTL_HOURS * 3_600_000,
    sessionIdleMs: deps.config.EWS_SESSION_IDLE_MINUTES * 60_000,
    cookieSecure: deps.config.EWS_SESSION_COOKIE_SECURE,
  });
  return {
    authenticator,
    users,
    sessions,
    audit,
    registerRoutes(app) {
      registerSessionRoutes(app, { authenticator, users, sessions, clock: deps.clock, metrics: deps.metrics });
      registerUserRoutes(app, { authenticator, users, units: deps.units });
      registerAuditRoutes(app, { authenticator, audit });
    },
  };
}
