import { z } from 'zod';

/**
 * The alert contract of issue 10: one alert per event with its evidence, worked through the
 * WHO EWARS lifecycle (verification, then the risk assessment of WHO's Rapid Risk Assessment
 * of Acute Public Health Events, 2012: hazard, exposure and context assessments, then a risk
 * characterised by likelihood × consequence) to an outcome. Pure data: the cores are
 * alerts/lifecycle.ts (transitions) and alerts/grouping.ts (evidence → alerts).
 */

export const LIFECYCLE_STATUSES = ['open', 'verified', 'discarded', 'monitoring', 'risk_assessed', 'risk_characterised', 'closed'] as const;
export type LifecycleStatus = (typeof LIFECYCLE_STATUSES)[number];

/** Statuses in which an alert still gathers evidence (grouping joins signals to it). */
export const ACTIVE_STATUSES: readonly LifecycleStatus[] = ['open', 'monitoring', 'verified', 'risk_assessed', 'risk_characterised'];

export const ACTION_TYPES = [
  'verify',
  'discard',
  'monitor',
  'assess_risk',
  'characterise_risk',
  'close',
  'reopen',
  'declare_outbreak_end',
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

/** WHO RRA 2012 likelihood scale, most likely first. */
export const LIKELIHOODS = ['almost_certain', 'highly_likely', 'likely', 'unlikely', 'very_unlikely'] as const;
export type Likelihood = (typeof LIKELIHOODS)[number];

/** WHO RRA 2012 consequence scale, mildest first. */
export const CONSEQUENCES = ['minimal', 'minor', 'moderate', 'major', 'severe'] as const;
export type Consequence = (typeof CONSEQUENCES)[number];

export const RISK_LEVELS = ['low', 'moderate', 'high', 'very_high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/**
 * The risk matrix of WHO's Rapid Risk Assessment of Acute Public Health Events (2012):
 * rows likelihood, columns consequence (minimal → severe). Transcribed from the manual's
 * risk matrix figure; a reviewer with the PDF should check it cell by cell (the unit test
 * pins every cell, so a correction shows in one place).
 */
export const RISK_MATRIX: Readonly<Record<Likelihood, readonly [RiskLevel, RiskLevel, RiskLevel, RiskLevel, RiskLevel]>> = {
  almost_certain: ['moderate', 'high', 'high', 'very_high', 'very_high'],
  highly_likely: ['moderate', 'moderate', 'high', 'very_high', 'very_high'],
  likely: ['low', 'moderate', 'high', 'high', 'very_high'],
  unlikely: ['low', 'low', 'moderate', 'high', 'high'],
  very_unlikely: ['low', 'low', 'low', 'moderate', 'high'],
};

/** The risk level of a likelihood × consequence pair, by the WHO matrix. */
export function riskLevel(likelihood: Likelihood, consequence: Consequence): RiskLevel {
  return RISK_MATRIX[likelihood][CONSEQUENCES.indexOf(consequence)]!;
}

export const OUTCOMES = ['outbreak_confirmed_ended', 'no_outbreak', 'false_alarm_data_error', 'other'] as const;
export type Outcome = (typeof OUTCOMES)[number];

const notes = z.string().trim().max(4000);
const required = z.string().trim().min(1).max(4000);

// Action inputs. The API layer names fields for the officer (vi/en); these messages stay terse.
export const verifyActionSchema = z.strictObject({ type: z.literal('verify'), notes: notes.optional() });
export const discardActionSchema = z.strictObject({ type: z.literal('discard'), notes: notes.optional() });
export const monitorActionSchema = z.strictObject({ type: z.literal('monitor'), notes: notes.optional() });
export const assessRiskActionSchema = z.strictObject({
  type: z.literal('assess_risk'),
  /** Hazard assessment: the agent or cause, its characteristics. */
  hazard: required,
  /** Exposure assessment: who is or may be exposed, how many, their susceptibility. */
  exposure: required,
  /** Context assessment: environment, health system, social factors that change the risk. */
  context: required,
  notes: notes.optional(),
});
export const characteriseRiskActionSchema = z.strictObject({
  type: z.literal('characterise_risk'),
  likelihood: z.enum(LIKELIHOODS),
  consequence: z.enum(CONSEQUENCES),
  notes: notes.optional(),
});
export const closeActionSchema = z
  .strictObject({ type: z.literal('close'), outcome: z.enum(OUTCOMES), notes: notes.optional() })
  // An outcome of `other` says nothing by itself: the notes must.
  .refine((a) => a.outcome !== 'other' || (a.notes ?? '') !== '', { path: ['notes'], message: 'required when the outcome is other' });
export const reopenActionSchema = z.strictObject({ type: z.literal('reopen'), reason: required });
export const declareOutbreakEndActionSchema = z.strictObject({ type: z.literal('declare_outbreak_end'), notes: notes.optional() });

export const lifecycleActionSchema = z.discriminatedUnion('type', [
  verifyActionSchema,
  discardActionSchema,
  monitorActionSchema,
  assessRiskActionSchema,
  characteriseRiskActionSchema,
  closeActionSchema,
  reopenActionSchema,
  declareOutbreakEndActionSchema,
]);
export type LifecycleAction = z.infer<typeof lifecycleActionSchema>;

export const AREA_LEVELS = ['commune', 'cluster', 'province'] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];

export const ALERT_LEVELS = ['yellow', 'red'] as const;
export type AlertLevel = (typeof ALERT_LEVELS)[number];

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day, YYYY-MM-DD');

/**
 * One piece of evidence: a detector signal or a rule hit (same shape), graded yellow or red.
 * Its identity is (algorithm, series, area, granularity, day): the same one evaluated again
 * replaces the earlier figures instead of adding a second item.
 */
export const evidenceSchema = z.strictObject({
  /** `detector` for a statistical signal, `rule` for an immediate or count rule hit. */
  source: z.enum(['detector', 'rule']),
  /** Detector id (`ears_c2`, `farrington_flexible`…) or rule id. */
  algorithm: z.string().min(1),
  /** Series id: a syndrome (`dengue`) or a laboratory series (`lab_dengue`). */
  series: z.string().min(1),
  area_level: z.enum(AREA_LEVELS),
  /** Commune code, province code, or a cluster's centre commune. */
  area_code: z.string().min(1),
  /** A cluster's communes, centre first; empty otherwise. */
  cluster_communes: z.array(z.string()),
  /** Days a cluster spans up to `day` (1 for others). */
  cluster_days: z.number().int().min(1),
  granularity: z.enum(['day', 'week']),
  /** Day evaluated; for weekly series the Monday of the ISO week. */
  day,
  observed: z.number(),
  expected: z.number().nullable(),
  threshold: z.number().nullable(),
  p_value: z.number().nullable(),
  score: z.number().nullable(),
  level: z.enum(ALERT_LEVELS),
});
export type EvidenceItem = z.infer<typeof evidenceSchema>;

const stamp = { actor: z.string(), at: z.string() };

export const alertAreaSchema = z.strictObject({
  level: z.enum(AREA_LEVELS),
  /** Commune code, cluster centre, or province code. */
  code: z.string(),
  /** Every commune the alert's evidence names (a province alert may have none). */
  communes: z.array(z.string()),
});
export type AlertArea = z.infer<typeof alertAreaSchema>;

export const riskAssessmentSchema = z.strictObject({ hazard: z.string(), exposure: z.string(), context: z.string(), ...stamp });
export const riskCharacterisationSchema = z.strictObject({
  likelihood: z.enum(LIKELIHOODS),
  consequence: z.enum(CONSEQUENCES),
  level: z.enum(RISK_LEVELS),
  ...stamp,
});

export const lifecycleAlertSchema = z.strictObject({
  id: z.string(),
  /** `<family>|<area level>:<area code>`: what suppression and routing key on. */
  criterion: z.string(),
  /** Syndrome family: the clinical syndrome its lab series join (alerts/series-family.ts). */
  family: z.string(),
  area: alertAreaSchema,
  /** First and last day the evidence covers (a weekly item covers its ISO week). */
  first_day: day,
  last_day: day,
  /** Highest level of its evidence; never lowers. */
  level: z.enum(ALERT_LEVELS),
  /** When it reached that level (opened, or rose to red): the escalation clock. */
  level_since: z.string(),
  status: z.enum(LIFECYCLE_STATUSES),
  evidence: z.array(evidenceSchema),
  risk: z.strictObject({ assessment: riskAssessmentSchema.nullable(), characterisation: riskCharacterisationSchema.nullable() }),
  outcome: z.strictObject({ outcome: z.enum(OUTCOMES), notes: z.string(), ...stamp }).nullable(),
  outbreak_end: z.strictObject({ notes: z.string(), ...stamp }).nullable(),
  /** When it was closed or discarded (suppression counts from here); null while active. */
  closed_at: z.string().nullable(),
  /** Set when grouping folded this alert into another one (same event); it is then closed. */
  merged_into: z.string().nullable(),
  opened_at: z.string(),
  updated_at: z.string(),
  /** 1 when opened, +1 per stored change: with the recipient, the notification idempotency key. */
  version: z.number().int().min(1),
});
export type LifecycleAlert = z.infer<typeof lifecycleAlertSchema>;

/** One lifecycle step, as the audit log records it. */
export interface LifecycleStep {
  readonly alert_id: string;
  readonly from: LifecycleStatus;
  readonly to: LifecycleStatus;
  readonly action: ActionType;
  readonly actor: string;
  readonly at: string;
  /** The alert's version after the step. */
  readonly version: number;
  readonly notes: string | null;
  /** The action's other fields (assessment, likelihood/consequence and risk level, outcome, reason). */
  readonly details: Readonly<Record<string, unknown>>;
}
