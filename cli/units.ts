import { readFileSync } from 'node:fs';
import { BUNDLED_UNITS_CSV, parseUnitsCsv, type Unit } from '../schemas/units/registry.ts';

// schemas/ holds the contract of the units CSV and its parser, pure; reading the files is the
// composition root's job (and of the tools that need the registry: bench, tests).

/** Reads and parses the bundled registry, `schemas/units/demo-units.csv`. */
export function loadDemoUnits(): Unit[] {
  return parseUnitsCsv(readFileSync(BUNDLED_UNITS_CSV, 'utf8'));
}

/**
 * Loads the units CSV at `path` (the config's `EWS_UNITS_CSV`) if given and non-empty, otherwise
 * the bundled one.
 */
export function loadUnits(path?: string): Unit[] {
  if (path === undefined || path.trim() === '') return loadDemoUnits();
  return parseUnitsCsv(readFileSync(path, 'utf8'));
}
