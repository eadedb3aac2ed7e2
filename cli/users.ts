import { parseArgs } from 'node:util';
import { readConfig, type Config } from './config.ts';
import { openStoppedStore } from './operational-store.ts';
import { systemClock } from '../platform/clock.ts';
import { isAppError } from '../platform/errors.ts';
import { createUnitRegistry } from '../schemas/units/registry.ts';
import { CLI_ACTOR } from '../storage/audit.ts';
import { createUserStore } from '../storage/users.ts';
import { prepareNewUser, wireUser, type WireUser } from '../access/user-routes.ts';
import type { KnownUnits } from '../access/jurisdiction-check.ts';
import { generatePassword, hashPassword, passwordProblem } from '../access/passwords.ts';
import { UsageError } from './usage.ts';
import { adminApiCaller } from './admin-api.ts';
import {
  applySubscriptionChange,
  defaultSubscription,
  subscriptionChangeSchema,
  wireSubscription,
  type WireSubscription,
} from '../access/subscription-routes.ts';
import { userNotFound } from '../storage/subscriptions.ts';

const HELP = `ews users — people who sign in, their roles, jurisdictions and API tokens / người dùng, vai trò, địa bàn và mã API

Usage / Cách dùng: ews users add|list|token|disable|passwd|subscribe … [--data-dir DIR | --url http://host:port]

  ews users add USERNAME --role officer|epidemiologist|data_manager|admin
                [--province CODE | --communes C1,C2] [--email E] [--phone P] [--lang vi|en] [--password-stdin]
      create a user (jurisdiction: national unless --province or --communes); without
      --password-stdin a password is generated and printed on stdout, ONCE
      tạo người dùng; không có --password-stdin thì mật khẩu được tạo và in một lần
  ews users list [--json]
      the users, their roles and jurisdictions, disabled ones / danh sách người dùng
  ews users token USERNAME
      a new API token (ews_ut_…) printed on stdout, ONCE (only its hash is stored) / cấp mã API
  ews users disable USERNAME
      refuse the user from now on: sessions ended, tokens revoked / vô hiệu hóa người dùng
  ews users passwd USERNAME [--password-stdin]
      set a new password (generated and printed once without --password-stdin); ends the
      user's sessions / đặt mật khẩu mới
  ews users subscribe USERNAME [--syndromes dengue,measles_rubella|all] [--min-level yellow|red]
                [--channels email,sms,webhook] [--webhook-url URL] [--off]
      what the user is notified of (stored; takes effect with the next alert, no restart);
      options not given keep their value (the default: an officer hears of every syndrome
      from yellow on their e-mail and phone); --off stops their notifications, without it
      they are on. Prints the subscription / đăng ký nhận cảnh báo: hội chứng, mức tối thiểu, kênh

Where / Ở đâu:
  (default)         the operational store of a STOPPED data directory (PGlite in EWS_DATA_DIR/pg),
                    or the PostgreSQL server of DATABASE_URL
  --data-dir DIR    data directory (default: EWS_DATA_DIR, ./data)
  --url URL         a running service's admin API (/v1/admin/users), with EWS_ADMIN_TOKEN
  -h, --help        this text (also: ews users add --help)`;

const ACTIONS = ['add', 'list', 'token', 'disable', 'passwd', 'subscribe'] as const;
type Action = (typeof ACTIONS)[number];

interface Target {
  add(body: Record<string, unknown>): Promise<{ user: WireUser; password?: string }>;
  list(): Promise<WireUser[]>;
  token(username: string): Promise<{ user: WireUser; token: string }>;
  disable(username: string): Promise<{ user: WireUser }>;
  passwd(username: string, password: string | undefined): Promise<{ user: WireUser; password?: string }>;
  subscribe(username: string, change: Record<string, unknown>): Promise<{ subscription: WireSubscription }>;
  close(): Promise<void>;
}

export async function runUsers(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      'data-dir': { type: 'string' },
      url: { type: 'string' },
      role: { type: 'string' },
      province: { type: 'string' },
      communes: { type: 'string' },
      email: { type: 'string' },
      phone: { type: 'string' },
      lang: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      json: { type: 'boolean' },
      syndromes: { type: 'string' },
      'min-level': { type: 'string' },
      channels: { type: 'string' },
      'webhook-url': { type: 'string' },
      off: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const [action, username, ...extra] = positionals;
  if (!ACTIONS.includes(action as Action)) throw new UsageError(`give one of ${ACTIONS.join(', ')} (see 'ews users --help')`);
  if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);
  if (action !== 'list' && !username) throw new UsageError(`ews users ${action} needs the USERNAME`);
  if (values.province !== undefined && values.communes !== undefined) throw new UsageError('give --province or --communes, not both');
  const config = readConfig(process.env);
  const url = values.url;
  if (values.url && values['data-dir']) throw new UsageError('give --url or --data-dir, not both');

  const password = values['password-stdin'] ? await readPassword() : undefined;
  if (password !== undefined) {
    const problem = passwordProblem(password);
    if (problem) throw new UsageError(`the password on stdin ${problem}`);
  }
  let body: Record<string, unknown> | undefined;
  if (action === 'add') {
    const jurisdiction =
      values.province !== undefined
        ? { level: 'province', province: values.province }
        : values.communes !== undefined
          ? { level: 'communes', communes: values.communes.split(',').map((c) => c.trim()) }
          : { level: 'national' };
    body = { username, role: values.role, jurisdiction, email: values.email, phone: values.phone, lang: values.lang, password };
    // Checked here as the service would (field names as options), before opening anything.
    try {
      await prepareNewUser(body, knownUnits(config));
    } catch (err) {
      if (!isAppError(err)) throw err;
      const issues = (err.details ?? []) as { field: string; message: string }[];
      throw new UsageError(issues.map((i) => `${optionOf(i.field)} ${i.message}`).join('; '));
    }
  }

  const change = action === 'subscribe' ? subscriptionChange(values) : undefined;

  const target = url ? apiTarget(url, config) : await storeTarget(config, values['data-dir']);
  if (typeof target === 'number') return target;
  try {
    switch (action as Action) {
      case 'add': {
        const r = await target.add(body!);
        return printSecret(`user ${r.user.username} added (${r.user.role}) / đã tạo người dùng`, r.password, 'password / mật khẩu');
      }
      case 'list':
        printList(await target.list(), values.json ?? false);
        return 0;
      case 'token': {
        const r = await target.token(username!);
        return printSecret(`user ${r.user.username} has a new API token`, r.token, 'API token / mã API');
      }
      case 'disable': {
        const r = await target.disable(username!);
        process.stderr.write(`user ${r.user.username} disabled at ${r.user.disabled_at} / đã vô hiệu hóa\n`);
        return 0;
      }
      case 'passwd': {
        const r = await target.passwd(username!, password);
        return printSecret(
          `user ${r.user.username} has a new password; their sessions ended / đã đổi mật khẩu`,
          r.password,
          'password / mật khẩu',
        );
      }
      case 'subscribe': {
        const r = await target.subscribe(username!, change!);
        process.stderr.write(`user ${username} subscription stored / đã lưu đăng ký nhận cảnh báo\n`);
        process.stdout.write(`${JSON.stringify(r.subscription)}\n`);
        return 0;
      }
    }
  } catch (err) {
    // Checked against the user (a channel needs its address): a usage error, options named.
    if (isAppError(err) && err.code === 'VALIDATION_FAILED') throw new UsageError(usageOfIssues(err.details));
    if (!isAppError(err) || (err.code !== 'NOT_FOUND' && err.code !== 'CONFLICT')) throw err;
    process.stderr.write(`ews users: ${err.message}\n`);
    return 1;
  } finally {
    await target.close();
  }
}

/** The subscription change of `ews users subscribe`'s options (the API's PUT body), checked as the service checks it. */
function subscriptionChange(values: {
  syndromes?: string | undefined;
  'min-level'?: string | undefined;
  channels?: string | undefined;
  'webhook-url'?: string | undefined;
  off?: boolean | undefined;
}): Record<string, unknown> {
  const list = (v: string) =>
    v
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x !== '');
  const change: Record<string, unknown> = {
    ...(values.syndromes !== undefined ? { syndromes: values.syndromes.trim() === 'all' ? 'all' : list(values.syndromes) } : {}),
    ...(values['min-level'] !== undefined ? { min_level: values['min-level'] } : {}),
    ...(values.channels !== undefined ? { channels: list(values.channels) } : {}),
    ...(values['webhook-url'] !== undefined ? { webhook_url: values['webhook-url'] } : {}),
    active: !(values.off ?? false),
  };
  const parsed = subscriptionChangeSchema.safeParse(change);
  if (!parsed.success)
    throw new UsageError(usageOfIssues(parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }))));
  return change;
}

function usageOfIssues(details: unknown): string {
  const issues = (Array.isArray(details) ? details : []) as { field: string; message: string }[];
  return issues.map((i) => `${optionOf(i.field)} ${i.message}`).join('; ');
}

/** The unit registry of the configuration (EWS_UNITS_CSV or the bundled one), as jurisdiction checks ask it. */
function knownUnits(config: Readonly<Config>): KnownUnits {
  const registry = createUnitRegistry(config.units);
  return { hasCommune: (c) => registry.has(c), hasProvince: (p) => registry.byProvince(p).length > 0 };
}

/** The command-line option a field of the user came from. */
function optionOf(field: string): string {
  if (field === 'username') return 'USERNAME';
  if (field === 'jurisdiction.province') return '--province';
  if (field.startsWith('jurisdiction.communes')) return '--communes';
  if (field === 'password') return '--password-stdin';
  if (field.startsWith('syndromes')) return '--syndromes';
  if (field.startsWith('channels')) return '--channels';
  if (field === 'min_level') return '--min-level';
  if (field === 'webhook_url') return '--webhook-url';
  return field ? `--${field}` : '';
}

async function readPassword(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function printSecret(what: string, secret: string | undefined, name: string): number {
  if (secret === undefined) {
    process.stderr.write(`${what}\n`);
    return 0;
  }
  process.stderr.write(`${what}. The ${name} follows, shown this once (only its hash is kept) / chỉ hiển thị một lần:\n`);
  process.stdout.write(`${secret}\n`);
  return 0;
}

const jurisdictionText = (u: WireUser): string =>
  u.jurisdiction.level === 'national'
    ? 'national'
    : u.jurisdiction.level === 'province'
      ? `province ${u.jurisdiction.province}`
      : `communes ${u.jurisdiction.communes.join(',')}`;

function printList(users: WireUser[], json: boolean): void {
  if (json) {
    for (const u of users) process.stdout.write(`${JSON.stringify(u)}\n`);
    return;
  }
  const rows = [
    ['username', 'role', 'jurisdiction', 'lang', 'disabled_at'],
    ...users.map((u) => [u.username, u.role, jurisdictionText(u), u.lang, u.disabled_at ?? '']),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows)
    process.stdout.write(
      `${r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd()}\n`,
    );
}

async function storeTarget(config: Readonly<Config>, dataDir: string | undefined): Promise<Target | number> {
  const store = await openStoppedStore('users', config, dataDir, '/v1/admin/users');
  if (!store) return 1;
  const users = createUserStore(store, systemClock);
  const units = knownUnits(config);
  const by = { actor: CLI_ACTOR };
  return {
    async add(body) {
      const { input, generated } = await prepareNewUser(body, units);
      const user = await users.add(input, by);
      return { user: wireUser(user), ...(generated ? { password: generated } : {}) };
    },
    list: async () => (await users.list()).map(wireUser),
    async token(username) {
      const r = await users.issueToken(username, by);
      return { user: wireUser(r.user), token: r.token };
    },
    disable: async (username) => ({ user: wireUser(await users.disable(username, by)) }),
    async passwd(username, password) {
      const plain = password ?? generatePassword();
      const user = await users.setPassword(username, await hashPassword(plain), by);
      return { user: wireUser(user), ...(password === undefined ? { password: plain } : {}) };
    },
    async subscribe(username, change) {
      const user = await users.get(username);
      if (!user) throw userNotFound(username);
      const current = (await users.subscription(username)) ?? defaultSubscription(user);
      const next = applySubscriptionChange(user, current, change, { mayNameHead: true });
      return { subscription: wireSubscription(user, await users.setSubscription(username, next, by)) };
    },
    close: () => store.close(),
  };
}

function apiTarget(base: string, config: Readonly<Config>): Target {
  const call = adminApiCaller(base, config);
  const at = (username: string, what: string) => `/v1/admin/users/${encodeURIComponent(username)}/${what}`;
  return {
    add: (b) => call('POST', '/v1/admin/users', b),
    list: async () => (await call<{ users: WireUser[] }>('GET', '/v1/admin/users')).users,
    token: (u) => call('POST', at(u, 'token')),
    disable: (u) => call('POST', at(u, 'disable')),
    passwd: (u, password) => call('POST', at(u, 'password'), password === undefined ? {} : { password }),
    subscribe: (u, change) => call('PUT', at(u, 'subscription'), change),
    close: () => Promise.resolve(),
  };
}
