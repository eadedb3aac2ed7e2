/**
 * Detect stage, pure core: count series in, one {@link DetectorPoint} per evaluated time
 * point out. No I/O and no clock; the detect service (the shell) feeds series and writes
 * signals. Each detector reproduces its reference: R `surveillance` 1.20.3, CDC Rnssp 0.3.0
 * (ESSENCE), Kulldorff 2005 (scan); see README.md.
 */
export type { AlertLevel, DetectorPoint, IndexRange } from './types.ts';
export { earsC, type EarsControl } from './ears.ts';
export { farringtonFlexible, type FarringtonControl, type FarringtonSeries } from './farrington-flexible.ts';
export type { PowerTransform } from './farrington-threshold.ts';
export { glrnb, type GlrnbControl, type GlrnbSeries } from './glrnb.ts';
export type { GlrnbBaselineModel } from './glrnb-baseline.ts';
export { cusum, type CusumControl, type CusumSeries, type CusumTransform } from './cusum.ts';
export { createTQuantileTable, levelOf, type EssenceOptions, type EssencePoint, type TQuantileTable } from './essence-common.ts';
export { essenceRegression } from './essence-regression.ts';
export { essenceEwma, type EwmaOptions } from './essence-ewma.ts';
export { essenceSwitch, SWITCH_R2, type SwitchOptions } from './essence-switch.ts';
export { nearestZones, type ZoneOptions } from './scan-zones.ts';
export {
  scanLlr,
  spaceTimePermutationScan,
  type ScanCluster,
  type SpaceTimeScanOptions,
  type SpaceTimeScanResult,
} from './space-time-scan.ts';
