import { generatePassword, hashPassword } from '../access/passwords.ts';
import type { Access } from '../access/access.ts';
import { isAppError } from '../platform/errors.ts';
import type { Jurisdiction, Role } from '../schemas/access.ts';
import type { UnitRegistry } from '../schemas/units/registry.ts';

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
}

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
    users.push(
      { username: `${p.prefix}.officer`, role: 'officer', jurisdiction: { level: 'province', province: p.code }, what: `officer, ${name}` },
      {
        username: `${p.prefix}.commune`,
        role: 'officer',
        jurisdiction: { level: 'communes', communes },
        what: `commune officer / cán bộ xã ${communes.join(', ')}`,
      },
      {
        username: `${p.prefix}.head`,
        role: 'officer',
        jurisdiction: { level: 'province', province: p.code },
        what: `head of ${name} / lãnh đạo tỉnh`,
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
      await access.users.add({ username: u.username, role: u.role, jurisdiction: u.jurisdiction, lang: 'vi', passwordHash });
      lines.push(`  ${u.username.padEnd(12)} ${u.role.padEnd(15)} ${u.what}`);
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
