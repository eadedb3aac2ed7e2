import type { Alert } from '../schemas/alerts.ts';
import type { UnitRegistry } from '../schemas/units/registry.ts';
import { dayString } from '../processors/count/window.ts';
import type { Outbreak } from '../simulator/model.ts';
import type { Rng } from '../simulator/random.ts';

/**
 * The demo's outbreak: dengue in a commune of Bắc Ninh drawn from the seeded stream and its
 * three nearest neighbours, from `firstDay` on, growing for a week and fading over the next.
 */
export function injectedOutbreak(units: UnitRegistry, rng: Rng, firstDay: number): Outbreak {
  const centre = units.all().filter((u) => u.provinceCode === '24')[rng.int(99)]!.code;
  return {
    profile: 'dengue',
    communes: [centre, ...units.neighbours(centre, 3).map((u) => u.code)],
    firstDay,
    extra: [2, 4, 7, 10, 14, 18, 20, 20, 16, 12, 8, 5, 3],
  };
}

/**
 * Whether an alert is the injected outbreak's: its syndrome, from its first day on, in one of
 * its communes, or a space-time cluster that takes in at least one of them. Province-level
 * alerts and other syndromes are not (chance alarms elsewhere do not stop --until-alert).
 */
export function isOutbreakAlert(a: Alert, o: Outbreak): boolean {
  if (a.syndrome !== o.profile || a.last_day < dayString(o.firstDay)) return false;
  if (a.area_level === 'commune') return o.communes.includes(a.commune_code);
  return a.area_level === 'cluster' && a.cluster_communes.some((c) => o.communes.includes(c));
}
