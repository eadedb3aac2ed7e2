import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditStore } from '../storage/audit.ts';
import type { UserStore } from '../storage/users.ts';
import type { Authenticator } from './authenticate.ts';
import type { OidcRefusal, OidcSignIn } from './oidc-routes.ts';

/**
 * What the OIDC routes call once the provider vouched for someone: the user linked to the
 * provider's issuer + subject is created at the first sign-in and brought up to date with the
 * claims at each later one (role, jurisdiction, e-mail and language follow the province's
 * directory, audited as `user.update`), then a session starts as after a password sign-in.
 * A disabled user stays refused, whatever the provider says.
 */
export function createOidcSignIn(deps: { users: UserStore; authenticator: Authenticator; audit: AuditStore }) {
  return {
    signIn: async (identity: OidcSignIn, req: FastifyRequest, reply: FastifyReply): Promise<void> => {
      const by = { actor: { username: identity.username, role: identity.role, via: 'oidc' }, clientAddress: req.ip };
      const claimed = {
        role: identity.role,
        jurisdiction: identity.jurisdiction,
        lang: identity.lang,
        ...(identity.email ? { email: identity.email } : {}),
      };
      const linked = await deps.users.findByOidc(identity.issuer, identity.subject);
      const user = linked
        ? await deps.users.update(linked.username, claimed, by)
        : await deps.users.add(
            { username: identity.username, ...claimed, oidc: { issuer: identity.issuer, subject: identity.subject } },
            by,
          );
      await deps.authenticator.startSession(reply, req, user, 'oidc');
    },
    onRefusal: async (refusal: OidcRefusal, req: FastifyRequest): Promise<void> => {
      await deps.audit.audit({
        actor: { username: refusal.subject ?? 'unknown', role: null, via: 'oidc' },
        clientAddress: req.ip,
        action: 'sign_in_failed',
        details: { code: refusal.code, reason: refusal.reason, claim: refusal.claim, issuer: refusal.issuer },
      });
    },
  };
}
