import { describe, expect, it } from 'vitest';
import { generateDay, simulatedHospitals } from '../../simulator/model.ts';
import { DEFAULT_TRAFFIC, scheduleTraffic } from '../../simulator/traffic.ts';
import { byHospital } from '../../simulator/client.ts';
import { createRng } from '../../simulator/random.ts';
import { loadDemoUnits } from '../../cli/units.ts';

describe('the simulated hospitals the demo registers', () => {
  const units = loadDemoUnits().map((u) => ({ code: u.code, provinceCode: u.provinceCode, population: u.population }));

  it('cover every hospital the simulator names, and each line is sent by the hospital it names', () => {
    const registered = new Set(simulatedHospitals(units));
    const rng = createRng(3);
    const seen = new Set<string>();
    for (let day = 20_300; day < 20_330; day++) {
      for (const o of scheduleTraffic(generateDay(day, units, { scale: 1, outbreaks: [] }, rng), DEFAULT_TRAFFIC, rng)) {
        seen.add(o.hospital);
        // Broken copies are not always JSON with a hospital_id; valid ones name their sender.
        if (o.kind !== 'invalid') expect((JSON.parse(o.line) as { hospital_id: string }).hospital_id).toBe(o.hospital);
      }
    }
    expect([...seen].filter((h) => !registered.has(h))).toEqual([]);
    // The negative control: the registry is not trivially everything (both kinds of hospital are named).
    expect(seen.size).toBeGreaterThan(10);
    expect([...seen].some((h) => h.startsWith('BVDK-')) && [...seen].some((h) => h.startsWith('TTYT-'))).toBe(true);
  });

  it('a batch is split by hospital, lines kept in order', () => {
    const groups = byHospital([
      { line: 'a1', hospital: 'A' },
      { line: 'b1', hospital: 'B' },
      { line: 'a2', hospital: 'A' },
    ]);
    expect([...groups]).toEqual([
      ['A', ['a1', 'a2']],
      ['B', ['b1']],
    ]);
  });
});
