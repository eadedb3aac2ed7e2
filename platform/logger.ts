import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * The one root logger. Rooms take `.child({ module })`. JSON lines on stderr so stdout stays
 * free for the CLI's own output (alert lines, JSON results).
 */
export function createLogger(options: { level: string; name?: string; destination?: DestinationStream }): Logger {
  const opts: LoggerOptions = {
    level: options.level,
    name: options.name ?? 'ews',
    redact: { paths: ['patient_id', '*.patient_id', 'req.headers.authorization'], censor: '[redacted]' },
  };
  // destination: tests capture the lines (the privacy scan reads them).
  return pino(opts, options.destination ?? pino.destination({ fd: 2, sync: false }));
}
