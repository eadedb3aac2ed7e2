// Classifier throughput (a benchmark, not a test: timings on a shared 2-core machine are too
// noisy to assert). Run by `ews bench classify`.
import { createClassifier, type EventInput } from '../processors/classify/index.ts';

// A mix shaped like hospital traffic: mostly coded encounters, a share of free text, labs.
const SAMPLE: EventInput[] = [
  { schema: 'ews.encounter.v1', setting: 'outpatient', diagnoses: ['J06.9', 'R50.9'] },
  { schema: 'ews.encounter.v1', setting: 'inpatient', diagnoses: ['J18.9'], age_years: 70 },
  { schema: 'ews.encounter.v1', setting: 'emergency', diagnoses: ['A09'] },
  { schema: 'ews.encounter.v1', setting: 'outpatient', diagnoses: [], chief_complaint: 'Sốt cao 3 ngày, ho, đau họng, không tiêu chảy' },
  {
    schema: 'ews.encounter.v1',
    setting: 'emergency',
    diagnoses: [],
    chief_complaint: 'tre sot, phat ban, chay nuoc mui',
    temperature_c: 38.7,
  },
  { schema: 'ews.encounter.v1', setting: 'outpatient', diagnoses: [], chief_complaint: 'đau bụng, đi ngoài phân lỏng nhiều lần' },
  { schema: 'ews.lab.v1', test_code: '75377-2', result: 'positive' },
  { schema: 'ews.lab.v1', test_code: '92142-9', result: 'negative' },
];

/** Best-of-three events/s of the default classifier over a traffic-shaped mix. */
export function benchClassify(n = 200_000): { eventsPerSecond: number } {
  const classifier = createClassifier();
  let best = Infinity;
  // Best of three runs: the first also warms the JIT; the others absorb scheduler noise.
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    for (let i = 0; i < n; i++) classifier.classifyEvent(SAMPLE[i % SAMPLE.length] as EventInput);
    best = Math.min(best, performance.now() - start);
  }
  return { eventsPerSecond: Math.round(n / (best / 1000)) };
}
