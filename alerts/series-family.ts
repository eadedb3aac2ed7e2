import { LAB_SERIES, type LabSeriesId } from '../schemas/code-tables/loinc-pathogens.ts';
import { SYNDROME_IDS, type SyndromeId } from '../schemas/code-tables/syndromes.ts';

/**
 * Laboratory series whose id is not `lab_<syndrome id>` and so cannot be derived: the
 * clinical syndrome they confirm. The type lists exactly those series, so a new lab series
 * in the code table fails the type check until it is given a family here (or named after
 * its syndrome). Influenza joins ILI rather than SARI: SARI alerts stand for severity and
 * stay their own family.
 */
const NOT_DERIVABLE = {
  lab_influenza_a: 'ili',
  lab_influenza_b: 'ili',
  lab_measles: 'measles_rubella',
  // Vibrio cholerae presents as acute watery diarrhoea.
  lab_vibrio: 'acute_diarrhoea',
} as const satisfies Record<Exclude<LabSeriesId, `lab_${SyndromeId}`>, SyndromeId>;

/**
 * Series id → syndrome family, from the code tables: every syndrome is its own family, a
 * lab series `lab_<syndrome>` joins that syndrome (lab_dengue → dengue), the others as listed
 * above.
 */
export const SERIES_FAMILY: ReadonlyMap<string, SyndromeId> = new Map<string, SyndromeId>([
  ...SYNDROME_IDS.map((s) => [s, s] as const),
  ...LAB_SERIES.map((l): [string, SyndromeId] => {
    const derived = SYNDROME_IDS.find((s) => `lab_${s}` === l.id);
    return [l.id, derived ?? NOT_DERIVABLE[l.id as keyof typeof NOT_DERIVABLE]];
  }),
]);

/**
 * The syndrome family a series belongs to: what grouping compares. A series the code tables
 * do not know (a rule's own series, e.g. a group-A disease) is its own family.
 */
export function seriesFamily(series: string): string {
  return SERIES_FAMILY.get(series) ?? series;
}
