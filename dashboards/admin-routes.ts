import type { FastifyInstance } from 'fastify';
import { AppError } from '../platform/errors.ts';
import { secretsEqual } from '../platform/secret-tokens.ts';
import { newHospitalSchema } from '../schemas/hospitals.ts';
import type { Hospital, HospitalStore } from '../storage/hospitals.ts';

export interface AdminRouteDeps {
  hospitals: HospitalStore;
  /** EWS_ADMIN_TOKEN; unset → every admin request answers 401. */
  adminToken: string | undefined;
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
    admin.addHook('onRequest', (req, _reply, done) => done(refusal(req.headers.authorization, deps.adminToken)));
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
      const issued = await deps.hospitals.add({ id, name, provinceCode: province_code });
      await changed();
      return reply.code(201).send({ hospital: wire(issued.hospital), key: issued.key });
    });
    admin.get('/v1/admin/hospitals', async () => ({ hospitals: (await deps.hospitals.list()).map(wire) }));
    admin.post<{ Params: { id: string } }>('/v1/admin/hospitals/:id/rotate', async (req) => {
      const issued = await deps.hospitals.rotate(req.params.id);
      await changed();
      return { hospital: wire(issued.hospital), key: issued.key };
    });
    admin.post<{ Params: { id: string } }>('/v1/admin/hospitals/:id/revoke', async (req) => {
      const hospital = await deps.hospitals.revoke(req.params.id);
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
