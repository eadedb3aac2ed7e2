import { expect } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../../cli/config.ts';
import { startPipeline, type Pipeline } from '../../cli/pipeline.ts';
import { createLogger } from '../../platform/logger.ts';
import type { Clock } from '../../platform/clock.ts';
import { isAppError } from '../../platform/errors.ts';
import { systemClock } from '../../platform/clock.ts';
import { openMigratedOperationalStore } from '../../cli/operational-store.ts';
import { createHospitalStore } from '../../storage/hospitals.ts';

/** The hospital every test pipeline registers unless told otherwise (the `encounter()` default). */
export const TEST_HOSPITAL = 'BV-TEST';

export type TestPipeline = Pipeline & {
  dir: string;
  /** API keys of the hospitals registered for the test, by hospital id. */
  keys: Record<string, string>;
  cleanup(): Promise<void>;
};
import type { Authenticate } from '../../dashboards/read-guard.ts';

/** EWS_ADMIN_TOKEN of every test pipeline unless its env sets another (40 characters). */
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdefghijklm';

/** Headers that authenticate as the national admin (EWS_ADMIN_TOKEN) on a test pipeline. */
export const adminHeaders: Readonly<Record<string, string>> = Object.freeze({ authorization: `Bearer ${TEST_ADMIN_TOKEN}` });

/** GETs `url` with the given credentials (default adminHeaders): `readAs(p)('/v1/units')`. */
export function readAs(p: { app: Pipeline['app'] }, credentials: Readonly<Record<string, string>> = adminHeaders) {
  return (url: string) => p.app.inject({ url, headers: { ...credentials } });
}

/**
 * A real one-process pipeline (chDB + embedded log) in a fresh temporary directory, without
 * listening: tests talk to it through `app.inject()`. `hospitals` (default ['BV-TEST']) are
 * registered through its hospital store; their keys are in `keys` (see ingestHeaders).
 * On a reused `dir` a hospital already registered gets a new key (the old one rotated out).
 */
export async function startTestPipeline(
  options: { env?: Record<string, string>; clock?: Clock; dir?: string; hospitals?: readonly string[]; authenticate?: Authenticate } = {},
): Promise<TestPipeline> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'ews-test-'));
  const config = readConfig({
    EWS_DATA_DIR: dir,
    EWS_PSEUDONYM_KEY: 'test-key-test-key-test-key-test-key',
    EWS_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    ...options.env,
  });
  const pipeline = await startPipeline(config, {
    log: createLogger({ level: process.env['EWS_TEST_LOG'] ?? 'silent' }),
    clock: options.clock ?? { now: () => Date.now() },
    listen: false,
    cronSchedule: false,
    ...(options.authenticate ? { authenticate: options.authenticate } : {}),
  });
  // No prototype: generated hospital ids such as "toString" or "__proto__" are keys like any other.
  const keys = Object.create(null) as Record<string, string>;
  const p = Object.assign(pipeline, {
    dir,
    keys,
    async cleanup() {
      await pipeline.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  });
  try {
    for (const id of options.hospitals ?? [TEST_HOSPITAL]) await registerHospital(p, id);
  } catch (err) {
    await p.cleanup();
    throw err;
  }
  return p;
}

/** Registers a hospital on a test pipeline (a new key if it exists) and makes its key known to ingest at once. */
export async function registerHospital(p: TestPipeline, id: string): Promise<string> {
  const key = await issueKey(p, id);
  p.keys[id] = key;
  return key;
}

/** Registers a hospital on any pipeline (or rotates its key if it exists); its key works at once. */
export async function issueKey(p: Pick<Pipeline, 'hospitals' | 'hospitalKeys'>, id: string): Promise<string> {
  const issued = await p.hospitals.add({ id, name: `Test ${id}` }).catch((err: unknown) => {
    if (isAppError(err) && err.code === 'CONFLICT') return p.hospitals.rotate(id);
    throw err;
  });
  await p.hospitalKeys.refresh();
  return issued.key;
}

/**
 * Registers a hospital on a stopped data directory (its operational store, as `ews hospitals
 * add` does) and returns its key: for tests that start `ews serve` processes on `dir`.
 */
export async function registerOnDataDir(dir: string, id: string = TEST_HOSPITAL, env: Record<string, string> = {}): Promise<string> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const config = readConfig({ EWS_DATA_DIR: dir, ...env });
  const store = await openMigratedOperationalStore(config, createLogger({ level: 'silent' }));
  try {
    return (await createHospitalStore(store, systemClock).add({ id, name: `Test ${id}` })).key;
  } finally {
    await store.close();
  }
}

/** The Authorization header of a registered test hospital (default BV-TEST). */
export function ingestHeaders(p: { keys: Record<string, string> }, hospitalId: string = TEST_HOSPITAL): { authorization: string } {
  const key = Object.hasOwn(p.keys, hospitalId) ? p.keys[hospitalId] : undefined;
  if (key === undefined)
    throw new Error(`hospital ${hospitalId} is not registered on this test pipeline (startTestPipeline({ hospitals }))`);
  return { authorization: `Bearer ${key}` };
}

/** A valid encounter, with overrides. */
export function encounter(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema: 'ews.encounter.v1',
    event_id: 'E1',
    hospital_id: 'BV-TEST',
    occurred_at: '2026-11-20T09:30:00+07:00',
    commune_code: '09187',
    patient_id: 'PATIENT-123',
    sex: 'female',
    age_years: 34,
    setting: 'outpatient',
    diagnoses: ['A90'],
    ...over,
  };
}

export function lab(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema: 'ews.lab.v1',
    event_id: 'L1',
    hospital_id: 'BV-TEST',
    occurred_at: '2026-11-20T10:00:00+07:00',
    commune_code: '09187',
    patient_id: 'PATIENT-123',
    sex: 'female',
    age_years: 34,
    test_code: '75377-2',
    result: 'positive',
    ...over,
  };
}

export const ndjson = (items: unknown[]) => items.map((i) => JSON.stringify(i)).join('\n');

/**
 * POSTs events as JSON bodies, one per hospital_id, each with that hospital's key (a hospital
 * not yet registered is registered first), expects 200 for each, and waits until they are
 * counted and evaluated.
 */
export async function postAndSettle(p: TestPipeline, events: unknown[]): Promise<void> {
  const byHospital = new Map<string, unknown[]>();
  for (const e of events) {
    const h = (e as { hospital_id?: unknown } | null)?.hospital_id;
    const id = typeof h === 'string' ? h : TEST_HOSPITAL;
    byHospital.set(id, [...(byHospital.get(id) ?? []), e]);
  }
  for (const [id, batch] of byHospital) {
    if (!Object.hasOwn(p.keys, id)) await registerHospital(p, id);
    const res = await p.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { 'content-type': 'application/json', ...ingestHeaders(p, id) },
      payload: JSON.stringify(batch),
    });
    expect(res.statusCode, res.body).toBe(200);
  }
  await p.settle();
}
