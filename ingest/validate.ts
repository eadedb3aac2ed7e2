import type { z } from 'zod';
import { hospitalEventV1, type HospitalEventV1 } from '../schemas/events.ts';

export interface FieldError {
  path: string;
  message: string;
}

export type Validation = { ok: true; event: HospitalEventV1 } | { ok: false; errors: FieldError[] };

/** Minimal view of the administrative-unit registry that validation needs. */
export interface CommuneLookup {
  has(code: string): boolean;
}

/**
 * Validates one decoded item against the v1 contract and the unit registry. Errors name the
 * field by its JSON path (`diagnoses.0`) and say why.
 */
export function validateEvent(value: unknown, units: CommuneLookup): Validation {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, errors: [{ path: '', message: 'each event must be a JSON object' }] };
  }
  const parsed = hospitalEventV1.safeParse(value);
  if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error) };
  const event = parsed.data;
  if (!units.has(event.commune_code)) {
    return {
      ok: false,
      errors: [{ path: 'commune_code', message: `unknown commune code ${event.commune_code}: not in the administrative-unit registry` }],
    };
  }
  return { ok: true, event };
}

function zodErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((i) => {
    if (i.code === 'unrecognized_keys') {
      return { path: i.path.join('.'), message: `unknown field(s): ${i.keys.join(', ')}` };
    }
    if (i.code === 'invalid_type' && i.message.startsWith('Invalid input')) {
      return { path: i.path.join('.'), message: `is required` };
    }
    return { path: i.path.join('.'), message: i.message };
  });
}
