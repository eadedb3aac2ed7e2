import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readConfig } from './config.ts';
import { createStore, type ClickHouseClient } from '../platform/clickhouse.ts';
import { parseInstant, replayLines } from '../dashboards/dead-letter-routes.ts';
import { DEAD_LETTER_PAGE, readDeadLetters, type DeadLetterPage, type DeadLetterRead } from '../storage/dead-letter-reads.ts';

const HELP = `ews dead-letters — what the pipeline refused / dữ liệu bị từ chối (dead letters)

Reads the dead_letters table of a STOPPED data directory (the embedded engine lets one
process open it), or of the running service with --url. Oldest first.

Usage / Cách dùng: ews dead-letters [--data-dir DIR | --url http://host:port] [filters] [--limit N] [--raw | --json]

Filters / Lọc:
  --source S        where it came from: http:/v1/events, or <topic>/<partition>/<offset>
  --code C          reason code: VALIDATION_FAILED, BODY_UNPARSEABLE, UNSUPPORTED_MEDIA_TYPE, …
  --hospital H      hospital_id of the refused events
  --since ISO       received at or after (RFC 3339, e.g. 2026-11-20T00:00:00+07:00)
  --until ISO       received before
Output / Kết quả:
  (default)         a table: time, source, code, hospital, reason
  --raw             only the payloads, one per line, to replay:
                      ews dead-letters --hospital BV-A --raw > again.ndjson
                      curl -H 'content-type: application/x-ndjson' --data-binary @again.ndjson http://host:port/v1/events
                      (or: ews produce again.ndjson). Cut or non-UTF-8 payloads are left out (counted on stderr).
  --json            one JSON object per dead letter (raw as text, or base64 when not UTF-8)
Other / Khác:
  --data-dir DIR    data directory (default: EWS_DATA_DIR, ./data)
  --url URL         read GET /v1/dead-letters of a running service instead (with EWS_ADMIN_TOKEN)
  --limit N         at most N dead letters (default 100)
  -h, --help        this text`;

export interface DeadLetterFilters {
  source?: string | undefined;
  reason_code?: string | undefined;
  hospital_id?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
}

/** One page of dead letters, from a store or from a service's API. */
type PageSource = (filters: DeadLetterFilters, limit: number, after: string | undefined) => Promise<DeadLetterPage>;

export async function runDeadLetters(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        help: { type: 'boolean', short: 'h' },
        'data-dir': { type: 'string' },
        url: { type: 'string' },
        source: { type: 'string' },
        code: { type: 'string' },
        hospital: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        limit: { type: 'string', default: String(DEAD_LETTER_PAGE.default) },
        raw: { type: 'boolean' },
        json: { type: 'boolean' },
      },
    }));
  } catch (err) {
    return usage((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) return usage('--limit must be a positive integer');
  if (values.raw && values.json) return usage('give --raw or --json, not both');
  if (values.url && values['data-dir']) return usage('give --url or --data-dir, not both');
  let filters: DeadLetterFilters;
  try {
    filters = {
      source: values.source,
      reason_code: values.code,
      hospital_id: values.hospital,
      from: parseInstant(values.since, '--since'),
      to: parseInstant(values.until, '--until'),
    };
  } catch (err) {
    return usage((err as Error).message);
  }

  const config = readConfig(process.env);
  if (values.url) return print(apiPages(values.url, config.EWS_ADMIN_TOKEN), filters, limit, values);
  if (config.CLICKHOUSE_URL) return withStore(createStore({ ...serverOptions(config), dataDir: '' }), filters, limit, values);
  const dataDir = join(values['data-dir'] ?? config.EWS_DATA_DIR, 'clickhouse');
  if (!existsSync(dataDir)) return fail(`no store in ${dataDir} / không có dữ liệu ở đây: is --data-dir (EWS_DATA_DIR) right?`);
  return withStore(createStore({ database: config.CLICKHOUSE_DATABASE, dataDir }), filters, limit, values, dataDir);
}

const serverOptions = (config: ReturnType<typeof readConfig>) => ({
  url: config.CLICKHOUSE_URL,
  username: config.CLICKHOUSE_USER,
  password: config.CLICKHOUSE_PASSWORD,
  database: config.CLICKHOUSE_DATABASE,
});

async function withStore(
  opening: Promise<ClickHouseClient>,
  filters: DeadLetterFilters,
  limit: number,
  out: Output,
  dataDir?: string,
): Promise<number> {
  let store: ClickHouseClient;
  try {
    store = await opening;
  } catch (err) {
    if (dataDir && isLockHeld(err)) {
      return fail(
        `the service is running on ${dataDir} / dịch vụ đang chạy trên thư mục dữ liệu này: the embedded store opens in one ` +
          `process only. Ask the service instead: GET /v1/dead-letters, or ews dead-letters --url http://host:port ` +
          `(hỏi dịch vụ qua GET /v1/dead-letters hoặc --url).`,
      );
    }
    throw err;
  }
  try {
    return await print((f, n, after) => readDeadLetters(store, { ...f, limit: n, after }), filters, limit, out);
  } finally {
    await store.close();
  }
}

/** chDB refuses a data directory another process holds (its `status` file is locked). */
function isLockHeld(err: unknown): boolean {
  const e = err as { code?: string; message?: string; name?: string };
  return e?.name === 'ChdbConnectionError' || /Cannot lock file|already running|Failed to create connection/.test(String(e?.message));
}

/** Pages of a running service's GET /v1/dead-letters, as the admin of EWS_ADMIN_TOKEN when set (else 401). */
function apiPages(base: string, token: string | undefined): PageSource {
  return async (f, n, after) => {
    const q = new URLSearchParams({ limit: String(n) });
    if (f.source) q.set('source', f.source);
    if (f.reason_code) q.set('reason_code', f.reason_code);
    if (f.hospital_id) q.set('hospital_id', f.hospital_id);
    if (f.from !== undefined) q.set('from', new Date(f.from).toISOString());
    if (f.to !== undefined) q.set('to', new Date(f.to).toISOString());
    if (after) q.set('cursor', after);
    const res = await fetch(new URL(`/v1/dead-letters?${q.toString()}`, base), {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    const body = (await res.json()) as DeadLetterPage & { error?: { message: string } };
    if (!res.ok) throw new Error(`${res.status} from ${base}: ${body.error?.message ?? ''}`);
    return body;
  };
}

interface Output {
  raw?: boolean | undefined;
  json?: boolean | undefined;
}

/** Pages through the dead letters up to `limit`, printing each page as it comes. */
async function print(pages: PageSource, filters: DeadLetterFilters, limit: number, out: Output): Promise<number> {
  let after: string | undefined;
  let printed = 0;
  let skipped = 0;
  if (!out.raw && !out.json) process.stdout.write(`${tableRow(['received_at', 'source', 'code', 'hospital', 'reason'])}\n`);
  do {
    const page = await pages(filters, Math.min(DEAD_LETTER_PAGE.max, limit - printed), after);
    for (const r of page.rows) {
      if (out.raw) {
        const lines = replayLines(r);
        if (lines.length === 0) skipped++;
        for (const l of lines) process.stdout.write(`${l}\n`);
      } else if (out.json) process.stdout.write(`${JSON.stringify(r)}\n`);
      else process.stdout.write(`${humanRow(r)}\n`);
    }
    printed += page.rows.length;
    after = page.next ?? undefined;
  } while (after && printed < limit);
  if (skipped > 0) process.stderr.write(`${skipped} payload(s) cut at 64 KiB or not UTF-8 left out / bỏ qua ${skipped}\n`);
  if (!out.raw && !out.json) process.stderr.write(`${printed} dead letter(s)${after ? `; more with --limit > ${limit}` : ''}\n`);
  return 0;
}

const WIDTHS = [24, 22, 24, 14, 0];

function tableRow(cells: string[]): string {
  return cells.map((c, i) => (WIDTHS[i] ? fit(c, WIDTHS[i]).padEnd(WIDTHS[i]) : fit(c, 100))).join(' ');
}

function humanRow(r: DeadLetterRead): string {
  return tableRow([r.received_at, r.source, r.reason_code, r.hospital_id || '-', r.reason]);
}

/** One line, at most `n` characters (control characters shown as spaces). */
function fit(s: string, n: number): string {
  // eslint-disable-next-line no-control-regex -- a refused payload's reason may hold any character
  const flat = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  return flat.length <= n ? flat : `${flat.slice(0, n - 1)}…`;
}

/** A usage error: one line on stderr, exit code 2. */
function usage(message: string): number {
  process.stderr.write(`ews dead-letters: ${message} (ews dead-letters --help)\n`);
  return 2;
}

function fail(message: string): number {
  process.stderr.write(`ews dead-letters: ${message}\n`);
  return 1;
}
