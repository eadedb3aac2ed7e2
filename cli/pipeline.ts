import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import cron from 'node-cron';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from './config.ts';
import { createStore, type ClickHouseClient } from '../platform/clickhouse.ts';
import { migrate, readMigrations } from '../platform/migrations.ts';
import { createMetricsRegistry } from '../platform/metrics.ts';
import { createHttpBase, createMetricsServer } from '../platform/http.ts';
import { createEmbeddedLog } from '../platform/event-log/embedded.ts';
import type { EventLog, Subscription } from '../platform/event-log/types.ts';
import type { DeadLetterStore } from '../schemas/dead-letter.ts';
import { createDeadLetterStore } from '../storage/dead-letters.ts';
import { forEachEventIdentity } from '../storage/event-identities.ts';
import { createCountStore } from '../storage/counts.ts';
import { createSignalStore } from '../storage/signals.ts';
import { createSeriesSignalReader } from '../storage/series-signals.ts';
import { createAlertStore } from '../storage/alerts.ts';
import { startKafkaBackbone, type KafkaBackbone } from './kafka-backbone.ts';
import type { Clock } from '../platform/clock.ts';
import { PROCESSOR_GROUP, TOPICS } from '../schemas/topics.ts';
import { createUnitRegistry, type UnitRegistry } from '../schemas/units/registry.ts';
import { createIngestService, type IngestService } from '../ingest/ingest-service.ts';
import { registerIngestRoutes } from '../ingest/http-routes.ts';
import { toUnitView } from './unit-views.ts';
import { registerFhirRoutes } from '../ingest/fhir/fhir-routes.ts';
import { createIngestAuthenticator } from '../ingest/ingest-auth.ts';
import { startHl7Ingest } from '../ingest/hl7/hl7-setup.ts';
import { inboundHandler } from '../ingest/kafka-inbound/inbound-setup.ts';
import { tlsSettings } from '../platform/tls-config.ts';
import { createDedupIndex } from '../ingest/dedup-index.ts';
import { configuredKeyRing, createPseudonymiser, singleKeyRing, type PseudonymKeyRing } from '../ingest/pseudonymise.ts';
import { createCountProcessor } from '../processors/count/count-processor.ts';
import { createDetectService, type DetectService } from '../processors/detect/detect-service.ts';
import { buildDetectors, earsThresholds } from '../processors/detect/series-detectors.ts';
import { createScanner } from '../processors/detect/scan-service.ts';
import { DENOMINATOR_SERIES } from '../schemas/code-tables/syndrome-names.ts';
import { classifierFor, DETECTED_SERIES, STATISTICAL_SERIES } from '../processors/classify/index.ts';
import { dayString, localDayNumber } from '../processors/count/window.ts';
import { createAlertService, type AlertService } from '../alerts/alert-service.ts';
import { createRulePass } from '../alerts/rule-service.ts';
import { populationsFrom } from '../alerts/count-rules.ts';
import { registerReadRoutes } from '../dashboards/read-routes.ts';
import { registerWebRoutes } from '../dashboards/web-routes.ts';
import { registerLiveRoutes } from '../dashboards/live-routes.ts';
import { createCountFeed } from '../dashboards/live-counts.ts';
import { createAlertChangePoller } from '../dashboards/live-feed.ts';
import { createAlertChangeReader } from '../storage/alert-changes.ts';
import type { Authenticate } from '../dashboards/read-guard.ts';
import { createDeadLetterReader } from '../storage/dead-letter-reads.ts';
import { createDataQualityReader } from '../storage/data-quality.ts';
import type { OperationalStore } from '../platform/operational-store.ts';
import { openMigratedOperationalStore } from './operational-store.ts';
import { createHospitalStore, type HospitalStore } from '../storage/hospitals.ts';
import { createHospitalKeyVerifier, type HospitalKeyVerifier } from '../ingest/hospital-keys.ts';
import { registerAdminRoutes } from '../dashboards/admin-routes.ts';
import { createAccess, type Access } from '../access/access.ts';
import { oidcSettings } from '../access/oidc-config.ts';
import { registerOidcRoutes } from '../access/oidc-routes.ts';
import { createOidcSignIn } from '../access/oidc-sign-in.ts';
import { createAlertLifecycleStore, type AlertLifecycleStore } from '../storage/alert-lifecycle.ts';
import { transition } from '../alerts/lifecycle.ts';
import { createLifecycleFeed, type LifecycleFeedDeps } from '../alerts/lifecycle-feed.ts';
import { createDataQualityAlerts } from '../alerts/data-quality-alerts.ts';
import { registerAlertLifecycleRoutes } from '../alerts/lifecycle-routes.ts';
import { escalationNotices, noticesOf } from '../alerts/alert-notices.ts';
import { createEscalator, type Escalator } from '../alerts/escalator.ts';
import { createSilentHospitalChecker, SILENT_CHECK_INTERVAL_MS, type SilentHospitalChecker } from '../alerts/silent-hospitals.ts';
import { mergeSubscribers, parseOfficersFile, subscriberFromUser, userSubscriptionOf, type Subscriber } from '../alerts/officers-file.ts';
import { channelsFromConfig, senderConfigFrom } from '../alerts/notification-setup.ts';
import { createOutboxSender } from '../alerts/outbox-sender.ts';
import { registerAlertMetrics } from '../alerts/alert-metrics.ts';
import { CHANNELS, type ChannelKind } from '../alerts/routing.ts';
import { createOutboxStore, enqueue, type NewNotification } from '../storage/outbox.ts';
import { createAlertDetailReader } from '../storage/alert-detail-reads.ts';
import { createSignalReader } from '../storage/signals.ts';
import { createTrendStore } from '../storage/trends.ts';
import { createDailyCountStore } from '../storage/daily-counts.ts';
import { runFinalizer } from '../processors/count/finalizer.ts';
import { registerOpenApi } from '../dashboards/openapi.ts';
import { registerMapRoutes } from '../dashboards/map-routes.ts';
import { loadMapShapes } from './map-shapes.ts';
import { SERIES_FAMILY } from '../alerts/series-family.ts';
import { SYNDROME_IDS } from '../schemas/code-tables/syndromes.ts';
import { createBulletinReads } from '../storage/bulletin-reads.ts';
import { createPdfRenderer } from '../dashboards/bulletin/render-pdf.ts';

export interface Pipeline {
  app: FastifyInstance;
  url: string;
  /** The /metrics listener of EWS_METRICS_PORT (listening when the pipeline listens); undefined without it. */
  metricsApp: FastifyInstance | undefined;
  /** Its address once listening, else ''. */
  metricsUrl: string;
  /** The port of the HL7 MLLP listener once listening (EWS_MLLP_PORT), else undefined. */
  mllpPort: number | undefined;
  store: ClickHouseClient;
  /** The operational store (PGlite in EWS_DATA_DIR/pg, or DATABASE_URL). */
  operational: OperationalStore;
  hospitals: HospitalStore;
  /** Verifies hospital API keys (cached); POST /v1/events requires one (or a client certificate). */
  hospitalKeys: HospitalKeyVerifier;
  /** People: the authenticator (Principal of a request), users, sessions and the audit log (access/access.ts). */
  access: Access;
  /** Lifecycle alerts (issue 10): grouped evidence, worked by officers, in the operational store. */
  lifecycle: AlertLifecycleStore;
  /** Re-notifies unacknowledged red alerts to the province heads (every 30 s; `runOnce` for tests and tools). */
  escalator: Escalator;
  /** The silent-hospital check and its data-quality alerts (every 10 min; `runOnce` for tests and tools). */
  silentHospitals: SilentHospitalChecker;
  units: UnitRegistry;
  ingest: IngestService;
  detect: DetectService;
  alerts: AlertService;
  metrics: Registry;
  /** Event-log backlog not yet processed: bytes (embedded log) or records (Kafka). */
  lag(): number;
  /** Resolves once everything appended so far is counted and evaluated. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export const MIGRATIONS_DIR = fileURLToPath(new URL('../schemas/migrations/', import.meta.url));

/**
 * What this process runs. `all`: everything (the default). With KAFKA_BROKERS, `ingest`
 * (HTTP ingest and the read API) and `processor` (the processor group's consumers, detection,
 * alerts, the read API and /metrics) may run as separate processes, which then need a shared
 * ClickHouse server (CLICKHOUSE_URL) unless one of them is the only one using the store.
 */
export type Role = 'all' | 'ingest' | 'processor';

/**
 * The composition root of the one-process pipeline: store, event log, ingest, processors,
 * detection, alerts and the HTTP API in one process. Long-lived resources are closed in
 * reverse order of creation.
 */
export async function startPipeline(
  config: Readonly<Config>,
  deps: {
    log: Logger;
    clock: Clock;
    listen?: boolean;
    cronSchedule?: boolean;
    /** The clock of sessions and the audit log; default `clock` (the demo's runs simulated days fast). */
    accessClock?: Clock;
    /** The coalescing window of the live stream's `counts` events, ms (default 3000). */
    liveCountsThrottleMs?: number;
    role?: Role;
    onFatal?: (err: Error) => void;
    /** Test only: false keeps identifiers in free text and dead letters (the privacy scan's negative control). */
    scrub?: boolean;
    /** Who sends a read request; default the access room's authenticator. */
    authenticate?: Authenticate;
    /** Each batch's notifications as routed: queued, and those for channels not configured (the demo prints them). */
    onRouted?: (queued: readonly NewNotification[], unconfigured: readonly NewNotification[]) => void;
  },
): Promise<Pipeline> {
  const { log, clock } = deps;
  const role = deps.role ?? 'all';
  if (role !== 'all' && !config.KAFKA_BROKERS)
    throw new Error(`--role ${role} needs KAFKA_BROKERS: without Kafka every role shares the embedded log in one process`);
  const closers: (() => Promise<void>)[] = [];
  try {
    // The overview map's commune shapes (EWS_BOUNDARIES_GEOJSON or approximate cells): a bad file stops start before anything opens.
    const mapShapes = loadMapShapes(config, config.units, log.child({ module: 'map' }));
    const metrics = createMetricsRegistry();
    // The data directory holds health data: created readable by the owner only, before any store makes it.
    mkdirSync(config.EWS_DATA_DIR, { recursive: true, mode: 0o700 });
    // First after the config, closed last: hospitals and keys, later users and the outbox.
    const operational = await openMigratedOperationalStore(config, log);
    closers.push(() => operational.close());
    const hospitals = createHospitalStore(operational, clock);
    // POST /v1/events requires a key verified here (or a client certificate naming a hospital it knows).
    const hospitalKeys = createHospitalKeyVerifier({ store: hospitals, clock, graceMs: config.EWS_HOSPITAL_KEY_GRACE_SECONDS * 1000 });
    const store = await createStore({
      url: config.CLICKHOUSE_URL,
      username: config.CLICKHOUSE_USER,
      password: config.CLICKHOUSE_PASSWORD,
      database: config.CLICKHOUSE_DATABASE,
      dataDir: join(config.EWS_DATA_DIR, 'clickhouse'),
    });
    closers.push(() => store.close());
    await migrate(store, readMigrations(MIGRATIONS_DIR), log.child({ module: 'migrations' }));

    const units = createUnitRegistry(config.units, config.unitCodeMap);
    // People (issue 9): users, sessions and the audit log on the operational store.
    const access = createAccess({
      operational,
      clock: deps.accessClock ?? clock,
      metrics,
      config,
      units: { hasCommune: (c) => units.has(c), hasProvince: (p) => units.byProvince(p).length > 0 },
    });
    // Kafka when KAFKA_BROKERS is set (topics created if missing), else the embedded log.
    let kafka: KafkaBackbone | undefined;
    if (config.KAFKA_BROKERS) {
      kafka = await startKafkaBackbone(config, { log, metrics, ...(deps.onFatal ? { onFatal: deps.onFatal } : {}) });
      closers.push(() => kafka!.close());
    }
    const eventLog: EventLog =
      kafka?.eventLog ?? createEmbeddedLog({ dir: join(config.EWS_DATA_DIR, 'log'), logger: log.child({ module: 'event-log' }), metrics });
    if (!kafka) closers.push(() => eventLog.close());
    const deadLetterTable = createDeadLetterStore(store);
    const ingestDeadLetters: DeadLetterStore = kafka ? kafka.ingestDeadLetters(deadLetterTable) : deadLetterTable;
    const processorDeadLetters: DeadLetterStore = kafka ? kafka.processorDeadLetters : deadLetterTable;

    const dedup = createDedupIndex({ capacity: role === 'processor' ? 1024 : config.EWS_DEDUP_CAPACITY });
    const ingest = createIngestService({
      log: log.child({ module: 'ingest' }),
      metrics,
      clock,
      eventLog,
      deadLetters: ingestDeadLetters,
      units,
      dedup,
      pseudonymise: createPseudonymiser(pseudonymKey(config, log)),
      eventTimeWindow: { maxPastDays: config.EWS_EVENT_MAX_PAST_DAYS, maxFutureDays: config.EWS_EVENT_MAX_FUTURE_DAYS },
      scrub: deps.scrub,
    });

    const alertStore = createAlertStore(store, clock);
    const alerts = await createAlertService({
      log,
      metrics,
      clock,
      store: alertStore,
      rules: { minLevel: config.EWS_ALERT_MIN_LEVEL, minObserved: config.EWS_ALERT_MIN_COUNT },
      // With EWS_WEBHOOK_SECRET the outbox posts signed lifecycle alerts there instead.
      webhookUrl: config.EWS_WEBHOOK_SECRET ? undefined : config.EWS_WEBHOOK_URL,
    });
    closers.push(() => alerts.close());

    // The alert lifecycle (issue 10) in the operational store: signals grouped into one alert per
    // event, worked by officers through /v1/alerts/:id/actions. The ClickHouse `alerts` table above
    // still feeds today's dashboard until the read side moves to these alerts (issue 11).
    const provinceOfCommune = new Map(units.all().map((u) => [u.code, u.provinceCode]));
    const provinceOf = (commune: string) => provinceOfCommune.get(commune);
    const lifecycle = createAlertLifecycleStore({ db: operational, clock, decide: transition, provinceOf });
    // Notifications through the outbox: officers of EWS_OFFICERS_FILE and the store's officers,
    // routed by jurisdiction, syndrome and level; rows written with the alert version they tell of.
    const officersFromFile = config.EWS_OFFICERS_FILE ? parseOfficersFile(readOfficersFile(config.EWS_OFFICERS_FILE)) : [];
    const channels = channelsFromConfig(config, clock);
    const outbox = createOutboxStore(operational);
    const sender = createOutboxSender({
      outbox,
      channels,
      log: log.child({ module: 'outbox' }),
      registry: metrics,
      clock,
      baseUrl: config.EWS_PUBLIC_URL,
      config: senderConfigFrom(config),
    });
    const notify: NonNullable<LifecycleFeedDeps['notify']> = {
      notices: async (changes) => {
        const ctx = await noticeContext();
        const rows = noticesOf(changes, ctx);
        // Who would hear of it on a channel this process has not configured (e.g. the demo without SMTP): told, never queued.
        const unsent = noticesOf(changes, { ...ctx, channels: CHANNELS, globalWebhookUrl: undefined }).filter(
          (r) => !ctx.channels.includes(r.channel),
        );
        reportRouted(log, rows, unsent);
        deps.onRouted?.(rows, unsent);
        return rows;
      },
      enqueue,
      wake: () => sender.wake(),
    };
    const lifecycleFeed = createLifecycleFeed({
      log,
      metrics,
      clock,
      store: lifecycle,
      rules: { minLevel: config.EWS_ALERT_MIN_LEVEL, minObserved: config.EWS_ALERT_MIN_COUNT },
      provinceOf,
      notify,
    });
    const noticeContext = async () => ({
      subscribers: await storeSubscribers(access, officersFromFile),
      provinceOf,
      units,
      channels: Object.keys(channels) as ChannelKind[],
      globalWebhookUrl: config.EWS_WEBHOOK_URL,
    });
    const escalator = createEscalator({
      lifecycle,
      outbox,
      notices: async (alert, at) => escalationNotices(alert, at, await noticeContext()),
      clock,
      delayMs: config.EWS_ESCALATION_MINUTES * 60_000,
      log: log.child({ module: 'escalation' }),
      wake: () => sender.wake(),
    });
    // Issue 11: hospitals that fell silent, as ews_hospital_silent{hospital}, a warning and a
    // data-quality alert routed to the hospital's province (alerts/data-quality-alerts.ts).
    const dataQualityAlerts = createDataQualityAlerts({ store: lifecycle, clock, log, notify });
    const silentHospitals = createSilentHospitalChecker({
      reader: createDataQualityReader(store),
      hospitals: () => hospitals.list(),
      clock,
      metrics,
      log: log.child({ module: 'silent-hospitals' }),
      onChecked: (check) => dataQualityAlerts.onCheck(check),
    });
    if (role !== 'ingest') {
      const onEscalationError = (err: unknown) => log.error({ err }, 'escalation check failed');
      const escalation = setInterval(() => void escalator.runOnce().catch(onEscalationError), 30_000);
      escalation.unref();
      closers.push(() => Promise.resolve(clearInterval(escalation)));
      const onSilentError = (err: unknown) => log.error({ err }, 'silent-hospital check failed');
      const silentCheck = setInterval(() => void silentHospitals.runOnce().catch(onSilentError), SILENT_CHECK_INTERVAL_MS);
      silentCheck.unref();
      closers.push(() => Promise.resolve(clearInterval(silentCheck)));
      sender.start();
      // ews_alerts{level,status}, counted on each scrape (where alerts are made: not in an ingest-only process).
      registerAlertMetrics(metrics, operational);
      closers.push(async () => {
        await sender.close();
        for (const c of Object.values(channels)) await c.close();
      });
    }

    const ears = {
      method: config.EWS_EARS_METHOD,
      baseline: config.EWS_EARS_BASELINE,
      alpha: config.EWS_EARS_ALPHA,
      minSigma: config.EWS_EARS_MIN_SIGMA,
    };
    const detectors = buildDetectors({
      spec: config.EWS_DETECTORS,
      ears,
      farringtonB: config.EWS_FARRINGTON_B,
      farringtonAlpha: config.EWS_FARRINGTON_ALPHA,
      yellowP: config.EWS_YELLOW_P,
      knownSyndromes: DETECTED_SERIES,
    });
    const counts = createCountStore(store);
    const detect = createDetectService({
      log: log.child({ module: 'detect' }),
      metrics,
      clock,
      counts,
      signals: createSignalStore(store),
      detectors,
      horizonDays: config.EWS_DETECT_HORIZON_DAYS,
      communes: units.all().map((u) => u.code),
      provinceOf: new Map(units.all().map((u) => [u.code, u.provinceCode])),
      syndromes: STATISTICAL_SERIES,
      onSignals: async (signals) => {
        await alerts.onSignals(signals);
        await lifecycleFeed.onSignals(signals);
      },
      // The rules of EWS_RULES_FILE run with the detectors, on the same triggers (issue 10).
      passes: [
        createRulePass({
          log,
          rules: config.alertRules,
          counts,
          provinceOf: provinceOfCommune,
          population: populationsFrom(units.all()),
          horizonDays: config.EWS_DETECT_HORIZON_DAYS,
        }),
      ],
      scanner: config.EWS_SCAN
        ? createScanner({
            counts,
            units: units.all(),
            options: {
              studyDays: config.EWS_SCAN_STUDY_DAYS,
              maxDays: config.EWS_SCAN_MAX_DAYS,
              maxNeighbours: config.EWS_SCAN_MAX_NEIGHBOURS,
              maxRadiusKm: config.EWS_SCAN_MAX_RADIUS_KM,
              replications: config.EWS_SCAN_REPLICATIONS,
              minRecurrenceDays: config.EWS_SCAN_RECURRENCE_DAYS,
              minCases: 3,
            },
          })
        : undefined,
    });
    closers.push(() => detect.close());

    // The syndrome definitions version of EWS_SYNDROME_DEFINITIONS (checked at start), stored with each event.
    const classifier = classifierFor(config.EWS_SYNDROME_DEFINITIONS);
    // New counts for the live stream (GET /v1/live `counts` events), coalesced for 3 s.
    const liveCounts = createCountFeed({ throttleMs: deps.liveCountsThrottleMs ?? 3000 });
    const processor = createCountProcessor({
      log: log.child({ module: 'processor' }),
      metrics,
      clock,
      store,
      deadLetters: processorDeadLetters,
      classify: (ev) => classifier.classifyEvent(ev),
      definitionsVersion: classifier.version,
      onCountsChanged: (keys) => {
        detect.countsChanged(keys);
        liveCounts.push(keys);
      },
      // Only this process's ingest writes the embedded log, after validating every event.
      trustedLog: !kafka,
      // The backlog of the consumers feeding it, for /healthz and /metrics (`subscription` is set below).
      lag: () => (kafka ? kafka.lag() : (subscription?.lag() ?? 0)),
      stallAfterMs: config.EWS_PROCESSOR_STALL_SECONDS * 1000,
      eventTimeWindow: { maxPastDays: config.EWS_EVENT_MAX_PAST_DAYS, maxFutureDays: config.EWS_EVENT_MAX_FUTURE_DAYS },
    });
    let subscription: Subscription | undefined;
    if (kafka) {
      if (role !== 'ingest') {
        await kafka.startProcessors((batch) => processor.handle(batch));
        closers.push(() => kafka.stopProcessors());
      }
    } else {
      const sub = await eventLog.subscribe({
        topics: [TOPICS.encounters, TOPICS.labs],
        group: PROCESSOR_GROUP,
        handler: (batch) => processor.handle(batch),
      });
      closers.push(() => sub.close());
      subscription = sub;
    }
    // Only ingest answers resends as duplicates: a processor-only process skips the warm-up.
    // Events accepted just before a crash may still be in the log's replayed tail and not yet
    // in the store: the index is warmed once the processors have drained that tail, before
    // the HTTP API answers, so a resend of one of them is a duplicate.
    // The wait is bounded by the stall threshold: a processor that cannot write (the store
    // down) must not keep the service from answering; /healthz then says degraded, and a
    // resend in that window is answered as accepted (the counts stay exact either way).
    if (role !== 'processor') {
      if (subscription && subscription.lag() > 0) log.info({ lag: subscription.lag() }, 'replaying the event log before ingest answers');
      const giveUpAt = performance.now() + config.EWS_PROCESSOR_STALL_SECONDS * 1000;
      while (subscription && subscription.lag() > 0 && performance.now() < giveUpAt) await new Promise((r) => setTimeout(r, 20));
      if (subscription && subscription.lag() > 0) {
        log.warn(
          { lag: subscription.lag() },
          'the event log is still replaying: ingest answers now, resends of the events still replaying count as accepted',
        );
      }
      const identities = await forEachEventIdentity(store, (h, e) => dedup.add(h, e));
      log.debug({ identities }, 'duplicate index warmed');
    }
    // The Kafka entry (ingest/kafka-inbound, issue 12): hospitals' integration engines publish to
    // their own topics (KAFKA_INBOUND_HOSPITALS), read by the inbound group through the same ingest as HTTP.
    if (kafka && role !== 'processor' && config.KAFKA_INBOUND_HOSPITALS.length > 0) {
      await kafka.startInbound(inboundHandler({ ingest, units, config, clock, log, metrics, redact: deps.scrub }));
      closers.push(() => kafka.stopInbound());
    }

    if ((deps.cronSchedule ?? true) && role !== 'ingest') {
      const onError = (err: unknown) => log.error({ err }, 'scheduled detection failed');
      // Daily: yesterday, the last complete day. Weekly (Mondays): the ISO week that just ended.
      const daily = cron.schedule(config.EWS_DETECT_CRON, () => void detect.runDay(localDayNumber(clock.now()) - 1).catch(onError), {
        timezone: 'Asia/Ho_Chi_Minh',
      });
      const weekly = cron.schedule(
        config.EWS_DETECT_WEEKLY_CRON,
        () => void detect.runWeek(localDayNumber(clock.now()) - 1).catch(onError),
        { timezone: 'Asia/Ho_Chi_Minh' },
      );
      closers.push(async () => {
        await daily.stop();
        await weekly.stop();
      });
    }
    if ((deps.cronSchedule ?? true) && role !== 'ingest' && config.EWS_FINALIZE_INTERVAL_SECONDS > 0) {
      // Closed days into daily_counts (processors/count/finalizer.ts); a late event re-finalizes its day.
      const finalizer = {
        store: createDailyCountStore(store),
        today: () => localDayNumber(clock.now()),
        horizonDays: config.EWS_FINALIZE_HORIZON_DAYS ?? config.EWS_DETECT_HORIZON_DAYS,
      };
      let running: Promise<unknown> | undefined;
      const finalize = setInterval(() => {
        running ??= runFinalizer(finalizer)
          .catch((err: unknown) => log.error({ err }, 'count finalizer run failed'))
          .finally(() => (running = undefined));
      }, config.EWS_FINALIZE_INTERVAL_SECONDS * 1000);
      closers.push(async () => {
        clearInterval(finalize);
        await running;
      });
    }

    const app = createHttpBase({
      logger: log,
      metrics,
      bodyLimit: config.EWS_MAX_BODY_BYTES,
      // HTTPS with EWS_TLS_CERT/KEY; hospital client certificates with EWS_TLS_CLIENT_CA.
      tls: tlsSettings(config),
      timeouts: {
        requestMs: config.EWS_HTTP_REQUEST_TIMEOUT_MS,
        headersMs: config.EWS_HTTP_HEADERS_TIMEOUT_MS,
        idleMs: config.EWS_HTTP_IDLE_TIMEOUT_MS,
        keepAliveMs: config.EWS_HTTP_KEEP_ALIVE_TIMEOUT_MS,
      },
      health: async () => ({
        store: await store.ping().then((p) => p.success),
        // A partition stuck (a batch failing, or a backlog not handled) for EWS_PROCESSOR_STALL_SECONDS: degraded.
        ...(role === 'ingest' ? {} : { processor: processor.health().ok }),
      }),
      healthReasons: () => {
        const reason = role === 'ingest' ? undefined : processor.health().reason;
        return reason === undefined ? {} : { processor: reason };
      },
      metricsAccess:
        config.EWS_METRICS_PORT === undefined
          ? { tokens: [config.EWS_METRICS_TOKEN, config.EWS_ADMIN_TOKEN].filter((t) => t !== undefined) }
          : 'elsewhere',
    });
    // OpenAPI 3 at /openapi.json and Swagger UI at /docs (issue 11): before the routes it documents.
    // The document's version is the package's (as `ews --version` prints it).
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    await registerOpenApi(app, { version });
    const ingestAuth = createIngestAuthenticator({ keys: hospitalKeys, metrics, log: log.child({ module: 'ingest-auth' }) });
    if (role !== 'processor') {
      registerIngestRoutes(app, ingest, { auth: ingestAuth, rateLimitPerMinute: config.EWS_INGEST_RATE_LIMIT_PER_MINUTE });
      // FHIR R4 ingest (issue 12): the same authenticator, ingest service and limits.
      registerFhirRoutes(app, ingest, {
        auth: ingestAuth,
        rateLimitPerMinute: config.EWS_INGEST_RATE_LIMIT_PER_MINUTE,
        units,
        now: () => clock.now(),
        eventTimeWindow: { maxPastDays: config.EWS_EVENT_MAX_PAST_DAYS, maxFutureDays: config.EWS_EVENT_MAX_FUTURE_DAYS },
        communeFrom: config.EWS_FHIR_COMMUNE_FROM,
        redact: deps.scrub,
        version,
      });
    }
    // HL7 v2 (issue 12): POST /hl7v2, and the MLLP listener with EWS_MLLP_PORT (closed before the HTTP API).
    const hl7 =
      role === 'processor' ? undefined : startHl7Ingest({ app, ingest, auth: ingestAuth, config, log, metrics, clock, redact: deps.scrub });
    const unitViews = units.all().map(toUnitView);
    registerReadRoutes(app, {
      guard: {
        authenticate: deps.authenticate ?? ((req) => access.authenticator.authenticate(req)),
        perMinute: config.EWS_READ_RATE_LIMIT_PER_MINUTE,
      },
      dashboard: {
        counts,
        signals: createSeriesSignalReader(store),
        alerts: alertStore,
        units: unitViews,
        seriesIds: [...DETECTED_SERIES, ...DENOMINATOR_SERIES.map((d) => d.id)],
        definitionsVersion: config.EWS_SYNDROME_DEFINITIONS,
        thresholds: (series, firstIndex) => earsThresholds(ears, series, firstIndex),
        today: () => dayString(localDayNumber(clock.now())),
      },
      deadLetters: { deadLetters: createDeadLetterReader(store), hospitals: () => hospitals.list(), audit: access.audit },
      dataQuality: {
        reader: createDataQualityReader(store),
        hospitals: () => hospitals.list(),
        units: { provinceOf, provinceName: (code) => units.all().find((u) => u.provinceCode === code)?.provinceName },
        clock,
      },
      trends: { trends: createTrendStore(store) },
      // GET /v1/signals and the audited GET /v1/line-list (issue 11: lists and their CSV / NDJSON exports).
      signals: { reader: createSignalReader(store) },
      lineList: { reader: createAlertDetailReader(store), audit: access.audit },
      // The weekly bulletin (HTML, and PDF through Chromium at CHROMIUM_PATH).
      bulletin: {
        sources: {
          trends: createTrendStore(store),
          reads: createBulletinReads({ db: operational, store }),
          alerts: lifecycle,
          hospitals: () => hospitals.list(),
          units: unitViews,
          clock,
          // The map's polygons: the overview's shapes (EWS_BOUNDARIES_GEOJSON or approximate cells).
          shapes: mapShapes,
        },
        pdf: createPdfRenderer({ executablePath: config.CHROMIUM_PATH }),
      },
    });
    // GET /v1/map (the overview page): communes coloured by their active lifecycle alerts.
    registerMapRoutes(app, {
      guard: {
        authenticate: deps.authenticate ?? ((req) => access.authenticator.authenticate(req)),
        perMinute: config.EWS_READ_RATE_LIMIT_PER_MINUTE,
      },
      shapes: mapShapes,
      units: unitViews,
      counts,
      alerts: lifecycle,
      seriesIds: DETECTED_SERIES,
      syndromeIds: SYNDROME_IDS,
      familyOf: (s) => SERIES_FAMILY.get(s),
      today: () => dayString(localDayNumber(clock.now())),
    });
    registerAdminRoutes(app, {
      hospitals,
      adminToken: config.EWS_ADMIN_TOKEN,
      authenticate: (req) => access.authenticator.authenticate(req),
      onChange: () => hospitalKeys.refresh(),
    });
    access.registerRoutes(app);
    // Sign-in through the province's identity provider, when configured (EWS_OIDC_ISSUER).
    const oidc = oidcSettings(config);
    if (oidc) {
      const { signIn, onRefusal } = createOidcSignIn(access);
      await registerOidcRoutes(app, {
        settings: oidc,
        logger: log.child({ module: 'oidc' }),
        clock: deps.accessClock ?? clock,
        metrics,
        signIn,
        onRefusal,
      });
    }
    registerAlertLifecycleRoutes(app, {
      authenticate: (req) => access.authenticator.authenticate(req),
      store: lifecycle,
      provinceOf,
      // The detail's series and audited line list; the declared end of an outbreak through the outbox.
      detail: {
        counts,
        reader: createAlertDetailReader(store),
        audit: access.audit,
        communesOfProvince: (p) => units.byProvince(p).map((u) => u.code),
      },
      notify: { context: noticeContext, enqueue, wake: () => sender.wake() },
    });
    // Live updates for the web application (GET /v1/live): one poll of alert changes for all its clients.
    registerLiveRoutes(app, {
      authenticate: deps.authenticate ?? ((req) => access.authenticator.authenticate(req)),
      poller: createAlertChangePoller({ changes: createAlertChangeReader(operational), log, now: () => clock.now() }),
      counts: { feed: liveCounts, provinceOf },
    });
    registerWebRoutes(app, { oidc: oidc !== null });
    closers.push(() => app.close());
    if (hl7?.mllp) closers.push(() => hl7.mllp!.close());
    const metricsApp = config.EWS_METRICS_PORT === undefined ? undefined : createMetricsServer({ logger: log, metrics });
    if (metricsApp) closers.push(() => metricsApp.close());
    let url = '';
    let metricsUrl = '';
    // Set EWS_MLLP_PORT means listen, also for a pipeline whose HTTP API is driven by inject() (tests).
    const mllpPort = hl7?.mllp ? await hl7.mllp.listen() : undefined;
    if (deps.listen ?? true) {
      const address = await app.listen({ port: config.PORT, host: config.HOST });
      url = address.replace('://127.0.0.1', '://localhost');
      if (metricsApp) metricsUrl = await metricsApp.listen({ port: config.EWS_METRICS_PORT ?? 0, host: config.EWS_METRICS_HOST });
    } else {
      await app.ready();
      await metricsApp?.ready();
    }

    // Set by close(): a settle() in progress returns instead of waiting for a lag that will not move.
    let closing: Promise<void> | undefined;
    const settle = async () => {
      if (kafka) await kafka.inboundDrained();
      if (kafka) await kafka.drained();
      else while (!closing && subscription && subscription.lag() > 0) await new Promise((r) => setTimeout(r, 20));
      await detect.idle();
    };

    return {
      app,
      url,
      metricsApp,
      metricsUrl,
      mllpPort,
      store,
      operational,
      hospitals,
      hospitalKeys,
      access,
      lifecycle,
      escalator,
      silentHospitals,
      units,
      ingest,
      detect,
      alerts,
      metrics,
      lag: () => (kafka ? kafka.lag() : (subscription?.lag() ?? 0)),
      settle,
      // Once only, in reverse order of creation: HTTP, schedules, consumers, detection, alerts, log, store, operational store.
      close: () =>
        (closing ??= (async () => {
          for (const c of [...closers].reverse()) await c().catch((err: unknown) => log.warn({ err }, 'error while closing'));
        })()),
    };
  } catch (err) {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    throw err;
  }
}

function pseudonymKey(config: Readonly<Config>, log: Logger): PseudonymKeyRing {
  const ring = configuredKeyRing(config);
  if (ring) return ring;
  const file = join(config.EWS_DATA_DIR, 'pseudonym.key');
  if (!existsSync(file)) {
    mkdirSync(config.EWS_DATA_DIR, { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
    log.warn({ file }, 'EWS_PSEUDONYM_KEY is not set: created a random key for this data directory (set the provincial key in production)');
  }
  return singleKeyRing(Buffer.from(readFileSync(file, 'utf8').trim(), 'utf8'));
}

/** One info line per routed notification: who hears of which alert on which channel (or would, once it is configured). */
function reportRouted(log: Logger, queued: readonly NewNotification[], unconfigured: readonly NewNotification[]): void {
  const fields = (r: NewNotification) => ({ alert_id: r.alertId, event: r.event, recipient: r.recipient, channel: r.channel });
  for (const r of queued) log.info(fields(r), 'notification routed');
  for (const r of unconfigured) log.info(fields(r), 'notification not routed: channel not configured');
}

/**
 * The subscribers of now: the officers file and the store's users with their stored
 * subscriptions, read afresh for each batch so that a change takes effect without a restart.
 */
async function storeSubscribers(access: Access, fromFile: readonly Subscriber[]): Promise<Subscriber[]> {
  const [users, subscriptions] = await Promise.all([access.users.list(), access.users.subscriptions()]);
  const fromUsers = users.map((u) => {
    const s = subscriptions.get(u.username);
    return subscriberFromUser(u, s && userSubscriptionOf(s));
  });
  return mergeSubscribers(
    fromFile,
    fromUsers.filter((x) => x !== undefined),
  );
}

/** The officers file's text; a file that cannot be read stops start-up naming it. */
function readOfficersFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new Error(`EWS_OFFICERS_FILE: cannot read '${path}'${code ? ` (${code})` : ''}`, { cause: err });
  }
}
