import { describe, expect, it } from 'vitest';
import { communesOfAreas, countsConcern, type CountsView } from '../../dashboards/web/src/live-counts.ts';

const news = { communes: ['09187', '09190'], syndromes: ['dengue', 'lab_dengue'], days: ['2026-11-20'] };
const any: CountsView = { communes: null, syndrome: null, from: null, to: null };

describe('countsConcern: a page reads again only when its series moved', () => {
  it.each<[string, unknown, CountsView, boolean]>([
    ['anything, for a view of anything', news, any, true],
    ['its commune', news, { ...any, communes: ['09190'] }, true],
    ['another commune', news, { ...any, communes: ['11953'] }, false],
    ['its syndrome', news, { ...any, syndrome: 'dengue' }, true],
    ['another syndrome', news, { ...any, syndrome: 'ili' }, false],
    ['a day inside its range', news, { ...any, from: '2026-11-01', to: '2026-11-20' }, true],
    ['a day after its range', news, { ...any, from: '2026-10-01', to: '2026-11-19' }, false],
    ['a malformed event (read again: harmless)', { communes: 'x' }, { ...any, syndrome: 'ili' }, true],
  ])('%s', (_name, data, view, want) => {
    expect(countsConcern(data, view)).toBe(want);
  });

  it('communesOfAreas: a commune itself, a province its communes, national any', () => {
    const units = [
      { code: '09187', province_code: '24' },
      { code: '09190', province_code: '24' },
      { code: '11953', province_code: '33' },
    ];
    expect(communesOfAreas(['09187'], units)).toEqual(['09187']);
    expect(communesOfAreas(['24'], units)).toEqual(['09187', '09190']);
    expect(communesOfAreas(['09187', '11953'], units)).toEqual(['09187', '11953']);
    expect(communesOfAreas(['national'], units)).toBeNull();
  });
});
