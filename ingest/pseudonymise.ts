import { createHmac } from 'node:crypto';

/**
 * Replaces a hospital's patient identifier with HMAC-SHA256(key, hospital_id NUL patient_id),
 * hex-encoded and cut to 32 characters (128 bits). Keyed so identifiers cannot be recovered by
 * hashing guesses without the provincial key; scoped by hospital because identifiers are
 * only unique within one hospital. The raw value is never stored or logged.
 */
export function createPseudonymiser(key: Buffer): (hospitalId: string, patientId: string) => string {
  if (key.length < 16) throw new Error('pseudonymisation key must be at least 16 bytes');
  return (hospitalId, patientId) =>
    createHmac('sha256', key).update(hospitalId).update('\u0000').update(patientId).digest('hex').slice(0, 32);
}
