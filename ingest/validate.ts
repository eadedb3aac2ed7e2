import type { z } from 'zod';
import { hospitalEventV1, type HospitalEventV1 } from '../schemas/events.ts';
import { eventTimeProblem, type EventTimeWindow } from '../schemas/event-time.ts';
import { capText } from '../schemas/dead-letter.ts';

export interface FieldError {
  path: string;
  message: string;
}

/** Why an event was refused, for the rejection metric's `reason` label (a closed set). */
export type RefusalReason = 'validation' | 'unknown_commune' | 'implausible_time';

export type Validation =
  | {
      ok: true;
      event: HospitalEventV1;
      /** The code the event came with when it was a retired (pre-2025) one, now replaced by the current commune's. */
      mappedFrom?: string;
    }
  | { ok: false; reason: RefusalReason; errors: FieldError[] };

/** Minimal view of the administrative-unit registry that validation needs. */
export interface CommuneLookup {
  has(code: string): boolean;
  /**
   * The current commune a code stands for (itself, or the new code of a retired one:
   * schemas/units/code-map.ts); without it only current codes are accepted.
   */
  resolve?(code: string): string | undefined;
}

/** When the event was received (epoch ms) and how far from that its time may lie. */
export interface EventTimeCheck {
  receivedAt: number;
  window: Readonly<EventTimeWindow>;
}

/** Longest value echoed in an error (a key, a path, an id): refused input is not repeated in full. */
export const MAX_ECHO = 200;
/** Most errors reported per event; the last one says how many more there were. */
export const MAX_ERRORS = 20;
/** Most unknown keys named in one error. */
const MAX_KEYS_NAMED = 10;

/**
 * Validates one decoded item against the v1 contract, the unit registry and the plausible
 * event-time window. Errors name the field by its JSON path (`diagnoses.0`) and say why; every
 * echoed value is cut at MAX_ECHO characters and at most MAX_ERRORS are returned.
 */
export function validateEvent(value: unknown, units: CommuneLookup, time: EventTimeCheck): Validation {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, reason: 'validation', errors: [{ path: '', message: 'each event must be a JSON object' }] };
  }
  const parsed = hospitalEventV1.safeParse(value);
  if (!parsed.success) return { ok: false, reason: 'validation', errors: zodErrors(parsed.error) };
  const event = parsed.data;
  const problem = eventTimeProblem(Date.parse(event.occurred_at), time.receivedAt, time.window);
  if (problem !== undefined) {
    return {
      ok: false,
      reason: 'implausible_time',
      errors: [{ path: 'occurred_at', message: `${capText(event.occurred_at, MAX_ECHO)} ${problem}` }],
    };
  }
  if (!units.has(event.commune_code)) {
    // A retired code (pre-2025, Decision 124/2004) is counted under its new commune, not refused.
    const current = units.resolve?.(event.commune_code);
    if (current !== undefined && current !== event.commune_code && units.has(current)) {
      return { ok: true, event: { ...event, commune_code: current }, mappedFrom: event.commune_code };
    }
    return {
      ok: false,
      reason: 'unknown_commune',
      errors: [{ path: 'commune_code', message: `unknown commune code ${event.commune_code}: not in the administrative-unit registry` }],
    };
  }
  return { ok: true, event };
}

function zodErrors(error: z.ZodError): FieldError[] {
  const issues = error.issues;
  const shown = issues.length > MAX_ERRORS ? issues.slice(0, MAX_ERRORS - 1) : issues;
  const errors = shown.map((i): FieldError => {
    const path = capText(i.path.map(String).join('.'), MAX_ECHO);
    if (i.code === 'unrecognized_keys') {
      const named = i.keys.slice(0, MAX_KEYS_NAMED).map((k) => capText(k, MAX_ECHO));
      const more = i.keys.length > MAX_KEYS_NAMED ? ` and ${i.keys.length - MAX_KEYS_NAMED} more` : '';
      return { path, message: capText(`unknown field(s): ${named.join(', ')}${more}`, MAX_ECHO * 2) };
    }
    if (i.code === 'invalid_type' && i.message.startsWith('Invalid input')) return { path, message: 'is required' };
    return { path, message: capText(i.message, MAX_ECHO) };
  });
  if (issues.length > MAX_ERRORS) errors.push({ path: '', message: `${issues.length - shown.length} more errors not shown` });
  return errors;
}
