import { z } from 'zod';
import { envBool, envInt, envNumber, loadConfig } from '../platform/config.ts';
import type { TestHookSpec } from '../platform/event-log/kafka.ts';

/**
 * Every setting, from the environment. Documented in README.md's configuration table and
 * in .env.example (which a test parses with this schema).
 */
export const configSchema = z.object({
  /** HTTP port of the API, dashboard and ingest endpoint. Default 8080. */
  PORT: envInt(8080, 0, 65535),
  /** Interface to listen on. Default 127.0.0.1 (set 0.0.0.0 in a container). */
  HOST: z.string().default('127.0.0.1'),
  /** Embedded store and event log directory. Default ./data. */
  EWS_DATA_DIR: z.string().default('./data'),
  /** ClickHouse server URL; unset → the embedded engine (chDB) in EWS_DATA_DIR. */
  CLICKHOUSE_URL: z.url({ message: 'must be a URL such as http://localhost:8123' }).optional(),
  CLICKHOUSE_USER: z.string().optional(),
  CLICKHOUSE_PASSWORD: z.string().optional(),
  /** Database holding the tables. Default ews. */
  CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier')
    .default('ews'),
  /** Kafka bootstrap servers, `host:port[,host:port…]`; unset → the embedded event log. */
  KAFKA_BROKERS: z
    .string()
    .regex(/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/, 'must be host:port[,host:port…], e.g. 127.0.0.1:9092')
    .optional(),
  /** Client id the Kafka brokers see. Default ews. */
  KAFKA_CLIENT_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'must be letters, digits, . _ -')
    .default('ews'),
  /** Prepended to every topic name on the broker (e.g. `bacninh.`); default none. */
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/, 'must be letters, digits, . _ -')
    .default(''),
  /** Consumer group of the processors. Default ews-processors. */
  KAFKA_GROUP: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'must be letters, digits, . _ -')
    .default('ews-processors'),
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
  /**
   * Secret key for patient-identifier pseudonymisation (HMAC-SHA256), at least 32 characters.
   * Unset → a random key is created once in EWS_DATA_DIR/pseudonym.key (embedded use only).
   */
  EWS_PSEUDONYM_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Alerts are POSTed as JSON to this URL when set. */
  EWS_WEBHOOK_URL: z.url({ message: 'must be an http(s) URL' }).optional(),
  /** Administrative units CSV; unset → the bundled registry of Bắc Ninh and Hưng Yên. */
  EWS_UNITS_CSV: z.string().optional(),
  /** pino level: trace, debug, info, warn, error. Default info. */
  EWS_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** Largest ingest request body in bytes. Default 16 MiB. */
  EWS_MAX_BODY_BYTES: envInt(16 * 1024 * 1024, 1024, 512 * 1024 * 1024),
  /** Event identities remembered by ingest for duplicate answers. Default 20 million. */
  EWS_DEDUP_CAPACITY: envInt(20_000_000, 1000, 1_000_000_000),
  /** EARS variant run on daily series: C1, C2 or C3. Default C2 (as ESSENCE). */
  EWS_EARS_METHOD: z.enum(['C1', 'C2', 'C3']).default('C2'),
  /** EARS baseline length in days. Default 7 (R earsC default). */
  EWS_EARS_BASELINE: envInt(7, 3, 56),
  /** EARS alpha: upperbound = mean + qnorm(1 − alpha) · sd. Default 0.001 (R earsC default). */
  EWS_EARS_ALPHA: envNumber(0.001, 1e-9, 0.5),
  /**
   * EARS minimum standard deviation. Default 1: commune series are sparse and a baseline of
   * seven zeros would otherwise alarm on a single case (R's default is 0).
   */
  EWS_EARS_MIN_SIGMA: envNumber(1, 0, 100),
  /** p-value below which a non-alarm signal is yellow. Default 0.01. */
  EWS_YELLOW_P: envNumber(0.01, 0, 0.5),
  /** Alerts need at least this many cases on the alarm day. Default 5: commune series are sparse, and at 3–4 cases Poisson noise alone alarms somewhere almost daily. */
  EWS_ALERT_MIN_COUNT: envInt(5, 1, 10_000),
  /** Lowest signal level that opens an alert: red or yellow. Default red. */
  EWS_ALERT_MIN_LEVEL: z.enum(['red', 'yellow']).default('red'),
  /** Days before today still evaluated (and alerted) when late counts arrive. Default 7. */
  EWS_DETECT_HORIZON_DAYS: envInt(7, 0, 365),
  /**
   * Detectors and the series they run on, comma-separated `algorithm@granularity/area`:
   * ears@day|week/commune|province, essence|regression|ewma@day/… (CDC Rnssp),
   * farrington@week/… (R defaults, Farrington 1996), noufaily@week/… (Noufaily et al. 2013
   * settings); `:dengue+hfmd` limits an entry to some series.
   */
  EWS_DETECTORS: z.string().default('ears@day/commune,noufaily@week/province'),
  /** Years of history farringtonFlexible uses (b); lowered to the years available. Default 5. */
  EWS_FARRINGTON_B: envInt(5, 1, 20),
  /**
   * farringtonFlexible alpha (upper (1 − alpha) prediction bound). Default 0.01: R's 0.05
   * over dozens of weekly series would raise a false alert nearly every week.
   */
  EWS_FARRINGTON_ALPHA: envNumber(0.01, 1e-6, 0.5),
  /** Daily prospective space-time permutation scan over the communes (Kulldorff 2005). Default on. */
  EWS_SCAN: envBool(true),
  /** Monte Carlo replications of the scan (p-values no smaller than 1/(N+1)). Default 999. */
  EWS_SCAN_REPLICATIONS: envInt(999, 9, 99_999),
  /** Longest cluster in days, and the study period setting the expectations. Defaults 7 and 90. */
  EWS_SCAN_MAX_DAYS: envInt(7, 1, 60),
  EWS_SCAN_STUDY_DAYS: envInt(90, 14, 730),
  /** Neighbours a cluster may add to its centre, and how far (km). Defaults 10 and 20 km. */
  EWS_SCAN_MAX_NEIGHBOURS: envInt(10, 0, 100),
  EWS_SCAN_MAX_RADIUS_KM: envNumber(20, 1, 500),
  /** A cluster is an alarm when its recurrence interval is at least this many days. Default 365: over 15 syndromes a shorter one raises a chance cluster every week or two. */
  EWS_SCAN_RECURRENCE_DAYS: envInt(365, 2, 100_000),
  /** Schedule of the weekly detection run (cron, Asia/Ho_Chi_Minh). Default Monday 06:00. */
  EWS_DETECT_WEEKLY_CRON: z.string().default('0 6 * * 1'),
  /** Schedule of the daily detection run (cron, Asia/Ho_Chi_Minh). Default 06:00 daily. */
  EWS_DETECT_CRON: z.string().default('0 6 * * *'),
  /** Also print human-readable alert lines on stdout. */
  EWS_PRINT_ALERTS: envBool(true),
});

export type Config = z.output<typeof configSchema>;

export const readConfig = (env: Record<string, string | undefined>): Readonly<Config> => loadConfig(configSchema, env);
