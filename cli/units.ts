import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileCodeMap, formatRowError, parseCodeMapCsv } from '../schemas/units/code-map.ts';
import { BUNDLED_UNITS_CSV, createUnitRegistry, parseUnitsCsv, type Unit } from '../schemas/units/registry.ts';

// schemas/ holds the contract of the units CSV and its parser, pure; reading the files is the
// composition root's job (and of the tools that need the registry: bench, tests).

/** Where `ews units import` keeps the imported registry of a data directory. */
export const unitsDir = (dataDir: string) => join(dataDir, 'units');
export const importedUnitsPath = (dataDir: string) => join(unitsDir(dataDir), 'units.csv');
export const importedCodeMapPath = (dataDir: string) => join(unitsDir(dataDir), 'code-map.csv');
export const importedBoundariesPath = (dataDir: string) => join(unitsDir(dataDir), 'boundaries.geojson');

/** Reads and parses the bundled registry, `schemas/units/demo-units.csv`. */
export function loadDemoUnits(): Unit[] {
  return parseUnitsCsv(readFileSync(BUNDLED_UNITS_CSV, 'utf8'));
}

/**
 * Loads the units CSV at `path` (the config's `EWS_UNITS_CSV`) if given and non-empty, else
 * the registry imported into `dataDir` (`ews units import`, DIR/units/units.csv) if there is
 * one, otherwise the bundled one.
 */
export function loadUnits(path?: string, dataDir?: string): Unit[] {
  if (path !== undefined && path.trim() !== '') return parseUnitsCsv(readFileSync(path, 'utf8'));
  if (dataDir !== undefined && existsSync(importedUnitsPath(dataDir)))
    return parseUnitsCsv(readFileSync(importedUnitsPath(dataDir), 'utf8'));
  return loadDemoUnits();
}

/**
 * The retired-code mapping (old → new) of the config's `EWS_UNITS_MAP_CSV` if given, else the
 * one imported into `dataDir` (DIR/units/code-map.csv) if there is one, else none; checked
 * against `units`. Throws naming the file, line and column of every problem.
 */
export function loadCodeMap(units: readonly Unit[], path?: string, dataDir?: string): Map<string, string> {
  const file =
    path !== undefined && path.trim() !== ''
      ? path
      : dataDir !== undefined && existsSync(importedCodeMapPath(dataDir))
        ? importedCodeMapPath(dataDir)
        : undefined;
  if (file === undefined) return new Map();
  const parsed = parseCodeMapCsv(readFileSync(file, 'utf8'));
  const compiled = compileCodeMap(parsed.rows, createUnitRegistry(units));
  const errors = [...parsed.errors, ...compiled.errors];
  if (errors.length > 0) {
    const shown = errors.slice(0, 5).map((e) => formatRowError(file, e));
    throw new Error(`${shown.join('; ')}${errors.length > 5 ? `; and ${errors.length - 5} more` : ''}`);
  }
  return compiled.map;
}
