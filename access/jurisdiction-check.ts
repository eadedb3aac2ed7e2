import type { Jurisdiction } from '../schemas/access.ts';

/** What the unit registry can answer (schemas/units/registry.ts fits). */
export interface KnownUnits {
  /** Is there a commune with this 5-digit code? */
  hasCommune(code: string): boolean;
  /** Is there a province with this 2-digit code? */
  hasProvince(code: string): boolean;
}

/** Problems with a jurisdiction against the unit registry, each naming its field; empty when it is fine. */
export function jurisdictionProblems(j: Jurisdiction, units: KnownUnits): { field: string; message: string }[] {
  switch (j.level) {
    case 'national':
      return [];
    case 'province':
      return units.hasProvince(j.province)
        ? []
        : [{ field: 'jurisdiction.province', message: `unknown province ${j.province} / không có tỉnh ${j.province}` }];
    case 'communes':
      return j.communes
        .map((c, i) => ({ c, i }))
        .filter(({ c }) => !units.hasCommune(c))
        .map(({ c, i }) => ({ field: `jurisdiction.communes.${i}`, message: `unknown commune ${c} / không có xã ${c}` }));
  }
}
