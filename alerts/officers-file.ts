/**
 * Officers and their subscriptions (issue 10): who hears of which alerts, on which channels,
 * in which language. Two sources, merged by {@link mergeSubscribers}: the officers file
 * (`EWS_OFFICERS_FILE`, YAML or JSON, parsed by {@link parseOfficersFile}) and the users of the
 * operational store (storage/users.ts, turned into subscribers by {@link subscriberFromUser}).
 * Pure: cli/ reads the file and the users; nothing here touches the disk or the store.
 */
import { z } from 'zod';
import { failDataFile, parseDataFile } from './data-file.ts';
import { jurisdictionSchema, ROLES, type Jurisdiction, type Lang, type Role } from '../schemas/access.ts';
import type { AlertLevel } from '../schemas/alert-lifecycle.ts';
import type { SubscriptionChannel, SubscriptionInput } from '../storage/subscriptions.ts';

/** Where a subscriber is reached: an e-mail address, a phone number for SMS, a webhook URL. */
export interface SubscriberChannels {
  readonly email?: string | undefined;
  /** E.164 or national format, as the SMS gateway takes it (e.g. +84912345678). */
  readonly phone?: string | undefined;
  readonly webhook?: string | undefined;
}

/** One person (or system) notified of alerts. */
export interface Subscriber {
  /** Unique; the recipient in the outbox's idempotency key. */
  readonly username: string;
  readonly name: string;
  readonly role: Role;
  readonly jurisdiction: Jurisdiction;
  /** Syndrome families of interest (alerts/series-family.ts), or every one. */
  readonly syndromes: 'all' | readonly string[];
  /** Lowest alert level notified: `yellow` (every alert) or `red` only. */
  readonly minLevel: AlertLevel;
  readonly channels: SubscriberChannels;
  readonly lang: Lang;
  /** A province head: the target of the escalation of unacknowledged red alerts. */
  readonly head: boolean;
}

const text = z.string().trim().min(1, 'must not be empty');
const email = z.email({ message: 'must be an e-mail address such as ho.ten@soytebacninh.gov.vn' });
const phone = z.string().regex(/^\+?[0-9]{8,15}$/, 'must be a phone number of 8–15 digits, optionally with a leading +, e.g. +84912345678');
const webhook = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL such as https://hooks.example.vn/ews' });

const entrySchema = z
  .strictObject({
    username: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._@-]{1,63}$/, 'must be 2–64 characters of a-z, 0-9, . _ @ -, starting with a letter or digit'),
    name: text.max(200),
    role: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }).default('officer'),
    jurisdiction: jurisdictionSchema,
    syndromes: z.union([z.literal('all'), z.array(text).min(1, 'must list at least one syndrome, or be "all"')]).default('all'),
    min_level: z.enum(['yellow', 'red'], { error: 'must be "yellow" or "red"' }).default('yellow'),
    channels: z
      .strictObject({ email: email.optional(), phone: phone.optional(), webhook: webhook.optional() })
      .refine((c) => c.email !== undefined || c.phone !== undefined || c.webhook !== undefined, {
        message: 'must give at least one of email, phone, webhook',
      }),
    lang: z.enum(['vi', 'en'], { error: 'must be "vi" or "en"' }).default('vi'),
    head: z.boolean({ error: 'must be true or false' }).default(false),
  })
  .refine((e) => !e.head || e.jurisdiction.level !== 'communes', {
    path: ['head'],
    message: 'a head is the head of a province (or national): the jurisdiction must be a province or national',
  });

const fileSchema = z.strictObject({ officers: z.array(entrySchema, { error: 'must be a list of officers' }) });

export interface ParseOfficersOptions {
  /** Syndrome families an entry may name; default: any name. */
  readonly knownSyndromes?: readonly string[] | undefined;
}

/** `["officers", 2, "channels", "email"]` → `officers[2].channels.email`. */
const fail = (problems: readonly string[]): never => failDataFile('officers file', problems);

/**
 * Parses and validates an officers file (YAML, or JSON, which is YAML): `{ officers: [...] }`.
 * Throws AppError CONFIG_INVALID naming every bad entry, e.g.
 * `officers file: officers[2].channels.email: must be an e-mail address …`.
 */
export function parseOfficersFile(source: string, options: ParseOfficersOptions = {}): readonly Subscriber[] {
  const data = parseDataFile('officers file', source, fileSchema);
  const problems: string[] = [];
  const seen = new Map<string, number>();
  const known = options.knownSyndromes === undefined ? undefined : new Set(options.knownSyndromes);
  data.officers.forEach((o, i) => {
    const first = seen.get(o.username);
    if (first !== undefined) problems.push(`officers[${i}].username: "${o.username}" is already used by officers[${first}]`);
    else seen.set(o.username, i);
    if (known && o.syndromes !== 'all') {
      o.syndromes.forEach((s, k) => {
        if (!known.has(s)) problems.push(`officers[${i}].syndromes[${k}]: unknown syndrome ${JSON.stringify(s)}`);
      });
    }
  });
  if (problems.length > 0) fail(problems);
  return Object.freeze(
    data.officers.map((o): Subscriber =>
      Object.freeze({
        username: o.username,
        name: o.name,
        role: o.role,
        jurisdiction: o.jurisdiction,
        syndromes: o.syndromes,
        minLevel: o.min_level,
        channels: Object.freeze({ ...o.channels }),
        lang: o.lang,
        head: o.head,
      }),
    ),
  );
}

/** The fields of storage/users.ts's User that make a subscriber. */
export interface StoreUser {
  readonly username: string;
  readonly role: Role;
  readonly jurisdiction: Jurisdiction;
  readonly email: string | null;
  readonly phone: string | null;
  readonly lang: Lang;
  readonly disabledAt: string | null;
}

/** What a user of the store subscribes to, beyond their profile; officers without one get the defaults. */
export interface UserSubscription {
  /** Default every syndrome; an empty list is every syndrome too (as stored). */
  readonly syndromes?: 'all' | readonly string[] | undefined;
  /** Default yellow. */
  readonly minLevel?: AlertLevel | undefined;
  /** The channels to use; default every one the user has an address for. */
  readonly channels?: readonly SubscriptionChannel[] | undefined;
  readonly webhook?: string | null | undefined;
  readonly head?: boolean | undefined;
  /** Default true; false: notified of nothing. */
  readonly active?: boolean | undefined;
}

/** A subscription as storage/subscriptions.ts keeps it, as {@link subscriberFromUser} takes it. */
export function userSubscriptionOf(s: SubscriptionInput): UserSubscription {
  return {
    syndromes: s.syndromes.length === 0 ? 'all' : s.syndromes,
    minLevel: s.minLevel,
    channels: s.channels,
    webhook: s.webhookUrl,
    head: s.head,
    active: s.active,
  };
}

/**
 * A user of the operational store as a subscriber: officers subscribe by default (every
 * syndrome, from yellow, on their e-mail and phone), other roles only with a `subscription`
 * (a stored one, storage/subscriptions.ts), which also narrows an officer's. Undefined for a
 * disabled user, a non-officer without a subscription, an inactive subscription, or no
 * channel with an address (e.g. SMS chosen but no phone).
 */
export function subscriberFromUser(user: StoreUser, subscription?: UserSubscription): Subscriber | undefined {
  if (user.disabledAt !== null) return undefined;
  if (user.role !== 'officer' && subscription === undefined) return undefined;
  if (subscription?.active === false) return undefined;
  const wanted = (c: SubscriptionChannel) => subscription?.channels === undefined || subscription.channels.includes(c);
  const webhook = subscription?.webhook ?? null;
  const channels: SubscriberChannels = {
    ...(user.email !== null && wanted('email') ? { email: user.email } : {}),
    ...(user.phone !== null && wanted('sms') ? { phone: user.phone } : {}),
    ...(webhook !== null && wanted('webhook') ? { webhook } : {}),
  };
  if (channels.email === undefined && channels.phone === undefined && channels.webhook === undefined) return undefined;
  const syndromes = subscription?.syndromes ?? 'all';
  return {
    username: user.username,
    name: user.username,
    role: user.role,
    jurisdiction: user.jurisdiction,
    syndromes: syndromes !== 'all' && syndromes.length === 0 ? 'all' : syndromes,
    minLevel: subscription?.minLevel ?? 'yellow',
    channels,
    lang: user.lang,
    head: (subscription?.head ?? false) && user.jurisdiction.level !== 'communes',
  };
}

/**
 * The subscribers of both sources, one per username, ordered by username. An officers-file
 * entry wins over the store's user of the same name (the file is what an administrator
 * wrote for notification), except that the user's e-mail and phone fill channels the entry
 * leaves out. A username of a disabled user in `disabled` is dropped from both sources.
 */
export function mergeSubscribers(
  fromFile: readonly Subscriber[],
  fromUsers: readonly Subscriber[],
  disabled: ReadonlySet<string> = new Set(),
): Subscriber[] {
  const byName = new Map<string, Subscriber>();
  for (const u of fromUsers) if (!disabled.has(u.username)) byName.set(u.username, u);
  for (const f of fromFile) {
    if (disabled.has(f.username)) continue;
    const u = byName.get(f.username);
    byName.set(
      f.username,
      u === undefined
        ? f
        : {
            ...f,
            channels: {
              ...(u.channels.email !== undefined ? { email: u.channels.email } : {}),
              ...(u.channels.phone !== undefined ? { phone: u.channels.phone } : {}),
              ...stripUndefined(f.channels),
            },
          },
    );
  }
  return [...byName.values()].sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
}

function stripUndefined(c: SubscriberChannels): SubscriberChannels {
  return Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined));
}

/** The demo officers shipped next to this module (both demo provinces, 24 and 33); cli/ reads it. */
export const DEMO_OFFICERS_FILE: URL = new URL('./officers.demo.yaml', import.meta.url);
