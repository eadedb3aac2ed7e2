import type { UnitView } from '../dashboards/api-routes.ts';
import type { Unit } from '../schemas/units/registry.ts';

/** A registry unit as the read side shows it (snake_case, the API's words). */
export const toUnitView = (u: Unit): UnitView => ({
  code: u.code,
  name: u.name,
  type: u.type,
  province_code: u.provinceCode,
  province_name: u.provinceName,
  lat: u.lat,
  lon: u.lon,
  population: u.population,
});
