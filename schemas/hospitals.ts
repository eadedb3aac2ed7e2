import { z } from 'zod';

/** A hospital as the admin API and `ews hospitals add` take it (hospital_id as events carry it). */
export const newHospitalSchema = z.strictObject({
  id: z
    .string({ message: 'is required (string, 1–64 characters)' })
    .min(1, 'must not be empty')
    .max(64, 'must be at most 64 characters')
    .regex(/^[^\p{Cc}\p{Cf}\p{Cs}\s]*$/u, 'must not contain spaces, control or invisible characters'),
  name: z
    .string({ message: 'is required (string, 1–200 characters)' })
    .trim()
    .min(1, 'must not be empty')
    .max(200, 'must be at most 200 characters'),
  province_code: z
    .string()
    .regex(/^\d{2}$/, 'must be a 2-digit province code, e.g. 24')
    .optional(),
});

export type NewHospitalInput = z.output<typeof newHospitalSchema>;
