import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../platform/errors.ts';
import { secretsEqual } from '../platform/secret-tokens.ts';
import { ADMIN_TOKEN_PRINCIPAL, permits, type Principal } from '../schemas/access.ts';
import type { AuditContext } from '../storage/audit.ts';
import { newHospitalSchema } from '../schemas/hospitals.ts';
import type { Hospital, HospitalStore } from '../storage/hospitals.ts';

export interface AdminRouteDeps {
  hospitals: HospitalStore;
  /** EWS_ADMIN_TOKEN; unset → every admin request answers 401. */
  adminToken: string | undefined;
  /**
   * The access room's authenticator (EWS_ADMIN_TOKEN, user tokens, sessions); given, it
   * replaces the token check and the caller needs permission `admin:hospitals`.
   */
  authenticate?: (req: FastifyRequest) => Promise<Principal>;
  /** Called after a change (the key verifier of this process reloads). */
  onChange?: () => Promise<void>;
}

/**
 * The admin API: hospitals and their keys. Every route needs `Authorization: Bearer
 * <EWS_ADMIN_TOKEN>`, compared in constant time; without it 401 in the usual error shape.
 * A new or rotated key is in the answer once and nowhere else.
 */
export function registerAdminRoutes(app: FastifyInstance, deps: AdminRouteDeps): void {
  void app.register((admin, _options, registered) => {
    const callers = new WeakMap<FastifyRequest, Principal>();
    admin.addHook('onRequest', async (req) => {
      if (!deps.authenticate) {
        const refused = refusal(req.headers.authorization, deps.adminToken);
        if (refused) throw refused;
        callers.set(req, ADMIN_TOKEN_PRINCIPAL);
        return;
      }
      const p = await deps.authenticate(req);
      if (!permits(p.role, 'admin:hospitals'))
        throw new AppError('FORBIDDEN', `role ${p.role} may not manage hospitals / vai trò ${p.role} không được quản lý bệnh viện`);
      callers.set(req, p);
    });
    // Who made a change and from where, for the audit row written with it.
    const by = (req: FastifyRequest): AuditContext => ({ actor: callers.get(req) ?? ADMIN_TOKEN_PRINCIPAL, clientAddress: req.ip });
    const changed = async () => {
      await deps.onChange?.();
    };

    admin.post('/v1/admin/hospitals', async (req, reply) => {
      const parsed = newHospitalSchema.safeParse(req.body ?? {});
      if (!parsed.success)
        throw new AppError(
          'VALIDATION_FAILED',
          `invalid hospital: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'} ${i.message}`).join('; ')}`,
          {
            details: parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
          },
        );
      const { id, name, province_code } = parsed.data;
      const issued = await deps.hospitals.add({ id, name, provinceCode: province_code }, by(req));
      await changed();
      return reply.code(201).send({ hospital: wire(issued.hospital), key: issued.key });
    });
    admin.get('/v1/admin/hospitals', async () => ({ hospitals: (await deps.hospitals.list()).map(wire) }));
    admin.post<{ Params: { id: string } }>('/v1/admin/hospitals/:id/rotate', async (req) => {
      const issued = await deps.hospitals.rotate(req.params.id, by(req));
      await changed();
      return { hospital: wire(issued.hospital), key: issued.key };
    });
    admin.post<{ Params: { id: string } }>('/v1/admin/hospitals/:id/revoke', async (req) => {
      const hospital = await deps.hospitals.revoke(req.params.id, by(req));
      await changed();
      return { hospital: wire(hospital) };
    });
    registered();
  });
}

/** Why a request is refused (missing or wrong admin token), or undefined when it may pass. */
function refusal(header: string | undefined, adminToken: string | undefined): AppError | undefined {
  if (!adminToken)
    return new AppError('UNAUTHENTICATED', 'the admin API is off: set EWS_ADMIN_TOKEN / API quản trị chưa bật: đặt EWS_ADMIN_TOKEN');
  const token = /^Bearer (.+)$/i.exec(header ?? '')?.[1] ?? '';
  if (!secretsEqual(token, adminToken))
    return new AppError('UNAUTHENTICATED', 'an admin bearer token is required / cần mã quản trị (Authorization: Bearer …)');
  return undefined;
}

/** A hospital on the wire (snake_case, as the rest of the API). */
export const wire = (h: Hospital) => ({
  id: h.id,
  name: h.name,
  province_code: h.provinceCode,
  created_at: h.createdAt,
  revoked_at: h.revokedAt,
  key_prefix: h.keyPrefix,
});
