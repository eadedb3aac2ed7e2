import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminHeaders, encounter, lab, postAndSettle, startTestPipeline, type TestPipeline } from '../helpers/pipeline.ts';

const NOW = Date.parse('2026-11-25T12:00:00+07:00');
const DAY = '2026-11-24';

describe('telehealth consultations: their own denominator _visits_telehealth, through the real pipeline', () => {
  let p: TestPipeline;
  const count = async (series: string) => {
    const res = await p.app.inject({ headers: adminHeaders, url: `/v1/counts?syndrome=${series}&from=${DAY}&to=${DAY}&commune=09187` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ rows: { count: number }[] }>().rows.reduce((n, r) => n + r.count, 0);
  };
  beforeAll(async () => {
    p = await startTestPipeline({ clock: { now: () => NOW } });
    const at = `${DAY}T09:00:00+07:00`;
    await postAndSettle(p, [
      encounter({ event_id: 't1', occurred_at: at, setting: 'telehealth', diagnoses: [], chief_complaint: 'sốt, ho' }),
      encounter({ event_id: 't2', occurred_at: at, setting: 'telehealth', diagnoses: ['A90'] }),
      encounter({ event_id: 'o1', occurred_at: at, setting: 'outpatient', diagnoses: ['J11'] }),
      encounter({ event_id: 'e1', occurred_at: at, setting: 'emergency', diagnoses: ['A09'] }),
      lab({ event_id: 'l1', occurred_at: at }),
    ]);
    // A resend counts once in the telehealth denominator too.
    await postAndSettle(p, [
      encounter({ event_id: 't1', occurred_at: at, setting: 'telehealth', diagnoses: [], chief_complaint: 'sốt, ho' }),
    ]);
  });
  afterAll(async () => {
    await p?.cleanup();
  });

  it('telehealth encounters count in _visits_telehealth; in-person ones (negative control) and lab results do not', async () => {
    expect(await count('_visits_telehealth')).toBe(2);
  });

  it('they still count in _visits and in their syndromes, so every syndrome share has numerator and denominator over the same encounters', async () => {
    expect(await count('_visits')).toBe(4);
    expect(await count('ili')).toBe(2); // t1 by its complaint, o1 by J11
    expect(await count('dengue')).toBe(1); // t2
    expect(await count('_tests')).toBe(1);
  });

  it('GET /v1/syndromes lists _visits_telehealth as a denominator with names in both languages', async () => {
    const res = await p.app.inject({ url: '/v1/syndromes', headers: adminHeaders });
    const d = res.json<{ definitions: { id: string; kind: string; name: { vi: string; en: string } }[] }>().definitions;
    expect(d.find((x) => x.id === '_visits_telehealth')).toMatchObject({
      kind: 'denominator',
      name: { vi: 'Lượt khám từ xa', en: 'Telehealth consultations' },
    });
  });
});
