import { parseArgs } from 'node:util';
import { readConfig, type Config } from './config.ts';
import { openStoppedStore } from './operational-store.ts';
import { systemClock } from '../platform/clock.ts';
import { isAppError } from '../platform/errors.ts';
import { newHospitalSchema } from '../schemas/hospitals.ts';
import { createHospitalStore, type HospitalStore } from '../storage/hospitals.ts';
import { CLI_ACTOR } from '../storage/audit.ts';
import { wire } from '../dashboards/admin-routes.ts';
import { UsageError } from './usage.ts';
import { adminApiCaller } from './admin-api.ts';

const HELP = `ews hospitals — hospitals that send events, and their API keys / bệnh viện gửi dữ liệu và khóa API

Usage / Cách dùng: ews hospitals add|list|rotate|revoke … [--data-dir DIR | --url http://host:port]

  ews hospitals add ID --name "…" [--province CODE]
      register a hospital; prints its API key on stdout, ONCE (only its hash is stored)
      đăng ký bệnh viện; in khóa API một lần duy nhất
  ews hospitals list [--json]
      the hospitals, the visible start of each current key, revoked ones / danh sách
  ews hospitals rotate ID
      a new key (printed once); the old one keeps working for EWS_HOSPITAL_KEY_GRACE_SECONDS (24 h)
      cấp khóa mới; khóa cũ còn dùng được trong thời gian ân hạn
  ews hospitals revoke ID
      refuse every key of the hospital from now on / thu hồi mọi khóa của bệnh viện

Where / Ở đâu:
  (default)         the operational store of a STOPPED data directory (PGlite in EWS_DATA_DIR/pg;
                    one process opens it), or the PostgreSQL server of DATABASE_URL
  --data-dir DIR    data directory (default: EWS_DATA_DIR, ./data)
  --url URL         a running service's admin API (/v1/admin/hospitals), with EWS_ADMIN_TOKEN
  -h, --help        this text (also: ews hospitals add --help)`;

const ACTIONS = ['add', 'list', 'rotate', 'revoke'] as const;
type Action = (typeof ACTIONS)[number];

/** What a hospitals command does, against the store directly or a service's admin API. */
interface Target {
  add(body: { id: string; name: string; province_code?: string | undefined }): Promise<Issued>;
  list(): Promise<Wire[]>;
  rotate(id: string): Promise<Issued>;
  revoke(id: string): Promise<{ hospital: Wire }>;
  close(): Promise<void>;
}
type Wire = ReturnType<typeof wire>;
interface Issued {
  hospital: Wire;
  key: string;
}

export async function runHospitals(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      'data-dir': { type: 'string' },
      url: { type: 'string' },
      name: { type: 'string' },
      province: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const [action, id, ...extra] = positionals;
  if (!ACTIONS.includes(action as Action)) throw new UsageError(`give one of ${ACTIONS.join(', ')} (see 'ews hospitals --help')`);
  if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);
  if (action !== 'list' && !id) throw new UsageError(`ews hospitals ${action} needs the hospital ID`);
  if (values.url && values['data-dir']) throw new UsageError('give --url or --data-dir, not both');
  let body: { id: string; name: string; province_code?: string | undefined } | undefined;
  if (action === 'add') {
    const parsed = newHospitalSchema.safeParse({ id, name: values.name, province_code: values.province });
    if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${optionOf(i.path[0])} ${i.message}`).join('; '));
    body = parsed.data;
  }

  const config = readConfig(process.env);
  const target = values.url ? apiTarget(values.url, config) : await storeTarget(config, values['data-dir']);
  if (typeof target === 'number') return target;
  try {
    switch (action as Action) {
      case 'add':
        return printIssued(await target.add(body!), 'registered / đã đăng ký');
      case 'rotate':
        return printIssued(await target.rotate(id!), 'has a new key / đã cấp khóa mới');
      case 'revoke': {
        const { hospital } = await target.revoke(id!);
        process.stderr.write(`hospital ${hospital.id} revoked at ${hospital.revoked_at} / đã thu hồi: its keys are refused\n`);
        return 0;
      }
      case 'list':
        printList(await target.list(), values.json ?? false);
        return 0;
    }
  } catch (err) {
    // An unknown or revoked hospital, an id registered twice: one line, not a stack trace.
    if (!isAppError(err) || (err.code !== 'NOT_FOUND' && err.code !== 'CONFLICT')) throw err;
    process.stderr.write(`ews hospitals: ${err.message}\n`);
    return 1;
  } finally {
    await target.close();
  }
}

const optionOf = (field: PropertyKey | undefined) => (field === 'name' ? '--name' : field === 'province_code' ? '--province' : 'ID');

function printIssued(issued: Issued, what: string): number {
  process.stderr.write(
    `hospital ${issued.hospital.id} ${what}. Its API key follows, shown this once (only its hash is kept) / khóa API chỉ hiển thị một lần:\n`,
  );
  process.stdout.write(`${issued.key}\n`);
  return 0;
}

function printList(hospitals: Wire[], json: boolean): void {
  if (json) {
    for (const h of hospitals) process.stdout.write(`${JSON.stringify(h)}\n`);
    return;
  }
  const rows = [
    ['id', 'name', 'province', 'key', 'revoked_at'],
    ...hospitals.map((h) => [h.id, h.name, h.province_code ?? '', h.key_prefix ? `${h.key_prefix}…` : '', h.revoked_at ?? '']),
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
  const store = await openStoppedStore('hospitals', config, dataDir, 'POST/GET /v1/admin/hospitals');
  if (!store) return 1;
  const hospitals: HospitalStore = createHospitalStore(store, systemClock);
  const issued = (i: Awaited<ReturnType<HospitalStore['add']>>): Issued => ({ hospital: wire(i.hospital), key: i.key });
  // Audited as the CLI: file-system access to the data directory stands for the operator.
  const by = { actor: CLI_ACTOR };
  return {
    add: async (b) => issued(await hospitals.add({ id: b.id, name: b.name, provinceCode: b.province_code }, by)),
    list: async () => (await hospitals.list()).map(wire),
    rotate: async (id) => issued(await hospitals.rotate(id, by)),
    revoke: async (id) => ({ hospital: wire(await hospitals.revoke(id, by)) }),
    close: () => store.close(),
  };
}

function apiTarget(base: string, config: Readonly<Config>): Target {
  const call = adminApiCaller(base, config);
  const at = (id: string, what: string) => `/v1/admin/hospitals/${encodeURIComponent(id)}/${what}`;
  return {
    add: (b) => call('POST', '/v1/admin/hospitals', b),
    list: async () => (await call<{ hospitals: Wire[] }>('GET', '/v1/admin/hospitals')).hospitals,
    rotate: (id) => call('POST', at(id, 'rotate')),
    revoke: (id) => call('POST', at(id, 'revoke')),
    close: () => Promise.resolve(),
  };
}
