import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * The one root logger. Rooms take `.child({ module })`. JSON lines on stderr so stdout stays
 * free for the CLI's own output (alert lines, JSON results).
 */
export function createLogger(options: { level: string; name?: string }): Logger {
  const opts: LoggerOptions = {
    level: options.level,
    name: options.name ?? 'ews',
    redact: { paths: ['patient_id', '*.patient_id', 'req.headers.authorization'], censor: '[redacted]' },
  };
  return pino(opts, pino.destination({ fd: 2, sync: false }));
}
