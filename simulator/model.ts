import { DAY_OF_WEEK, PROFILES, type VisitProfile } from './profiles.ts';
import type { Rng } from './random.ts';

export interface SimUnit {
  code: string;
  provinceCode: string;
  population: number;
}

/** An extra cluster of cases: `extra[k]` more cases per commune on the k-th outbreak day. */
export interface Outbreak {
  profile: string;
  communes: readonly string[];
  firstDay: number;
  extra: readonly number[];
}

export interface ModelOptions {
  /** Multiplies every rate (1 ≈ the profile rates). */
  scale: number;
  outbreaks: readonly Outbreak[];
}

/** A hospital event as a hospital would send it (patient_id in clear: ingest pseudonymises). */
export type SimEvent = Record<string, unknown> & { event_id: string; hospital_id: string; occurred_at: string };

const DAY_MS = 86_400_000;

/** The hospital a commune's residents go to: district-level hospitals, ~10 communes each. */
export function hospitalFor(unitIndex: number, provinceCode: string, setting: string | undefined): string {
  if (setting === 'inpatient') return `BVDK-${provinceCode}`;
  return `TTYT-${provinceCode}-${String(Math.floor(unitIndex / 10) + 1).padStart(2, '0')}`;
}

/** Every hospital generateDay may name for these units (as hospitalFor assigns them): the demo registers them. */
export function simulatedHospitals(units: readonly SimUnit[]): string[] {
  const ids = new Set<string>();
  units.forEach((u, i) => {
    ids.add(hospitalFor(i, u.provinceCode, 'inpatient'));
    ids.add(hospitalFor(i, u.provinceCode, 'outpatient'));
  });
  return [...ids].sort();
}

/** Local (UTC+7) RFC 3339 time for a day number and seconds into that day. */
export function localTime(dayNumber: number, secondOfDay: number): string {
  const ms = dayNumber * DAY_MS + secondOfDay * 1000;
  return new Date(ms).toISOString().slice(0, 19) + '+07:00';
}

/**
 * All events occurring on one local day across the given communes: Poisson counts from each
 * profile's rate × population × season × day of week, plus any outbreak cases. Deterministic
 * for a given rng state.
 */
export function generateDay(day: number, units: readonly SimUnit[], o: ModelOptions, rng: Rng): SimEvent[] {
  const date = new Date(day * DAY_MS);
  const month = date.getUTCMonth();
  const dow = DAY_OF_WEEK[date.getUTCDay()]!;
  const events: SimEvent[] = [];
  units.forEach((u, unitIndex) => {
    let seq = 0;
    const emit = (p: VisitProfile) => {
      seq++;
      events.push(...makeVisit(p, u, unitIndex, day, seq, rng));
    };
    for (const p of PROFILES) {
      const lambda = p.rate * o.scale * (u.population / 30_000) * p.season[month]! * dow;
      const n = rng.poisson(lambda);
      for (let i = 0; i < n; i++) emit(p);
    }
    for (const ob of o.outbreaks) {
      const k = day - ob.firstDay;
      if (k < 0 || k >= ob.extra.length || !ob.communes.includes(u.code)) continue;
      const p = PROFILES.find((x) => x.id === ob.profile)!;
      const n = rng.poisson(ob.extra[k]!);
      for (let i = 0; i < n; i++) emit(p);
    }
  });
  return events.sort((a, b) => (a.occurred_at < b.occurred_at ? -1 : a.occurred_at > b.occurred_at ? 1 : 0));
}

function makeVisit(p: VisitProfile, u: SimUnit, unitIndex: number, day: number, seq: number, rng: Rng): SimEvent[] {
  // Visits cluster in clinic hours (07–17), some in the evening emergency room.
  const second = rng.chance(0.85) ? 7 * 3600 + rng.int(10 * 3600) : rng.int(86_400);
  const setting = p.setting ?? (rng.chance(0.12) ? 'emergency' : 'outpatient');
  const hospital = hospitalFor(unitIndex, u.provinceCode, setting);
  const age = p.ageRange[0] + rng.int(p.ageRange[1] - p.ageRange[0] + 1);
  const patient = `P${u.code}${String(rng.int(1e7)).padStart(7, '0')}`;
  const id = `${day}-${u.code}-${seq}`;
  const withDiagnosis = p.complaints.length === 0 || rng.chance(0.8);
  const encounter: SimEvent = {
    schema: 'ews.encounter.v1',
    event_id: `E${id}`,
    hospital_id: hospital,
    occurred_at: localTime(day, second),
    commune_code: u.code,
    patient_id: patient,
    sex: rng.chance(0.5) ? 'female' : 'male',
    age_years: age,
    setting,
    diagnoses: withDiagnosis ? [...rng.pick(p.diagnoses)] : [],
    ...(withDiagnosis ? {} : { chief_complaint: rng.pick(p.complaints) }),
  };
  const out = [encounter];
  if (p.lab && rng.chance(p.lab.share)) {
    out.push({
      schema: 'ews.lab.v1',
      event_id: `L${id}`,
      hospital_id: hospital,
      occurred_at: localTime(day, Math.min(86_399, second + 1800)),
      commune_code: u.code,
      patient_id: patient,
      sex: encounter['sex'],
      age_years: age,
      test_code: p.lab.code,
      result: rng.chance(p.lab.positivity) ? 'positive' : 'negative',
    });
  }
  return out;
}
