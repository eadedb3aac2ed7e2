import { z } from 'zod';
import { envInt } from '../../platform/config.ts';
import { INBOUND_GROUP, inboundTopicOf, KAFKA_TOPIC_NAME } from '../../schemas/topics.ts';

/** One hospital's inbound topic (logical name: KAFKA_TOPIC_PREFIX is prepended on the broker). */
export interface InboundRoute {
  hospital: string;
  topic: string;
}

export type RoutesParse = { ok: true; routes: InboundRoute[] } | { ok: false; message: string };

/**
 * Reads KAFKA_INBOUND_HOSPITALS: comma-separated entries, each a hospital id (its topic is
 * `ews.inbound.v1.<id>`) or `id=topic` (a topic the deployment already has, e.g. one Kafka
 * Connect writes). A topic names one hospital only: the topic is the authentication. Pure.
 */
export function parseInboundRoutes(text: string): RoutesParse {
  const routes: InboundRoute[] = [];
  const hospitalOfTopic = new Map<string, string>();
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const eq = entry.indexOf('=');
    const hospital = (eq < 0 ? entry : entry.slice(0, eq)).trim();
    const topic = eq < 0 ? inboundTopicOf(hospital) : entry.slice(eq + 1).trim();
    if (hospital === '' || hospital.length > 64 || /[\p{Cc}]/u.test(hospital))
      return { ok: false, message: `'${entry.slice(0, 80)}': the hospital id must be 1–64 characters without control characters` };
    if (!KAFKA_TOPIC_NAME.test(topic))
      return {
        ok: false,
        message:
          eq < 0
            ? `hospital '${hospital}' cannot be a topic name (letters, digits, '.', '_', '-'): name its topic, '${hospital}=ews.inbound.v1.<name>'`
            : `'${entry.slice(0, 80)}': topic '${topic.slice(0, 80)}' must be 1–249 letters, digits, '.', '_' or '-'`,
      };
    const other = hospitalOfTopic.get(topic);
    if (other !== undefined && other !== hospital)
      return { ok: false, message: `topic '${topic}' is named for two hospitals, '${other}' and '${hospital}': one topic, one hospital` };
    if (other === undefined) {
      hospitalOfTopic.set(topic, hospital);
      routes.push({ hospital, topic });
    }
  }
  return { ok: true, routes };
}

/** Settings of the Kafka entry (composed into the root schema in cli/config.ts). */
export const kafkaInboundConfigSchema = z.object({
  /**
   * Hospitals whose integration engines publish to Kafka, comma-separated: `id` (topic
   * `ews.inbound.v1.<id>`) or `id=topic`. Unset or empty: no inbound consumer. Needs KAFKA_BROKERS.
   */
  KAFKA_INBOUND_HOSPITALS: z
    .string()
    .default('')
    .transform((s, ctx) => {
      const parsed = parseInboundRoutes(s);
      if (!parsed.ok) {
        ctx.addIssue({ code: 'custom', message: parsed.message });
        return z.NEVER;
      }
      return parsed.routes;
    }),
  /** Consumer group of the inbound consumers (every ingest process joins it). Default ews-inbound. */
  KAFKA_INBOUND_GROUP: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,200}$/, "must be letters, digits, '.', '_' or '-'")
    .default(INBOUND_GROUP),
  /** Members of the inbound group in each ingest process. Default 1. */
  KAFKA_INBOUND_CONSUMERS: envInt(1, 1, 64),
});
