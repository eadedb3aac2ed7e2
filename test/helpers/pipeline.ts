import { expect } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../../cli/config.ts';
import { startPipeline, type Pipeline } from '../../cli/pipeline.ts';
import { createLogger } from '../../platform/logger.ts';
import type { Clock } from '../../platform/clock.ts';
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
 * listening: tests talk to it through `app.inject()`.
 */
export async function startTestPipeline(
  options: { env?: Record<string, string>; clock?: Clock; dir?: string; authenticate?: Authenticate } = {},
): Promise<Pipeline & { dir: string; cleanup(): Promise<void> }> {
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
  return Object.assign(pipeline, {
    dir,
    async cleanup() {
      await pipeline.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  });
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

/** POSTs events as one JSON body, expects 200, and waits until they are counted and evaluated. */
export async function postAndSettle(p: Awaited<ReturnType<typeof startTestPipeline>>, events: unknown[]): Promise<void> {
  const res = await p.app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(events),
  });
  expect(res.statusCode).toBe(200);
  await p.settle();
}
