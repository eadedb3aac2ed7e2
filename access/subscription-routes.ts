/**
 * Subscriptions on the wire (issue 10): `GET/PUT /v1/me/subscription` for the signed-in user,
 * `GET/PUT /v1/admin/users/:username/subscription` for an administrator (`admin:users`).
 * A PUT changes the fields it names and keeps the others (the stored subscription's, or the
 * default's); `ews users subscribe` takes the same body. Every change is audited.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../platform/errors.ts';
import { SYNDROME_IDS } from '../schemas/code-tables/syndromes.ts';
import type { AuditContext } from '../storage/audit.ts';
import { SUBSCRIPTION_CHANNELS, type StoredSubscription, type SubscriptionInput } from '../storage/subscriptions.ts';
import type { User, UserStore } from '../storage/users.ts';
import type { Authenticator } from './authenticate.ts';

export interface SubscriptionRouteDeps {
  authenticator: Authenticator;
  users: UserStore;
}

/** A change of subscription as PUT takes it: every field optional, unknown fields refused. */
export const subscriptionChangeSchema = z
  .strictObject({
    // "all" is stored as the empty list: both mean every syndrome.
    syndromes: z.preprocess(
      (v) => (v === 'all' ? [] : v),
      z
        .array(z.enum(SYNDROME_IDS as [string, ...string[]], { message: `must be one of ${SYNDROME_IDS.join(', ')}` }), {
          message: 'must be "all" or a list of syndromes / "all" hoặc danh sách hội chứng',
        })
        .max(100),
    ),
    min_level: z.enum(['yellow', 'red'], { message: 'must be "yellow" or "red" / phải là "yellow" hoặc "red"' }),
    channels: z
      .array(z.enum(SUBSCRIPTION_CHANNELS, { message: `must be one of ${SUBSCRIPTION_CHANNELS.join(', ')}` }))
      .max(3)
      .refine((c) => new Set(c).size === c.length, 'must not repeat a channel / không lặp kênh'),
    webhook_url: z.union([
      z.url({ protocol: /^https?$/, message: 'must be an http(s) URL / phải là địa chỉ http(s)' }).max(2000),
      z.null(),
    ]),
    head: z.boolean({ message: 'must be true or false' }),
    active: z.boolean({ message: 'must be true or false' }),
  })
  .partial();

export type SubscriptionChange = z.input<typeof subscriptionChangeSchema>;

interface Issue {
  field: string;
  message: string;
}

const invalid = (issues: Issue[]) =>
  new AppError(
    'VALIDATION_FAILED',
    `invalid subscription / đăng ký không hợp lệ: ${issues.map((i) => `${i.field || '(body)'} ${i.message}`).join('; ')}`,
    { details: issues },
  );

/** What a user without a stored subscription gets: officers every syndrome from yellow on their e-mail and phone; others nothing. */
export function defaultSubscription(user: User): SubscriptionInput {
  return {
    syndromes: [],
    minLevel: 'yellow',
    channels: [...(user.email !== null ? (['email'] as const) : []), ...(user.phone !== null ? (['sms'] as const) : [])],
    webhookUrl: null,
    head: false,
    active: user.role === 'officer',
  };
}

/**
 * The subscription after a change (pure): `body` checked, its fields over `current`, then
 * checked against the user (a channel needs its address; a head is not a commune officer).
 * Throws VALIDATION_FAILED naming every bad field, FORBIDDEN when `head` changes without `mayNameHead`.
 */
export function applySubscriptionChange(
  user: User,
  current: SubscriptionInput,
  body: unknown,
  options: { mayNameHead: boolean },
): SubscriptionInput {
  const parsed = subscriptionChangeSchema.safeParse(body ?? {});
  if (!parsed.success) throw invalid(parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })));
  const c = parsed.data;
  if (c.head !== undefined && c.head !== current.head && !options.mayNameHead)
    throw new AppError(
      'FORBIDDEN',
      'head: only an administrator names a province head (PUT /v1/admin/users/:username/subscription) / chỉ quản trị viên chỉ định lãnh đạo tỉnh',
      { details: [{ field: 'head', message: 'is set by an administrator' }] },
    );
  const next: SubscriptionInput = {
    syndromes: c.syndromes === undefined ? current.syndromes : [...new Set(c.syndromes)],
    minLevel: c.min_level ?? current.minLevel,
    channels: c.channels ?? current.channels,
    webhookUrl: c.webhook_url === undefined ? current.webhookUrl : c.webhook_url,
    head: c.head ?? current.head,
    active: c.active ?? current.active,
  };
  const issues: Issue[] = [];
  if (next.active && next.channels.length === 0)
    issues.push({ field: 'channels', message: 'must name at least one of email, sms, webhook / cần ít nhất một kênh' });
  if (next.channels.includes('email') && user.email === null)
    issues.push({
      field: 'channels',
      message: `email needs the user's e-mail address, and ${user.username} has none / người dùng chưa có e-mail`,
    });
  if (next.channels.includes('sms') && user.phone === null)
    issues.push({
      field: 'channels',
      message: `sms needs the user's phone number, and ${user.username} has none / người dùng chưa có số điện thoại`,
    });
  if (next.channels.includes('webhook') && next.webhookUrl === null)
    issues.push({ field: 'webhook_url', message: 'is required for the webhook channel / kênh webhook cần địa chỉ' });
  if (next.head && user.jurisdiction.level === 'communes')
    issues.push({
      field: 'head',
      message: 'a head has a province or national jurisdiction, not communes / lãnh đạo phải thuộc cấp tỉnh hoặc quốc gia',
    });
  if (issues.length) throw invalid(issues);
  return next;
}

/** A subscription on the wire (snake_case); `stored: false` when it is the user's default. */
export function wireSubscription(user: User, stored: StoredSubscription | undefined) {
  const s = stored ?? defaultSubscription(user);
  return {
    username: user.username,
    syndromes: s.syndromes.length === 0 ? ('all' as const) : [...s.syndromes],
    min_level: s.minLevel,
    channels: [...s.channels],
    webhook_url: s.webhookUrl,
    head: s.head,
    active: s.active,
    stored: stored !== undefined,
    updated_at: stored?.updatedAt ?? null,
  };
}
export type WireSubscription = ReturnType<typeof wireSubscription>;

const notAUser = () =>
  new AppError(
    'NOT_FOUND',
    'the admin token is not a user: use /v1/admin/users/:username/subscription / mã quản trị không phải người dùng',
  );

export function registerSubscriptionRoutes(app: FastifyInstance, deps: SubscriptionRouteDeps): void {
  const { users, authenticator } = deps;
  const by = async (req: FastifyRequest): Promise<AuditContext> => ({
    actor: await authenticator.authenticate(req),
    clientAddress: req.ip,
  });
  const userNamed = async (username: string): Promise<User> => {
    const user = await users.get(username);
    if (!user) throw new AppError('NOT_FOUND', `no user ${username} / không có người dùng ${username}`, { details: { username } });
    return user;
  };
  const me = async (req: FastifyRequest): Promise<User> => {
    const p = await authenticator.authenticate(req);
    const user = p.userId === null ? undefined : await users.getById(p.userId);
    if (!user) throw notAUser();
    return user;
  };
  const read = async (user: User) => ({ subscription: wireSubscription(user, await users.subscription(user.username)) });
  const write = async (req: FastifyRequest, user: User, mayNameHead: boolean) => {
    const stored = await users.subscription(user.username);
    const next = applySubscriptionChange(user, stored ?? defaultSubscription(user), req.body, { mayNameHead });
    return { subscription: wireSubscription(user, await users.setSubscription(user.username, next, await by(req))) };
  };

  app.get('/v1/me/subscription', async (req) => read(await me(req)));
  app.put('/v1/me/subscription', async (req) => write(req, await me(req), false));

  void app.register((admin, _options, registered) => {
    admin.addHook('onRequest', authenticator.requirePermission('admin:users'));
    admin.get<{ Params: { username: string } }>('/v1/admin/users/:username/subscription', async (req) =>
      read(await userNamed(req.params.username)),
    );
    admin.put<{ Params: { username: string } }>('/v1/admin/users/:username/subscription', async (req) =>
      write(req, await userNamed(req.params.username), true),
    );
    registered();
  });
}
