import cron from 'node-cron';
import { z } from 'zod';
import { AppError } from './errors.ts';
import type { TestHookSpec } from './event-log/kafka-test-hook.ts';

/**
 * Parses the environment with a zod schema once, at start-up, and freezes the result.
 * Only this module reads `process.env` (the composition root passes it in).
 *
 * A bad value throws `CONFIG_INVALID` whose message is one line naming each bad variable and
 * why (`ews` prints it and exits 2); `details` lists them as `{ variable, message }`.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): Readonly<z.output<S>> {
  // Empty strings mean "not set": shells and .env files often export VAR= to clear a value.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) throw configError(result.error.issues.map((i) => ({ variable: i.path.join('.') || '(root)', message: i.message })));
  return deepFreeze(result.data);
}

/** Freezes plain objects and arrays all the way down: a compiled config cannot be changed by whoever holds it. */
function deepFreeze<T>(value: T): Readonly<T> {
  // Down through parts already frozen by their own schema too (config holds no cycles).
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** The `CONFIG_INVALID` error for some bad variables: a one-line message naming each. */
export function configError(problems: readonly { variable: string; message: string }[]): AppError {
  const text = problems.map((p) => `${p.variable}: ${oneLine(p.message)}`).join('; ');
  return new AppError('CONFIG_INVALID', `invalid configuration / cấu hình không hợp lệ — ${text}`, { details: problems });
}

const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ');

/** Integer environment value with bounds. */
export const envInt = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);

/** Float environment value with bounds. */
export const envNumber = (def: number, min: number, max: number) => z.coerce.number().min(min).max(max).default(def);

/** Boolean environment value: true/false/1/0/yes/no. */
export const envBool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true, false, 1, 0, yes or no' })
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** A cron expression node-cron accepts (5 fields, or 6 with seconds first). */
export const envCron = (def: string) =>
  z
    .string()
    .refine((v) => cron.validate(v), { message: "is not a cron expression (minute hour day month weekday, e.g. '0 6 * * *')" })
    .default(def);

/** An http(s) URL. */
export const envHttpUrl = (example: string) => z.url({ protocol: /^https?$/, message: `must be an http(s) URL such as ${example}` });

/** A name of letters, digits, `.`, `_`, `-` (client ids, groups, prefixes). */
const name = (allowEmpty: boolean) =>
  z.string().regex(allowEmpty ? /^[A-Za-z0-9._-]*$/ : /^[A-Za-z0-9._-]+$/, 'must be letters, digits, . _ -');

/** The HTTP listener (platform/http.ts). */
export const httpConfigSchema = z.object({
  /** HTTP port of the API, dashboard and ingest endpoint. Default 8080 (0: any free port). */
  PORT: envInt(8080, 0, 65535),
  /** Interface to listen on. Default 127.0.0.1 (set 0.0.0.0 in a container). */
  HOST: z.string().default('127.0.0.1'),
  /** Largest request body in bytes. Default 16 MiB. */
  EWS_MAX_BODY_BYTES: envInt(16 * 1024 * 1024, 1024, 512 * 1024 * 1024),
  /** A request (headers and body) must arrive within this many ms, else 408 and the connection closes. Default 120000 (16 MiB at ~1 Mbit/s). */
  EWS_HTTP_REQUEST_TIMEOUT_MS: envInt(120_000, 100, 3_600_000),
  /** The request headers must arrive within this many ms (at most the request timeout). Default 20000. */
  EWS_HTTP_HEADERS_TIMEOUT_MS: envInt(20_000, 100, 3_600_000),
  /** A connection with no bytes moving is closed after this many ms. Default 60000. */
  EWS_HTTP_IDLE_TIMEOUT_MS: envInt(60_000, 100, 3_600_000),
  /** An idle keep-alive connection is closed after this many ms. Default 5000. */
  EWS_HTTP_KEEP_ALIVE_TIMEOUT_MS: envInt(5_000, 100, 600_000),
});

/** The store: the embedded engine in EWS_DATA_DIR, or a ClickHouse server (platform/clickhouse.ts). */
export const storeConfigSchema = z.object({
  /** Embedded store and event log directory. Default ./data. */
  EWS_DATA_DIR: z.string().default('./data'),
  /** ClickHouse server URL; unset → the embedded engine (chDB) in EWS_DATA_DIR. */
  CLICKHOUSE_URL: envHttpUrl('http://localhost:8123').optional(),
  CLICKHOUSE_USER: z.string().optional(),
  CLICKHOUSE_PASSWORD: z.string().optional(),
  /** Database holding the tables. Default ews. */
  CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier')
    .default('ews'),
});

/** The operational store: PGlite in EWS_DATA_DIR/pg, or a PostgreSQL server (platform/pg/open.ts). */
export const operationalStoreConfigSchema = z.object({
  /** PostgreSQL server URL (postgres://user:password@host:5432/db); unset → PGlite in EWS_DATA_DIR/pg. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// URL such as postgres://ews@127.0.0.1:5432/ews')
    .optional(),
});

/** Operator credentials. */
export const adminConfigSchema = z.object({
  /** Bearer token of the admin API (/v1/admin/…), at least 32 characters; unset → the admin API answers 401. */
  EWS_ADMIN_TOKEN: z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -base64 32)').optional(),
});

/** Who may scrape /metrics (platform/http.ts). */
export const metricsConfigSchema = z.object({
  /** Bearer token a scraper sends to GET /metrics on the main port (the admin token works too), at least 32 characters; unset → only the admin token. */
  EWS_METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -base64 32)').optional(),
  /** Serve /metrics on its own listener on this port, without a token, and not on the main port; unset → the main port, with a token. */
  EWS_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** Interface of the metrics listener (with EWS_METRICS_PORT). Default 127.0.0.1. */
  EWS_METRICS_HOST: z.string().default('127.0.0.1'),
});

/** The event log on Kafka (platform/event-log/kafka.ts). */
export const kafkaConfigSchema = z.object({
  /** Kafka bootstrap servers, `host:port[,host:port…]`; unset → the embedded event log. */
  KAFKA_BROKERS: z
    .string()
    .regex(/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/, 'must be host:port[,host:port…], e.g. 127.0.0.1:9092')
    .optional(),
  /** Client id the Kafka brokers see. Default ews. */
  KAFKA_CLIENT_ID: name(false).default('ews'),
  /** Prepended to every topic name on the broker (e.g. `bacninh.`); default none. */
  KAFKA_TOPIC_PREFIX: name(true).default(''),
  /** Consumer group of the processors. Default ews-processors. */
  KAFKA_GROUP: name(false).default('ews-processors'),
  /** Partitions of the topics created at start when missing. Default 6. */
  KAFKA_PARTITIONS: envInt(6, 1, 1000),
  /** Replication factor of topics created at start; unset → the broker's default.replication.factor. */
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(16).optional(),
  /** Consumer-group members in this process (they share its store). Default 1. */
  KAFKA_CONSUMERS: envInt(1, 1, 64),
  /** Consumer session timeout in ms: how long a silent member keeps its partitions. Default 30000. */
  KAFKA_SESSION_TIMEOUT_MS: envInt(30_000, 6000, 300_000),
  /**
   * Most bytes fetched per partition per request, which bounds a batch. Default 1 MiB (Kafka's
   * max.partition.fetch.bytes): 4 MiB is ~20 % faster on a backlog but peaks ~200 MB higher.
   */
  KAFKA_PARTITION_FETCH_BYTES: envInt(1024 * 1024, 16 * 1024, 64 * 1024 * 1024),
  /** An append the broker has not acknowledged after this many ms fails (ingest answers 503). Default 30000. */
  KAFKA_PRODUCE_TIMEOUT_MS: envInt(30_000, 100, 600_000),
  /** Tests only: `mid-batch:N`, `after-write:N` or `mid-transaction:N` makes a processor SIGKILL itself there. */
  KAFKA_TEST_HOOK: z
    .string()
    .regex(/^(mid-batch|after-write|mid-transaction):[1-9]\d*$/, 'must be mid-batch:N, after-write:N or mid-transaction:N')
    .transform((v) => {
      const [point, n] = v.split(':') as [TestHookSpec['point'], string];
      return { point, n: Number(n) } satisfies TestHookSpec;
    })
    .optional(),
});

/** The root logger (platform/logger.ts). */
export const logConfigSchema = z.object({
  /** pino level: trace, debug, info, warn, error, fatal, silent. Default info. */
  EWS_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
});
