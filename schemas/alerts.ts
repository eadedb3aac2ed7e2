import { z } from 'zod';

/** Alert lifecycle as in WHO EWARS; this version opens and updates, later ones verify and close. */
export const ALERT_STATUSES = ['open', 'verified', 'discarded', 'closed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export const alertSchema = z.object({
  alert_id: z.string(),
  /** A commune code, or a province code when `area_level` is province. */
  commune_code: z.string(),
  area_level: z.enum(['commune', 'province', 'cluster']),
  /** Communes of a space-time cluster alert (centre first); empty for other alerts. */
  cluster_communes: z.array(z.string()).default([]),
  granularity: z.enum(['day', 'week']),
  syndrome: z.string(),
  status: z.enum(ALERT_STATUSES),
  level: z.enum(['red', 'yellow']),
  algorithm: z.string(),
  /** Day of the first alarm, YYYY-MM-DD. */
  first_day: z.string(),
  /** Day of the latest alarm: the `date` the alert is about. */
  last_day: z.string(),
  observed: z.number(),
  expected: z.number().nullable(),
  threshold: z.number().nullable(),
  p_value: z.number().nullable(),
  signal_count: z.number().int(),
  opened_at: z.string(),
  updated_at: z.string(),
});

export type Alert = z.infer<typeof alertSchema>;
