import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encounter, startTestPipeline, ingestHeaders } from '../helpers/pipeline.ts';
import type { AlertChange } from '../../alerts/alert-service.ts';
import { dayString, parseDay } from '../../processors/count/window.ts';
import { createCountStore } from '../../storage/counts.ts';
import { weekOfDay, mondayOfWeek } from '../../processors/detect/periods.ts';

type P = Awaited<ReturnType<typeof startTestPipeline>>;
// 70 weeks of history ending with an outbreak week; "now" is the Monday after it.
const lastWeek = weekOfDay(parseDay('2026-11-16'));
const firstWeek = lastWeek - 69;
const clock = { now: () => Date.parse(`${dayString(mondayOfWeek(lastWeek + 1))}T07:00:00+07:00`) };
let p: P;
const changes: AlertChange[] = [];

beforeAll(async () => {
  p = await startTestPipeline({ clock, env: { EWS_DETECTORS: 'ears@day/commune,noufaily@week/commune,farrington@week/province' } });
  p.alerts.onChange((c) => changes.push(c));
  const events: Record<string, unknown>[] = [];
  for (let w = firstWeek; w <= lastWeek; w++) {
    const monday = mondayOfWeek(w);
    // 2–3 cases a week in two Bắc Ninh communes, spread over the week; 40 in the last week.
    const n = w === lastWeek ? 40 : 2 + (w % 2);
    for (let i = 0; i < n; i++) {
      const commune = i % 2 === 0 ? '09187' : '09190';
      events.push(
        encounter({
          event_id: `w${w}-${i}`,
          commune_code: commune,
          occurred_at: `${dayString(monday + (i % 7))}T10:00:00+07:00`,
          diagnoses: ['A90'],
        }),
      );
    }
  }
  const res = await p.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { ...ingestHeaders(p), 'content-type': 'application/json' },
    payload: JSON.stringify(events),
  });
  expect(res.json()).toMatchObject({ accepted: events.length });
  await p.settle();
});
afterAll(async () => {
  await p?.cleanup();
});

describe('weekly and province series', () => {
  it('reads exact weekly counts per commune and per province', async () => {
    const provinceOf = new Map(p.units.all().map((u) => [u.code, u.provinceCode]));
    const counts = createCountStore(p.store);
    const communes = await counts.readSeries([{ syndrome: 'dengue', area: '09187' }], lastWeek - 1, lastWeek, {
      granularity: 'week',
      area: 'commune',
    });
    expect(communes.get('dengue|09187')).toEqual([(2 + ((lastWeek - 1) % 2) + 1) >> 1, 20]);
    const province = await counts.readSeries(
      [
        { syndrome: 'dengue', area: '24' },
        { syndrome: 'dengue', area: '33' },
      ],
      lastWeek - 1,
      lastWeek,
      { granularity: 'week', area: 'province', provinceOf },
    );
    expect(province.get('dengue|24')).toEqual([2 + ((lastWeek - 1) % 2), 40]);
    expect(province.get('dengue|33')).toEqual([0, 0]);
  });

  it('the Monday run evaluates the completed week with farringtonFlexible and opens province and commune alerts', async () => {
    const alarms = await p.detect.runWeek(mondayOfWeek(lastWeek + 1) - 1);
    expect(alarms).toBeGreaterThanOrEqual(2);
    const opened = changes.filter((c) => c.type === 'alert.opened').map((c) => c.alert);
    const province = opened.find((a) => a.area_level === 'province');
    expect(province).toMatchObject({
      commune_code: '24',
      syndrome: 'dengue',
      granularity: 'week',
      algorithm: 'farrington_farrington1996',
      observed: 40,
      last_day: dayString(mondayOfWeek(lastWeek)),
    });
    expect(province!.threshold).toBeLessThan(40);
    expect(opened.find((a) => a.area_level === 'commune' && a.commune_code === '09187')).toMatchObject({
      algorithm: 'farrington_noufaily',
      observed: 20,
    });
    // Only series with cases that week are evaluated: dengue in Bắc Ninh's province and two communes.
    const rs = await p.store.query({
      query: "SELECT area_level, count() AS n FROM signals FINAL WHERE granularity = 'week' GROUP BY area_level ORDER BY area_level",
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([
      { area_level: 'commune', n: 2 },
      { area_level: 'province', n: 1 },
    ]);
  });
});
