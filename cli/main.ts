import { readFileSync } from 'node:fs';

const HELP = `ews — syndromic-ews, cảnh báo sớm dịch bệnh theo hội chứng / syndromic early warning

Usage / Cách dùng:
  ews demo [--until-alert] [options]   pipeline + simulated hospitals of Bắc Ninh and Hưng Yên
  ews serve [--role all|ingest|processor]  the pipeline alone (configured by environment variables)
  ews produce FILE.ndjson              validate a file of events and publish it to Kafka (KAFKA_BROKERS)
  ews detect FILE…                     run detectors on R surveillance reference cases (JSON lines out)
  ews backtest [--quick] [--json]      detectors on simulated outbreaks (FPR, POD, delay; R side by side)
  ews bench [ingest]                   ingest benchmark; writes BENCHMARKS.md
  ews schemas [--write]                JSON Schema of the hospital event contract (schemas/json/)
  ews help                             this text

Run 'ews COMMAND --help' for a command's options. Configuration: see README.md (environment
variables such as PORT, EWS_DATA_DIR, CLICKHOUSE_URL, KAFKA_BROKERS, EWS_WEBHOOK_URL).`;

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
      case 'detect':
        return await (await import('./detect.ts')).runDetect(rest);
      case 'backtest':
        return await (await import('./backtest.ts')).runBacktestCommand(rest);
      case 'schemas':
        return await (await import('./schemas.ts')).runSchemas(rest);
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
        return 2;
    }
  } catch (err) {
    const e = err as Error & { code?: string };
    const message =
      e.code === 'CONFIG_INVALID'
        ? e.message
        : e.code === 'EADDRINUSE'
          ? `the HTTP port is already in use / cổng HTTP đang bị chiếm: ${e.message}. Set PORT=… (or --port with demo).`
          : (e.stack ?? String(err));
    process.stderr.write(`ews ${command}: ${message}\n`);
    return 1;
  }
}
