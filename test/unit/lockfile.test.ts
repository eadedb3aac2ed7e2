import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('package-lock.json', () => {
  it('lists every optional engine package of chdb, so `npm ci` accepts it (scripts/lock-chdb-platforms.mjs)', () => {
    const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as {
      packages: Record<string, { optionalDependencies?: Record<string, string> }>;
    };
    const optional = Object.keys(lock.packages['node_modules/chdb']?.optionalDependencies ?? {});
    expect(optional.length).toBeGreaterThan(0);
    for (const name of optional) expect(lock.packages, name).toHaveProperty([`node_modules/${name}`]);
  });
});
