import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_START_DATE, dayOfDate } from '../../simulator/calendar.ts';
import { dayString } from '../../processors/count/window.ts';

const bin = fileURLToPath(new URL('../../bin/ews.mjs', import.meta.url));

describe('ews demo --until-alert (the whole pipeline, end to end)', () => {
  it('loads history through the HTTP API, runs live traffic and exits 0 at the injected outbreak’s first alert, printing it as JSON', async () => {
    const child = spawn(process.execPath, [bin, 'demo', '--until-alert'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, err.slice(-2000)).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(1);
    const alert = JSON.parse(lines[0]!) as Record<string, unknown>;
    for (const field of ['alert_id', 'commune_code', 'syndrome', 'level', 'date', 'observed', 'expected', 'threshold', 'algorithm']) {
      expect(alert, field).toHaveProperty(field);
    }
    if (alert['algorithm'] === 'space_time_permutation_scan') {
      // A cluster has no per-series threshold: its evidence is the Monte Carlo p-value.
      expect(alert['threshold']).toBeNull();
      expect(alert['p_value']).toBeLessThan(0.01);
      expect(alert['observed']).toBeGreaterThan(alert['expected'] as number);
    } else {
      expect(alert['observed']).toBeGreaterThan(alert['threshold'] as number);
    }
    // The alert is the injected outbreak's: dengue, in one of its four communes (or a cluster
    // taking one in), on or after its first day.
    const injected = /outbreak of dengue from (\d{4}-\d{2}-\d{2}) in ([\d, ]+)/.exec(err);
    expect(injected, err.slice(-2000)).not.toBeNull();
    const [, firstDay, communeList] = injected!;
    const communes = communeList!.split(',').map((c) => c.trim());
    expect(communes).toHaveLength(4);
    expect(alert['syndrome']).toBe('dengue');
    if (alert['area_level'] === 'cluster') expect((alert['cluster_communes'] as string[]).some((c) => communes.includes(c))).toBe(true);
    else expect(communes).toContain(alert['commune_code']);
    expect(['commune', 'cluster']).toContain(alert['area_level']);
    // The simulated calendar starts on the fixed default date, whatever today's date is.
    const start = dayOfDate(DEFAULT_START_DATE)!;
    expect(firstDay).toBe(dayString(start + 1));
    expect(String(alert['date'])).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(String(alert['date']) >= firstDay!).toBe(true);
    expect(String(alert['date']) <= dayString(start + 30)).toBe(true);
    // Progress was visible while history loaded, and it included refused and resent events.
    expect(err).toMatch(/history \/ lịch sử .* \d+ duplicates, [1-9]\d* rejected/);
  }, 300_000);
});
