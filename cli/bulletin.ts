import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { toUnitView } from './unit-views.ts';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readConfig, type Config } from './config.ts';
import { MIGRATIONS_DIR } from './pipeline.ts';
import { openMigratedOperationalStore } from './operational-store.ts';
import { UsageError } from './usage.ts';
import { systemClock } from '../platform/clock.ts';
import { createStore, type ClickHouseClient } from '../platform/clickhouse.ts';
import { createLogger } from '../platform/logger.ts';
import { migrate, readMigrations } from '../platform/migrations.ts';
import type { OperationalStore } from '../platform/operational-store.ts';
import { DirectoryHeldError } from '../platform/pg/directory-lock.ts';
import { vnDayNumber } from '../schemas/data-quality.ts';
import { transition } from '../alerts/lifecycle.ts';
import { createAlertLifecycleStore } from '../storage/alert-lifecycle.ts';
import { createBulletinReads } from '../storage/bulletin-reads.ts';
import { createHospitalStore } from '../storage/hospitals.ts';
import { createTrendStore } from '../storage/trends.ts';
import { BULLETIN_LANGS, type BulletinLang } from '../dashboards/bulletin/bulletin-data.ts';
import { bulletinFileName, makeBulletin, type BulletinFormat } from '../dashboards/bulletin/bulletin-service.ts';
import { lastCompleteWeek, parseIsoWeek, type IsoWeek } from '../dashboards/bulletin/iso-week.ts';
import { createPdfRenderer } from '../dashboards/bulletin/render-pdf.ts';

const HELP = `ews bulletin — the weekly bulletin of a province, as PDF and HTML / bản tin giám sát hằng tuần (PDF và HTML)

Top syndromes against expected, alerts opened and closed in the week with their outcomes, the
map of alerts by commune, and data completeness per hospital; in Vietnamese (default) or English.
Các hội chứng so với kỳ vọng, cảnh báo mở/đóng trong tuần, bản đồ, tính đầy đủ số liệu theo bệnh viện.

Usage / Cách dùng: ews bulletin --province CODE [--week YYYY-Www] [--lang vi|en] [--out DIR] [--data-dir DIR | --url URL]

  --province CODE   2-digit province code, e.g. 24 (Bắc Ninh), 33 (Hưng Yên) / mã tỉnh
  --week YYYY-Www   ISO week, e.g. 2026-W47 (default: the last complete week) / tuần ISO
  --lang vi|en      language of the bulletin (default vi) / ngôn ngữ
  --out DIR         where bulletin-<province>-<week>.html and .pdf are written (default .) / thư mục ghi tệp
Where / Ở đâu:
  (default)         a STOPPED data directory (the embedded stores open in one process only)
  --data-dir DIR    data directory (default: EWS_DATA_DIR, ./data)
  --url URL         a running service (or EWS_URL): GET /v1/bulletin with a user's API token,
  --token TOKEN     --token or EWS_TOKEN (ews users token USERNAME) / dịch vụ đang chạy, với mã API
PDF needs Chromium (CHROMIUM_PATH, default /usr/bin/chromium) / PDF cần Chromium.
  -h, --help        this text`;

interface Wanted {
  province: string;
  week: IsoWeek | undefined;
  lang: BulletinLang;
  out: string;
}

/** What this command writes, in order. */
const FORMATS: readonly BulletinFormat[] = ['html', 'pdf'];

export async function runBulletin(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      province: { type: 'string' },
      week: { type: 'string' },
      lang: { type: 'string', default: 'vi' },
      out: { type: 'string', default: '.' },
      'data-dir': { type: 'string' },
      url: { type: 'string' },
      token: { type: 'string' },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}' (see 'ews bulletin --help')`);
  if (values.province === undefined) throw new UsageError('--province is required: a 2-digit province code such as 24 / cần --province');
  if (!/^\d{2}$/.test(values.province))
    throw new UsageError(`--province '${values.province}': must be a 2-digit province code such as 24 / phải là mã tỉnh 2 chữ số`);
  const week = values.week === undefined ? undefined : parseIsoWeek(values.week);
  if (values.week !== undefined && !week)
    throw new UsageError(`--week '${values.week}': must be an ISO week YYYY-Www such as 2026-W47 / phải là tuần ISO dạng YYYY-Www`);
  if (!BULLETIN_LANGS.includes(values.lang as BulletinLang))
    throw new UsageError(`--lang '${values.lang}': must be vi or en / phải là vi hoặc en`);
  // The client side of this command (which service, whose token): not settings of the service.
  const url = values.url ?? process.env['EWS_URL'];
  if (url !== undefined && values['data-dir'] !== undefined) throw new UsageError('give --url (EWS_URL) or --data-dir, not both');
  const wanted: Wanted = { province: values.province, week, lang: values.lang as BulletinLang, out: resolve(values.out) };
  const config = readConfig(process.env);
  if (url !== undefined) {
    const token = values.token ?? process.env['EWS_TOKEN'];
    if (!token) throw new UsageError('--url needs a user API token: --token or EWS_TOKEN (ews users token USERNAME) / cần mã API');
    return fromService(url, token, wanted);
  }
  return fromDataDir(config, values['data-dir'] ?? config.EWS_DATA_DIR, wanted);
}

const progress = (line: string) => process.stderr.write(`${line}\n`);

function write(out: string, province: string, week: string, format: BulletinFormat, body: string | Buffer): string {
  mkdirSync(out, { recursive: true });
  const path = join(out, bulletinFileName(province, week, format));
  writeFileSync(path, body);
  return path;
}

async function fromService(base: string, token: string, w: Wanted): Promise<number> {
  let label = w.week?.label;
  const paths: string[] = [];
  for (const format of FORMATS) {
    const q = new URLSearchParams({ province: w.province, format, lang: w.lang });
    if (label) q.set('week', label);
    progress(
      `asking ${base} for the ${format.toUpperCase()} bulletin of province ${w.province}${label ? `, ${label}` : ''} / đang lấy bản tin…`,
    );
    const res = await fetch(new URL(`/v1/bulletin?${q.toString()}`, base), { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) {
      const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
      process.stderr.write(`ews bulletin: ${res.status} from ${base}: ${body.error?.message ?? res.statusText}\n`);
      return 1;
    }
    // Without --week the service picked the last complete week: its file name says which.
    label ??= /bulletin-\d{2}-(\d{4}-W\d{2})\./.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'week';
    paths.push(write(w.out, w.province, label, format, Buffer.from(await res.arrayBuffer())));
  }
  for (const p of paths) process.stdout.write(`${p}\n`);
  return 0;
}

async function fromDataDir(config: Readonly<Config>, dataDir: string, w: Wanted): Promise<number> {
  if (!config.units.some((u) => u.provinceCode === w.province))
    throw new UsageError(`--province '${w.province}': no such province in the unit registry / không có tỉnh này`);
  const chDir = join(dataDir, 'clickhouse');
  if (!config.CLICKHOUSE_URL && !existsSync(chDir))
    throw new UsageError(`no store in ${chDir} / không có dữ liệu ở đây: is --data-dir (EWS_DATA_DIR) right?`);
  const log = createLogger({ level: 'warn' });
  let operational: OperationalStore;
  try {
    operational = await openMigratedOperationalStore({ DATABASE_URL: config.DATABASE_URL, EWS_DATA_DIR: dataDir }, log);
  } catch (err) {
    if (err instanceof DirectoryHeldError) return held(dataDir, err.message);
    throw err;
  }
  let store: ClickHouseClient | undefined;
  try {
    try {
      store = config.CLICKHOUSE_URL
        ? await createStore({
            url: config.CLICKHOUSE_URL,
            username: config.CLICKHOUSE_USER,
            password: config.CLICKHOUSE_PASSWORD,
            database: config.CLICKHOUSE_DATABASE,
            dataDir: '',
          })
        : await createStore({ database: config.CLICKHOUSE_DATABASE, dataDir: chDir });
    } catch (err) {
      if (isLockHeld(err)) return held(dataDir, `the store ${chDir} is held by another process`);
      throw err;
    }
    await migrate(store, readMigrations(MIGRATIONS_DIR), log.child({ module: 'migrations' }));
    const provinceOfCommune = new Map(config.units.map((u) => [u.code, u.provinceCode]));
    const week = w.week ?? lastCompleteWeek(vnDayNumber(Date.now()));
    progress(
      `gathering the bulletin of province ${w.province}, ${week.label} (${week.from} – ${week.to}) from ${dataDir} / đang tổng hợp…`,
    );
    const sources = {
      trends: createTrendStore(store),
      reads: createBulletinReads({ db: operational, store }),
      alerts: createAlertLifecycleStore({
        db: operational,
        clock: systemClock,
        decide: transition,
        provinceOf: (c) => provinceOfCommune.get(c),
      }),
      hospitals: () => createHospitalStore(operational, systemClock).list(),
      units: config.units.map(toUnitView),
      clock: systemClock,
    };
    const renderer = createPdfRenderer({ executablePath: config.CHROMIUM_PATH });
    const made = await makeBulletin(sources, undefined, { province: w.province, week, lang: w.lang }, ['html']);
    const html = write(w.out, w.province, week.label, 'html', made.html);
    progress(`rendering the PDF with Chromium (${config.CHROMIUM_PATH}) / đang tạo PDF…`);
    const pdf = write(w.out, w.province, week.label, 'pdf', await renderer.render(made.html));
    process.stdout.write(`${html}\n${pdf}\n`);
    return 0;
  } finally {
    await store?.close();
    await operational.close();
  }
}

function held(dataDir: string, why: string): number {
  process.stderr.write(
    `ews bulletin: ${why}. The service is running on ${dataDir}: the embedded stores open in one process only. ` +
      `Ask the service instead: ews bulletin --url http://host:port --token TOKEN (or GET /v1/bulletin) / ` +
      `dịch vụ đang chạy trên thư mục dữ liệu này: dùng --url và --token để lấy bản tin từ dịch vụ.\n`,
  );
  return 1;
}

/** chDB refuses a data directory another process holds (its `status` file is locked). */
function isLockHeld(err: unknown): boolean {
  const e = err as { code?: string; message?: string; name?: string };
  return e?.name === 'ChdbConnectionError' || /Cannot lock file|already running|Failed to create connection/.test(String(e?.message));
}
