import { describe, expect, it } from 'vitest';
import { isOutbreakAlert } from '../../cli/demo-outbreak.ts';
import type { Alert } from '../../schemas/alerts.ts';
import type { Outbreak } from '../../simulator/model.ts';
import { dayOfDate } from '../../simulator/calendar.ts';

const outbreak: Outbreak = {
  profile: 'dengue',
  communes: ['07774', '07777', '07351', '07333'],
  firstDay: dayOfDate('2026-07-02')!,
  extra: [2],
};
const alert = (over: Partial<Alert>): Alert => ({
  alert_id: 'a',
  commune_code: '07777',
  area_level: 'commune',
  cluster_communes: [],
  granularity: 'day',
  syndrome: 'dengue',
  status: 'open',
  level: 'red',
  algorithm: 'ears_c2',
  first_day: '2026-07-03',
  last_day: '2026-07-03',
  observed: 6,
  expected: 0.1,
  threshold: 3.1,
  p_value: null,
  signal_count: 1,
  opened_at: '',
  updated_at: '',
  ...over,
});

describe('ews demo --until-alert waits for the injected outbreak', () => {
  it.each([
    ['dengue in an outbreak commune', {}, true],
    [
      'a cluster taking in an outbreak commune',
      { area_level: 'cluster', commune_code: '07339', cluster_communes: ['07339', '07333'] },
      true,
    ],
    ['another syndrome in an outbreak commune', { syndrome: 'ili' }, false],
    ['dengue elsewhere', { commune_code: '09187' }, false],
    ['a cluster elsewhere', { area_level: 'cluster', commune_code: '09187', cluster_communes: ['09187', '09190'] }, false],
    ['the province of the outbreak', { area_level: 'province', commune_code: '24' }, false],
    ['dengue there before the outbreak began', { last_day: '2026-07-01' }, false],
  ] as const)('%s: %s', (_name, over, expected) => {
    expect(isOutbreakAlert(alert(over as Partial<Alert>), outbreak)).toBe(expected);
  });
});
