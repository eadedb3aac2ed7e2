import type { FastifyRequest } from 'fastify';
import { AppError } from '../platform/errors.ts';
import { secretsEqual } from '../platform/secret-tokens.ts';
import { ADMIN_TOKEN_PRINCIPAL, type Principal } from '../schemas/access.ts';
import type { Config } from './config.ts';

/**
 * The authenticator of the read API until access/ (users, sessions, user tokens) is wired in:
 * it accepts only `Authorization: Bearer <EWS_ADMIN_TOKEN>` (compared in constant time), as
 * the national admin. Everything else is 401. Replaced by access/authenticate.ts on merge.
 */
export function adminTokenOnly(config: Pick<Config, 'EWS_ADMIN_TOKEN'>): (req: FastifyRequest) => Promise<Principal> {
  const adminToken = config.EWS_ADMIN_TOKEN;
  return (req) => {
    const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (token === undefined)
      return Promise.reject(
        new AppError('UNAUTHENTICATED', 'sign in, or send Authorization: Bearer <token> / hãy đăng nhập hoặc gửi mã truy cập', {
          details: { reason: 'no credentials' },
        }),
      );
    if (adminToken === undefined || !secretsEqual(token, adminToken))
      return Promise.reject(
        new AppError('UNAUTHENTICATED', 'the bearer token is not valid / mã truy cập không hợp lệ', { details: { reason: 'bad token' } }),
      );
    return Promise.resolve(ADMIN_TOKEN_PRINCIPAL);
  };
}
