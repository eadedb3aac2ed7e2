import type { Clock } from '../platform/clock.ts';
import { AppError } from '../platform/errors.ts';
import { sqlState, UNIQUE_VIOLATION, type OperationalStore, type Queryable } from '../platform/operational-store.ts';
import { generateToken, hashToken, tokenPrefix } from '../platform/secret-tokens.ts';
import type { Jurisdiction, Lang, Role } from '../schemas/access.ts';
import { SYSTEM_ACTOR, writeAudit, type AuditContext } from './audit.ts';
import { createSubscriptionStore, userNotFound, type SubscriptionStore } from './subscriptions.ts';

/** Visible prefix of every user API token. */
export const USER_TOKEN_PREFIX = 'ews_ut_';

export interface User {
  id: string;
  username: string;
  role: Role;
  jurisdiction: Jurisdiction;
  email: string | null;
  phone: string | null;
  lang: Lang;
  /** Whether a password is set (OIDC-only users have none). */
  hasPassword: boolean;
  oidc: { issuer: string; subject: string } | null;
  createdAt: string;
  disabledAt: string | null;
}

export interface NewUser {
  username: string;
  role: Role;
  jurisdiction: Jurisdiction;
  email?: string | undefined;
  phone?: string | undefined;
  lang?: Lang | undefined;
  /** An argon2id PHC string (access/passwords.ts); omit for OIDC-only users. */
  passwordHash?: string | undefined;
  oidc?: { issuer: string; subject: string } | undefined;
}

export type UserChanges = Partial<Pick<NewUser, 'role' | 'jurisdiction' | 'email' | 'phone' | 'lang'>>;

/** Users, and (storage/subscriptions.ts) what each is notified of. */
export interface UserStore extends SubscriptionStore {
  /** Creates a user; CONFLICT when the username (or the OIDC issuer + subject) exists. Audited as `user.add`. */
  add(input: NewUser, by?: AuditContext): Promise<User>;
  list(): Promise<User[]>;
  get(username: string): Promise<User | undefined>;
  getById(id: string): Promise<User | undefined>;
  /** The user and their password hash, for sign-in only. */
  credentials(username: string): Promise<{ user: User; passwordHash: string | null } | undefined>;
  /** The user an OpenID Connect provider's subject is linked to. */
  findByOidc(issuer: string, subject: string): Promise<User | undefined>;
  /**
   * Changes a user's role, jurisdiction, e-mail, phone or language (e.g. from an OpenID
   * Connect provider's claims at each sign-in). NOT_FOUND. Audited as `user.update` with the
   * fields that changed; nothing written when nothing changed.
   */
  update(username: string, changes: UserChanges, by?: AuditContext): Promise<User>;
  /** Replaces the password hash and ends the user's sessions. NOT_FOUND. Audited as `user.password`. */
  setPassword(username: string, passwordHash: string, by?: AuditContext): Promise<User>;
  /** Disables the user: sessions ended, tokens revoked, sign-in refused. NOT_FOUND. Audited as `user.disable`. */
  disable(username: string, by?: AuditContext): Promise<User>;
  /** Issues an API token (shown once, stored as its SHA-256). NOT_FOUND, CONFLICT when disabled. Audited as `user.token`. */
  issueToken(username: string, by?: AuditContext): Promise<{ user: User; token: string }>;
  /** Revokes every token of the user. NOT_FOUND. Audited as `user.token_revoke`. */
  revokeTokens(username: string, by?: AuditContext): Promise<number>;
  /** The user a (non-revoked) token belongs to, by the token's SHA-256. */
  byTokenHash(tokenHash: string): Promise<User | undefined>;
}

interface UserRow {
  id: string;
  username: string;
  role: Role;
  jurisdiction_level: Jurisdiction['level'];
  province_code: string | null;
  communes: string[] | null;
  email: string | null;
  phone: string | null;
  lang: Lang;
  password_hash: string | null;
  oidc_issuer: string | null;
  oidc_subject: string | null;
  created_at: Date;
  disabled_at: Date | null;
}

const COLUMNS = `u.id, u.username, u.role, u.jurisdiction_level, u.province_code, u.communes, u.email, u.phone, u.lang,
  u.password_hash, u.oidc_issuer, u.oidc_subject, u.created_at, u.disabled_at`;

const notFound = userNotFound;

/** Users, their tokens and passwords on the operational store; every change and its audit row in one transaction. */
export function createUserStore(db: OperationalStore, clock: Clock): UserStore {
  const now = () => new Date(clock.now());
  const one = async (q: Queryable, where: string, value: string): Promise<UserRow | undefined> =>
    (await q.query<UserRow>(`SELECT ${COLUMNS} FROM users u WHERE ${where}`, [value])).rows[0];
  /** The user's row, locked for the rest of the transaction. */
  const locked = async (tx: Queryable, username: string): Promise<UserRow> => {
    const row = (await tx.query<UserRow>(`SELECT ${COLUMNS} FROM users u WHERE u.username = $1 FOR UPDATE`, [username])).rows[0];
    if (!row) throw notFound(username);
    return row;
  };
  return {
    ...createSubscriptionStore(db, clock),
    async add(input, by = { actor: SYSTEM_ACTOR }) {
      const at = now();
      const j = input.jurisdiction;
      try {
        return await db.transaction(async (tx) => {
          const { rows } = await tx.query<UserRow>(
            `INSERT INTO users AS u (username, role, jurisdiction_level, province_code, communes, email, phone, lang,
               password_hash, oidc_issuer, oidc_subject, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING ${COLUMNS}`,
            [
              input.username,
              input.role,
              j.level,
              j.level === 'province' ? j.province : null,
              j.level === 'communes' ? [...j.communes] : null,
              input.email ?? null,
              input.phone ?? null,
              input.lang ?? 'vi',
              input.passwordHash ?? null,
              input.oidc?.issuer ?? null,
              input.oidc?.subject ?? null,
              at,
            ],
          );
          const user = toUser(rows[0]!);
          await writeAudit(
            tx,
            { ...by, action: 'user.add', target: user.username, details: { role: user.role, jurisdiction: user.jurisdiction } },
            at,
          );
          return user;
        });
      } catch (err) {
        if (sqlState(err) === UNIQUE_VIOLATION)
          throw new AppError('CONFLICT', `user ${input.username} exists / người dùng ${input.username} đã có`, {
            details: { username: input.username },
          });
        throw err;
      }
    },
    async list() {
      const { rows } = await db.query<UserRow>(`SELECT ${COLUMNS} FROM users u ORDER BY u.username`);
      return rows.map(toUser);
    },
    get: async (username) => {
      const row = await one(db, 'u.username = $1', username);
      return row && toUser(row);
    },
    getById: async (id) => {
      // Not a uuid: no such user (rather than a cast error from the database).
      if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
      const row = await one(db, 'u.id = $1', id);
      return row && toUser(row);
    },
    credentials: async (username) => {
      const row = await one(db, 'u.username = $1', username);
      return row && { user: toUser(row), passwordHash: row.password_hash };
    },
    findByOidc: async (issuer, subject) => {
      const { rows } = await db.query<UserRow>(`SELECT ${COLUMNS} FROM users u WHERE u.oidc_issuer = $1 AND u.oidc_subject = $2`, [
        issuer,
        subject,
      ]);
      return rows[0] && toUser(rows[0]);
    },
    update: (username, changes, by = { actor: SYSTEM_ACTOR }) =>
      db.transaction(async (tx) => {
        const before = toUser(await locked(tx, username));
        const after: User = {
          ...before,
          ...(changes.role !== undefined ? { role: changes.role } : {}),
          ...(changes.jurisdiction !== undefined ? { jurisdiction: changes.jurisdiction } : {}),
          ...(changes.email !== undefined ? { email: changes.email } : {}),
          ...(changes.phone !== undefined ? { phone: changes.phone } : {}),
          ...(changes.lang !== undefined ? { lang: changes.lang } : {}),
        };
        const changed = (['role', 'jurisdiction', 'email', 'phone', 'lang'] as const).filter(
          (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]),
        );
        if (!changed.length) return before;
        const j = after.jurisdiction;
        await tx.query(
          `UPDATE users SET role = $2, jurisdiction_level = $3, province_code = $4, communes = $5, email = $6, phone = $7, lang = $8
           WHERE id = $1`,
          [
            before.id,
            after.role,
            j.level,
            j.level === 'province' ? j.province : null,
            j.level === 'communes' ? [...j.communes] : null,
            after.email,
            after.phone,
            after.lang,
          ],
        );
        await writeAudit(
          tx,
          { ...by, action: 'user.update', target: username, details: Object.fromEntries(changed.map((k) => [k, after[k]])) },
          new Date(clock.now()),
        );
        return after;
      }),
    setPassword: (username, passwordHash, by = { actor: SYSTEM_ACTOR }) =>
      db.transaction(async (tx) => {
        const row = await locked(tx, username);
        const at = now();
        await tx.query('UPDATE users SET password_hash = $2 WHERE id = $1', [row.id, passwordHash]);
        const ended = await tx.query('DELETE FROM sessions WHERE user_id = $1', [row.id]);
        await writeAudit(tx, { ...by, action: 'user.password', target: username, details: { sessions_ended: ended.rowCount } }, at);
        return toUser({ ...row, password_hash: passwordHash });
      }),
    disable: (username, by = { actor: SYSTEM_ACTOR }) =>
      db.transaction(async (tx) => {
        const row = await locked(tx, username);
        const at = now();
        const disabledAt = row.disabled_at ?? at;
        await tx.query('UPDATE users SET disabled_at = $2 WHERE id = $1', [row.id, disabledAt]);
        const ended = await tx.query('DELETE FROM sessions WHERE user_id = $1', [row.id]);
        const revoked = await tx.query('UPDATE user_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL', [row.id, at]);
        await writeAudit(
          tx,
          {
            ...by,
            action: 'user.disable',
            target: username,
            details: { sessions_ended: ended.rowCount, tokens_revoked: revoked.rowCount },
          },
          at,
        );
        return toUser({ ...row, disabled_at: disabledAt });
      }),
    issueToken: (username, by = { actor: SYSTEM_ACTOR }) =>
      db.transaction(async (tx) => {
        const row = await locked(tx, username);
        if (row.disabled_at)
          throw new AppError('CONFLICT', `user ${username} is disabled / người dùng ${username} đã bị vô hiệu hóa`, {
            details: { username },
          });
        const at = now();
        const token = generateToken(USER_TOKEN_PREFIX);
        const prefix = tokenPrefix(token, USER_TOKEN_PREFIX);
        await tx.query('INSERT INTO user_tokens (token_hash, user_id, token_prefix, created_at) VALUES ($1, $2, $3, $4)', [
          hashToken(token),
          row.id,
          prefix,
          at,
        ]);
        await writeAudit(tx, { ...by, action: 'user.token', target: username, details: { token_prefix: prefix } }, at);
        return { user: toUser(row), token };
      }),
    revokeTokens: (username, by = { actor: SYSTEM_ACTOR }) =>
      db.transaction(async (tx) => {
        const row = await locked(tx, username);
        const at = now();
        const r = await tx.query('UPDATE user_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL', [row.id, at]);
        await writeAudit(tx, { ...by, action: 'user.token_revoke', target: username, details: { tokens_revoked: r.rowCount } }, at);
        return r.rowCount;
      }),
    byTokenHash: async (tokenHash) => {
      const { rows } = await db.query<UserRow>(
        `SELECT ${COLUMNS} FROM user_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL`,
        [tokenHash],
      );
      return rows[0] && toUser(rows[0]);
    },
  };
}

function toUser(r: UserRow): User {
  const jurisdiction: Jurisdiction =
    r.jurisdiction_level === 'province'
      ? { level: 'province', province: r.province_code! }
      : r.jurisdiction_level === 'communes'
        ? { level: 'communes', communes: r.communes ?? [] }
        : { level: 'national' };
  return {
    id: r.id,
    username: r.username,
    role: r.role,
    jurisdiction,
    email: r.email,
    phone: r.phone,
    lang: r.lang,
    hasPassword: r.password_hash !== null,
    oidc: r.oidc_issuer && r.oidc_subject ? { issuer: r.oidc_issuer, subject: r.oidc_subject } : null,
    createdAt: r.created_at.toISOString(),
    disabledAt: r.disabled_at ? r.disabled_at.toISOString() : null,
  };
}
