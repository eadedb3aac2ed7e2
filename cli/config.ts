import { z } from 'zod';
import {
  adminConfigSchema,
  envBool,
  httpConfigSchema,
  kafkaConfigSchema,
  loadConfig,
  logConfigSchema,
  metricsConfigSchema,
  operationalStoreConfigSchema,
  storeConfigSchema,
} from '../platform/config.ts';
import { ingestConfigSchema } from '../ingest/config.ts';
import { kafkaInboundConfigSchema } from '../ingest/kafka-inbound/inbound-config.ts';
import { hl7ConfigSchema, mllpTlsProblems } from '../ingest/hl7/hl7-config.ts';
import { tlsConfigSchema, tlsProblems } from '../platform/tls-config.ts';
import { hospitalKeyConfigSchema } from '../ingest/hospital-keys.ts';
import { processorsConfigSchema } from '../processors/config.ts';
import { alertsConfigSchema, notificationConfigSchema } from '../alerts/config.ts';
import { accessConfigSchema } from '../access/config.ts';
import { checkOidcConfig, oidcConfigSchema } from '../access/oidc-config.ts';
import { dashboardsConfigSchema } from '../dashboards/config.ts';
import { type Unit } from '../schemas/units/registry.ts';
import { importedUnitsPath, loadCodeMap, loadUnits } from './units.ts';
import { readRulesFile } from './rules-file.ts';
import type { AlertRule } from '../alerts/rule-file.ts';
import { definitionSet, LATEST } from '../schemas/code-tables/definitions.ts';

/**
 * Every setting, from the environment: one schema per room, composed here. A room's new
 * variable goes into its own schema (ingest/config.ts, processors/config.ts,
 * alerts/config.ts, platform/config.ts). Documented in README.md's configuration table and
 * in .env.example (which test/unit/config.test.ts parses with this schema).
 */
export const envSchema = z.object({
  ...httpConfigSchema.shape,
  ...tlsConfigSchema.shape,
  ...storeConfigSchema.shape,
  ...operationalStoreConfigSchema.shape,
  ...adminConfigSchema.shape,
  ...kafkaConfigSchema.shape,
  ...logConfigSchema.shape,
  ...ingestConfigSchema.shape,
  ...kafkaInboundConfigSchema.shape,
  ...hl7ConfigSchema.shape,
  ...hospitalKeyConfigSchema.shape,
  ...processorsConfigSchema.shape,
  ...alertsConfigSchema.shape,
  ...notificationConfigSchema.shape,
  ...accessConfigSchema.shape,
  ...oidcConfigSchema.shape,
  ...metricsConfigSchema.shape,
  ...dashboardsConfigSchema.shape,
  /** Administrative units CSV (header as schemas/units/demo-units.csv); unset → the bundled registry of Bắc Ninh and Hưng Yên. Read and checked at start. */
  EWS_UNITS_CSV: z.string().optional(),
  /** Retired (pre-2025) → current commune codes, `old_code,new_code[,share][,note]` (schemas/units/README.md); unset → EWS_DATA_DIR/units/code-map.csv if `ews units import --mapping` wrote one, else none. Read and checked at start. */
  EWS_UNITS_MAP_CSV: z.string().optional(),
  /** Alert rules beside the detectors, YAML or JSON (alerts/rule-file.ts); unset → the shipped alerts/rules.default.yaml. Read and checked at start. */
  EWS_RULES_FILE: z.string().min(1).optional(),
  /** Also print human-readable alert lines on stdout. Default true. */
  EWS_PRINT_ALERTS: envBool(true),
  /**
   * Syndrome definitions version the processors classify with (schemas/code-tables/definitions/vN.json):
   * `v1`, `v2`, … or `latest` (the default). Checked at start and resolved to the version name,
   * which each event stores (events.definitions_version).
   */
  EWS_SYNDROME_DEFINITIONS: z
    .string()
    .default(LATEST)
    .transform((v, ctx) => {
      try {
        return definitionSet(v.trim()).version;
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
});

/**
 * What this process runs. `all`: everything (the default). With KAFKA_BROKERS, `ingest`
 * (HTTP ingest and the read API) and `processor` (the processor group's consumers, detection,
 * alerts, the read API and /metrics) may run as separate processes.
 */
export type Role = 'all' | 'ingest' | 'processor';
export const ROLES: readonly Role[] = ['all', 'ingest', 'processor'];

/** The compiled configuration: every variable checked and defaulted, plus what they name, loaded. */
export type Config = z.output<typeof envSchema> & {
  /** The administrative units of EWS_UNITS_CSV (or the bundled registry), parsed at start. */
  units: readonly Unit[];
  /** Retired commune code → current one (EWS_UNITS_MAP_CSV or the imported mapping), checked against `units` at start. */
  unitCodeMap: ReadonlyMap<string, string>;
  /** The alert rules of EWS_RULES_FILE (or the shipped defaults), parsed and validated at start. */
  alertRules: readonly AlertRule[];
};

export interface CompileOptions {
  /** The role the process will run; roles other than `all` need Kafka and a shared pseudonym key. */
  role?: Role;
}

/**
 * Compiles the configuration once, before anything opens the store (as temporal's
 * compileWorkerOptions): every default filled, every value checked — detector specs parsed,
 * cron expressions validated, the units CSV read and parsed, URLs checked — and the result
 * frozen. A bad value throws `CONFIG_INVALID` with one line naming the variable and why.
 */
export function readConfig(env: Record<string, string | undefined>, options: CompileOptions = {}): Readonly<Config> {
  return loadConfig(compiledSchema(options), env);
}

function compiledSchema(options: CompileOptions) {
  const role = options.role ?? 'all';
  return envSchema
    .superRefine((c, ctx) => {
      checkOidcConfig(c, ctx);
      for (const p of tlsProblems(c)) ctx.addIssue({ code: 'custom', path: [p.variable], message: p.message });
      if (c.EWS_MLLP_TLS && !c.EWS_TLS_CERT)
        ctx.addIssue({ code: 'custom', path: ['EWS_MLLP_TLS'], message: 'MLLP over TLS needs EWS_TLS_CERT and EWS_TLS_KEY' });
      for (const p of mllpTlsProblems(c)) ctx.addIssue({ code: 'custom', path: [p.variable], message: p.message });
      if (c.EWS_PSEUDONYM_KEY && c.EWS_PSEUDONYM_KEYS)
        ctx.addIssue({
          code: 'custom',
          path: ['EWS_PSEUDONYM_KEYS'],
          message: 'set EWS_PSEUDONYM_KEYS or EWS_PSEUDONYM_KEY, not both (EWS_PSEUDONYM_KEY=S is the ring k1:S)',
        });
      // The Kafka entry (ingest/kafka-inbound): hospitals' topics are Kafka topics, read by their own group.
      if (c.KAFKA_INBOUND_HOSPITALS.length > 0 && !c.KAFKA_BROKERS)
        ctx.addIssue({
          code: 'custom',
          path: ['KAFKA_INBOUND_HOSPITALS'],
          message: 'needs KAFKA_BROKERS: the inbound topics are Kafka topics',
        });
      if (c.KAFKA_INBOUND_GROUP === c.KAFKA_GROUP)
        ctx.addIssue({
          code: 'custom',
          path: ['KAFKA_INBOUND_GROUP'],
          message: 'must differ from KAFKA_GROUP: the inbound consumers are a group of their own',
        });
      if (role === 'all') return;
      if (!c.KAFKA_BROKERS)
        ctx.addIssue({
          code: 'custom',
          path: ['KAFKA_BROKERS'],
          message: `--role ${role} needs it: without Kafka every role shares the embedded log in one process`,
        });
      if (!c.EWS_PSEUDONYM_KEY && !c.EWS_PSEUDONYM_KEYS)
        ctx.addIssue({
          code: 'custom',
          path: ['EWS_PSEUDONYM_KEY'],
          message: `--role ${role} needs the provincial key (or the ring EWS_PSEUDONYM_KEYS): each process would otherwise make its own and pseudonyms would not match across processes`,
        });
    })
    .transform((c, ctx): Config => {
      let units: readonly Unit[];
      try {
        units = Object.freeze(loadUnits(c.EWS_UNITS_CSV, c.EWS_DATA_DIR));
      } catch (err) {
        const e = err as Error & { code?: string };
        const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : e.message;
        ctx.addIssue({
          code: 'custom',
          path: ['EWS_UNITS_CSV'],
          message: `cannot load '${c.EWS_UNITS_CSV ?? importedUnitsPath(c.EWS_DATA_DIR)}': ${why}`,
        });
        return z.NEVER;
      }
      let unitCodeMap: ReadonlyMap<string, string>;
      try {
        unitCodeMap = loadCodeMap(units, c.EWS_UNITS_MAP_CSV, c.EWS_DATA_DIR);
      } catch (err) {
        const e = err as Error & { code?: string };
        const why = e.code === 'ENOENT' ? `cannot load '${c.EWS_UNITS_MAP_CSV}': no such file` : e.message;
        ctx.addIssue({ code: 'custom', path: ['EWS_UNITS_MAP_CSV'], message: why });
        return z.NEVER;
      }
      const rules = readRulesFile(c.EWS_RULES_FILE);
      if (!rules.ok) {
        ctx.addIssue({ code: 'custom', path: ['EWS_RULES_FILE'], message: rules.message });
        return z.NEVER;
      }
      return { ...c, units, unitCodeMap, alertRules: rules.rules };
    });
}
