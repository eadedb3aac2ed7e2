import { parseArgs } from 'node:util';
import { readConfig, ROLES, type Role } from './config.ts';
import { createLogger } from '../platform/logger.ts';
import { systemClock } from '../platform/clock.ts';
import { startPipeline } from './pipeline.ts';
import { printAlertLine } from './alert-line.ts';
import { onShutdown } from './signals.ts';
import { UsageError } from './usage.ts';

const HELP = `ews serve — run the pipeline: ingest, processors, detection, alerts and the API / chạy hệ thống

Usage / Cách dùng: ews serve [--role all|ingest|processor]

Options:
  --role all|ingest|processor   what this process runs (default all). ingest and processor
                                need KAFKA_BROKERS; processor joins the group KAFKA_GROUP
                                (default ews-processors), ingest serves POST /v1/events.

Configured by environment variables (README.md, .env.example). Stops cleanly on SIGINT/SIGTERM.`;

export async function runServe(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { help: { type: 'boolean', short: 'h' }, role: { type: 'string', default: 'all' } },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const role = values.role as Role;
  if (!ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')} (got '${role}')`);
  const config = readConfig(process.env, { role });
  const log = createLogger({ level: config.EWS_LOG_LEVEL });
  // Handlers first: a signal while the store migrates or the broker connects still drains.
  const shutdown = onShutdown();
  // A consumer that stopped for good (non-retryable Kafka or programmer error) stops the
  // process with an error, so its supervisor restarts it rather than it idling half-alive.
  let fatal: Error | undefined;
  const onFatal = (err: Error) => {
    fatal ??= err;
    shutdown.request('fatal consumer error');
  };
  try {
    const pipeline = await startPipeline(config, { log, clock: systemClock, role, onFatal });
    if (config.EWS_PRINT_ALERTS && role !== 'ingest') pipeline.alerts.onChange((c) => printAlertLine(c, pipeline.units));
    if (!shutdown.signal.aborted) {
      const what = role === 'all' ? 'running' : `running (role ${role})`;
      process.stdout.write(`syndromic-ews ${what} — dashboard / bảng điều khiển: ${pipeline.url}/\n`);
    }
    const reason = await shutdown.requested;
    log.info({ reason }, 'stopping: draining, then closing in reverse order');
    await pipeline.close();
  } finally {
    shutdown.dispose();
  }
  if (fatal) {
    log.fatal({ err: fatal }, 'stopped after a fatal consumer error');
    return 1;
  }
  return 0;
}
