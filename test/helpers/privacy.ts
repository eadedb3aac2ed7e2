import { createPseudonymiser, singleKeyRing } from '../../ingest/pseudonymise.ts';

/** The key startTestPipeline gives its pipeline (test/helpers/pipeline.ts). */
export const TEST_PSEUDONYM_KEY = 'test-key-test-key-test-key-test-key';

/** The pseudonym a test pipeline gives `patientId` of `hospitalId` (what a dead letter keeps). */
export const testPseudonym = createPseudonymiser(singleKeyRing(Buffer.from(TEST_PSEUDONYM_KEY, 'utf8')));

/** An event as its dead letter keeps it: `patient_id` replaced by its pseudonym. */
export function pseudonymised(ev: Record<string, unknown>): Record<string, unknown> {
  return { ...ev, patient_id: testPseudonym(ev['hospital_id'] as string, ev['patient_id'] as string) };
}
