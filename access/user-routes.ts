import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../platform/errors.ts';
import { newUserSchema } from '../schemas/users.ts';
import type { AuditContext } from '../storage/audit.ts';
import type { User, UserStore } from '../storage/users.ts';
import type { Authenticator } from './authenticate.ts';
import { jurisdictionProblems, type KnownUnits } from './jurisdiction-check.ts';
import { generatePassword, hashPassword, passwordProblem } from './passwords.ts';
import { registerSubscriptionRoutes } from './subscription-routes.ts';

export interface UserRouteDeps {
  authenticator: Authenticator;
  users: UserStore;
  units: KnownUnits;
}

/** A user on the wire (snake_case, as the rest of the API); never a hash. */
export const wireUser = (u: User) => ({
  username: u.username,
  role: u.role,
  jurisdiction: u.jurisdiction,
  email: u.email,
  phone: u.phone,
  lang: u.lang,
  has_password: u.hasPassword,
  oidc_issuer: u.oidc?.issuer ?? null,
  created_at: u.createdAt,
  disabled_at: u.disabledAt,
});
export type WireUser = ReturnType<typeof wireUser>;

const invalid = (what: string, issues: { field: string; message: string }[]) =>
  new AppError('VALIDATION_FAILED', `invalid ${what}: ${issues.map((i) => `${i.field || '(body)'} ${i.message}`).join('; ')}`, {
    details: issues,
  });

/** Checks a new user (wire shape) and returns the store's input, the password hashed; the plain password to show when generated. */
export async function prepareNewUser(body: unknown, units: KnownUnits) {
  const parsed = newUserSchema.safeParse(body ?? {});
  if (!parsed.success)
    throw invalid(
      'user',
      parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
    );
  const problems = jurisdictionProblems(parsed.data.jurisdiction, units);
  if (problems.length) throw invalid('user', problems);
  const { password, ...rest } = parsed.data;
  const badPassword = password === undefined ? undefined : passwordProblem(password);
  if (badPassword) throw invalid('user', [{ field: 'password', message: badPassword }]);
  const plain = password ?? generatePassword();
  return { input: { ...rest, passwordHash: await hashPassword(plain) }, generated: password === undefined ? plain : undefined };
}

/**
 * The users admin API (permission `admin:users`: EWS_ADMIN_TOKEN or an admin user). Every
 * change is audited with the caller and their address. A token or a generated password is
 * in the answer once and nowhere else. With them, the subscriptions (own and, for admins,
 * anyone's: access/subscription-routes.ts).
 */
export function registerUserRoutes(app: FastifyInstance, deps: UserRouteDeps): void {
  registerSubscriptionRoutes(app, { authenticator: deps.authenticator, users: deps.users });
  void app.register((admin, _options, registered) => {
    admin.addHook('onRequest', deps.authenticator.requirePermission('admin:users'));
    const by = async (req: FastifyRequest): Promise<AuditContext> => ({
      actor: await deps.authenticator.authenticate(req),
      clientAddress: req.ip,
    });

    admin.post('/v1/admin/users', async (req, reply) => {
      const { input, generated } = await prepareNewUser(req.body, deps.units);
      const user = await deps.users.add(input, await by(req));
      return reply.code(201).send({ user: wireUser(user), ...(generated ? { password: generated } : {}) });
    });
    admin.get('/v1/admin/users', async () => ({ users: (await deps.users.list()).map(wireUser) }));
    admin.post<{ Params: { username: string } }>('/v1/admin/users/:username/token', async (req) => {
      const { user, token } = await deps.users.issueToken(req.params.username, await by(req));
      return { user: wireUser(user), token };
    });
    admin.post<{ Params: { username: string } }>('/v1/admin/users/:username/disable', async (req) => {
      const user = await deps.users.disable(req.params.username, await by(req));
      deps.authenticator.forget();
      return { user: wireUser(user) };
    });
    admin.post<{ Params: { username: string } }>('/v1/admin/users/:username/password', async (req) => {
      const body = (req.body ?? {}) as { password?: unknown };
      if (body.password !== undefined && typeof body.password !== 'string')
        throw invalid('password', [{ field: 'password', message: 'must be a string' }]);
      const problem = body.password === undefined ? undefined : passwordProblem(body.password);
      if (problem) throw invalid('password', [{ field: 'password', message: problem }]);
      const plain = body.password ?? generatePassword();
      const user = await deps.users.setPassword(req.params.username, await hashPassword(plain), await by(req));
      return { user: wireUser(user), ...(body.password === undefined ? { password: plain } : {}) };
    });
    registered();
  });
}
