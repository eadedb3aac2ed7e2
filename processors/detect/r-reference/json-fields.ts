/**
 * Hand-written readers for untyped JSON, each failing with the dotted path of the field
 * (e.g. `control.alpha`), so a bad reference case says exactly what is wrong.
 */
import { invalidField } from '../algorithms/errors.ts';

/** A parsed JSON object whose fields have not been checked yet. */
export type JsonObject = Readonly<Record<string, unknown>>;

const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v);

export function asObject(value: unknown, path: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidField(path, `must be an object, got ${describe(value)}`);
  }
  return value as JsonObject;
}

/** An R control list: an object, or `[]`, which is how jsonlite writes R's empty `list()`. */
export function asControl(value: unknown, path: string): JsonObject {
  return Array.isArray(value) && value.length === 0 ? {} : asObject(value, path);
}

export function asString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw invalidField(path, `must be a string, got ${describe(value)}`);
  return value;
}

export function asBoolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw invalidField(path, `must be true or false, got ${describe(value)}`);
  return value;
}

export interface NumberRule {
  readonly integer?: boolean;
  readonly min?: number;
}

export function asNumber(value: unknown, path: string, rule: NumberRule = {}): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalidField(path, `must be a finite number, got ${describe(value)}`);
  }
  if (rule.integer === true && !Number.isInteger(value)) throw invalidField(path, `must be an integer, got ${value}`);
  if (rule.min !== undefined && value < rule.min) throw invalidField(path, `must be ≥ ${rule.min}, got ${value}`);
  return value;
}

export function asArray(value: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(value)) throw invalidField(path, `must be an array, got ${describe(value)}`);
  return value;
}

/** Array of `T | null`: each element goes through `item` unless it is null. */
export function asNullableArray<T>(value: unknown, path: string, item: (v: unknown, p: string) => T): (T | null)[] {
  return asArray(value, path).map((v, i) => (v === null ? null : item(v, `${path}[${i}]`)));
}

/** Fails on keys outside `known`: an ignored R control parameter would silently change results. */
export function rejectUnknownKeys(obj: JsonObject, known: readonly string[], path: string): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) throw invalidField(`${path}.${key}`, `unknown field (known: ${known.join(', ')})`);
  }
}
