import { readFileSync } from 'node:fs';
import { isAppError } from '../platform/errors.ts';
import { DirectoryHeldError } from '../platform/pg/directory-lock.ts';
import { EXIT_USAGE, UsageError } from './usage.ts';

// One line per command, English / Vietnamese. test/integration/cli/help.test.ts runs
// `ews COMMAND --help` for every `ews …` line here.
const HELP = `ews — syndromic-ews, cảnh báo sớm dịch bệnh theo hội chứng / syndromic early warning

Usage / Cách dùng:
  ews demo [--until-alert] [options]
      pipeline + simulated hospitals of Bắc Ninh and Hưng Yên / toàn hệ thống với bệnh viện mô phỏng
  ews serve [--role all|ingest|processor]
      the pipeline alone, configured by environment variables / chạy hệ thống, cấu hình qua biến môi trường
  ews produce FILE.ndjson
      validate a file of events and publish it to Kafka / kiểm tra tệp sự kiện và gửi lên Kafka
  ews dead-letters [--data-dir DIR | --url URL] [--source S] [--code C] [--hospital H] [--since ISO] [--until ISO] [--raw|--json]
      what was refused, to find and replay it / xem và gửi lại dữ liệu bị từ chối
  ews hospitals add|list|rotate|revoke [ID] [--name N] [--province CODE] [--data-dir DIR | --url URL]
      hospitals and their API keys / bệnh viện và khóa API
  ews users add|list|token|disable|passwd [USERNAME] [--role R] [--province CODE|--communes C1,C2] [--data-dir DIR | --url URL]
      people, roles, jurisdictions, API tokens / người dùng, vai trò, địa bàn, mã API
  ews units import FILE.csv | --mapping FILE.csv [--data-dir DIR] [--dry-run]
      the commune registry, retired (pre-2025) → current codes / danh mục xã, chuyển mã xã cũ sang mới
  ews bulletin --province CODE [--week YYYY-Www] [--lang vi|en] [--out DIR] [--data-dir DIR | --url URL]
      the weekly bulletin of a province, PDF and HTML / bản tin giám sát hằng tuần của tỉnh
  ews detect FILE…
      detectors on R surveillance reference cases, JSON lines out / chạy thuật toán trên ca tham chiếu của R
  ews backtest [--quick] [--json]
      detectors on simulated outbreaks: FPR, POD, delay / đánh giá thuật toán trên ổ dịch mô phỏng
  ews bench [ingest|classify|detect]
      benchmarks, written to BENCHMARKS.md / đo hiệu năng, ghi vào BENCHMARKS.md
  ews syndromes [--version vN|latest] [--json]
      syndrome definitions and their versions / định nghĩa hội chứng và các phiên bản
  ews schemas [--write]
      JSON Schema of the hospital event contract / JSON Schema của hợp đồng sự kiện bệnh viện
  ews help
      this text / trợ giúp này

Run 'ews COMMAND --help' for a command's options / xem tùy chọn: 'ews COMMAND --help'.
Configuration: environment variables, see README.md and .env.example (PORT, EWS_DATA_DIR,
CLICKHOUSE_URL, KAFKA_BROKERS, EWS_WEBHOOK_URL, …).`;

/** Dispatches a command; resolves with the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'demo':
        return await (await import('./demo.ts')).runDemo(rest);
      case 'serve':
        return await (await import('./serve.ts')).runServe(rest);
      case 'produce':
        return await (await import('./produce.ts')).runProduce(rest);
      case 'dead-letters':
        return await (await import('./dead-letters.ts')).runDeadLetters(rest);
      case 'hospitals':
        return await (await import('./hospitals.ts')).runHospitals(rest);
      case 'users':
        return await (await import('./users.ts')).runUsers(rest);
      case 'units':
        return (await import('./units-import.ts')).runUnits(rest);
      case 'bulletin':
        return await (await import('./bulletin.ts')).runBulletin(rest);
      case 'detect':
        return (await import('./detect.ts')).runDetect(rest);
      case 'backtest':
        return (await import('./backtest.ts')).runBacktestCommand(rest);
      case 'schemas':
        return (await import('./schemas.ts')).runSchemas(rest);
      case 'syndromes':
        return (await import('./syndromes.ts')).runSyndromes(rest);
      case 'bench':
        return await (await import('./bench.ts')).runBench(rest);
      case '--version':
      case '-v': {
        const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
        process.stdout.write(`${pkg.version}\n`);
        return 0;
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(`${HELP}\n`);
        return 0;
      default:
        process.stderr.write(`ews: unknown command '${command}' / lệnh không hợp lệ\n\n${HELP}\n`);
        return EXIT_USAGE;
    }
  } catch (err) {
    const { message, code } = describeFailure(err, command);
    process.stderr.write(`ews ${command}: ${message}\n`);
    return code;
  }
}

/** What to print for a command that failed, and the exit code: one line for expected mistakes. */
function describeFailure(err: unknown, command: string | undefined): { message: string; code: number } {
  const e = err as Error & { code?: string };
  if (err instanceof UsageError) return { message: e.message, code: EXIT_USAGE };
  if (isAppError(err) && err.code === 'CONFIG_INVALID') return { message: e.message, code: EXIT_USAGE };
  if (typeof e.code === 'string' && e.code.startsWith('ERR_PARSE_ARGS_'))
    return { message: `${e.message} (see 'ews ${command} --help' / xem trợ giúp)`, code: EXIT_USAGE };
  if (err instanceof DirectoryHeldError)
    return { message: `${e.message}: stop it first, or use its API / dừng dịch vụ đó trước, hoặc dùng API của nó`, code: 1 };
  if (e.code === 'EADDRINUSE')
    return {
      message: `the HTTP port is already in use / cổng HTTP đang bị chiếm: ${e.message}. Set PORT=… (or --port with demo).`,
      code: 1,
    };
  return { message: e.stack ?? String(err), code: 1 };
}
