import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The rooms of STYLE.md and which other rooms each may import. Stages never import each
 * other: they meet at topics and tables. Composition roots (cli/, bench/) may import all.
 */
const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const ALLOWED: Record<string, { may: string[]; why: string }> = {
  schemas: { may: ['schemas', 'platform'], why: 'contracts depend on nothing but zod (and the error type)' },
  platform: { may: ['platform'], why: 'shared infrastructure has no domain knowledge and imports no room' },
  storage: { may: ['storage', 'schemas', 'platform'], why: 'storage reads and writes tables; it knows no stage' },
  ingest: { may: ['ingest', 'schemas', 'platform'], why: 'ingest meets the processors only at the event log' },
  processors: { may: ['processors', 'schemas', 'platform', 'storage'], why: 'processors meet ingest at the log and alerts at signals' },
  alerts: { may: ['alerts', 'schemas', 'platform', 'storage'], why: 'alerts consume signals, not detector internals' },
  dashboards: { may: ['dashboards', 'schemas', 'platform', 'storage'], why: 'dashboards read tables, never call stages' },
  simulator: { may: ['simulator', 'schemas'], why: 'the simulator is a hospital: it only knows the public contract' },
};

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

describe('room boundaries (STYLE.md)', () => {
  const violations: string[] = [];
  for (const [room, rule] of Object.entries(ALLOWED)) {
    for (const file of tsFiles(join(ROOT, room))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]/gm)) {
        const target = relative(ROOT, resolve(file, '..', m[1]!)).split('/')[0]!;
        if (!rule.may.includes(target)) violations.push(`${relative(ROOT, file)} imports ${m[1]} (${target}/): ${room}/ ${rule.why}`);
      }
    }
  }

  it('no room imports a room it may not', () => {
    expect(violations).toEqual([]);
  });

  it('the check sees imports (negative control)', () => {
    const sample = "import { x } from '../ingest/thing.ts';";
    expect([...sample.matchAll(/^(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]/gm)]).toHaveLength(1);
  });
});
