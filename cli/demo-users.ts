import { generatePassword, hashPassword } from '../access/passwords.ts';
import type { Access } from '../access/access.ts';
import { isAppError } from '../platform/errors.ts';
import type { Jurisdiction, Lang, Role } from '../schemas/access.ts';
import type { UnitRegistry } from '../schemas/units/registry.ts';
import type { NewNotification } from '../storage/outbox.ts';
import type { SubscriptionInput } from '../storage/subscriptions.ts';

/** The demo's provinces: Bắc Ninh and Hưng Yên. */
const PROVINCES = [
  { code: '24', prefix: 'bn' },
  { code: '33', prefix: 'hy' },
] as const;

interface DemoUser {
  username: string;
  role: Role;
  jurisdiction: Jurisdiction;
  what: string;
  email?: string;
  phone?: string;
  lang?: Lang;
  /** The officers' stored subscriptions (issue 10): who the demo's alerts are routed to. */
  subscription?: SubscriptionInput;
}

const SUBSCRIPTION: SubscriptionInput = {
  syndromes: [],
  minLevel: 'yellow',
  channels: ['email', 'sms'],
  webhookUrl: null,
  head: false,
  active: true,
};

/** Who the demo signs in as: one of each kind of user the issue names. */
export function demoUsers(units: UnitRegistry): DemoUser[] {
  const users: DemoUser[] = [
    { username: 'admin', role: 'admin', jurisdiction: { level: 'national' }, what: 'admin / quản trị' },
    { username: 'epi', role: 'epidemiologist', jurisdiction: { level: 'national' }, what: 'national epidemiologist / dịch tễ quốc gia' },
    { username: 'data', role: 'data_manager', jurisdiction: { level: 'national' }, what: 'data manager / quản lý dữ liệu' },
  ];
  for (const p of PROVINCES) {
    const communes = units
      .byProvince(p.code)
      .map((u) => u.code)
      .sort()
      .slice(0, 2);
    const name = units.byProvince(p.code)[0]?.provinceName ?? p.code;
    // Addresses of the reserved example domain; Hưng Yên's province officer and Bắc Ninh's head read English.
    const contact = (who: string, n: number, lang: Lang) => ({
      email: `${p.prefix}.${who}@example.vn`,
      phone: `+849120${p.code}${String(n).padStart(3, '0')}`,
      lang,
    });
    users.push(
      {
        username: `${p.prefix}.officer`,
        role: 'officer',
        jurisdiction: { level: 'province', province: p.code },
        what: `officer, ${name}`,
        ...contact('officer', 1, p.prefix === 'hy' ? 'en' : 'vi'),
        subscription: SUBSCRIPTION,
      },
      {
        username: `${p.prefix}.commune`,
        role: 'officer',
        jurisdiction: { level: 'communes', communes },
        what: `commune officer / cán bộ xã ${communes.join(', ')}`,
        ...contact('commune', 2, 'vi'),
        subscription: { ...SUBSCRIPTION, syndromes: ['dengue', 'acute_diarrhoea', 'hfmd', 'measles_rubella'], channels: ['sms'] },
      },
      {
        username: `${p.prefix}.head`,
        role: 'officer',
        jurisdiction: { level: 'province', province: p.code },
        what: `head of ${name} / lãnh đạo tỉnh`,
        ...contact('head', 3, p.prefix === 'bn' ? 'en' : 'vi'),
        subscription: { ...SUBSCRIPTION, minLevel: 'red', channels: ['email'], head: true },
      },
    );
  }
  return users;
}

/**
 * Creates the demo's users (those that exist already, with --keep, are left as they are)
 * with one password: EWS_DEMO_PASSWORD, else a generated one. Prints the usernames and the
 * password on `out` (stderr: the demo's stdout is for its result line only).
 */
export async function createDemoUsers(
  access: Access,
  units: UnitRegistry,
  password: string | undefined,
  out: NodeJS.WritableStream = process.stderr,
): Promise<void> {
  const plain = password ?? generatePassword();
  // One hash for every demo user: hashing is deliberately slow, and they share the password anyway.
  const passwordHash = await hashPassword(plain);
  const lines: string[] = [];
  for (const u of demoUsers(units)) {
    try {
      await access.users.add({
        username: u.username,
        role: u.role,
        jurisdiction: u.jurisdiction,
        email: u.email,
        phone: u.phone,
        lang: u.lang ?? 'vi',
        passwordHash,
      });
      if (u.subscription) await access.users.setSubscription(u.username, u.subscription);
      lines.push(
        `  ${u.username.padEnd(12)} ${u.role.padEnd(15)} ${u.what}${u.subscription ? `\n${' '.repeat(31)}${subscriptionText(u)}` : ''}`,
      );
    } catch (err) {
      if (!isAppError(err) || err.code !== 'CONFLICT') throw err;
      lines.push(`  ${u.username.padEnd(12)} (exists: its password is unchanged / đã có)`);
    }
  }
  out.write(
    `demo users / người dùng thử (sign in on the dashboard, or POST /v1/session):\n${lines.join('\n')}\n` +
      `  password / mật khẩu: ${plain}${password ? ' (EWS_DEMO_PASSWORD)' : ' (generated; set EWS_DEMO_PASSWORD to choose it)'}\n`,
  );
}

/** `dengue, hfmd from yellow → sms (vi)`: a demo user's subscription in one line. */
function subscriptionText(u: DemoUser): string {
  const s = u.subscription!;
  const syndromes = s.syndromes.length === 0 ? 'all syndromes / mọi hội chứng' : s.syndromes.join(', ');
  return `notified of / nhận cảnh báo: ${syndromes} from ${s.minLevel} → ${s.channels.join(', ')} (${u.lang ?? 'vi'})${s.head ? ', escalations / leo thang' : ''}`;
}

/**
 * One line per alert event of a batch: who is notified on which channel, and who would be on
 * a channel this run has not configured (the demo sends no e-mail or SMS without EWS_SMTP_URL,
 * EWS_SMS_GATEWAY_URL: nothing is queued for them, so nothing piles up as retries).
 */
export function routedLines(queued: readonly NewNotification[], unconfigured: readonly NewNotification[]): string[] {
  const byEvent = new Map<string, { sent: Map<string, string[]>; unsent: Map<string, string[]> }>();
  const add = (r: NewNotification, kind: 'sent' | 'unsent') => {
    const key = `${r.event} ${r.alertId}`;
    const e = byEvent.get(key) ?? { sent: new Map<string, string[]>(), unsent: new Map<string, string[]>() };
    byEvent.set(key, e);
    e[kind].set(r.recipient, [...(e[kind].get(r.recipient) ?? []), r.channel]);
  };
  for (const r of queued) add(r, 'sent');
  for (const r of unconfigured) add(r, 'unsent');
  const list = (m: Map<string, string[]>) => [...m].map(([who, channels]) => `${who} (${channels.join(', ')})`).join(', ');
  return [...byEvent].map(
    ([key, e]) =>
      `  → thông báo/notify ${key}: ${e.sent.size ? list(e.sent) : 'nobody queued / không gửi'}` +
      (e.unsent.size ? `; not sent, channel not configured / kênh chưa cấu hình: ${list(e.unsent)}` : ''),
  );
}
