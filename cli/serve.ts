import { parseArgs } from 'node:util';
import { readConfig } from './config.ts';
import { createLogger } from '../platform/logger.ts';
import { systemClock } from '../platform/clock.ts';
import { startPipeline } from './pipeline.ts';
import { printAlertLine } from './alert-line.ts';
import { untilSignal } from './signals.ts';

const HELP = `ews serve — run the pipeline: ingest, processors, detection, alerts and the API

Configured by environment variables (README.md, .env.example). Stops cleanly on SIGINT/SIGTERM.`;

export async function runServe(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const config = readConfig(process.env);
  const log = createLogger({ level: config.EWS_LOG_LEVEL });
  const pipeline = await startPipeline(config, { log, clock: systemClock });
  if (config.EWS_PRINT_ALERTS) pipeline.alerts.onChange((c) => printAlertLine(c, pipeline.units));
  process.stdout.write(`syndromic-ews running — dashboard / bảng điều khiển: ${pipeline.url}/\n`);
  await untilSignal();
  await pipeline.close();
  return 0;
}
